from datetime import date

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.service_portal.tests.portal_rpc import (
    call_is_refused,
    public_methods,
)

from .common import ServiceContractsCommon

# Public methods of our models that portal users may call (none today).
PORTAL_ALLOWED_METHODS = set()
CONTRACT_MODELS = [
    "service.contract",
    "service.contract.line",
    "service.contract.period",
    "service.contract.cancel",
    "service.contract.revise.prices",
    "service.contract.template",
    "service.contract.template.line",
    "account.move",
]


@tagged("post_install", "-at_install")
class TestContract(ServiceContractsCommon):
    def test_create_quote(self):
        contract = self._create_contract()
        self.assertEqual(contract.state, "quote")
        self.assertTrue(contract.name.startswith("SC/"))
        self.assertEqual(contract.currency_id, self.company.currency_id)
        self.assertEqual(contract.journal_id.type, "sale")
        self.assertEqual(contract.journal_id.company_id, self.company)
        self.assertEqual(contract.amount_untaxed, 100.0)
        self.assertEqual(contract.line_ids.device_model_id, self.model_phone)
        self.assertEqual(contract.line_ids.tax_ids, self.tax_sale_a)
        # the first invoice is planned for the start (in advance)
        self.assertEqual(contract.next_invoice_date, date(2026, 1, 1))
        self.assertIn(self.customer, contract.message_partner_ids)

    def test_form_line_from_service_item(self):
        with Form(self.env["service.contract"]) as form:
            form.partner_id = self.customer
            with form.line_ids.new() as line:
                line.service_item_id = self.item_phone
                line.price_unit = 30.0
        contract = form.save()
        self.assertEqual(contract.line_ids.device_model_id, self.model_phone)
        self.assertIn("SN-PHONE-1", contract.line_ids.name)
        self.assertEqual(
            contract.line_ids.product_id,
            self.env.ref("service_contracts.product_service_contract"),
        )

    def test_accept_then_refusals(self):
        contract = self._create_contract()
        contract.action_accept()
        self.assertEqual(contract.state, "active")
        self.assertTrue(contract.date_accepted)
        # double click: the second accept is refused, nothing changes
        with self.assertRaises(UserError):
            contract.action_accept()
        with self.assertRaises(UserError):
            contract.action_renew()  # no end date
        contract.action_cancel(reason="Customer moved away")
        self.assertEqual(contract.state, "cancelled")
        self.assertEqual(contract.cancel_reason, "Customer moved away")
        with self.assertRaises(UserError):
            contract.action_cancel()
        with self.assertRaises(UserError):
            contract.action_accept()

    def test_accept_needs_lines(self):
        contract = self.env["service.contract"].create({"partner_id": self.customer.id})
        with self.assertRaises(UserError):
            contract.action_accept()
        self.assertEqual(contract.state, "quote")

    def test_cancel_wizard(self):
        contract = self._create_active_contract()
        action = contract.action_open_cancel_wizard()
        wizard = (
            self.env["service.contract.cancel"]
            .with_context(**action["context"])
            .create({"reason": "Too expensive"})
        )
        wizard.action_confirm()
        self.assertEqual(contract.state, "cancelled")
        self.assertEqual(contract.cancel_reason, "Too expensive")

    def test_dates(self):
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.cr.savepoint(),
        ):
            self._create_contract(date_start="2026-05-01", date_end="2026-04-30")
        contract = self._create_contract(date_start="2026-01-31")
        self.assertEqual(contract._get_period_start(1), date(2026, 2, 28))
        self.assertEqual(contract._get_period_start(2), date(2026, 3, 31))

    @freeze_time("2027-01-05")
    def test_expire_cron(self):
        ended = self._create_active_contract(date_end="2026-12-31")
        running = self._create_active_contract(date_end="2027-01-05")
        quote = self._create_contract(date_end="2026-06-30")
        self._run_expire_cron()
        self.assertEqual(ended.state, "expired")
        self.assertEqual(running.state, "active")
        self.assertEqual(quote.state, "quote")

    def test_renew(self):
        contract = self._create_active_contract(
            date_start="2026-01-01", date_end="2026-12-31", response_time_hours=4
        )
        action = contract.action_renew()
        renewal = self.env["service.contract"].browse(action["res_id"])
        self.assertEqual(renewal.state, "quote")
        self.assertEqual(renewal.previous_contract_id, contract)
        self.assertEqual(renewal.date_start, date(2027, 1, 1))
        self.assertEqual(renewal.date_end, date(2027, 12, 31))
        self.assertEqual(renewal.response_time_hours, 4)
        self.assertEqual(len(renewal.line_ids), 1)
        self.assertNotEqual(renewal.name, contract.name)
        self.assertEqual(contract.renewal_count, 1)
        # double click: renewing twice is refused
        with self.assertRaises(UserError):
            contract.action_renew()

    def test_quote_send_composer(self):
        contract = self._create_contract()
        action = contract.action_quotation_send()
        self.assertEqual(action["res_model"], "mail.compose.message")
        composer = (
            self.env["mail.compose.message"]
            .with_context(**action["context"])
            .create({})
        )
        self.assertIn(contract.name, composer.subject)
        composer.action_send_mail()
        mail = self.env["mail.mail"].search(
            [("model", "=", "service.contract"), ("res_id", "=", contract.id)]
        )
        self.assertEqual(len(mail), 1, "the quote is queued once")
        self.assertEqual(mail.state, "outgoing")
        self.assertIn(contract.access_url, str(mail.body_html))
        self.assertTrue(contract.access_token)
        contract.action_accept()
        with self.assertRaises(UserError):
            contract.action_quotation_send()

    def test_unlink(self):
        contract = self._create_active_contract()
        with self.assertRaises(UserError):
            contract.unlink()
        quote = self._create_contract()
        quote.unlink()
        self.assertFalse(quote.exists())

    def test_no_report_so_no_report_filename(self):
        """Contracts are not printed: no report, and no report file name
        (dead code removed, issue 13)."""
        Report = self.env["ir.actions.report"]
        self.assertFalse(Report.search([("model", "=", "service.contract")]))
        own = [
            cls
            for cls in type(self.env["service.contract"]).__mro__
            if cls.__module__.startswith("odoo.addons.service_contracts")
            and "_get_report_base_filename" in vars(cls)
        ]
        self.assertFalse(own)


