from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.service_portal.tests.portal_rpc import XmlRpcCaseMixin

from .common_orders import ServiceOrderCommon


@tagged("post_install", "-at_install")
class TestOrderExternalApi(XmlRpcCaseMixin, ServiceOrderCommon, HttpCase):
    """The stable interface of service_contracts (order lines, invoice,
    loaners) exercised over XML-RPC, as integrators use it."""

    def _call(self, user, model, method, *args, **kwargs):
        return self._xmlrpc(user.login, user.login, model, method, *args, **kwargs)

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

    @mute_logger("odoo.addons.rpc.controllers.xmlrpc", "odoo.http")
    def test_contract_given_over_xmlrpc_is_kept_on_submit(self):
        """Issue 13, defect 2: an integrator creates an order with a contract
        and the serial number of a registered device, then submits it: the
        contract stays. Another device looks for its coverage again."""

        def call(*args, **kwargs):
            return self._call(self.user_billing, *args, **kwargs)

        today = fields.Date.context_today(self.env["service.order"])
        self.env["service.item"].create(
            {
                "partner_id": self.customer.id,
                "device_model_id": self.model_phone.id,
                "serial_number": "API-SN-7",
            }
        )
        contracts = self.env["service.contract"]
        for days in (60, 30):  # the newest one is the covering contract
            contracts |= self.env["service.contract"].create(
                {
                    "partner_id": self.customer_company.id,
                    "date_start": today - timedelta(days=days),
                    "line_ids": [
                        Command.create(
                            {
                                "name": "Phone cover",
                                "price_unit": 10.0,
                                "device_model_id": self.model_phone.id,
                            }
                        )
                    ],
                }
            )
        contracts.action_accept()
        chosen, newest = contracts
        order_id = call(
            "service.order",
            "create",
            {
                "partner_id": self.customer.id,
                "device_model_id": self.model_phone.id,
                "serial_number": "API-SN-7",
                "problem_description": "Cracked screen",
                "location_id": self.location.id,
                "contract_id": chosen.id,
            },
        )
        call("service.order", "action_submit", [order_id])
        [values] = call(
            "service.order", "read", [order_id], ["state", "contract_id", "coverage"]
        )
        self.assertEqual(values["state"], "submitted")
        self.assertEqual(values["contract_id"][0], chosen.id)
        self.assertEqual(values["coverage"], "contract")
        # another device: its covering contract
        call(
            "service.order",
            "write",
            [order_id],
            {"device_model_id": self.model_laptop.id},
        )
        [values] = call("service.order", "read", [order_id], ["contract_id"])
        self.assertFalse(values["contract_id"])
        call(
            "service.order",
            "write",
            [order_id],
            {"device_model_id": self.model_phone.id},
        )
        [values] = call("service.order", "read", [order_id], ["contract_id"])
        self.assertEqual(values["contract_id"][0], newest.id)
