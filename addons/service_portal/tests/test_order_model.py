from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import ServicePortalCommon


@tagged("post_install", "-at_install")
class TestOrderModel(ServicePortalCommon):
    """Answers, registered devices, state metadata and timeline on the model."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.task_cycles = cls._create_task(
            "Battery cycle count",
            "number",
            required_in_portal=True,
            device_model_ids=[cls.model_laptop.id],
        )
        cls.item_phone = cls.env["service.item"].create(
            {
                "partner_id": cls.customer.id,
                "device_model_id": cls.model_laptop.id,
                "serial_number": "SN-REG-42",
            }
        )

    # -- defect 1: a number question left empty stays unanswered ----------

    def test_empty_number_answer_blocks_submission(self):
        order = self._create_order(device_model_id=self.model_laptop.id)
        order.with_user(self.user_service).action_load_questions()
        answer = order.answer_ids.filtered(lambda a: a.task_id == self.task_cycles)
        self.assertFalse(answer.is_answered)
        self.assertFalse(answer.value_display)
        with self.assertRaisesRegex(UserError, "Battery cycle count"):
            order.with_user(self.user_service).action_submit()
        self.assertEqual(order.state, "draft")

    def test_zero_typed_on_purpose_is_an_answer(self):
        order = self._create_order(device_model_id=self.model_laptop.id)
        order.action_load_questions()
        answer = order.answer_ids.filtered(lambda a: a.task_id == self.task_cycles)
        answer.value_number = 0
        self.assertTrue(answer.is_answered)
        self.assertEqual(answer.value_display, "0")
        order.with_user(self.user_service).action_submit()
        self.assertEqual(order.state, "submitted")

    def test_portal_value_round_trip(self):
        Answer = self.env["service.order.answer"]
        values, error = Answer._from_portal_value(self.task_cycles, " 0 ")
        self.assertIsNone(error)
        self.assertEqual(values["value_number"], 0.0)
        self.assertTrue(values["value_number_set"])
        values, error = Answer._from_portal_value(self.task_cycles, "")
        self.assertIsNone(values)
        self.assertEqual(error, "This question needs an answer.")
        for bad in ("nan", "1e20", "twelve"):
            values, error = Answer._from_portal_value(self.task_cycles, bad)
            self.assertIsNone(values, bad)
            self.assertTrue(error, bad)
        order = self._create_order(
            answer_ids=[(0, 0, Answer._from_portal_value(self.task_cycles, "12,5")[0])]
        )
        self.assertEqual(order.answer_ids._to_portal_value(), "12.5")

    # -- defect 2: the serial number of a registered device links it ------

    def test_serial_number_links_registered_device(self):
        order = self._create_order(serial_number="sn-reg-42 ")
        self.assertEqual(order.service_item_id, self.item_phone)
        self.assertEqual(order.device_model_id, self.model_laptop)
        # another customer's order with the same serial number: no link
        other = self._create_order(
            partner=self.other_customer, serial_number="SN-REG-42"
        )
        self.assertFalse(other.service_item_id)
        # a colleague of the same company gets the company's device
        colleague = self._create_order(partner=self.colleague, serial_number="SN-1")
        self.assertFalse(colleague.service_item_id)
        colleague.with_user(self.user_service).serial_number = "SN-REG-42"
        self.assertEqual(colleague.service_item_id, self.item_phone)
        # the serial number changes to an unknown one: the link goes
        colleague.with_user(self.user_service).serial_number = "SN-UNKNOWN"
        self.assertFalse(colleague.service_item_id)

    def test_serial_number_link_is_literal_and_batched(self):
        other_item = self.env["service.item"].create(
            {
                "partner_id": self.customer.id,
                "device_model_id": self.model_phone.id,
                "serial_number": "SN-REG-43",
            }
        )
        # wildcards typed in a serial number never match a device
        for serial in ("SN-REG-%", "SN-REG-4_", "%"):
            self.assertFalse(self._create_order(serial_number=serial).service_item_id)
        # one create of many orders links each to its own device
        orders = self.env["service.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "serial_number": serial,
                    "problem_description": "Batch",
                    "location_id": self.location.id,
                }
                for partner, serial in (
                    (self.customer, "SN-REG-42"),
                    (self.colleague, "sn-reg-43"),
                    (self.other_customer, "SN-REG-43"),
                    (self.customer, "SN-UNKNOWN"),
                )
            ]
        )
        self.assertEqual(orders.mapped("service_item_id"), self.item_phone | other_item)
        self.assertEqual(orders[1].service_item_id, other_item)
        self.assertFalse(orders[2].service_item_id)
        self.assertFalse(orders[3].service_item_id)

    def test_serial_number_in_back_office_form(self):
        form = Form(self.env["service.order"].with_user(self.user_service))
        form.partner_id = self.customer
        form.device_model_id = self.model_phone
        form.serial_number = "SN-REG-42"
        form.problem_description = "Broken"
        form.location_id = self.location
        order = form.save()
        self.assertEqual(order.service_item_id, self.item_phone)

    # -- rights: one check for every action -------------------------------

    def test_actions_refuse_users_without_service_rights(self):
        order = self._create_order()
        for user in (self.user_internal, self.portal_user):
            with self.assertRaises(AccessError):
                order.with_user(user).action_submit()
        with self.assertRaisesRegex(AccessError, "reserved to"):
            self.customer.with_user(self.user_internal).action_create_portal_account()

    # -- defect 8: kanban columns follow the workflow ---------------------

    def test_kanban_columns_in_workflow_order(self):
        self._create_order().action_submit()
        groups = (
            self.env["service.order"]
            .with_context(read_group_expand=True)
            .formatted_read_group([], ["state"], ["__count"])
        )
        states = [group["state"] for group in groups]
        self.assertEqual(
            states,
            [
                "draft",
                "submitted",
                "confirmed",
                "in_progress",
                "ready",
                "done",
                "cancelled",
            ],
        )
        folded = {group["state"] for group in groups if group.get("__fold")}
        self.assertEqual(folded, {"done", "cancelled"})

    # -- timeline from the dates each state stores -------------------------

    def test_timeline_from_state_dates(self):
        with freeze_time("2026-03-02 09:00:00"):
            order = self._create_order()
            order.action_submit()
        with freeze_time("2026-03-03 09:00:00"):
            order.action_confirm()
        with freeze_time("2026-03-04 09:00:00"):
            order.action_start()
        self.assertEqual(str(order.date_started), "2026-03-04 09:00:00")
        timeline = order.with_context(lang="en_US")._get_portal_timeline()
        self.assertEqual(
            [(step["state"], bool(step["date"])) for step in timeline],
            [
                ("draft", True),
                ("submitted", True),
                ("confirmed", True),
                ("in_progress", True),
                ("ready", False),
                ("done", False),
            ],
        )
        current = [step["state"] for step in timeline if step["current"]]
        self.assertEqual(current, ["in_progress"])
        self.assertEqual(timeline[3]["label"], "In repair")
        with freeze_time("2026-03-05 09:00:00"):
            order.action_cancel()
        timeline = order._get_portal_timeline()
        self.assertEqual(
            [step["state"] for step in timeline],
            ["draft", "submitted", "confirmed", "in_progress", "cancelled"],
        )
        self.assertEqual(str(timeline[-1]["date"]), "2026-03-05 09:00:00")
        order.action_draft()
        self.assertFalse(order.date_started or order.date_cancelled)

    def test_badge_and_labels_for_every_state(self):
        order = self._create_order()
        labels = order._get_customer_state_labels()
        for state, _label in order._fields["state"].selection:
            self.assertIn(state, labels)
            order.state = state
            self.assertTrue(order._get_portal_badge_class().startswith("text-bg-"))
