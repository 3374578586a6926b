import re

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

    def test_errors_next_to_fields_keep_values(self):
        self._login(self.portal_user)
        before = self.env["service.order"].search([])
        data = self._form_data(
            location_id=str(self.location_internal.id),
            problem_description="",
            device_description="Kept description",
            device_model_id=str(self.model_laptop.id),
            **{
                f"task_{self.task_water.id}": "",
                f"task_{self.task_cycles.id}": "lots",
                f"task_{self.task_since.id}": "yesterday",
            },
        )
        response = self._post("/my/service-orders/new", data)
        self.assertEqual(response.status_code, 200)
        body = response.text
        self.assertEqual(self.env["service.order"].search([]), before)
        for field in (
            "location_id",
            "problem_description",
            f"task_{self.task_water.id}",
            f"task_{self.task_cycles.id}",
            f"task_{self.task_since.id}",
        ):
            with self.subTest(field=field):
                self.assertIn(f'data-field="{field}"', body)
        self.assertIn('value="Kept description"', body)
        self.assertIn('value="SN-PORTAL-1"', body)
        self.assertIn('value="lots"', body)
        self.assertIn('value="yesterday"', body)
        self.assertIn(f'<option value="{self.model_laptop.id}" selected', body)
        # the non-public location is never offered
        locations = re.search(r'<select id="location_id".*?</select>', body, re.S)
        self.assertIn(f'<option value="{self.location.id}"', locations.group())
        self.assertNotIn(
            f'<option value="{self.location_internal.id}"', locations.group()
        )

    def test_questions_follow_the_device_model(self):
        self._login(self.portal_user)
        # the laptop question does not apply to a phone: ignored, not required
        required_laptop = self._create_task(
            "Laptop charger included?",
            "boolean",
            required_in_portal=True,
            device_model_ids=[self.model_laptop.id],
        )
        data = self._form_data(**{f"task_{self.task_cycles.id}": "12"})
        response = self._post("/my/service-orders/new", data)
        self.assertEqual(response.status_code, 303)
        order = self._last_order()
        self.assertEqual(order.answer_ids.task_id, self.task_water)
        # switching to the laptop on edit: its required question is asked
        data = self._form_data(device_model_id=str(self.model_laptop.id))
        response = self._post(f"/my/service-orders/{order.id}/edit", data)
        self.assertEqual(response.status_code, 200)
        self.assertIn(f'data-field="task_{required_laptop.id}"', response.text)
        self.assertEqual(order.device_model_id, self.model_phone)
        data[f"task_{required_laptop.id}"] = "yes"
        data[f"task_{self.task_cycles.id}"] = "12,5"
        response = self._post(f"/my/service-orders/{order.id}/edit", data)
        self.assertEqual(response.status_code, 303)
        self.assertEqual(order.device_model_id, self.model_laptop)
        answers = {a.task_id: a.value_display for a in order.answer_ids}
        self.assertEqual(
            answers,
            {self.task_water: "No", required_laptop: "Yes", self.task_cycles: "12.5"},
        )

    def test_edit_keeps_staff_answers_and_replaces_customer_ones(self):
        self._login(self.portal_user)
        option = self.task_backup.option_ids[1]
        data = self._form_data(**{f"task_{self.task_backup.id}": str(option.id)})
        self._post("/my/service-orders/new", data)
        order = self._last_order()
        staff_answer = self.env["service.order.answer"].create(
            {"order_id": order.id, "task_id": self.task_staff.id, "value_text": "D42"}
        )
        response = self._get(f"/my/service-orders/{order.id}/edit")
        self.assertEqual(response.status_code, 200)
        self.assertIn(f'<option value="{option.id}" selected', response.text)
        self.assertIn('value="SN-PORTAL-1"', response.text)
        self.assertNotIn("D42", response.text)
        data = self._form_data(
            serial_number="SN-CHANGED", **{f"task_{self.task_since.id}": "2026-01-31"}
        )
        response = self._post(f"/my/service-orders/{order.id}/edit", data)
        self.assertEqual(response.status_code, 303)
        self.assertEqual(order.serial_number, "SN-CHANGED")
        answers = {a.task_id: a.value_display for a in order.answer_ids}
        self.assertEqual(
            answers,
            {
                self.task_water: "No",
                self.task_since: "2026-01-31",
                self.task_staff: "D42",
            },
        )
        self.assertTrue(staff_answer.exists())
        # once approved, the order cannot be edited any more
        self._post(f"/my/service-orders/{order.id}/approve")
        self.assertEqual(order.state, "submitted")
        response = self._get(f"/my/service-orders/{order.id}/edit")
        self.assertIn(response.status_code, (302, 303))
        self.assertTrue(response.headers["Location"].endswith(order.access_url))
        response = self._post(
            f"/my/service-orders/{order.id}/edit", self._form_data(serial_number="X")
        )
        self.assertEqual(order.serial_number, "SN-CHANGED")
        response = self._post(f"/my/service-orders/{order.id}/approve")
        self.assertEqual(order.state, "submitted")

    def test_registered_device(self):
        item = self.env["service.item"].create(
            {
                "partner_id": self.colleague.id,
                "device_model_id": self.model_laptop.id,
                "serial_number": "ITEM-77",
            }
        )
        other_item = self.env["service.item"].create(
            {
                "partner_id": self.other_customer.id,
                "device_model_id": self.model_phone.id,
                "serial_number": "OSCAR-ITEM",
            }
        )
        self._login(self.portal_user)
        response = self._get("/my/service-orders/new")
        self.assertIn("ITEM-77", response.text)
        self.assertNotIn("OSCAR-ITEM", response.text)
        response = self._post(
            "/my/service-orders/new",
            self._form_data(service_item_id=str(other_item.id)),
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn('data-field="service_item_id"', response.text)
        response = self._post(
            "/my/service-orders/new",
            self._form_data(service_item_id=str(item.id), serial_number="IGNORED"),
        )
        self.assertEqual(response.status_code, 303)
        order = self._last_order()
        self.assertEqual(order.service_item_id, item)
        self.assertEqual(order.device_model_id, self.model_laptop)
        self.assertEqual(order.serial_number, "ITEM-77")

    def test_approve_reports_model_errors(self):
        self._login(self.portal_user)
        self._post("/my/service-orders/new", self._form_data())
        order = self._last_order()
        # a question made required after the draft was saved
        self.task_since.required_in_portal = True
        response = self._post(f"/my/service-orders/{order.id}/approve")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_service_order_approve_error", response.text)
        self.assertIn("Since when?", response.text)
        self.assertEqual(order.state, "draft")

    def test_reseller_is_confirmed_at_once(self):
        self._login(self.portal_reseller)
        self._post("/my/service-orders/new", self._form_data())
        order = self._last_order(self.reseller_contact)
        self.assertEqual(order.state, "draft")
        response = self._post(f"/my/service-orders/{order.id}/approve")
        self.assertEqual(response.status_code, 303)
        self.assertEqual(order.state, "confirmed")
        response = self._get(f"/my/service-orders/{order.id}?message=approved")
        self.assertIn("is confirmed", response.text)
