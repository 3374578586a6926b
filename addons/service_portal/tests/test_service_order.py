from datetime import date, datetime

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import ServicePortalCommon


@tagged("post_install", "-at_install")
class TestServiceOrder(ServicePortalCommon):
    def test_sequence_number(self):
        order = self._create_order()
        self.assertTrue(order.name.startswith("SRV/"), order.name)
        other = self._create_order()
        self.assertNotEqual(order.name, other.name)
        self.assertEqual(order.state, "draft")
        self.assertIn(self.customer, order.message_partner_ids)

    def _flush_tracking(self):
        """Tracking messages are posted when the transaction commits."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    def test_full_workflow(self):
        order = self._create_order().with_user(self.user_service)
        self._flush_tracking()
        with freeze_time("2026-03-02 10:00:00"):
            order.action_submit()
        self._flush_tracking()
        self.assertEqual(order.state, "submitted")
        self.assertEqual(order.date_submitted, datetime(2026, 3, 2, 10, 0))
        self.assertEqual(order.date_promised, date(2026, 3, 7))
        order.action_confirm()
        self._flush_tracking()
        self.assertEqual(order.state, "confirmed")
        self.assertTrue(order.date_confirmed)
        order.action_start()
        self._flush_tracking()
        self.assertEqual(order.state, "in_progress")
        self.assertEqual(order.user_id, self.user_service, "starting assigns the agent")
        order.action_ready()
        self._flush_tracking()
        self.assertEqual(order.state, "ready")
        order.action_done()
        self._flush_tracking()
        self.assertEqual(order.state, "done")
        self.assertTrue(order.date_done)
        # every state change is tracked in the chatter with its own subtype
        subtype = self.env.ref("service_portal.mt_service_order_state_change")
        state_messages = order.message_ids.filtered(lambda m: m.subtype_id == subtype)
        self.assertEqual(len(state_messages), 5)
        self.assertIn(
            "state",
            state_messages.sudo().tracking_value_ids.field_id.mapped("name"),
        )

    def test_wrong_transitions_refused(self):
        order = self._create_order().with_user(self.user_service)
        for action in ("action_start", "action_ready", "action_done", "action_draft"):
            with self.subTest(action=action), self.assertRaises(UserError):
                getattr(order, action)()
        order.action_submit()
        for action in ("action_submit", "action_start", "action_ready", "action_done"):
            with self.subTest(action=action), self.assertRaises(UserError):
                getattr(order, action)()
        order.action_confirm()
        with self.assertRaises(UserError):
            order.action_confirm()
        order.action_start()
        with self.assertRaises(UserError):
            order.action_done()
        order.action_ready()
        order.action_done()
        for action in (
            "action_cancel",
            "action_submit",
            "action_start",
            "action_draft",
        ):
            with self.subTest(action=action), self.assertRaises(UserError):
                getattr(order, action)()
        self.assertEqual(order.state, "done")

    def test_refusal_message_is_clear(self):
        order = self._create_order().with_user(self.user_service)
        # service_order.py passes the action label: "start", or "Start" once
        # its labels are capitalised
        with self.assertRaisesRegex(
            UserError, "is in the state “Draft”: “Start Work” is not possible"
        ):
            order.action_start()

    def test_mixed_states_refused_as_a_whole(self):
        order_1 = self._create_order()
        order_2 = self._create_order()
        order_1.action_submit()
        orders = (order_1 | order_2).with_user(self.user_service)
        with self.assertRaises(UserError):
            orders.action_submit()
        self.assertEqual(order_2.state, "draft", "nothing changed")

    def test_cancel_and_reset(self):
        order = self._create_order().with_user(self.user_service)
        order.action_submit()
        order.action_cancel()
        self.assertEqual(order.state, "cancelled")
        self.assertEqual(
            len(
                self._customer_mails(order).filtered(
                    lambda m: "cancelled" in (m.subject or "")
                )
            ),
            1,
        )
        order.action_draft()
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.date_submitted)
        self.assertFalse(order.date_promised)

    def test_submit_requires_location(self):
        order = self._create_order(location_id=False).with_user(self.user_service)
        with self.assertRaisesRegex(UserError, "service location"):
            order.action_submit()
        self.assertEqual(order.state, "draft")

    def test_submit_requires_required_answers(self):
        task = self._create_task("Water damage?", "boolean", required_in_portal=True)
        order = self._create_order().with_user(self.user_service)
        with self.assertRaisesRegex(UserError, "Water damage"):
            order.action_submit()
        order.answer_ids = [(0, 0, {"task_id": task.id, "value_boolean": "no"})]
        order.action_submit()
        self.assertEqual(order.state, "submitted")
        self.assertEqual(order.answer_ids.value_display, "No")

    def test_required_question_of_other_model_does_not_block(self):
        self._create_task(
            "Laptop only",
            required_in_portal=True,
            device_model_ids=[(6, 0, self.model_laptop.ids)],
        )
        order = self._create_order().with_user(self.user_service)
        order.action_submit()
        self.assertEqual(order.state, "submitted")

    def test_reseller_confirmed_at_once(self):
        order = self._create_order(partner=self.reseller_contact).with_user(
            self.user_service
        )
        order.action_submit()
        self.assertEqual(order.state, "confirmed")
        self.assertTrue(order.date_confirmed)
        mails = self._customer_mails(order)
        self.assertEqual(len(mails), 1, "only the confirmation e-mail")
        self.assertIn("confirmed", mails.subject)

    def test_non_reseller_not_confirmed(self):
        order = self._create_order().with_user(self.user_service)
        order.action_submit()
        self.assertEqual(order.state, "submitted")

    def test_state_mails_queued_once(self):
        order = self._create_order().with_user(self.user_service)
        order.action_submit()
        mails = self._customer_mails(order)
        self.assertEqual(len(mails), 1)
        self.assertEqual(mails.state, "outgoing", "queued, not sent inline")
        order.action_confirm()
        with self.assertRaises(UserError):  # double click
            order.action_confirm()
        self.assertEqual(len(self._customer_mails(order)), 2)
        order.action_start()  # not customer-visible: no e-mail
        self.assertEqual(len(self._customer_mails(order)), 2)
        order.action_ready()
        order.action_done()
        self.assertEqual(len(self._customer_mails(order)), 4)
        self.assertIn(order.access_url, mails.body_html)

    def test_confirm_from_draft_sets_submission(self):
        order = self._create_order().with_user(self.user_service)
        order.action_confirm()
        self.assertEqual(order.state, "confirmed")
        self.assertTrue(order.date_submitted)
        self.assertTrue(order.date_promised)

    @freeze_time("2026-05-10 08:00:00")
    def test_promised_date_uses_tat(self):
        self.location.tat_days = 0
        order = self._create_order()
        order.action_submit()
        self.assertEqual(order.date_promised, date(2026, 5, 10))
        # changing the TAT later does not move promised dates of existing orders
        self.location.tat_days = 30
        order.invalidate_recordset()
        self.assertEqual(order.date_promised, date(2026, 5, 10))
        order.location_id = self.location_internal
        self.assertEqual(order.date_promised, date(2026, 5, 20))

    @mute_logger("odoo.sql_db")
    def test_tat_cannot_be_negative(self):
        with self.assertRaises(IntegrityError), self.cr.savepoint():
            self.location.tat_days = -1
            self.location.flush_recordset()

    def test_late_orders(self):
        with freeze_time("2026-01-01 09:00:00"):
            order = self._create_order()
            order.action_submit()
        with freeze_time("2026-02-01 09:00:00"):
            order.invalidate_recordset(["is_late"])
            self.assertTrue(order.is_late)
            late = self.env["service.order"].search([("is_late", "=", True)])
            self.assertIn(order, late)
            not_late = self.env["service.order"].search([("is_late", "=", False)])
            self.assertNotIn(order, not_late)

    def test_service_item_fills_device(self):
        item = self.env["service.item"].create(
            {
                "partner_id": self.customer.id,
                "device_model_id": self.model_laptop.id,
                "serial_number": "GB-1",
                "warranty_end_date": "2099-01-01",
            }
        )
        self.assertTrue(item.under_warranty)
        with Form(self.env["service.order"].with_user(self.user_service)) as form:
            form.partner_id = self.customer
            form.service_item_id = item
            self.assertEqual(form.device_model_id, self.model_laptop)
            self.assertEqual(form.serial_number, "GB-1")
            form.location_id = self.location
        self.assertEqual(form.record.device_model_id, self.model_laptop)

    def test_location_default_agent(self):
        self.location.user_id = self.user_service
        order = self._create_order()
        self.assertEqual(order.user_id, self.user_service)

    def test_unlink_only_draft_or_cancelled(self):
        order = self._create_order()
        order.action_submit()
        with self.assertRaises(UserError):
            order.with_user(self.user_service).unlink()
        order.with_user(self.user_service).action_cancel()
        order.with_user(self.user_service).unlink()
        self.assertFalse(order.exists())

    def test_load_questions(self):
        task_all = self._create_task("For all")
        task_staff = self._create_task("Staff only", filled_by_customer=False)
        self._create_task(
            "Laptop only", device_model_ids=[(6, 0, self.model_laptop.ids)]
        )
        order = self._create_order().with_user(self.user_service)
        order.action_load_questions()
        self.assertEqual(order.answer_ids.task_id, task_all | task_staff)
        order.action_load_questions()
        self.assertEqual(len(order.answer_ids), 2, "no duplicate lines")

    def test_answer_option_must_belong_to_question(self):
        task_a = self._create_task("A", "selection")
        task_b = self._create_task("B", "selection")
        order = self._create_order()
        with self.assertRaises(ValidationError):
            self.env["service.order.answer"].create(
                {
                    "order_id": order.id,
                    "task_id": task_a.id,
                    "value_option_id": task_b.option_ids[0].id,
                }
            )

    @mute_logger("odoo.sql_db")
    def test_device_model_unique_per_brand(self):
        with self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["service.device.model"].create(
                {"brand": "TESTBRAND", "name": "phone t1"}
            )
            self.env.flush_all()
        self.assertEqual(self.model_phone.display_name, "Testbrand Phone T1")

    def test_partner_order_count(self):
        self._create_order()
        self._create_order(partner=self.colleague)
        self._create_order(partner=self.other_customer)
        self.customer_company.invalidate_recordset()
        self.assertEqual(
            self.customer_company.with_user(self.user_service).service_order_count, 2
        )
        self.assertEqual(
            self.customer.with_user(self.user_service).service_order_count, 1
        )
        action = self.customer_company.with_user(
            self.user_service
        ).action_view_service_orders()
        self.assertEqual(self.env["service.order"].search_count(action["domain"]), 2)
