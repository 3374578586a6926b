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

    def test_customer_attaches_a_photo_at_intake(self):
        warranty = self.env.ref("service_portal.service_request_type_warranty")
        task_proof = self._create_task(
            "Proof of purchase number", request_type_ids=[warranty.id]
        )
        self.start_tour(
            "/my/service-orders/new",
            "service_order_intake_tour",
            login="sp_portal_alice",
        )
        order = self.env["service.order"].search(
            [("serial_number", "=", "TOUR-INTAKE-1")]
        )
        self.assertEqual(order.state, "submitted")
        self.assertEqual(order.request_type_id, warranty)
        answers = {a.task_id: a.value_display for a in order.answer_ids}
        self.assertEqual(answers[task_proof], "PO-4711")
        attachment = order._get_portal_attachments()
        self.assertEqual(attachment.name, "cracked-screen.png")
        self.assertEqual(attachment.mimetype, "image/png")

    def test_customer_signs_for_pickup(self):
        order = self._create_order(partner=self.customer, serial_number="TOUR-PICKUP-1")
        order.answer_ids = [
            (0, 0, {"task_id": self.task_water.id, "value_boolean": "no"})
        ]
        order.action_confirm()
        order.action_start()
        order.action_ready()
        self.start_tour(
            f"/my/service-orders/{order.id}",
            "service_order_handover_tour",
            login="sp_portal_alice",
        )
        self.assertEqual(order.handover_signed_by, self.customer.name)
        self.assertTrue(order.date_handover)
        self.assertTrue(order.handover_signature)

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
