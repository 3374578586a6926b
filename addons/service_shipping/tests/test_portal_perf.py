from odoo.tests import HttpCase, tagged

from odoo.addons.service_portal.tests.common import render_as_user

from .common import ServiceShippingCommon


@tagged("post_install", "-at_install")
class TestShipmentListPerformance(HttpCase, ServiceShippingCommon):
    """The shipments list formats its dates once per page (controller) and
    renders its badges once per state: the rows must read as the ``t-field``
    widget and the badge template rendered them for each row."""

    def test_list_cells_render_as_field_widgets(self):
        shipments = self.env["service.shipment"]
        for index in range(3):
            order = self._create_shippable_order(serial_number=f"RS-PERF-{index}")
            shipments |= self._create_shipment(order)
        shipments[1:].action_confirm()
        user = self.portal_reseller
        self.authenticate(user.login, user.login)
        text = self.url_open("/my/shipments").text
        self.assertEqual(text.count("o_shipment_row"), len(shipments))
        # service_portal's list layout (long headers wrap, whole badges)
        self.assertIn('class="table-responsive border-0 o_service_portal_list"', text)

        def render(template, shipment):
            return render_as_user(
                self.env, user, template, {"shipment": shipment.sudo()}
            )

        for shipment in shipments:
            with self.subTest(shipment=shipment.name):
                badge = render("service_shipping.portal_shipment_state_badge", shipment)
                same_state = shipments.filtered(
                    lambda s, state=shipment.state: s.state == state
                )
                self.assertEqual(text.count(badge), len(same_state))
                if shipment.date_confirmed:
                    confirmed = render(
                        '<span t-field="shipment.date_confirmed" '
                        "t-options=\"{'widget': 'date'}\"/>",
                        shipment,
                    )
                    self.assertIn(confirmed, text)
