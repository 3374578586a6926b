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
