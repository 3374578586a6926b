from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.service_portal.tests.portal_rpc import XmlRpcCaseMixin

from .common import ServiceDispatchCommon

# The stable interface of SPEC.md for service_dispatch.
STABLE_FIELDS = {
    "service.skill": ["name"],
    "service.zone": ["name", "code"],
    "res.users": [
        "service_skill_ids",
        "service_zone_ids",
        "service_location_ids",
        "service_capacity",
    ],
    "res.partner": ["service_zone_id"],
    "service.device.model": ["skill_ids"],
    "service.location": ["auto_assign"],
    "service.order": [
        "required_skill_ids",
        "zone_id",
        "planned_hours",
        "date_planned_start",
        "date_planned_end",
    ],
}
# Models customers read on which service_dispatch adds fields.
PORTAL_MODELS = (
    "service.order",
    "service.location",
    "service.device.model",
    "res.partner",
)


@tagged("post_install", "-at_install")
class TestDispatchExternalApi(XmlRpcCaseMixin, HttpCase, ServiceDispatchCommon):
    """The stable interface over XML-RPC, as an integrator scripts it with a
    service administrator's login; customers get none of it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the integrator's login: service administrator who may edit contacts
        cls.user_manager.group_ids |= cls.env.ref("base.group_partner_manager")

    def _manager(self, model, method, *args, **kwargs):
        login = self.user_manager.login
        return self._xmlrpc(login, login, model, method, *args, **kwargs)

    @mute_logger("odoo.addons.rpc.controllers.xmlrpc", "odoo.http")
    def test_stable_interface_over_xmlrpc(self):
        call = self._manager
        for model, names in STABLE_FIELDS.items():
            described = call(model, "fields_get", names, attributes=["type"])
            self.assertEqual(sorted(described), sorted(names), model)
        skill_id = call("service.skill", "create", {"name": "Water damage"})
        zone_id = call("service.zone", "create", {"name": "East", "code": "E"})
        # a technician, configured by a service administrator
        call(
            "res.users",
            "write",
            [self.tech_ben.id],
            {
                "service_skill_ids": [(4, skill_id)],
                "service_zone_ids": [(6, 0, [zone_id])],
                "service_location_ids": [(6, 0, [self.location.id])],
                "service_capacity": 6,
            },
        )
        [ben] = call(
            "res.users",
            "read",
            [self.tech_ben.id],
            ["service_skill_ids", "service_zone_ids", "service_capacity"],
        )
        self.assertIn(skill_id, ben["service_skill_ids"])
        self.assertEqual(ben["service_zone_ids"], [zone_id])
        self.assertEqual(ben["service_capacity"], 6)
        call(
            "res.partner",
            "write",
            [self.other_customer.id],
            {"service_zone_id": zone_id},
        )
        call(
            "service.device.model",
            "write",
            [self.model_laptop.id],
            {"skill_ids": [(6, 0, [skill_id])]},
        )
        call("service.location", "write", [self.location.id], {"auto_assign": False})
        [location] = call(
            "service.location", "read", [self.location.id], ["auto_assign"]
        )
        self.assertFalse(location["auto_assign"])
        order_id = call(
            "service.order",
            "create",
            {
                "partner_id": self.other_customer.id,
                "device_model_id": self.model_laptop.id,
                "location_id": self.location.id,
                "problem_description": "Fell in the sea",
                "planned_hours": 2.5,
            },
        )
        [order] = call(
            "service.order",
            "read",
            [order_id],
            ["required_skill_ids", "zone_id", "planned_hours"],
        )
        self.assertEqual(order["required_skill_ids"], [skill_id])
        self.assertEqual(order["zone_id"][0], zone_id)
        self.assertEqual(order["planned_hours"], 2.5)
        call("service.order", "action_auto_assign", [order_id])
        [order] = call(
            "service.order",
            "read",
            [order_id],
            ["user_id", "date_planned_start", "date_planned_end"],
        )
        self.assertEqual(order["user_id"][0], self.tech_ben.id)
        self.assertTrue(order["date_planned_start"])
        self.assertTrue(order["date_planned_end"] > order["date_planned_start"])

    @mute_logger("odoo.addons.rpc.controllers.xmlrpc", "odoo.http")
    def test_portal_user_gets_nothing(self):
        """docs/SECURITY.md cases 2 and 25: a customer with a portal password
        reads none of the dispatch fields and calls none of its methods."""
        login = self.portal_user.login
        order = self._create_order()
        # the fields service_dispatch adds (user_id is service_portal's)
        added = {
            model: {
                name
                for name, field in self.env[model]._fields.items()
                if field._module == "service_dispatch"
            }
            for model in PORTAL_MODELS
        }
        self.assertTrue(all(added.values()))
        for model in PORTAL_MODELS:
            with self.subTest(model=model):
                described = self._xmlrpc(
                    login, login, model, "fields_get", attributes=["type"]
                )
                self.assertFalse(set(described) & added[model])
        self.assertXmlRpcRefused(
            login, login, "service.order", "read", [order.id], ["zone_id"]
        )
        self.assertXmlRpcRefused(
            login, login, "service.order", "action_auto_assign", [order.id]
        )
        self.assertXmlRpcRefused(login, login, "service.skill", "search_read", [])
        order.invalidate_recordset()
        self.assertFalse(order.user_id)
