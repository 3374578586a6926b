from odoo.tests import HttpCase, tagged

from .common import ServiceShippingCommon


@tagged("post_install", "-at_install")
class TestShippingTour(HttpCase, ServiceShippingCommon):
    def test_reseller_ships_devices(self):
        order_1 = self._create_shippable_order(serial_number="TOUR-SERIAL-1")
        order_2 = self._create_shippable_order(serial_number="TOUR-SERIAL-2")
        waiting = self._create_shippable_order(
            serial_number="TOUR-SERIAL-3", carrier_id=self.carrier_post.id
        )
        self.start_tour(
            "/my", "service_shipping_portal_tour", login=self.portal_reseller.login
        )
        shipment = order_1.shipment_id
        self.assertTrue(shipment)
        self.assertEqual(shipment.order_ids, order_1 | order_2)
        self.assertEqual(shipment.state, "confirmed")
        self.assertEqual(shipment.parcel_count, 2)
        self.assertEqual(shipment.weight, 1.5)
        self.assertEqual(shipment.partner_id, self.reseller)
        self.assertTrue(waiting.is_shippable)

    def test_order_form_offers_the_locations_methods(self):
        self.start_tour(
            "/my/service-orders/new",
            "service_shipping_order_form_tour",
            login=self.portal_user.login,
        )
