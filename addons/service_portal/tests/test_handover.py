import base64
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, LockError, UserError
from odoo.tests import Form, tagged

from .common import ServicePortalCommon
from .test_portal_common import ServicePortalHttpCommon

# a 1x1 transparent PNG, as the signature widgets send (base64)
PNG_1PX = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA"
    "60e6kgAAAABJRU5ErkJggg=="
)


class HandoverMixin:
    def _ready_order(self, partner=None, **values):
        order = self._create_order(partner, **values)
        task_water = getattr(self, "task_water", None)  # required in HTTP tests
        if task_water:
            order.answer_ids = [
                Command.create({"task_id": task_water.id, "value_boolean": "no"})
            ]
        order.action_confirm()
        order.action_start()
        order.action_ready()
        return order


@tagged("post_install", "-at_install")
class TestHandover(HandoverMixin, ServicePortalCommon):
    def test_signature_required_before_done(self):
        self.location.require_handover_signature = True
        order = self._ready_order().with_user(self.user_service)
        with self.assertRaisesRegex(UserError, "sign for pickup"):
            order.action_done()
        self.assertEqual(order.state, "ready")
        order._record_handover("Alice Contoso", PNG_1PX)
        order.action_done()
        self.assertEqual(order.state, "done")

    def test_not_required_by_default(self):
        order = self._ready_order().with_user(self.user_service)
        order.action_done()
        self.assertEqual(order.state, "done")
        self.assertFalse(order.date_handover)

    def test_back_office_wizard(self):
        self.location.require_handover_signature = True
        order = self._ready_order().with_user(self.user_service)
        action = order.action_open_handover()
        self.assertEqual(action["res_model"], "service.order.handover")
        wizard_form = Form(
            self.env["service.order.handover"]
            .with_user(self.user_service)
            .with_context(**action["context"])
        )
        self.assertEqual(wizard_form.signed_by, self.customer.name)
        wizard_form.signed_by = "Carl Courier"
        wizard_form.signature = PNG_1PX
        wizard_form.save().action_confirm()
        self.assertRecordValues(
            order, [{"state": "done", "handover_signed_by": "Carl Courier"}]
        )
        self.assertTrue(order.date_handover)
        self.assertEqual(order.handover_signature, PNG_1PX.encode())
        message = order.message_ids.filtered(
            lambda m: "Signed for pickup by Carl Courier" in str(m.body)
        )
        self.assertEqual(len(message), 1)
        self.assertEqual(len(message.attachment_ids), 1)

    def test_once_and_only_when_ready(self):
        order = self._create_order()
        with self.assertRaisesRegex(UserError, "not ready"):
            order._record_handover("Alice", PNG_1PX)
        order.action_confirm()
        order.action_start()
        order.action_ready()
        for name, signature in (
            ("", PNG_1PX),
            ("Alice", ""),
            ("Alice", "not base64 !"),
            ("Alice", base64.b64encode(b"GIF89a not a png").decode()),
        ):
            with self.subTest(name=name, signature=signature[:10]):
                with self.assertRaises(UserError):
                    order._record_handover(name, signature)
        self.assertFalse(order.date_handover)
        order._record_handover("Alice", PNG_1PX)
        with self.assertRaisesRegex(UserError, "already signed"):
            order._record_handover("Mallory", PNG_1PX)
        self.assertEqual(order.handover_signed_by, "Alice")

    def test_locked_row_is_refused(self):
        """A signature in progress elsewhere (row locked) refuses this one."""
        order = self._ready_order()
        with (
            patch.object(
                type(order), "lock_for_update", side_effect=LockError("locked")
            ),
            self.assertRaises(LockError),
        ):
            order._record_handover("Alice", PNG_1PX)
        self.assertFalse(order.date_handover)

    def test_portal_user_cannot_open_handover(self):
        order = self._ready_order()
        with self.assertRaises(AccessError):
            order.with_user(self.portal_user).action_open_handover()


@tagged("post_install", "-at_install")
class TestHandoverHttp(HandoverMixin, ServicePortalHttpCommon):
    def _sign(self, order, access_token=None, name="Alice Contoso", signature=PNG_1PX):
        params = {"name": name, "signature": signature}
        if access_token is not None:
            params["access_token"] = access_token
        return self.make_jsonrpc_request(
            f"/my/service-orders/{order.id}/handover", params
        )

    def test_customer_signs_on_the_portal(self):
        order = self._ready_order()
        self._login(self.portal_user)
        page = self.url_open(f"/my/service-orders/{order.id}")
        self.assertIn("modal_service_order_handover", page.text)
        self.assertIn("/handover", page.text)
        result = self._sign(order)
        self.assertTrue(result.get("force_refresh"), result)
        self.assertIn("message=handover", result["redirect_url"])
        self.assertEqual(order.handover_signed_by, "Alice Contoso")
        self.assertTrue(order.date_handover)
        message = order.message_ids.filtered(
            lambda m: "Signed for pickup by Alice Contoso" in str(m.body)
        )
        self.assertEqual(message.author_id, self.customer)
        # once
        result = self._sign(order, name="Again")
        self.assertIn("already signed", result["error"])
        self.assertEqual(order.handover_signed_by, "Alice Contoso")
        page = self.url_open(f"/my/service-orders/{order.id}")
        self.assertNotIn("modal_service_order_handover", page.text)

    def test_staff_cannot_sign_in_the_customers_name(self):
        """The route's twin for estimates refuses staff: so does this one."""
        order = self._ready_order()
        self.authenticate(self.user_service.login, self.user_service.login)
        page = self.url_open(f"/my/service-orders/{order.id}")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("modal_service_order_handover", page.text)
        self.assertIn("error", self._sign(order, name="Sam Agent"))
        self.assertFalse(order.date_handover)

    def test_signature_larger_than_a_drawing_is_refused(self):
        order = self._ready_order()
        self._login(self.portal_user)
        png_header = base64.b64decode(PNG_1PX)[:16]
        huge = base64.b64encode(png_header + b"\0" * (1024 * 1024)).decode()
        result = self._sign(order, signature=huge)
        self.assertIn("too large", result["error"])
        self.assertFalse(order.date_handover)

    def test_token_holder_signs_logged_out(self):
        order = self._ready_order()
        token = order._portal_ensure_token()
        result = self._sign(order, access_token=token, name="Front Desk")
        self.assertNotIn("error", result)
        self.assertEqual(order.handover_signed_by, "Front Desk")

    def test_refusals(self):
        order = self._ready_order()
        token = order._portal_ensure_token()
        # logged out without or with a wrong token
        self.assertIn("error", self._sign(order))
        self.assertIn("error", self._sign(order, access_token="wrong" + token))
        # another customer, even with a wrong token
        self._login(self.portal_other)
        self.assertIn("error", self._sign(order))
        self.assertIn("error", self._sign(order, access_token=token[:-1]))
        # bad signatures
        self._login(self.portal_user)
        for signature in ("", "%%%not-base64", base64.b64encode(b"<svg/>").decode()):
            with self.subTest(signature=signature):
                self.assertIn("error", self._sign(order, signature=signature))
        self.assertIn("error", self._sign(order, name="  "))
        # wrong states
        draft = self._create_order()
        self.assertIn("error", self._sign(draft))
        self.assertFalse(order.date_handover)
        self.assertFalse(draft.date_handover)
        # impossible ids
        for order_id in (0, 2**31, 99999999):
            result = self.make_jsonrpc_request(
                f"/my/service-orders/{order_id}/handover",
                {"name": "x", "signature": PNG_1PX},
            )
            self.assertIn("error", result)
