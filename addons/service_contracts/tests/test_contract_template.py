from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import ServiceContractsCommon


@tagged("post_install", "-at_install")
class TestContractTemplate(ServiceContractsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar_247 = cls.env["resource.calendar"].create(
            {
                "name": "24/7",
                "company_id": cls.company.id,
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 0,
                            "hour_to": 24,
                        }
                    )
                    for day in range(7)
                ],
            }
        )
        cls.template = cls.env["service.contract.template"].create(
            {
                "name": "Clinic care, quarterly",
                "invoicing_period": "quarter",
                "invoice_in_arrears": True,
                "response_time_hours": 2.0,
                "resource_calendar_id": cls.calendar_247.id,
                "terms": "<p>Template terms</p>",
                "line_ids": [
                    Command.create(
                        {
                            "device_model_id": cls.model_phone.id,
                            "product_id": cls.product_cover.id,
                            "quantity": 4,
                            "price_unit": 12.5,
                        }
                    ),
                    Command.create(
                        {
                            "device_model_id": cls.model_laptop.id,
                            "name": "Laptops, next-day swap",
                            "price_unit": 30.0,
                        }
                    ),
                ],
            }
        )

    def _line_values(self, contract):
        return [
            (line.device_model_id, line.name, line.quantity, line.price_unit)
            for line in contract.line_ids
        ]

    def _assert_filled_from_template(self, contract):
        self.assertEqual(contract.template_id, self.template)
        self.assertEqual(contract.invoicing_period, "quarter")
        self.assertTrue(contract.invoice_in_arrears)
        self.assertEqual(contract.response_time_hours, 2.0)
        self.assertEqual(contract.resource_calendar_id, self.calendar_247)
        self.assertEqual(contract.note, "<p>Template terms</p>")
        self.assertEqual(
            self._line_values(contract),
            [
                (self.model_phone, "Testbrand Phone T1", 4.0, 12.5),
                (self.model_laptop, "Laptops, next-day swap", 1.0, 30.0),
            ],
        )
        phone_line, laptop_line = contract.line_ids
        self.assertEqual(phone_line.product_id, self.product_cover)
        self.assertEqual(phone_line.tax_ids, self.tax_sale_a)
        # no product on the template line: the contract line's default
        self.assertEqual(
            laptop_line.product_id,
            self.env.ref("service_contracts.product_service_contract"),
        )
        self.assertEqual(contract.amount_untaxed, 80.0)

    def test_template_line_name_from_model(self):
        self.assertEqual(self.template.line_ids[0].name, "Testbrand Phone T1")
        self.assertEqual(self.template.amount_untaxed, 80.0)
        self.assertEqual(self.template.currency_id, self.company.currency_id)

    def test_form_onchange_fills_the_quote(self):
        form = Form(self.env["service.contract"].with_user(self.user_contract_manager))
        form.partner_id = self.customer
        form.response_time_hours = 48.0
        with form.line_ids.new() as line:
            line.name = "Typed by hand"
            line.price_unit = 1.0
        form.template_id = self.template
        # the template's lines replace the ones typed before
        contract = form.save()
        self._assert_filled_from_template(contract)
        self.assertEqual(contract.state, "quote")

    def test_form_onchange_keeps_what_the_template_leaves_empty(self):
        bare = self.env["service.contract.template"].create(
            {
                "name": "Bare",
                "line_ids": [Command.create({"name": "Cover", "price_unit": 5.0})],
            }
        )
        form = Form(self.env["service.contract"])
        form.partner_id = self.customer
        form.invoicing_period = "year"
        form.response_time_hours = 8.0
        form.resource_calendar_id = self.calendar_247
        form.note = "<p>Own terms</p>"
        form.template_id = bare
        contract = form.save()
        self.assertEqual(contract.invoicing_period, "month")
        self.assertEqual(contract.response_time_hours, 8.0)
        self.assertEqual(contract.resource_calendar_id, self.calendar_247)
        self.assertEqual(contract.note, "<p>Own terms</p>")
        self.assertEqual(contract.line_ids.mapped("name"), ["Cover"])

    def test_create_with_template_only(self):
        """What an integrator gets over the external API: the same quote."""
        contract = (
            self.env["service.contract"]
            .with_user(self.user_contract_manager)
            .create({"partner_id": self.customer.id, "template_id": self.template.id})
        )
        self._assert_filled_from_template(contract)

    def test_create_with_template_keeps_given_values(self):
        contract = self.env["service.contract"].create(
            {
                "partner_id": self.customer.id,
                "template_id": self.template.id,
                "response_time_hours": 8.0,
                "invoicing_period": "month",
                "line_ids": [Command.create({"name": "Own line", "price_unit": 7.0})],
            }
        )
        self.assertEqual(contract.response_time_hours, 8.0)
        self.assertEqual(contract.invoicing_period, "month")
        self.assertEqual(contract.line_ids.mapped("name"), ["Own line"])
        # what was not given comes from the template
        self.assertTrue(contract.invoice_in_arrears)
        self.assertEqual(contract.resource_calendar_id, self.calendar_247)

    def test_renewal_keeps_the_contract_values(self):
        contract = self._create_active_contract(
            template_id=self.template.id,
            date_end="2026-12-31",
            lines=[Command.create({"name": "Negotiated", "price_unit": 9.0})],
        )
        contract.line_ids.price_unit = 11.0
        contract.action_renew()
        renewal = contract.renewal_ids
        self.assertEqual(renewal.template_id, self.template)
        self.assertEqual(renewal.line_ids.mapped("price_unit"), [11.0])

    def test_prices_converted_to_the_quote_currency(self):
        other = self.setup_other_currency("EUR", rates=[("2026-01-01", 2.0)])
        contract = self.env["service.contract"].create(
            {
                "partner_id": self.customer.id,
                "template_id": self.template.id,
                "currency_id": other.id,
                "date_start": "2026-01-01",
            }
        )
        self.assertEqual(contract.line_ids.mapped("price_unit"), [25.0, 60.0])

    def test_template_of_another_company_refused(self):
        other_company = self.env["res.company"].create({"name": "Other Co"})
        template = self.env["service.contract.template"].create(
            {"name": "Elsewhere", "company_id": other_company.id}
        )
        with self.assertRaises(UserError):
            self.env["service.contract"].create(
                {"partner_id": self.customer.id, "template_id": template.id}
            )

    def test_access(self):
        Template = self.env["service.contract.template"]
        # service users read templates (and choose nothing: they make no quote)
        self.assertIn(self.template, Template.with_user(self.user_service).search([]))
        self.template.line_ids.with_user(self.user_service).read(["price_unit"])
        with self.assertRaises(AccessError):
            self.template.with_user(self.user_service).write({"name": "Cheap"})
        with self.assertRaises(AccessError):
            self.template.line_ids.with_user(self.user_service).write(
                {"price_unit": 0.0}
            )
        with self.assertRaises(AccessError):
            Template.with_user(self.user_service).create({"name": "Mine"})
        # portal users do not even read them
        with self.assertRaises(AccessError):
            self.template.with_user(self.portal_user).read(["name"])
        with self.assertRaises(AccessError):
            self.template.line_ids.with_user(self.portal_user).read(["name"])
        # service managers write them
        manager_template = self.template.with_user(self.user_manager_no_billing)
        manager_template.write({"response_time_hours": 3.0})
        manager_template.copy().unlink()
        self.assertEqual(self.template.response_time_hours, 3.0)
