import base64
from datetime import datetime

from freezegun import freeze_time

from odoo.tests import tagged

from .test_portal_common import ServicePortalHttpCommon

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
PNG_B64 = base64.b64encode(PNG).decode()


@tagged("post_install", "-at_install")
class TestTimeline(ServicePortalHttpCommon):
    def _lifecycle(self):
        with freeze_time("2026-03-02 09:00:00"):
            order = self._create_order()
            order.answer_ids = [
                (0, 0, {"task_id": self.task_water.id, "value_boolean": "yes"})
            ]
        with freeze_time("2026-03-02 09:05:00"):
            order._portal_add_files([("damage.png", PNG)], self.customer)
        with freeze_time("2026-03-02 10:00:00"):
            order.action_submit()
        with freeze_time("2026-03-03 08:00:00"):
            order.action_confirm()
        with freeze_time("2026-03-03 09:00:00"):
            order.action_start()
        with freeze_time("2026-03-04 15:00:00"):
            order.action_ready()
        with freeze_time("2026-03-05 11:00:00"):
            order._record_handover("Alice Contoso", PNG_B64)
            order.action_done()
        return order

    def test_events_in_order(self):
        order = self._lifecycle()
        entries = order._get_portal_timeline_entries()
        self.assertEqual(
            [(e["kind"], e["date"]) for e in entries],
            [
                ("files", datetime(2026, 3, 2, 9, 5)),
                ("submitted", datetime(2026, 3, 2, 10, 0)),
                ("state", datetime(2026, 3, 3, 8, 0)),
                ("state", datetime(2026, 3, 3, 9, 0)),
                ("state", datetime(2026, 3, 4, 15, 0)),
                ("handover", datetime(2026, 3, 5, 11, 0)),
                ("state", datetime(2026, 3, 5, 11, 0)),
            ],
        )
        for entry in entries:
            self.assertEqual(
                set(entry) - {"state"}, {"date", "kind", "label", "detail", "by"}
            )
        submitted = entries[1]
        self.assertIn(self.task_water.name, submitted["detail"])
        self.assertEqual(submitted["by"], self.customer.name)
        self.assertEqual(entries[0]["detail"], "damage.png")
        self.assertEqual(entries[0]["by"], self.customer.name)
        self.assertEqual(entries[5]["by"], "Alice Contoso")
        self.assertEqual(
            [e["state"] for e in entries if e["kind"] == "state"],
            ["confirmed", "in_progress", "ready", "done"],
        )

    def test_staff_files_and_notes_are_not_customer_events(self):
        order = self._create_order()
        order.with_user(self.user_service).message_post(
            body="internal",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            attachments=[("internal.png", PNG)],
        )
        self.assertFalse(
            [e for e in order._get_portal_timeline_entries() if e["kind"] == "files"]
        )

    def test_order_page_shows_the_timeline(self):
        order = self._lifecycle()
        self._login(self.portal_user)
        response = self.url_open(f"/my/service-orders/{order.id}")
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn("o_service_order_history", html)
        for text in ("damage.png", "Signed for pickup", "Alice Contoso"):
            self.assertIn(text, html)
        # chronological: the files come before the hand-over
        self.assertLess(
            html.index('data-kind="files"'), html.index('data-kind="handover"')
        )
        # the back office sees the hand-over on the chatter
        self.assertTrue(
            order.message_ids.filtered(
                lambda m: "Signed for pickup by Alice Contoso" in str(m.body)
            )
        )
