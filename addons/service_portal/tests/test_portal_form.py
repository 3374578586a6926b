from odoo.tests import tagged

from .test_portal_common import ServicePortalHttpCommon


@tagged("post_install", "-at_install")
class TestPortalForm(ServicePortalHttpCommon):
    def _last_order(self, partner=None):
        return self.env["service.order"].search(
            [("partner_id", "=", (partner or self.customer).id)],
            limit=1,
            order="id desc",
        )

    def test_create_summary_approve(self):
        self._login(self.portal_user)
        response = self._get("/my/service-orders/new")
        self.assertEqual(response.status_code, 200)
        self.assertIn('name="device_model_id"', response.text)
        self.assertIn(f'name="task_{self.task_water.id}"', response.text)
        self.assertNotIn(f'name="task_{self.task_staff.id}"', response.text)
        self.assertNotIn("Internal Lab", response.text)

        response = self._post("/my/service-orders/new", self._form_data())
        order = self._last_order()
        self.assertTrue(order)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(
            response.headers["Location"].endswith(
                f"/my/service-orders/{order.id}/summary"
            )
        )
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.company_id, self.location.company_id)
        self.assertEqual(order.serial_number, "SN-PORTAL-1")
        self.assertEqual(order.answer_ids.task_id, self.task_water)
        self.assertEqual(order.answer_ids.value_boolean, "no")

        response = self._get(f"/my/service-orders/{order.id}/summary")
        self.assertEqual(response.status_code, 200)
        self.assertIn("The screen stays black.", response.text)
        self.assertIn(f"/my/service-orders/{order.id}/approve", response.text)
        self.assertIn(f"/my/service-orders/{order.id}/edit", response.text)

        response = self._post(f"/my/service-orders/{order.id}/approve")
        self.assertEqual(response.status_code, 303)
        self.assertIn("message=approved", response.headers["Location"])
        self.assertEqual(order.state, "submitted")
        response = self._get(f"/my/service-orders/{order.id}?message=approved")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_service_order_approved", response.text)
        self.assertIn(order.name, response.text)
