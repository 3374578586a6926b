import json
import xmlrpc.client
from datetime import datetime, timedelta

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .portal_rpc import XmlRpcCaseMixin


@tagged("post_install", "-at_install")
class TestExternalApi(XmlRpcCaseMixin, HttpCase):
    """The stable interface of SPEC.md, exercised over XML-RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(
            cls.env,
            login="sp_api_agent",
            password="sp_api_agent_pw",
            groups="service_portal.service_portal_group_user",
        )
        cls.portal = new_test_user(
            cls.env,
            login="sp_api_portal",
            password="sp_api_portal_pw",
            groups="base.group_portal",
        )
        cls.location = cls.env["service.location"].create(
            {"name": "API Workshop", "tat_days": 3, "is_public": True}
        )
        cls.env["service.task"].create(
            {
                "name": "API question",
                "answer_type": "selection",
                "option_ids": [(0, 0, {"name": "A"})],
                "filled_by_customer": True,
                "required_in_portal": False,
            }
        )

    def _call(self, login, password, model, method, *args, **kwargs):
        return self._xmlrpc(login, password, model, method, *args, **kwargs)

    @mute_logger("odoo.addons.rpc.controllers.xmlrpc", "odoo.http")
    def test_service_desk_over_xmlrpc(self):
        def call(*args, **kwargs):
            return self._call("sp_api_agent", "sp_api_agent_pw", *args, **kwargs)

        partner_id = (
            self.env["res.partner"]
            .create({"name": "Api Customer", "email": "api.customer@example.com"})
            .id
        )
        model_id = (
            self.env["service.device.model"]
            .create({"brand": "ApiBrand", "name": "Api 1"})
            .id
        )
        fields = call("service.order", "fields_get", [], attributes=["type"])
        for name in (
            "name",
            "partner_id",
            "device_model_id",
            "serial_number",
            "device_description",
            "problem_description",
            "location_id",
            "user_id",
            "state",
            "date_submitted",
            "date_promised",
        ):
            self.assertIn(name, fields)
        order_id = call(
            "service.order",
            "create",
            {
                "partner_id": partner_id,
                "device_model_id": model_id,
                "serial_number": "API-1",
                "device_description": "Grey",
                "problem_description": "Created over XML-RPC",
                "location_id": self.location.id,
            },
        )
        for method, state in (
            ("action_submit", "submitted"),
            ("action_confirm", "confirmed"),
            ("action_start", "in_progress"),
            ("action_ready", "ready"),
            ("action_done", "done"),
        ):
            call("service.order", method, [order_id])
            read = call("service.order", "read", [order_id], ["state", "date_promised"])
            self.assertEqual(read[0]["state"], state)
        self.assertTrue(read[0]["date_promised"])
        # wrong transition: a clear fault, nothing changed
        with self.assertRaises(xmlrpc.client.Fault) as fault:
            call("service.order", "action_cancel", [order_id])
        self.assertRegex(fault.exception.faultString, "“Cancel” is not possible")
        # the other documented models and fields
        for model, names in {
            "res.partner": ["is_reseller"],
            "service.location": [
                "name",
                "partner_id",
                "tat_days",
                "is_public",
                "active",
            ],
            "service.device.model": ["name", "brand"],
            "service.item": [
                "partner_id",
                "device_model_id",
                "serial_number",
                "warranty_end_date",
            ],
            "service.task": [
                "name",
                "answer_type",
                "filled_by_customer",
                "required_in_portal",
                "device_model_ids",
                "partner_ids",
            ],
        }.items():
            described = call(model, "fields_get", [], attributes=["type"])
            for name in names:
                self.assertIn(name, described, f"{model}.{name}")
        selection = call(
            "service.task", "fields_get", ["answer_type"], attributes=["selection"]
        )
        self.assertEqual(
            [key for key, _label in selection["answer_type"]["selection"]],
            ["text", "boolean", "number", "selection", "date"],
        )
        call("res.partner", "action_create_portal_account", [partner_id])
        self.assertTrue(self.env["res.partner"].browse(partner_id).user_ids)

    @mute_logger("odoo.addons.rpc.controllers.xmlrpc", "odoo.http")
    def test_portal_user_cannot_act_over_xmlrpc(self):
        order = self.env["service.order"].create(
            {"partner_id": self.portal.partner_id.id, "location_id": self.location.id}
        )
        with self.assertRaises(xmlrpc.client.Fault):
            self._call(
                "sp_api_portal",
                "sp_api_portal_pw",
                "service.order",
                "action_submit",
                [order.id],
            )
        with self.assertRaises(xmlrpc.client.Fault):
            self._call(
                "sp_api_portal",
                "sp_api_portal_pw",
                "service.order",
                "write",
                [order.id],
                {"state": "done"},
            )
        order.invalidate_recordset()
        self.assertEqual(order.state, "draft")

    def _json2(self, user, model, method, **params):
        key = (
            self.env["res.users.apikeys"]
            .with_user(user)
            ._generate("rpc", "service api test", datetime.now() + timedelta(days=1))
        )
        return self.url_open(
            f"/json/2/{model}/{method}",
            data=json.dumps(params),
            headers={
                "Authorization": f"Bearer {key}",
                "Content-Type": "application/json",
                "X-Odoo-Database": self.env.cr.dbname,
            },
        )

    def test_service_desk_over_json2(self):
        """Odoo 19's JSON-2 API (the successor of XML-RPC) with an API key."""
        partner = self.env["res.partner"].create({"name": "Json Customer"})
        response = self._json2(
            self.agent,
            "service.order",
            "create",
            vals_list=[
                {
                    "partner_id": partner.id,
                    "serial_number": "JSON-1",
                    "problem_description": "Created over JSON-2",
                    "location_id": self.location.id,
                }
            ],
        )
        self.assertEqual(response.status_code, 200, response.text)
        order_ids = response.json()
        response = self._json2(
            self.agent, "service.order", "action_submit", ids=order_ids
        )
        self.assertEqual(response.status_code, 200, response.text)
        response = self._json2(
            self.agent,
            "service.order",
            "read",
            ids=order_ids,
            fields=["state", "date_promised"],
        )
        self.assertEqual(response.json()[0]["state"], "submitted")
        self.assertTrue(response.json()[0]["date_promised"])

    @mute_logger("odoo.http")
    def test_portal_user_cannot_act_over_json2(self):
        order = self.env["service.order"].create(
            {"partner_id": self.portal.partner_id.id, "location_id": self.location.id}
        )
        response = self._json2(
            self.portal, "service.order", "action_submit", ids=order.ids
        )
        self.assertEqual(response.status_code, 403, response.text)
        order.invalidate_recordset()
        self.assertEqual(order.state, "draft")
