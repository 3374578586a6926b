from odoo.tests import tagged

from .test_portal_common import ServicePortalHttpCommon


@tagged("post_install", "-at_install")
class TestPortalTours(ServicePortalHttpCommon):
    def test_customer_creates_and_approves_an_order(self):
        self.start_tour(
            "/my/service-orders", "service_order_portal_tour", login="sp_portal_alice"
        )
        order = self.env["service.order"].search([("serial_number", "=", "TOUR-SN-1")])
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.state, "submitted")
        self.assertEqual(order.device_model_id, self.model_laptop)
        answers = {a.task_id: a.value_display for a in order.answer_ids}
        self.assertEqual(answers, {self.task_water: "No", self.task_cycles: "300"})

    def test_reseller_order_is_confirmed_at_once(self):
        self.start_tour(
            "/my/service-orders/new",
            "service_order_reseller_tour",
            login="sp_portal_rita",
        )
        order = self.env["service.order"].search(
            [("serial_number", "=", "RESELL-SN-7")]
        )
        self.assertEqual(order.partner_id, self.reseller_contact)
        self.assertEqual(order.state, "confirmed")
        self.assertTrue(order.date_confirmed)
