from datetime import date
from unittest.mock import patch

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

from .common import ServiceContractsCommon


@tagged("post_install", "-at_install")
class TestContractInvoicing(ServiceContractsCommon):
    def _periods(self, contract):
        return [(p.date_start, p.date_end) for p in contract.period_ids]

    def _labels(self, contract):
        return contract.invoice_ids.sorted("id").invoice_line_ids.mapped("name")

    def test_monthly_in_advance(self):
        contract = self._create_active_contract(date_start="2026-01-01")
        with freeze_time("2025-12-31"):
            self._run_invoice_cron()
        self.assertFalse(contract.invoice_ids, "nothing is due before the start")
        with freeze_time("2026-01-01"):
            self._run_invoice_cron()
        invoice = contract.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.invoice_origin, contract.name)
        self.assertEqual(invoice.partner_id, self.customer)
        self.assertEqual(invoice.journal_id, contract.journal_id)
        self.assertEqual(invoice.invoice_date, date(2026, 1, 1))
        self.assertEqual(
            invoice.invoice_line_ids.name, "Repair cover — 2026-01-01 to 2026-01-31"
        )
        self.assertEqual(invoice.invoice_line_ids.price_unit, 100.0)
        self.assertEqual(invoice.invoice_line_ids.tax_ids, self.tax_sale_a)
        self.assertEqual(invoice.amount_untaxed, 100.0)
        self.assertEqual(contract.next_invoice_date, date(2026, 2, 1))
        with freeze_time("2026-01-31"):
            self._run_invoice_cron()
        self.assertEqual(len(contract.invoice_ids), 1)
        with freeze_time("2026-02-01"):
            self._run_invoice_cron()
        self.assertEqual(
            self._labels(contract),
            [
                "Repair cover — 2026-01-01 to 2026-01-31",
                "Repair cover — 2026-02-01 to 2026-02-28",
            ],
        )
        self.assertEqual(contract.next_invoice_date, date(2026, 3, 1))

    def test_quarterly_in_arrears(self):
        contract = self._create_active_contract(
            invoicing_period="quarter", invoice_in_arrears=True
        )
        self.assertEqual(contract.next_invoice_date, date(2026, 3, 31))
        with freeze_time("2026-03-30"):
            self._run_invoice_cron()
        self.assertFalse(contract.invoice_ids)
        with freeze_time("2026-03-31"):
            self._run_invoice_cron()
        self.assertEqual(
            self._labels(contract), ["Repair cover — 2026-01-01 to 2026-03-31"]
        )
        self.assertEqual(contract.next_invoice_date, date(2026, 6, 30))
        with freeze_time("2026-07-01"):
            self._run_invoice_cron()
        self.assertEqual(
            self._periods(contract),
            [
                (date(2026, 1, 1), date(2026, 3, 31)),
                (date(2026, 4, 1), date(2026, 6, 30)),
            ],
        )

    def test_half_year_and_year(self):
        half = self._create_active_contract(invoicing_period="half_year")
        year = self._create_active_contract(invoicing_period="year")
        with freeze_time("2026-06-30"):
            self._run_invoice_cron()
        self.assertEqual(len(half.invoice_ids), 1)
        self.assertEqual(len(year.invoice_ids), 1)
        with freeze_time("2026-07-01"):
            self._run_invoice_cron()
        self.assertEqual(
            self._periods(half),
            [
                (date(2026, 1, 1), date(2026, 6, 30)),
                (date(2026, 7, 1), date(2026, 12, 31)),
            ],
        )
        self.assertEqual(self._periods(year), [(date(2026, 1, 1), date(2026, 12, 31))])
        with freeze_time("2027-01-01"):
            self._run_invoice_cron()
        self.assertEqual(len(half.invoice_ids), 3)
        self.assertEqual(len(year.invoice_ids), 2)
        self.assertEqual(year.next_invoice_date, date(2028, 1, 1))

    def test_catch_up_three_periods(self):
        contract = self._create_active_contract(date_start="2026-01-01")
        with freeze_time("2026-03-10"):
            calls = self._run_invoice_cron()
            self.assertEqual(len(contract.invoice_ids), 3)
            self.assertEqual(
                self._labels(contract),
                [
                    "Repair cover — 2026-01-01 to 2026-01-31",
                    "Repair cover — 2026-02-01 to 2026-02-28",
                    "Repair cover — 2026-03-01 to 2026-03-31",
                ],
            )
            self.assertEqual(calls, [(1, 0)])
            # run again: nothing new
            self._run_invoice_cron()
            self.assertEqual(len(contract.invoice_ids), 3)
            self.assertEqual(len(contract.period_ids), 3)

    def test_end_date_and_last_period_pro_rata(self):
        contract = self._create_active_contract(
            date_start="2026-01-01", date_end="2026-03-15"
        )
        with freeze_time("2026-06-01"):
            self._run_invoice_cron()
            self._run_invoice_cron()
        self.assertEqual(len(contract.invoice_ids), 3)
        last_line = contract.invoice_ids.sorted("id")[-1].invoice_line_ids
        self.assertEqual(
            last_line.name, "Repair cover — 2026-03-01 to 2026-03-15 (pro rata)"
        )
        self.assertAlmostEqual(last_line.price_unit, round(100.0 * 15 / 31, 2))
        self.assertFalse(contract.next_invoice_date)
        self.assertFalse(
            contract.period_ids.filtered(lambda p: p.date_end > contract.date_end)
        )
        # expired contracts in arrears still get their last period invoiced
        arrears = self._create_active_contract(
            date_start="2026-01-01", date_end="2026-02-28", invoice_in_arrears=True
        )
        with freeze_time("2026-03-05"):
            self._run_expire_cron()
            self.assertEqual(arrears.state, "expired")
            self._run_invoice_cron()
        self.assertEqual(len(arrears.invoice_ids), 2)
        self.assertFalse(arrears.next_invoice_date)

    def test_quotes_and_cancelled_not_invoiced(self):
        quote = self._create_contract()
        cancelled = self._create_active_contract()
        with freeze_time("2026-01-01"):
            cancelled.action_cancel()
            self._run_invoice_cron()
        self.assertFalse(quote.invoice_ids)
        self.assertFalse(cancelled.invoice_ids)
        self.assertFalse(cancelled.next_invoice_date)

    def test_schedule_frozen_once_invoiced(self):
        contract = self._create_active_contract()
        with freeze_time("2026-01-01"):
            self._run_invoice_cron()
        with self.assertRaises(UserError):
            contract.write({"invoicing_period": "year"})
        with self.assertRaises(UserError):
            contract.write({"date_start": "2026-01-02"})
        contract.write({"date_start": "2026-01-01", "response_time_hours": 8})
        with self.assertRaises(UserError):
            contract.write({"date_end": "2026-01-15"})

    def test_ledger_unique_constraint(self):
        contract = self._create_active_contract()
        with freeze_time("2026-01-01"):
            self._run_invoice_cron()
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.cr.savepoint(),
        ):
            self.env["service.contract.period"].create(
                {
                    "contract_id": contract.id,
                    "date_start": "2026-01-01",
                    "date_end": "2026-01-31",
                }
            )
        self.assertEqual(len(contract.period_ids), 1)

    def test_failure_isolation(self):
        good = self._create_active_contract()
        bad = self._create_active_contract(partner=self.other_customer)
        also_good = self._create_active_contract(partner=self.colleague)
        Contract = self.env.registry["service.contract"]
        original = Contract._prepare_invoice_values

        def failing(contract, period):
            if contract == bad:
                raise UserError("Simulated accounting failure")  # pylint: disable=translation-required
            return original(contract, period)

        with (
            freeze_time("2026-02-01"),
            patch.object(Contract, "_prepare_invoice_values", failing),
            mute_logger("odoo.addons.service_contracts.models.service_contract"),
        ):
            calls = self._run_invoice_cron(batch_size=2)
        self.assertEqual(len(good.invoice_ids), 2)
        self.assertEqual(len(also_good.invoice_ids), 2)
        self.assertFalse(bad.invoice_ids)
        self.assertFalse(bad.period_ids, "the failed period is not recorded")
        self.assertEqual(calls, [(2, 1), (1, 0)])
        # a re-run while the contract still fails invoices nothing more
        with (
            freeze_time("2026-02-01"),
            patch.object(Contract, "_prepare_invoice_values", failing),
            mute_logger("odoo.addons.service_contracts.models.service_contract"),
        ):
            self._run_invoice_cron(batch_size=2)
        self.assertEqual(len(good.invoice_ids), 2)
        self.assertEqual(len(also_good.invoice_ids), 2)
        self.assertFalse(bad.period_ids)
        # next run: the failed contract is retried, the others not repeated
        with freeze_time("2026-02-02"):
            self._run_invoice_cron()
        self.assertEqual(len(bad.invoice_ids), 2)
        self.assertEqual(len(good.invoice_ids), 2)
        self.assertEqual(len(also_good.invoice_ids), 2)

    def _count_calls(self, model, method):
        """Patch ``method`` of ``model`` to record the records (or the number
        of values) of each call; returns the patcher and the list."""
        Model = self.env.registry[model]
        original = getattr(Model, method)
        calls = []

        def counting(records, *args, **kwargs):
            vals = args[0] if args else None
            calls.append(len(vals) if isinstance(vals, list) else len(records))
            return original(records, *args, **kwargs)

        return patch.object(Model, method, counting), calls

    def test_batch_one_create_one_post(self):
        """A batch is invoiced with one ledger create, one invoice create and
        one posting, each invoice tied to its own period."""
        contracts = (
            self._create_active_contract()
            | self._create_active_contract(partner=self.other_customer, price=80.0)
            | self._create_active_contract(partner=self.colleague, price=60.0)
        )
        patch_create, creates = self._count_calls("account.move", "create")
        patch_post, posts = self._count_calls("account.move", "action_post")
        patch_ledger, ledgers = self._count_calls("service.contract.period", "create")
        with freeze_time("2026-02-01"), patch_create, patch_post, patch_ledger:
            calls = self._run_invoice_cron()
        self.assertEqual(calls, [(3, 0)])
        self.assertEqual(creates, [6], "one create for the 3 x 2 periods")
        self.assertEqual(posts, [6], "one posting")
        self.assertEqual(ledgers, [6], "one create of the ledger rows")
        invoices = contracts.invoice_ids
        self.assertEqual(len(invoices), 6)
        self.assertEqual(set(invoices.mapped("state")), {"posted"})
        self.assertEqual(len(set(invoices.mapped("name"))), 6)
        for contract in contracts:
            self.assertEqual(len(contract.period_ids), 2)
            self.assertEqual(contract.next_invoice_date, date(2026, 3, 1))
            for period in contract.period_ids:
                invoice = period.invoice_id
                self.assertEqual(invoice.service_contract_id, contract)
                self.assertEqual(invoice.partner_id, contract.partner_id)
                self.assertEqual(
                    invoice.invoice_line_ids.name,
                    f"Repair cover — {period.date_start} to {period.date_end}",
                )
                self.assertEqual(invoice.amount_untaxed, contract.line_ids.price_unit)
                note = invoice.message_ids.filtered(
                    lambda m: "created by the contract" in (m.body or "")
                )
                self.assertEqual(len(note), 1)
                self.assertIn(contract.name, note.body)
        with freeze_time("2026-02-01"):
            self.assertEqual(self._run_invoice_cron(), [])
        self.assertEqual(len(contracts.invoice_ids), 6)

    def test_batch_failure_when_posting(self):
        """The posting of a batch fails for one contract (an accounting error
        inside Odoo): the batch is undone and invoiced again one contract at
        a time; the others are invoiced once, the failing one is retried on
        each run and invoiced once it can be."""
        good = self._create_active_contract()
        bad = self._create_active_contract(partner=self.other_customer)
        also_good = self._create_active_contract(partner=self.colleague)
        AccountMove = self.env.registry["account.move"]
        original = AccountMove._post

        def failing_post(moves, soft=True):
            if bad.partner_id in moves.partner_id:
                raise UserError("Simulated posting failure")  # pylint: disable=translation-required
            return original(moves, soft=soft)

        def run(post=failing_post):
            with (
                freeze_time("2026-02-01"),
                patch.object(AccountMove, "_post", post),
                mute_logger("odoo.addons.service_contracts.models.service_contract"),
            ):
                return self._run_invoice_cron()

        self.assertEqual(run(), [(3, 0)])
        for contract in good | also_good:
            self.assertEqual(len(contract.invoice_ids), 2)
            self.assertEqual(len(contract.period_ids), 2)
            self.assertEqual(contract.period_ids.invoice_id, contract.invoice_ids)
        self.assertFalse(bad.invoice_ids)
        self.assertFalse(bad.period_ids, "the failed periods are not recorded")
        self.assertEqual(bad.next_invoice_date, date(2026, 1, 1))
        # re-run, still failing: nothing more for anyone
        self.assertEqual(run(), [(1, 0)], "only the failed contract is due")
        self.assertEqual(len((good | also_good).invoice_ids), 4)
        self.assertFalse(bad.invoice_ids)
        # fixed: the failed contract catches up, once
        run(post=original)
        run(post=original)
        self.assertEqual(len(bad.invoice_ids), 2)
        self.assertEqual(len(bad.period_ids), 2)
        self.assertEqual(len((good | also_good).invoice_ids), 4)

    def test_batch_period_recorded_meanwhile(self):
        """One period of a batch was recorded by another transaction (the
        ledger's unique index refuses it): the others are invoiced, that
        period is not invoiced twice and the contract goes on afterwards."""
        first = self._create_active_contract()
        taken = self._create_active_contract(partner=self.other_customer)
        last = self._create_active_contract(partner=self.colleague)
        # raw SQL: this transaction's cache still sees no invoiced period
        self.env.cr.execute(
            "INSERT INTO service_contract_period "
            "(contract_id, company_id, sequence, date_start, date_end) "
            "VALUES (%s, %s, 0, '2026-01-01', '2026-01-31')",
            [taken.id, taken.company_id.id],
        )
        with (
            freeze_time("2026-01-10"),
            mute_logger(
                "odoo.sql_db",
                "odoo.addons.service_contracts.models.service_contract",
            ),
        ):
            self._run_invoice_cron()
        self.assertEqual(len(first.invoice_ids), 1)
        self.assertEqual(len(last.invoice_ids), 1)
        self.env.invalidate_all()
        self.assertFalse(taken.invoice_ids)
        self.assertEqual(len(taken.period_ids), 1)
        with freeze_time("2026-02-01"):
            self._run_invoice_cron()
        self.assertEqual(
            self._labels(taken), ["Repair cover — 2026-02-01 to 2026-02-28"]
        )
        self.assertEqual(len(first.invoice_ids), 2)
        self.assertEqual(len(last.invoice_ids), 2)

    def test_invoice_now_then_cron(self):
        # in advance: the cron has not run yet this month
        contract = self._create_active_contract().with_user(self.user_contract_manager)
        with freeze_time("2026-02-10"):
            action = contract.action_invoice_now()
            self.assertEqual(action["res_model"], "account.move")
            self.assertEqual(
                self._labels(contract),
                [
                    "Repair cover — 2026-01-01 to 2026-01-31",
                    "Repair cover — 2026-02-01 to 2026-02-28",
                ],
            )
            self.assertEqual(contract.next_invoice_date, date(2026, 3, 1))
            # double click: nothing more to invoice, nothing created
            with self.assertRaises(UserError):
                contract.action_invoice_now()
            self._run_invoice_cron()
        self.assertEqual(len(contract.invoice_ids), 2)
        with freeze_time("2026-03-01"):
            self._run_invoice_cron()
            self._run_invoice_cron()
        self.assertEqual(len(contract.invoice_ids), 3)
        self.assertEqual(len(contract.period_ids), 3)

    def test_invoice_now_in_arrears(self):
        """In arrears, "Invoice now" invoices the running period early; the
        cron does not invoice it again at the period end."""
        contract = self._create_active_contract(invoice_in_arrears=True)
        with freeze_time("2026-01-10"):
            self._run_invoice_cron()
            self.assertFalse(contract.invoice_ids)
            contract.with_user(self.user_contract_manager).action_invoice_now()
            self.assertEqual(
                self._labels(contract), ["Repair cover — 2026-01-01 to 2026-01-31"]
            )
            self.assertEqual(contract.next_invoice_date, date(2026, 2, 28))
        with freeze_time("2026-01-31"):
            self._run_invoice_cron()
        self.assertEqual(len(contract.invoice_ids), 1)
        with freeze_time("2026-02-28"):
            self._run_invoice_cron()
        self.assertEqual(len(contract.invoice_ids), 2)
        self.assertEqual(len(contract.period_ids), 2)

    def test_invoice_now_refusals(self):
        quote = self._create_contract()
        with self.assertRaises(UserError):
            quote.action_invoice_now()
        ended = self._create_active_contract(date_end="2026-01-31")
        with freeze_time("2026-03-01"):
            ended.action_invoice_now()
            with self.assertRaises(UserError):
                ended.action_invoice_now()
        self.assertEqual(len(ended.invoice_ids), 1)
        future = self._create_active_contract(date_start="2026-04-01")
        with freeze_time("2026-03-01"), self.assertRaises(UserError):
            future.action_invoice_now()
        self.assertFalse(future.invoice_ids)
        # the same period recorded meanwhile by another transaction (raw SQL:
        # this transaction's cache still sees no invoiced period)
        contract = self._create_active_contract()
        self.assertFalse(contract.period_ids)
        self.env.cr.execute(
            "INSERT INTO service_contract_period "
            "(contract_id, company_id, sequence, date_start, date_end) "
            "VALUES (%s, %s, 0, '2026-01-01', '2026-01-31')",
            [contract.id, contract.company_id.id],
        )
        with (
            freeze_time("2026-01-10"),
            self.assertRaises(UserError),
            mute_logger("odoo.sql_db"),
        ):
            contract.action_invoice_now()
        self.env.invalidate_all()
        self.assertFalse(contract.invoice_ids)
        self.assertEqual(len(contract.period_ids), 1)

    def test_multi_company_journal_and_currency(self):
        currency = self.setup_other_currency("EUR")
        other = self.setup_other_company(name="Contracts EU", currency_id=currency.id)
        company_b = other["company"]
        self.assertEqual(company_b.currency_id, currency)
        contract_b = (
            self.env["service.contract"]
            .with_company(company_b)
            .create(
                {
                    "partner_id": self.other_customer.id,
                    "company_id": company_b.id,
                    "date_start": "2026-01-01",
                    "line_ids": [
                        Command.create({"name": "Cover EU", "price_unit": 80})
                    ],
                }
            )
        )
        contract_b.action_accept()
        contract_a = self._create_active_contract()
        self.assertEqual(contract_b.currency_id, currency)
        self.assertEqual(contract_b.journal_id.company_id, company_b)
        with freeze_time("2026-01-01"):
            self._run_invoice_cron()
        invoice_b = contract_b.invoice_ids
        self.assertEqual(len(invoice_b), 1)
        self.assertEqual(invoice_b.company_id, company_b)
        self.assertEqual(invoice_b.journal_id, other["default_journal_sale"])
        self.assertEqual(invoice_b.currency_id, currency)
        self.assertEqual(invoice_b.amount_untaxed, 80.0)
        invoice_a = contract_a.invoice_ids
        self.assertEqual(invoice_a.company_id, self.company)
        self.assertEqual(
            invoice_a.journal_id, self.company_data["default_journal_sale"]
        )
        self.assertEqual(invoice_a.currency_id, self.company.currency_id)
