from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.service_portal.tests.portal_rpc import (
    call_is_refused,
    public_methods,
)

from .common import ServiceShippingCommon

# Public methods that service_shipping defines and portal users may call.
PORTAL_ALLOWED_METHODS = set()


@tagged("post_install", "-at_install")
class TestShipmentAccess(ServiceShippingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order_1 = cls._create_shippable_order(serial_number="RS-1")
        cls.shipment = cls._create_shipment(cls.order_1)
        cls.order_other = cls._create_shippable_order(
            partner=cls.other_reseller_contact, serial_number="RS-2"
        )
        cls.shipment_other = cls._create_shipment(cls.order_other)

    # -- portal (docs/SECURITY.md cases 2, 17) ---------------------------------

    def test_portal_reseller_reads_own_shipments_only(self):
        Shipment = self.env["service.shipment"].with_user(self.portal_reseller)
        self.assertEqual(Shipment.search([]), self.shipment)
        self.shipment.with_user(self.portal_reseller).check_access("read")
        with self.assertRaises(AccessError):
            self.shipment_other.with_user(self.portal_reseller).read(["name"])
        Shipment_other = self.env["service.shipment"].with_user(
            self.portal_other_reseller
        )
        self.assertEqual(Shipment_other.search([]), self.shipment_other)

    def test_non_reseller_has_no_shipments(self):
        for user in (self.portal_user, self.portal_other):
            Shipment = self.env["service.shipment"].with_user(user)
            self.assertFalse(Shipment.search([]))
            with self.assertRaises(AccessError):
                self.shipment.with_user(user).read(["name"])
        # a reseller that loses the role loses its shipments on the portal
        self.reseller.is_reseller = False
        Shipment = self.env["service.shipment"].with_user(self.portal_reseller)
        self.assertFalse(Shipment.search([]))

    def test_portal_cannot_write(self):
        shipment = self.shipment.with_user(self.portal_reseller)
        with self.assertRaises(AccessError):
            shipment.write({"parcel_count": 3})
        with self.assertRaises(AccessError):
            self.env["service.shipment"].with_user(self.portal_reseller).create(
                {
                    "partner_id": self.reseller.id,
                    "location_id": self.location.id,
                    "carrier_id": self.carrier_courier.id,
                }
            )
        with self.assertRaises(AccessError):
            shipment.unlink()
        with self.assertRaises(AccessError):
            self.order_1.with_user(self.portal_reseller).write({"shipment_id": False})
        with self.assertRaises(AccessError):
            self.order_other.with_user(self.portal_reseller).write(
                {"carrier_id": self.carrier_post.id}
            )
        self.assertEqual(self.shipment.parcel_count, 1)
        self.assertEqual(self.order_1.shipment_id, self.shipment)

    def test_portal_cannot_call_public_methods(self):
        """Every public method service_shipping defines refuses portal users
        (as they could call it over JSON-RPC)."""
        records = {
            "service.shipment": self.shipment,
            "service.order": self.order_1,
            "service.location": self.location,
        }
        checked = 0
        for model_name, record in records.items():
            record = record.with_user(self.portal_reseller)
            methods = public_methods(record, "odoo.addons.service_shipping")
            for method in sorted(methods):
                if (model_name, method) in PORTAL_ALLOWED_METHODS:
                    continue
                checked += 1
                with self.subTest(model=model_name, method=method):
                    self.assertTrue(
                        call_is_refused(self.cr, record, method, record.id),
                        f"{model_name}.{method}() did not refuse a portal user",
                    )
        self.assertGreaterEqual(checked, 8)
        self.assertEqual(self.shipment.state, "draft")
        self.assertEqual(self.order_1.state, "confirmed")

    # -- back office ----------------------------------------------------------

    def test_employee_without_service_group(self):
        with self.assertRaises(AccessError):
            self.env["service.shipment"].with_user(self.user_internal).search([])
        for action in ("action_confirm", "action_receive", "action_cancel"):
            with self.assertRaises(AccessError):
                getattr(self.shipment.with_user(self.user_internal), action)()
        self.assertEqual(self.shipment.state, "draft")

    def test_service_user_manages_shipments(self):
        order = self._create_shippable_order(serial_number="RS-3")
        Shipment = self.env["service.shipment"].with_user(self.user_service)
        shipment = Shipment.create(
            {
                "partner_id": self.reseller.id,
                "location_id": self.location.id,
                "carrier_id": self.carrier_courier.id,
                "order_ids": [Command.set(order.ids)],
            }
        )
        shipment.write({"parcel_count": 2, "weight": 3.5, "tracking_ref": "TR-1"})
        shipment.action_confirm()
        shipment.action_receive()
        self.assertEqual(order.state, "in_progress")
        # and reads the shipping methods without any Sales right
        self.assertTrue(self.carrier_courier.with_user(self.user_service).name)
        self.assertEqual(
            order.with_user(self.user_service).action_view_shipment()["res_id"],
            shipment.id,
        )

    # -- multi-company (docs/SECURITY.md case 23) ------------------------------

    def test_multi_company(self):
        company_b = self.env["res.company"].create({"name": "Shipping Company B"})
        user_b = new_test_user(
            self.env,
            login="ss_agent_b",
            groups="service_portal.service_portal_group_user",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        Shipment_b = self.env["service.shipment"].with_user(user_b)
        self.assertFalse(Shipment_b.search([]))
        with self.assertRaises(AccessError):
            self.shipment.with_user(user_b).read(["name"])
        with self.assertRaises(AccessError):
            self.shipment.with_user(user_b).action_confirm()
