import base64

from odoo.tests import tagged

from .test_portal_common import ServicePortalHttpCommon

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


@tagged("post_install", "-at_install")
class TestPortalIntakeFiles(ServicePortalHttpCommon):
    def _new_orders(self):
        return self.env["service.order"].search([("partner_id", "=", self.customer.id)])

    def _post_form(self, files, url="/my/service-orders/new", **values):
        return self._post(
            url,
            self._form_data(**values),
            files=[("attachment", f) for f in files],
        )

    def test_files_at_intake_reach_summary_and_page(self):
        self._login(self.portal_user)
        form = self.url_open("/my/service-orders/new")
        self.assertIn('enctype="multipart/form-data"', form.text)
        self.assertIn('name="attachment"', form.text)
        response = self._post_form(
            [
                ("damage.txt", PNG, "text/plain"),
                ("invoice.pdf", b"%PDF-1.4 x", "image/png"),
            ]
        )
        self.assertEqual(response.status_code, 303, response.text[:300])
        order = self._new_orders()[:1]
        attachments = order._get_portal_attachments()
        self.assertEqual(
            sorted(attachments.mapped("name")), ["damage.txt", "invoice.pdf"]
        )
        # type decided from the content, not the name or the browser
        self.assertEqual(
            attachments.filtered(lambda a: a.name == "damage.txt").mimetype,
            "image/png",
        )
        self.assertEqual(
            attachments.filtered(lambda a: a.name == "invoice.pdf").mimetype,
            "application/pdf",
        )
        summary = self.url_open(f"/my/service-orders/{order.id}/summary")
        self.assertIn("damage.txt", summary.text)
        # more files when editing the draft, kept through the summary step
        response = self._post_form(
            [("more.png", PNG, "image/png")], url=f"/my/service-orders/{order.id}/edit"
        )
        self.assertEqual(response.status_code, 303)
        self.assertEqual(len(order._get_portal_attachments()), 3)
        response = self._post(f"/my/service-orders/{order.id}/approve")
        self.assertEqual(response.status_code, 303)
        page = self.url_open(f"/my/service-orders/{order.id}")
        for name in ("damage.txt", "invoice.pdf", "more.png"):
            self.assertIn(name, page.text)

    def test_size_and_count_limits(self):
        self.env["ir.config_parameter"].set_param(
            "service_portal.portal_upload_max_size", "1000"
        )
        self._login(self.portal_user)
        before = self._new_orders()
        response = self._post_form([("big.png", PNG + b"\0" * 2000, "image/png")])
        self.assertEqual(response.status_code, 200)
        self.assertIn("too large", response.text)
        self.assertEqual(self._new_orders(), before)
        response = self._post_form([(f"f{i}.png", PNG, "image/png") for i in range(11)])
        self.assertEqual(response.status_code, 200)
        self.assertIn("at most 10 files", response.text)
        self.assertEqual(self._new_orders(), before)
        # nothing too large in the form either: the request itself is limited
        response = self._post_form([("huge.png", b"\0" * 20000, "image/png")])
        self.assertIn(response.status_code, (200, 413))
        self.assertEqual(self._new_orders(), before)

    def test_file_name_escaped(self):
        self._login(self.portal_user)
        evil = "<img src=x onerror=alert(1)>.png"
        response = self._post_form([(evil, PNG, "image/png")])
        self.assertEqual(response.status_code, 303)
        order = self._new_orders()[:1]
        summary = self.url_open(f"/my/service-orders/{order.id}/summary")
        self.assertNotIn(evil, summary.text)
        self.assertIn("&lt;img src=x onerror=alert(1)&gt;.png", summary.text)
