from odoo.tests import HttpCase, tagged

from odoo.addons.service_portal.tests.test_readonly_routes import (
    ReadonlyRoutesMixin,
    route_readonly_modes,
)

from .common import ServiceShippingCommon


@tagged("post_install", "-at_install")
class TestShippingReadonlyRoutes(ReadonlyRoutesMixin, HttpCase, ServiceShippingCommon):
    """The resellers' shipment pages answer on a read-only cursor; creating,
    saving, confirming, cancelling and the PDFs (report rendering may store
    assets) stay on the primary (issue 14 §4)."""

    def test_readonly_route_list(self):
        self.assertEqual(
            route_readonly_modes(self.env, ("/my/shipments",)),
            {
                "/my/shipments": True,
                "/my/shipments/page/<int:page>": True,
                "/my/shipments/create": False,
                "/my/shipments/<int:shipment_id>": True,
                "/my/shipments/<int:shipment_id>/update": False,
                "/my/shipments/<int:shipment_id>/confirm": False,
                "/my/shipments/<int:shipment_id>/cancel": False,
                "/my/shipments/<int:shipment_id>/packing-list": False,
                "/my/shipments/<int:shipment_id>/label": False,
            },
        )

    def test_pages_answer_on_a_readonly_cursor(self):
        order = self._create_shippable_order(serial_number="RS-RO-1")
        shipment = self._create_shipment(order)
        self.authenticate(self.portal_reseller.login, self.portal_reseller.login)
        self._get_readonly("/my/shipments")
        response = self._get_readonly(f"/my/shipments/{shipment.id}")
        self.assertIn(shipment.name, response.text)
        self._get_readonly(f"/my/shipments/{shipment.id}?message=created")
