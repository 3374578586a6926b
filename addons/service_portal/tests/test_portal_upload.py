import base64

from odoo.tests import tagged
from odoo.tools import mute_logger

from .test_portal_common import ServicePortalHttpCommon

# A 1x1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


@tagged("post_install", "-at_install")
class TestPortalUpload(ServicePortalHttpCommon):
    """docs/SECURITY.md case 9: uploads on the order page."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order_alice = cls._create_order(serial_number="SN-ALICE")
        cls.order_oscar = cls._create_order(partner=cls.other_customer)

    def _attachments(self, order):
        return self.env["ir.attachment"].search(
            [("res_model", "=", "service.order"), ("res_id", "=", order.id)]
        )

    def _upload(self, order, files, send_csrf=True, access_token=None):
        data = {"access_token": access_token} if access_token else {}
        return self._post(
            f"/my/service-orders/{order.id}/attachments",
            data,
            send_csrf=send_csrf,
            files=[("attachment", f) for f in files],
        )

    def test_upload_mimetype_from_content_and_escaped_name(self):
        self._login(self.portal_user)
        evil_name = "<img src=x onerror=alert(1)>.png"
        response = self._upload(
            self.order_alice,
            [
                ("photo.txt", PNG, "text/plain"),
                (evil_name, b"<html><script>alert(1)</script></html>", "image/png"),
            ],
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn("message=uploaded", response.headers["Location"])
        attachments = self._attachments(self.order_alice)
        self.assertEqual(len(attachments), 2)
        photo = attachments.filtered(lambda a: a.name == "photo.txt")
        self.assertEqual(photo.mimetype, "image/png")
        html = attachments - photo
        self.assertEqual(html.name, evil_name)
        self.assertNotIn(html.mimetype, ("text/html", "image/png"))
        # the desk sees them in the chatter: posted by the customer
        message = self.order_alice.message_ids.filtered("attachment_ids")
        self.assertEqual(message.author_id, self.customer)
        self.assertEqual(message.attachment_ids, attachments)
        body = self._get(f"/my/service-orders/{self.order_alice.id}").text
        self.assertIn("photo.txt", body)
        self.assertNotIn("<img src=x onerror", body)
        self.assertIn("&lt;img src=x onerror=alert(1)&gt;.png", body)
        # a colleague of the same company sees them too
        self._login(self.portal_colleague)
        body = self._get(f"/my/service-orders/{self.order_alice.id}").text
        self.assertIn("photo.txt", body)

    def test_internal_attachments_not_listed(self):
        self.order_alice.message_post(
            body="Internal photos",
            subtype_xmlid="mail.mt_note",
            attachments=[("internal-diagnosis.txt", b"secret")],
        )
        self._login(self.portal_user)
        body = self._get(f"/my/service-orders/{self.order_alice.id}").text
        self.assertNotIn("internal-diagnosis.txt", body)

    @mute_logger("odoo.http")
    def test_upload_too_large(self):
        self.env["ir.config_parameter"].set_param(
            "service_portal.portal_upload_max_size", "1000"
        )
        self._login(self.portal_user)
        # a file over the limit, request still under the request limit
        response = self._upload(self.order_alice, [("big.bin", b"x" * 2000)])
        self.assertEqual(response.status_code, 413)
        # a request far over the limit
        response = self._upload(self.order_alice, [("huge.bin", b"x" * 200_000)])
        self.assertEqual(response.status_code, 413)
        self.assertFalse(self._attachments(self.order_alice))
        self.assertFalse(self.order_alice.message_ids.attachment_ids)
        # at the limit it is accepted
        response = self._upload(self.order_alice, [("ok.bin", b"x" * 1000)])
        self.assertEqual(response.status_code, 303)
        self.assertEqual(len(self._attachments(self.order_alice)), 1)

    @mute_logger("odoo.http")
    def test_upload_refused_on_other_order_and_without_csrf(self):
        self._login(self.portal_user)
        response = self._upload(self.order_oscar, [("a.png", PNG)])
        self._assert_redirect_home(response)
        response = self._upload(
            self.order_oscar,
            [("a.png", PNG)],
            access_token=self.order_alice._portal_ensure_token(),
        )
        self._assert_redirect_home(response)
        self.assertFalse(self._attachments(self.order_oscar))
        response = self._upload(self.order_alice, [("a.png", PNG)], send_csrf=None)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._attachments(self.order_alice))

    def test_upload_with_token_logged_out(self):
        self.authenticate(None, None)
        token = self.order_oscar._portal_ensure_token()
        response = self._upload(self.order_oscar, [("a.png", PNG)], access_token=token)
        self.assertEqual(response.status_code, 303)
        self.assertIn(f"access_token={token}", response.headers["Location"])
        attachment = self._attachments(self.order_oscar)
        self.assertEqual(attachment.mimetype, "image/png")
        message = self.order_oscar.message_ids.filtered("attachment_ids")
        self.assertEqual(message.author_id, self.other_customer)

    def test_empty_upload(self):
        self._login(self.portal_user)
        response = self._upload(self.order_alice, [("empty.txt", b"")])
        self.assertEqual(response.status_code, 303)
        self.assertIn("message=upload_empty", response.headers["Location"])
        self.assertFalse(self._attachments(self.order_alice))
