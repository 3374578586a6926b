from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, freeze_time, tagged

from .common import ServiceContractsCommon


@tagged("post_install", "-at_install")
class TestPriceRevision(ServiceContractsCommon):
    def _revision_notes(self, contract):
        return contract.message_ids.filtered(
            lambda m: "Prices revised" in (m.body or "")
        )

    def test_invoiced_periods_untouched_next_invoice_new_price(self):
        contract = self._create_active_contract(date_start="2026-01-01")
        with freeze_time("2026-01-01"):
            self._run_invoice_cron()
        january = contract.invoice_ids
        self.assertEqual(january.amount_untaxed, 100.0)
        january_write_date = january.write_date
        with freeze_time("2026-01-20"):
            contract.with_user(self.user_contract_manager).action_revise_prices(3)
        self.assertEqual(contract.line_ids.price_unit, 103.0)
        self.assertEqual(contract.amount_untaxed, 103.0)
        # the invoiced period and its invoice are as they were
        self.assertEqual(len(contract.period_ids), 1)
        self.assertEqual(january.amount_untaxed, 100.0)
        self.assertEqual(january.invoice_line_ids.price_unit, 100.0)
        self.assertEqual(january.write_date, january_write_date)
        self.assertEqual(contract.period_ids.invoice_id, january)
        # the next period is invoiced at the new price
        with freeze_time("2026-02-01"):
            self._run_invoice_cron()
        february = contract.invoice_ids - january
        self.assertEqual(february.invoice_line_ids.price_unit, 103.0)
        self.assertEqual(february.amount_untaxed, 103.0)
        self.assertEqual(january.amount_untaxed, 100.0)
        # one note, with each line old → new and the first period concerned
        [note] = self._revision_notes(contract)
        self.assertIn("+3 %", note.body)
        self.assertIn("02/01/2026", note.body)
        self.assertIn("Repair cover: $&nbsp;100.00 → $&nbsp;103.00", note.body)
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(note.author_id, self.user_contract_manager.partner_id)

    def test_in_arrears_the_running_period_takes_the_new_price(self):
        """In arrears, the period running when prices are revised is not
        invoiced yet: it is the next period not invoiced, invoiced in full at
        the new price at its end."""
        contract = self._create_active_contract(
            invoicing_period="quarter", invoice_in_arrears=True
        )
        with freeze_time("2026-03-31"):
            self._run_invoice_cron()
        first_quarter = contract.invoice_ids
        with freeze_time("2026-05-15"):
            contract.action_revise_prices(-10)
        [note] = self._revision_notes(contract)
        self.assertIn("-10 %", note.body)
        self.assertIn("04/01/2026", note.body)
        with freeze_time("2026-06-30"):
            self._run_invoice_cron()
        second_quarter = contract.invoice_ids - first_quarter
        self.assertEqual(first_quarter.invoice_line_ids.price_unit, 100.0)
        self.assertEqual(second_quarter.invoice_line_ids.price_unit, 90.0)

    def test_rounding_to_currency(self):
        contract = self._create_active_contract(
            lines=[
                Command.create({"name": "A", "price_unit": 19.99}),
                Command.create({"name": "B", "price_unit": 0.05, "quantity": 3}),
                Command.create({"name": "Free", "price_unit": 0.0}),
            ]
        )
        contract.action_revise_prices(3.3)
        # 19.99 × 1.033 = 20.64967; 0.05 × 1.033 = 0.05165
        self.assertEqual(contract.line_ids.mapped("price_unit"), [20.65, 0.05, 0.0])
        self.assertAlmostEqual(contract.amount_untaxed, 20.80)
        [note] = self._revision_notes(contract)
        self.assertIn("A: $&nbsp;19.99 → $&nbsp;20.65", note.body)
        self.assertIn("B: $&nbsp;0.05 → $&nbsp;0.05", note.body)
        with freeze_time("2026-01-01"):
            self._run_invoice_cron()
        self.assertEqual(
            contract.invoice_ids.invoice_line_ids.mapped("price_unit"),
            [20.65, 0.05, 0.0],
        )
        # lowering by 100 % makes the contract free
        contract.action_revise_prices(-100)
        self.assertEqual(contract.line_ids.mapped("price_unit"), [0.0, 0.0, 0.0])

    def test_refusals(self):
        contract = self._create_active_contract(date_end="2026-02-28")
        for percent in (-100.01, -250, float("nan"), float("inf"), 0, "ten", None):
            with self.subTest(percent=percent), self.assertRaises(UserError):
                contract.action_revise_prices(percent)
        self.assertEqual(contract.line_ids.price_unit, 100.0)
        quote = self._create_contract()
        cancelled = self._create_active_contract()
        cancelled.action_cancel()
        expired = self._create_active_contract(date_end="2026-01-31")
        with freeze_time("2026-02-02"):
            self._run_expire_cron()
        self.assertEqual(expired.state, "expired")
        for other in (quote, cancelled, expired):
            with self.subTest(state=other.state):
                with self.assertRaisesRegex(UserError, "only the prices of active"):
                    other.action_revise_prices(5)
                self.assertEqual(other.line_ids.price_unit, 100.0)
                self.assertFalse(self._revision_notes(other))
        # every period invoiced up to the end date: nothing left to charge
        with freeze_time("2026-02-01"):
            self._run_invoice_cron()
        self.assertFalse(contract.next_invoice_date)
        with self.assertRaisesRegex(UserError, "invoiced already"):
            contract.action_revise_prices(5)
        # one refused contract among many: nothing is changed
        running = self._create_active_contract()
        with self.assertRaises(UserError):
            (running | cancelled).action_revise_prices(5)
        self.assertEqual(running.line_ids.price_unit, 100.0)

    def test_rights(self):
        contract = self._create_active_contract()
        for user in (self.portal_user, self.user_service):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                contract.with_user(user).action_revise_prices(5)
        self.assertEqual(contract.line_ids.price_unit, 100.0)
        # a service manager without accounting rights may revise prices
        contract.with_user(self.user_manager_no_billing).action_revise_prices(5)
        self.assertEqual(contract.line_ids.price_unit, 105.0)

    def test_wizard_on_many(self):
        monthly = self._create_active_contract(price=100.0)
        quarterly = self._create_active_contract(
            price=250.0,
            invoicing_period="quarter",
            partner=self.other_customer,
        )
        with freeze_time("2026-01-01"):
            self._run_invoice_cron()
        contracts = monthly | quarterly
        wizard_form = Form(
            self.env["service.contract.revise.prices"]
            .with_user(self.user_contract_manager)
            .with_context(active_model="service.contract", active_ids=contracts.ids)
        )
        self.assertEqual(wizard_form.contract_count, 2)
        wizard_form.percent = 2.5
        wizard = wizard_form.save()
        self.assertEqual(wizard.contract_ids, contracts)
        result = wizard.action_confirm()
        self.assertEqual(result["type"], "ir.actions.act_window_close")
        self.assertEqual(monthly.line_ids.price_unit, 102.5)
        self.assertEqual(quarterly.line_ids.price_unit, 256.25)
        self.assertEqual(len(self._revision_notes(monthly)), 1)
        self.assertEqual(len(self._revision_notes(quarterly)), 1)
        self.assertIn("04/01/2026", self._revision_notes(quarterly).body)
        # the invoices of January keep the old prices
        self.assertEqual(
            sorted(contracts.invoice_ids.mapped("amount_untaxed")), [100.0, 250.0]
        )
        self.assertEqual(monthly.next_invoice_date, date(2026, 2, 1))

    def test_wizard_bound_to_the_contract_list(self):
        action = self.env.ref("service_contracts.service_contract_revise_prices_action")
        self.assertEqual(action.binding_model_id.model, "service.contract")
        self.assertEqual(action.binding_view_types, "list")
        self.assertEqual(
            action.group_ids,
            self.env.ref("service_portal.service_portal_group_manager"),
        )
        # service users neither see it nor open the wizard
        with self.assertRaises(AccessError):
            self.env["service.contract.revise.prices"].with_user(
                self.user_service
            ).create({"percent": 5})
