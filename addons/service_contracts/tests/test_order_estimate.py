import base64
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, LockError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common_orders import ServiceOrderCommon

# A 1x1 PNG, as the signature widget sends (base64, without the data: prefix).
SIGNATURE = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8"
    "AAAAASUVORK5CYII="
)


class EstimateCommon(ServiceOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.env.ref(
            "service_contracts.mail_template_service_order_estimate"
        )

    def _sent_order(self, **values):
        order = self._create_order_with_lines(user_id=self.user_service.id, **values)
        order.with_user(self.user_service).action_send_estimate()
        return order

    def _notes(self, order):
        return order.message_ids.mapped("body")


@tagged("post_install", "-at_install")
class TestOrderEstimate(EstimateCommon):
    def test_send_estimate_freezes_amounts_and_mails_the_customer(self):
        order = self._create_order_with_lines(user_id=self.user_service.id)
        self.assertEqual(order.estimate_state, "none")
        order.with_user(self.user_service).action_send_estimate()
        self.assertEqual(order.estimate_state, "sent")
        self.assertTrue(order.date_estimate_sent)
        self.assertEqual(order.estimate_amount_untaxed, 260.0)
        self.assertEqual(order.estimate_amount_total, order.amount_total)
        self.assertTrue(order.access_token)
        mail = self.env["mail.mail"].search(
            [
                ("model", "=", "service.order"),
                ("res_id", "=", order.id),
                ("subject", "ilike", "estimate"),
            ]
        )
        self.assertEqual(len(mail), 1, "the estimate e-mail is queued")
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertIn(f"access_token={order.access_token}", mail.body_html)
        self.assertTrue(any("sent to the customer" in b for b in self._notes(order)))

    def test_send_estimate_refused(self):
        draft = self._create_order_with_lines(state="draft")
        with self.assertRaisesRegex(UserError, "confirmed or in progress"):
            draft.with_user(self.user_service).action_send_estimate()
        empty = self._create_order_with_lines(lines=[])
        with self.assertRaisesRegex(UserError, "nothing to approve"):
            empty.with_user(self.user_service).action_send_estimate()
        covered = self._create_order_with_lines()
        covered.line_ids.is_covered = True
        with self.assertRaisesRegex(UserError, "nothing to approve"):
            covered.action_send_estimate()
        order = self._create_order_with_lines()
        with self.assertRaises(AccessError):
            order.with_user(self.portal_user).action_send_estimate()
        self.assertEqual(order.estimate_state, "none")
        order.action_send_estimate()
        order._reject_estimate("Too expensive", self.customer)
        with self.assertRaisesRegex(UserError, "already decided"):
            order.action_send_estimate()

    def test_limit_approves_automatically(self):
        # 260 untaxed; the limit of the company applies to its contact
        self.customer_company.service_estimate_limit = 10000.0
        order = self._sent_order()
        self.assertEqual(order.estimate_state, "approved")
        self.assertTrue(order.date_estimate_decision)
        self.assertFalse(order.estimate_signed_by)
        self.assertTrue(
            any(
                "approved automatically within the customer's limit" in body
                for body in self._notes(order)
            )
        )
        # above the limit, or without a limit, the customer decides
        self.customer_company.service_estimate_limit = 100.0
        self.assertEqual(self._sent_order().estimate_state, "sent")
        self.customer_company.service_estimate_limit = 0.0
        self.assertEqual(self._sent_order().estimate_state, "sent")

    def test_changing_lines_resets_the_estimate(self):
        order = self._sent_order()
        screen, labour = order.line_ids
        # reordering the lines changes nothing the customer approves
        screen.sequence = 50
        self.assertEqual(order.estimate_state, "sent")
        screen.with_user(self.user_service).quantity = 2
        self.assertEqual(order.estimate_state, "none")
        self.assertTrue(any("the estimate is reset" in b for b in self._notes(order)))
        # an approved estimate too: adding or removing lines resets it
        order.action_send_estimate()
        order._approve_estimate("Alice", SIGNATURE, self.customer)
        order.line_ids = [Command.create({"product_id": self.product_battery.id})]
        self.assertEqual(order.estimate_state, "none")
        self.assertFalse(order.estimate_signed_by)
        order.action_send_estimate()
        labour.unlink()
        self.assertEqual(order.estimate_state, "none")

    def test_timeline_shows_estimate_and_decision(self):
        order = self._sent_order()
        order._approve_estimate("Alice Contoso", SIGNATURE, self.customer)
        events = order._get_portal_timeline_entries()
        kinds = [event["kind"] for event in events]
        self.assertLess(kinds.index("estimate_sent"), kinds.index("estimate_approved"))
        [approved] = [e for e in events if e["kind"] == "estimate_approved"]
        self.assertEqual(approved["by"], "Alice Contoso")
        self.assertEqual(approved["date"], order.date_estimate_decision)
        rejected = self._sent_order()
        rejected._reject_estimate("Too expensive", self.customer)
        [event] = [
            e
            for e in rejected._get_portal_timeline_events()
            if e["kind"] == "estimate_rejected"
        ]
        self.assertEqual(event["detail"], "Too expensive")
        self.assertEqual(event["by"], self.customer.name)
        # a reset estimate is not on the timeline any more
        rejected.line_ids[0].quantity = 3
        kinds = [e["kind"] for e in rejected._get_portal_timeline_events()]
        self.assertNotIn("estimate_sent", kinds)

    def test_rejected_estimate_invoices_only_a_later_fee(self):
        order = self._sent_order()
        order._reject_estimate("Too expensive", self.customer)
        self.assertEqual(order.estimate_state, "rejected")
        self.assertEqual(order.invoice_state, "no")
        with self.assertRaisesRegex(UserError, "nothing to invoice"):
            order.with_user(self.user_billing).action_create_invoice()
        # a diagnosis fee added after the rejection keeps it and is invoiced
        order.line_ids = [
            Command.create({"product_id": self.product_labour.id, "quantity": 0.5})
        ]
        fee = order.line_ids.filtered("is_after_estimate")
        self.assertEqual(len(fee), 1)
        self.assertEqual(order.estimate_state, "rejected")
        self.assertEqual(order.invoice_state, "to_invoice")
        order.with_user(self.user_billing).action_create_invoice()
        self.assertRecordValues(
            order.invoice_ids.invoice_line_ids,
            [{"product_id": self.product_labour.id, "quantity": 0.5}],
        )

    def test_approved_estimate_lines_are_invoiced(self):
        order = self._sent_order()
        order._approve_estimate("Alice Contoso", SIGNATURE, self.customer)
        self.assertEqual(order.invoice_state, "to_invoice")
        order.with_user(self.user_billing).action_create_invoice()
        self.assertEqual(
            order.invoice_ids.invoice_line_ids.product_id,
            self.product_screen | self.product_labour,
        )
        self.assertEqual(order.invoice_ids.amount_untaxed, 260.0)


@tagged("post_install", "-at_install")
class TestOrderEstimatePortal(EstimateCommon, HttpCase):
    """docs/SECURITY.md case 30: only the customer or the holder of the
    order's token decides, only while sent, once."""

    def _login(self, user):
        self.authenticate(user.login, user.login)

    def _approve(self, order, **params):
        params.setdefault("name", "Alice Contoso")
        params.setdefault("signature", SIGNATURE)
        return self.make_jsonrpc_request(
            f"/my/service-orders/{order.id}/estimate/approve", params
        )

    def _reject(self, order, **params):
        params.setdefault("reason", "Too expensive, I buy a new one.")
        return self.make_jsonrpc_request(
            f"/my/service-orders/{order.id}/estimate/reject", params
        )

    def test_page_shows_estimate_with_actions(self):
        order = self._sent_order()
        order.line_ids[0].is_covered = True  # covered lines are shown at 0
        order.action_send_estimate()
        self._login(self.portal_user)
        response = self.url_open(f"/my/service-orders/{order.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn('id="service_order_estimate"', response.text)
        self.assertIn("modal_service_estimate_approve", response.text)
        self.assertIn("o_service_estimate_reject_form", response.text)
        self.assertIn("Covered", response.text)
        self.assertEqual(
            response.headers["Content-Security-Policy"], "frame-ancestors 'self'"
        )
        # staff opening the portal page do not get the actions
        self.authenticate(self.env.user.login, self.env.user.login)
        response = self.url_open(f"/my/service-orders/{order.id}")
        self.assertIn('id="service_order_estimate"', response.text)
        self.assertNotIn("modal_service_estimate_approve", response.text)

    def test_customer_approves_with_signature(self):
        order = self._sent_order()
        self._login(self.portal_colleague)
        result = self._approve(order, name="Bob Contoso")
        self.assertTrue(result["force_refresh"])
        self.assertIn(f"/my/service-orders/{order.id}", result["redirect_url"])
        self.assertRecordValues(
            order,
            [
                {
                    "estimate_state": "approved",
                    "estimate_signed_by": "Bob Contoso",
                    "estimate_decision_user_id": self.portal_colleague.id,
                }
            ],
        )
        self.assertTrue(order.date_estimate_decision)
        self.assertTrue(order.estimate_signature)
        message = order.message_ids.filtered(
            lambda m: "approved and signed by Bob Contoso" in m.body
        )
        self.assertEqual(message.author_id, self.colleague)
        self.assertEqual(len(message.attachment_ids), 1)
        self.assertEqual(message.attachment_ids.mimetype, "image/png")
        self.assertEqual(order.activity_ids.user_id, self.user_service)
        # once: a second approval or a rejection is refused
        self.assertIn("error", self._approve(order))
        self.assertIn("error", self._reject(order))
        self.assertEqual(order.estimate_state, "approved")
        self.assertEqual(order.estimate_signed_by, "Bob Contoso")

    def test_token_holder_rejects_with_reason(self):
        order = self._sent_order()
        result = self._reject(
            order, reason="Too expensive.", access_token=order.access_token
        )
        self.assertTrue(result["force_refresh"])
        self.assertIn(order.access_token, result["redirect_url"])
        self.assertEqual(order.estimate_state, "rejected")
        self.assertEqual(order.estimate_reject_reason, "Too expensive.")
        self.assertEqual(order.estimate_signed_by, self.customer.name)
        self.assertFalse(order.estimate_decision_user_id)
        self.assertTrue(
            order.message_ids.filtered(lambda m: "Too expensive." in m.body)
        )
        # the page's history shows it, with the reason; no more actions
        page = self.url_open(result["redirect_url"]).text
        self.assertIn('data-kind="estimate_sent"', page)
        self.assertIn('data-kind="estimate_rejected"', page)
        self.assertIn("Too expensive.", page)
        self.assertNotIn("modal_service_estimate_reject", page)

    def test_refusals(self):
        order = self._sent_order()
        # a reason and a signature are required; the signature is a PNG
        self._login(self.portal_user)
        self.assertIn("error", self._reject(order, reason="  "))
        self.assertIn("error", self._approve(order, signature=""))
        self.assertIn("error", self._approve(order, name=""))
        self.assertIn("error", self._approve(order, signature="not base64!"))
        self.assertIn("error", self._approve(order, signature="aGVsbG8="))
        # a PNG larger than a drawn signature can be (the hand-over's rule too)
        png = base64.b64decode(SIGNATURE)
        huge = base64.b64encode(png[:16] + b"\0" * (1024 * 1024)).decode()
        self.assertIn("too large", self._approve(order, signature=huge)["error"])
        # another customer, with or without a wrong token
        self._login(self.portal_other)
        self.assertIn("error", self._approve(order))
        self.assertIn("error", self._reject(order, access_token="wrong"))
        # a visitor with a wrong token, or none
        self.authenticate(None, None)
        self.assertIn("error", self._approve(order, access_token="wrong"))
        self.assertIn("error", self._reject(order))
        self.assertIn("error", self._approve(order=order.browse(999999)))
        self.assertEqual(order.estimate_state, "sent")
        self.assertFalse(order.date_estimate_decision)
        # not sent: nothing to decide
        draft = self._create_order_with_lines()
        self._login(self.portal_user)
        self.assertIn("error", self._approve(draft))
        self.assertEqual(draft.estimate_state, "none")

    @mute_logger("odoo.http")
    def test_parallel_decisions_end_with_one(self):
        order = self._sent_order()
        self._login(self.portal_user)
        # the other click holds the order's row: this one is refused
        Order = self.registry["service.order"]
        with patch.object(
            Order, "lock_for_update", side_effect=LockError("locked"), autospec=True
        ):
            self.assertIn("being decided", self._reject(order)["error"])
        self.assertEqual(order.estimate_state, "sent")
        # the first decision wins, the second sees it decided
        self.assertTrue(self._approve(order)["force_refresh"])
        self.assertIn("not waiting", self._reject(order)["error"])
        self.assertEqual(order.estimate_state, "approved")

    def test_approve_tour(self):
        order = self._sent_order()
        self.start_tour(
            "/my/service-orders",
            "service_order_estimate_approve",
            login=self.portal_user.login,
        )
        self.assertEqual(order.estimate_state, "approved")
        self.assertEqual(order.estimate_signed_by, "Alice Contoso")
        self.assertTrue(order.estimate_signature)

    def test_reject_tour(self):
        order = self._sent_order()
        self.start_tour(
            "/my/service-orders",
            "service_order_estimate_reject",
            login=self.portal_user.login,
        )
        self.assertEqual(order.estimate_state, "rejected")
        self.assertEqual(
            order.estimate_reject_reason, "Too expensive: I buy a new one."
        )
        self.assertEqual(order.estimate_decision_user_id, self.portal_user)
