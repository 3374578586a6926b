from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common_orders import ServiceOrderCommon


@tagged("post_install", "-at_install")
class TestOrderExternalApi(ServiceOrderCommon, HttpCase):
    """The stable interface of service_contracts (order lines, invoice,
    loaners) exercised over XML-RPC, as integrators use it."""

    def _call(self, user, model, method, *args, **kwargs):
        uid = self.xmlrpc_common.authenticate(
            self.env.cr.dbname, user.login, user.login, {}
        )
        self.assertTrue(uid)
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname, uid, user.login, model, method, list(args), kwargs
        )

    @mute_logger("odoo.addons.rpc.controllers.xmlrpc", "odoo.http")
    def test_lines_invoice_and_loaner_over_xmlrpc(self):
        def call(*args, **kwargs):
            return self._call(self.user_billing, *args, **kwargs)

        order = self._create_order_with_lines(lines=[])
        order_fields = call("service.order", "fields_get", [], attributes=["type"])
        for name in ("line_ids", "invoice_ids", "contract_id"):
            self.assertIn(name, order_fields)
        line_fields = call("service.order.line", "fields_get", [], attributes=["type"])
        for name in ("order_id", "product_id", "name", "quantity", "price_unit"):
            self.assertIn(name, line_fields)
        line_id = call(
            "service.order.line",
            "create",
            {
                "order_id": order.id,
                "product_id": self.product_screen.id,
                "name": "Screen over the API",
                "quantity": 2,
                "price_unit": 90.0,
            },
        )
        [line] = call(
            "service.order.line",
            "read",
            [line_id],
            ["name", "quantity", "price_unit", "order_id"],
        )
        self.assertEqual(line["name"], "Screen over the API")
        self.assertEqual(line["price_unit"], 90.0)
        call("service.order", "action_create_invoice", [order.id])
        [values] = call("service.order", "read", [order.id], ["invoice_ids"])
        self.assertEqual(len(values["invoice_ids"]), 1)
        self.assertEqual(order.invoice_ids.amount_untaxed, 180.0)
        # a second call is refused, still one invoice
        with self.assertRaises(Exception):  # noqa: B017 - xmlrpc Fault
            call("service.order", "action_create_invoice", [order.id])
        self.assertEqual(len(order.invoice_ids), 1)

        # loaners
        loaner = self.env["service.loan.item"].create(
            {
                "name": "API loaner",
                "serial_number": "API-LN-1",
                "device_model_id": self.model_phone.id,
            }
        )
        item_fields = call("service.loan.item", "fields_get", [], attributes=["type"])
        for name in ("name", "serial_number", "device_model_id", "state"):
            self.assertIn(name, item_fields)
        call("service.loan.item", "action_lend", [loaner.id], order.id)
        [values] = call("service.loan.item", "read", [loaner.id], ["state"])
        self.assertEqual(values["state"], "lent")
        call("service.loan.item", "action_return", [loaner.id])
        self.assertEqual(loaner.state, "available")

    @mute_logger("odoo.addons.rpc.controllers.xmlrpc", "odoo.http")
    def test_portal_user_refused_over_xmlrpc(self):
        order = self._create_order_with_lines()
        loaner = self.env["service.loan.item"].create({"name": "Portal loaner"})
        for model, method, args in (
            ("service.order", "action_create_invoice", [[order.id]]),
            ("service.loan.item", "action_lend", [[loaner.id], order.id]),
            ("service.order.line", "search_read", [[]]),
        ):
            with self.subTest(method=method), self.assertRaises(Exception):  # noqa: B017
                self._call(self.portal_user, model, method, *args)
        self.assertFalse(order.invoice_ids)
        self.assertEqual(loaner.state, "available")
