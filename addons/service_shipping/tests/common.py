from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.service_portal.tests.common import ServicePortalCommon


class ServiceShippingCommon(ServicePortalCommon):
    """Resellers, carriers and shippable orders (no demo data)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.carrier_courier = cls._create_carrier("Test Courier")
        cls.carrier_post = cls._create_carrier("Test Post")
        cls.carrier_unused = cls._create_carrier("Test Freight")
        cls.location.carrier_ids = [
            Command.set((cls.carrier_courier | cls.carrier_post).ids)
        ]
        cls.location_b = cls.env["service.location"].create(
            {
                "name": "North Workshop",
                "carrier_ids": [Command.set(cls.carrier_courier.ids)],
                "partner_id": cls.env["res.partner"]
                .create(
                    {
                        "name": "North Workshop Address",
                        "street": "1 North Road",
                        "city": "Northtown",
                    }
                )
                .id,
            }
        )
        cls.other_reseller = cls.env["res.partner"].create(
            {"name": "Other Resell", "is_company": True, "is_reseller": True}
        )
        cls.other_reseller_contact = cls.env["res.partner"].create(
            {
                "name": "Otto Other",
                "parent_id": cls.other_reseller.id,
                "email": "otto@otherresell.example.com",
            }
        )

        cls.portal_other_reseller = new_test_user(
            cls.env,
            login="ss_portal_otto",
            groups="base.group_portal",
            partner_id=cls.other_reseller_contact.id,
        )

    @classmethod
    def _create_carrier(cls, name):
        product = cls.env["product.product"].create(
            {"name": name, "type": "service", "sale_ok": False, "purchase_ok": False}
        )
        return cls.env["delivery.carrier"].create(
            {
                "name": name,
                "delivery_type": "fixed",
                "fixed_price": 0.0,
                "product_id": product.id,
            }
        )

    @classmethod
    def _create_shippable_order(cls, partner=None, **values):
        """A reseller's confirmed order with a shipping method."""
        vals = {
            "location_id": cls.location.id,
            "carrier_id": cls.carrier_courier.id,
            "serial_number": values.pop("serial_number", "RS-0001"),
        }
        vals.update(values)
        order = cls._create_order(partner=partner or cls.reseller_contact, **vals)
        order.action_confirm()
        return order

    @classmethod
    def _create_shipment(cls, orders, **values):
        first = orders[:1]
        vals = {
            "partner_id": first.commercial_partner_id.id,
            "location_id": first.location_id.id,
            "carrier_id": first.carrier_id.id,
            "order_ids": [Command.set(orders.ids)],
        }
        vals.update(values)
        return cls.env["service.shipment"].create(vals)