@tagged("post_install", "-at_install")
class TestContractAccess(ServiceContractsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract_alice = cls._create_contract()
        cls.contract_bob = cls._create_contract(partner=cls.colleague)
        cls.contract_oscar = cls._create_contract(partner=cls.other_customer)

    def test_portal_reads_own_company_contracts_only(self):
        Contract = self.env["service.contract"].with_user(self.portal_user)
        self.assertEqual(Contract.search([]), self.contract_alice | self.contract_bob)
        Line = self.env["service.contract.line"].with_user(self.portal_user)
        self.assertEqual(
            Line.search([]), (self.contract_alice | self.contract_bob).line_ids
        )
        with self.assertRaises(AccessError):
            self.contract_oscar.with_user(self.portal_user).read(["name"])
        Contract_oscar = self.env["service.contract"].with_user(self.portal_other)
        self.assertEqual(Contract_oscar.search([]), self.contract_oscar)
        with self.assertRaises(AccessError):
            self.env["service.contract.period"].with_user(self.portal_user).search([])

    def test_portal_cannot_write(self):
        contract = self.contract_alice.with_user(self.portal_user)
        with self.assertRaises(AccessError):
            contract.write({"date_end": "2030-01-01"})
        with self.assertRaises(AccessError):
            contract.line_ids.write({"price_unit": 0})
        with self.assertRaises(AccessError):
            self.env["service.contract"].with_user(self.portal_user).create(
                {"partner_id": self.customer.id}
            )
        with self.assertRaises(AccessError):
            contract.unlink()

    def test_portal_cannot_call_public_methods(self):
        """Every public method this addon defines refuses a portal user."""
        self.contract_alice.action_accept()
        price = self.contract_alice.line_ids.price_unit
        period = self.env["service.contract.period"].create(
            {
                "contract_id": self.contract_alice.id,
                "date_start": "2026-01-01",
                "date_end": "2026-01-31",
            }
        )
        wizard = self.env["service.contract.cancel"].create(
            {"contract_ids": [Command.set(self.contract_alice.ids)], "reason": "x"}
        )
        revise_wizard = self.env["service.contract.revise.prices"].create(
            {"contract_ids": [Command.set(self.contract_alice.ids)], "percent": 5}
        )
        template = self.env["service.contract.template"].create(
            {"name": "Template", "line_ids": [Command.create({"name": "Cover"})]}
        )
        move = self.env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": self.customer.id}
        )
        records = {
            "service.contract": self.contract_alice,
            "service.contract.line": self.contract_alice.line_ids,
            "service.contract.period": period,
            "service.contract.cancel": wizard,
            "service.contract.revise.prices": revise_wizard,
            "service.contract.template": template,
            "service.contract.template.line": template.line_ids,
            "account.move": move,
        }
        checked = 0
        for model_name in CONTRACT_MODELS:
            record = records[model_name].with_user(self.portal_user)
            methods = public_methods(record, "odoo.addons.service_contracts")
            for method in sorted(methods):
                if (model_name, method) in PORTAL_ALLOWED_METHODS:
                    continue
                checked += 1
                with self.subTest(model=model_name, method=method):
                    self.assertTrue(
                        call_is_refused(self.cr, record, method, record.id),
                        f"{model_name}.{method}() did not refuse a portal user",
                    )
        self.assertGreaterEqual(checked, 11)
        self.assertEqual(self.contract_alice.state, "active")
        self.assertEqual(self.contract_alice.line_ids.price_unit, price)

    def test_service_user_reads_only(self):
        Contract = self.env["service.contract"].with_user(self.user_service)
        self.assertIn(self.contract_alice, Contract.search([]))
        with self.assertRaises(AccessError):
            self.contract_alice.with_user(self.user_service).action_accept()
        with self.assertRaises(AccessError):
            Contract.create({"partner_id": self.customer.id})
        with self.assertRaises(AccessError):
            self.contract_alice.with_user(self.user_service).write({"note": "x"})
        # an employee without the service app sees no contract
        employee = new_test_user(
            self.env, login="sc_employee", groups="base.group_user"
        )
        with self.assertRaises(AccessError):
            self.env["service.contract"].with_user(employee).search([])

    def test_manager_manages(self):
        Contract = self.env["service.contract"].with_user(self.user_manager_no_billing)
        contract = Contract.create(
            {
                "partner_id": self.customer.id,
                "line_ids": [Command.create({"name": "Cover", "price_unit": 10})],
            }
        )
        contract.action_accept()
        self.assertEqual(contract.state, "active")
        # invoicing needs Odoo's billing rights too
        with self.assertRaises(AccessError):
            contract.action_invoice_now()
        self.assertFalse(contract.sudo().invoice_ids)

    def test_form_without_accounting_rights(self):
        """Service staff without accounting rights open an invoiced contract:
        they see the invoice count and numbers, not the invoices themselves."""
        with freeze_time("2026-02-10"):
            self.contract_alice.action_accept()
            self.contract_alice.action_invoice_now()
        for user in (self.user_service, self.user_manager_no_billing):
            with self.subTest(user=user.login):
                form = Form(self.contract_alice.with_user(user))
                self.assertEqual(form.state, "active")
                self.assertEqual(len(form.period_ids), 2)
                contract = self.contract_alice.with_user(user)
                self.assertEqual(contract.invoice_count, 2)
                self.assertEqual(
                    contract.period_ids.mapped("invoice_name"),
                    contract.sudo().invoice_ids.sorted("id").mapped("name"),
                )
                with self.assertRaises(AccessError):
                    self.contract_alice.with_user(user).action_view_invoices()
        action = self.contract_alice.with_user(
            self.user_contract_manager
        ).action_view_invoices()
        self.assertEqual(action["res_model"], "account.move")

    def test_multi_company(self):
        company_b = self.env["res.company"].create({"name": "Contracts Company B"})
        contract_b = self.env["service.contract"].create(
            {
                "partner_id": self.other_customer.id,
                "company_id": company_b.id,
                "line_ids": [Command.create({"name": "Cover B", "price_unit": 5})],
            }
        )
        user_b = new_test_user(
            self.env,
            login="sc_manager_b",
            groups="service_portal.service_portal_group_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        Contract_b = self.env["service.contract"].with_user(user_b)
        self.assertEqual(Contract_b.search([]), contract_b)
        with self.assertRaises(AccessError):
            self.contract_alice.with_user(user_b).read(["name"])
        with self.assertRaises(AccessError):
            self.contract_alice.with_user(user_b).action_accept()
        Contract_a = self.env["service.contract"].with_user(self.user_contract_manager)
        self.assertNotIn(contract_b, Contract_a.search([]))
        self.assertEqual(self.contract_alice.state, "quote")

    def test_refusals_name_the_group_needed(self):
        """One rights check for every action (``_check_action_rights`` of
        service.state.mixin): the refusal names the group that may do it."""
        self.contract_alice.action_accept()
        manager_only = "reserved to Service / Administrator"
        with self.assertRaisesRegex(AccessError, manager_only):
            self.contract_alice.with_user(self.user_service).action_renew()
        with self.assertRaisesRegex(AccessError, "reserved to Accounting / Invoicing"):
            self.contract_alice.with_user(
                self.user_manager_no_billing
            ).action_invoice_now()
        with self.assertRaisesRegex(AccessError, "reserved to Accounting"):
            self.contract_alice.with_user(self.user_service).action_view_invoices()
        accountant = new_test_user(
            self.env, login="sc_accountant_only", groups="account.group_account_invoice"
        )
        with self.assertRaisesRegex(AccessError, "reserved to Service / User"):
            self.contract_alice.with_user(accountant).action_view_covered_orders()
        loaner = self.env["service.loan.item"].create({"name": "Rights loaner"})
        with self.assertRaisesRegex(AccessError, manager_only):
            loaner.with_user(self.user_service).action_set_unavailable()
        with self.assertRaisesRegex(AccessError, "reserved to Service / User"):
            loaner.with_user(accountant).action_view_loans()
        # the actions still run for those who may
        self.contract_alice.with_user(self.user_contract_manager).action_view_renewals()
        loaner.with_user(self.user_service).action_view_loans()
