import xmlrpc.client

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.service_portal.tests.portal_rpc import XmlRpcCaseMixin


@tagged("post_install", "-at_install")
class TestContractExternalApi(XmlRpcCaseMixin, HttpCase):
    """The contracts part of the stable interface (SPEC.md), over XML-RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        new_test_user(
            cls.env,
            login="sc_api_manager",
            password="sc_api_manager_pw",
            # reading invoice_ids needs Odoo's accounting rights
            groups="service_portal.service_portal_group_manager,"
            "account.group_account_invoice",
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Api Contract Customer", "email": "api.contract@example.com"}
        )
        new_test_user(
            cls.env,
            login="sc_api_portal",
            password="sc_api_portal_pw",
            groups="base.group_portal",
            partner_id=cls.customer.id,
        )
        cls.device_model = cls.env["service.device.model"].create(
            {"brand": "ApiBrand", "name": "Api Phone"}
        )

    def _call(self, login, password, model, method, *args, **kwargs):
        return self._xmlrpc(login, password, model, method, *args, **kwargs)

    @mute_logger("odoo.addons.rpc.controllers.xmlrpc", "odoo.http")
    def test_contract_over_xmlrpc(self):
        def call(*args, **kwargs):
            return self._call("sc_api_manager", "sc_api_manager_pw", *args, **kwargs)

        contract_fields = call(
            "service.contract", "fields_get", [], attributes=["type"]
        )
        for name in (
            "name",
            "partner_id",
            "state",
            "date_start",
            "date_end",
            "invoicing_period",
            "next_invoice_date",
            "line_ids",
            "invoice_ids",
        ):
            self.assertIn(name, contract_fields)
        line_fields = call(
            "service.contract.line", "fields_get", [], attributes=["type"]
        )
        for name in (
            "contract_id",
            "service_item_id",
            "device_model_id",
            "name",
            "price_unit",
        ):
            self.assertIn(name, line_fields)
        contract_id = call(
            "service.contract",
            "create",
            {
                "partner_id": self.customer.id,
                "date_start": "2026-01-01",
                "date_end": "2026-12-31",
                "invoicing_period": "quarter",
                "line_ids": [
                    (
                        0,
                        0,
                        {
                            "device_model_id": self.device_model.id,
                            "name": "Api cover",
                            "price_unit": 60.0,
                        },
                    )
                ],
            },
        )
        [contract] = call(
            "service.contract",
            "read",
            [contract_id],
            ["name", "state", "next_invoice_date", "line_ids", "invoice_ids"],
        )
        self.assertEqual(contract["state"], "quote")
        self.assertEqual(contract["next_invoice_date"], "2026-01-01")
        self.assertEqual(len(contract["line_ids"]), 1)
        self.assertEqual(contract["invoice_ids"], [])

        # the customer's portal login cannot accept it through the API
        with self.assertRaises(xmlrpc.client.Fault):
            self._call(
                "sc_api_portal",
                "sc_api_portal_pw",
                "service.contract",
                "action_accept",
                [contract_id],
            )
        self.assertTrue(call("service.contract", "action_accept", [contract_id]))
        [contract] = call("service.contract", "read", [contract_id], ["state"])
        self.assertEqual(contract["state"], "active")
        # accepting twice is refused with a clear error
        with self.assertRaises(xmlrpc.client.Fault):
            call("service.contract", "action_accept", [contract_id])
        self.assertTrue(call("service.contract", "action_cancel", [contract_id]))
        [contract] = call("service.contract", "read", [contract_id], ["state"])
        self.assertEqual(contract["state"], "cancelled")

    @mute_logger("odoo.addons.rpc.controllers.xmlrpc", "odoo.http")
    def test_template_and_price_revision_over_xmlrpc(self):
        def call(*args, **kwargs):
            return self._call("sc_api_manager", "sc_api_manager_pw", *args, **kwargs)

        template_fields = call(
            "service.contract.template", "fields_get", [], attributes=["type"]
        )
        for name in ("name", "invoicing_period", "line_ids", "response_time_hours"):
            self.assertIn(name, template_fields)
        contract_fields = call(
            "service.contract", "fields_get", [], attributes=["type"]
        )
        for name in ("template_id", "response_time_hours", "resource_calendar_id"):
            self.assertIn(name, contract_fields)
        calendar = self.env.ref("resource.resource_calendar_std")
        template_id = call(
            "service.contract.template",
            "create",
            {
                "name": "Api care, quarterly",
                "invoicing_period": "quarter",
                "response_time_hours": 4.0,
                "resource_calendar_id": calendar.id,
                "line_ids": [
                    (
                        0,
                        0,
                        {"device_model_id": self.device_model.id, "price_unit": 40.0},
                    )
                ],
            },
        )
        # the template alone fills the quote, as the form does
        contract_id = call(
            "service.contract",
            "create",
            {
                "partner_id": self.customer.id,
                "template_id": template_id,
                "date_start": "2026-01-01",
            },
        )
        [contract] = call(
            "service.contract",
            "read",
            [contract_id],
            [
                "invoicing_period",
                "response_time_hours",
                "resource_calendar_id",
                "template_id",
                "line_ids",
            ],
        )
        self.assertEqual(contract["invoicing_period"], "quarter")
        self.assertEqual(contract["response_time_hours"], 4.0)
        self.assertEqual(contract["resource_calendar_id"][0], calendar.id)
        self.assertEqual(contract["template_id"][0], template_id)
        [line] = call(
            "service.contract.line",
            "read",
            contract["line_ids"],
            ["device_model_id", "name", "price_unit"],
        )
        self.assertEqual(line["device_model_id"][0], self.device_model.id)
        self.assertEqual(line["name"], "ApiBrand Api Phone")
        self.assertEqual(line["price_unit"], 40.0)

        call("service.contract", "action_accept", [contract_id])
        # the customer's portal login can neither revise nor read templates
        self.assertXmlRpcRefused(
            "sc_api_portal",
            "sc_api_portal_pw",
            "service.contract",
            "action_revise_prices",
            [contract_id],
            5,
        )
        self.assertXmlRpcRefused(
            "sc_api_portal",
            "sc_api_portal_pw",
            "service.contract.template",
            "read",
            [template_id],
            ["name"],
        )
        self.assertTrue(
            call("service.contract", "action_revise_prices", [contract_id], 5)
        )
        [line] = call("service.contract.line", "read", [line["id"]], ["price_unit"])
        self.assertEqual(line["price_unit"], 42.0)
        # an absurd percentage is refused with a clear error
        with self.assertRaises(xmlrpc.client.Fault) as error:
            call("service.contract", "action_revise_prices", [contract_id], -150)
        self.assertIn("100 % at most", error.exception.faultString)
