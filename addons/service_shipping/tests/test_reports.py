import glob
import os
import subprocess
import tempfile

from PIL import Image

from odoo.tests import HttpCase, tagged

from .common import ServiceShippingCommon

try:
    import zxingcpp
except ImportError:  # pragma: no cover - requirements-test.txt installs it
    zxingcpp = None


@tagged("post_install", "-at_install")
class TestShipmentReports(HttpCase, ServiceShippingCommon):
    """Both documents through wkhtmltopdf; the label's QR code holds the
    shipment reference and nothing else (docs/SECURITY.md case 20).

    An HttpCase: wkhtmltopdf fetches the report assets from the test server,
    which must share the test transaction."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.reseller.write(
            {"street": "4 Harbour Road", "city": "Portsmouth", "phone": "+1 555 0199"}
        )
        cls.order_1 = cls._create_shippable_order(
            serial_number="PL-SERIAL-1", customer_ref="REF-<b>1</b>"
        )
        cls.order_2 = cls._create_shippable_order(serial_number="PL-SERIAL-2")
        cls.shipment = cls._create_shipment(
            cls.order_1 | cls.order_2, parcel_count=2, weight=1.5
        )
        cls.shipment.action_confirm()

    def _render_pdf(self, xmlid):
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(xmlid, self.shipment.ids)
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        return pdf

    def _render_html(self, xmlid):
        # wkhtmltopdf draws the text as paths: the text is checked in the
        # HTML that it converts
        html, __ = self.env["ir.actions.report"]._render_qweb_html(
            xmlid, self.shipment.ids
        )
        return html.decode()

    def test_packing_list(self):
        xmlid = "service_shipping.service_shipment_action_report_packing_list"
        pdf = self._render_pdf(xmlid)
        self.assertGreater(len(pdf), 1000)
        html = self._render_html(xmlid)
        for expected in (
            self.shipment.name,
            self.order_1.name,
            self.order_2.name,
            "PL-SERIAL-1",
            "REF-&lt;b&gt;1&lt;/b&gt;",  # escaped (docs/SECURITY.md case 8)
            self.location.name,
            self.carrier_courier.name,
            "Harbour Road",
        ):
            self.assertIn(expected, html)
        self.assertNotIn("REF-<b>1</b>", html)

    def test_staff_note_on_the_staff_copy_only(self):
        """The shipment's staff note is printed on the packing list for the
        service desk, not on the copy the reseller downloads from the portal
        (rendered under sudo, with the reseller as user). docs/SECURITY.md
        cases 7 and 25."""
        self.shipment.note = "Check the seals: disputed before"
        xmlid = "service_shipping.service_shipment_action_report_packing_list"
        staff_html = (
            self.env["ir.actions.report"]
            .with_user(self.user_service)
            ._render_qweb_html(xmlid, self.shipment.ids)[0]
            .decode()
        )
        self.assertIn("disputed before", staff_html)
        self.authenticate(self.portal_reseller.login, self.portal_reseller.login)
        for doc in ("packing-list", "label"):
            with self.subTest(doc=doc):
                # test mode renders the PDF's HTML (no force_report_rendering)
                response = self.url_open(f"/my/shipments/{self.shipment.id}/{doc}")
                self.assertEqual(response.status_code, 200)
                self.assertIn(
                    "Shipment_", response.headers.get("Content-Disposition", "")
                )
                self.assertIn(self.shipment.name, response.text)
                self.assertNotIn("disputed before", response.text)

    def test_label_qr_code_holds_the_reference_only(self):
        self.assertIsNotNone(zxingcpp, "zxing-cpp is in requirements-test.txt")
        xmlid = "service_shipping.service_shipment_action_report_label"
        pdf = self._render_pdf(xmlid)
        with tempfile.TemporaryDirectory() as tmpdir:
            path = os.path.join(tmpdir, "label.pdf")
            with open(path, "wb") as f:
                f.write(pdf)
            # one page of 4 x 6 in (102 x 152 mm)
            info = subprocess.run(
                ["pdfinfo", path], capture_output=True, check=True, text=True
            ).stdout
            self.assertRegex(info, r"Pages:\s+1\n")
            self.assertRegex(info, r"Page size:\s+28[89](\.\d+)? x 43[01]")
            subprocess.run(
                ["pdfimages", "-png", path, os.path.join(tmpdir, "img")], check=True
            )
            decoded = []
            for image_path in sorted(glob.glob(os.path.join(tmpdir, "img-*.png"))):
                with Image.open(image_path) as image:
                    decoded += [
                        result.text
                        for result in zxingcpp.read_barcodes(image.convert("L"))
                    ]
        self.assertEqual(decoded, [self.shipment.name])
        html = self._render_html(xmlid)
        for expected in (self.shipment.name, "Harbour Road", self.carrier_courier.name):
            self.assertIn(expected, html)
        self.assertRegex(html, r"Parcels</strong></td>\s*<td><span>2</span>")
        # nothing about the devices or their owners on the parcel
        for secret in ("PL-SERIAL-1", self.order_1.name, "access_token"):
            self.assertNotIn(secret, html)
