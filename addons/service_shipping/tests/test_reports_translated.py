from odoo.tests import tagged

from odoo.addons.service_portal.tests.common import ServiceLanguageMixin

from .common import ServiceShippingCommon


@tagged("post_install", "-at_install")
class TestShipmentReportsTranslated(ServiceLanguageMixin, ServiceShippingCommon):
    """The packing list and the label follow the reseller's language
    (the HTML that wkhtmltopdf converts: it draws text as paths)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_service_languages(addons=["service_portal", "service_shipping"])
        cls.order_1 = cls._create_shippable_order(serial_number="PL-LANG-1")
        cls.shipment = cls._create_shipment(cls.order_1, parcel_count=1, weight=1.0)
        cls.shipment.action_confirm()

    def _render_html(self, xmlid):
        html, __ = self.env["ir.actions.report"]._render_qweb_html(
            xmlid, self.shipment.ids
        )
        return html.decode()

    def test_documents_in_the_resellers_language(self):
        packing = "service_shipping.service_shipment_action_report_packing_list"
        label = "service_shipping.service_shipment_action_report_label"
        for lang, expected in (
            ("pl_PL", ["Lista pakowania", "Nadawca", "Paczki"]),
            ("sv_SE", ["Packsedel", "Avsändare"]),
        ):
            with self.subTest(lang=lang):
                self.shipment.partner_id.lang = lang
                html = self._render_html(packing)
                for text in expected:
                    self.assertIn(text, html)
                self.assertNotIn("Packing List", html)
                self.assertIn("PL-LANG-1", html)
                self.assertNotIn("<strong>Sender</strong>", self._render_html(label))
        self.shipment.partner_id.lang = "en_US"
        self.assertIn("Packing List", self._render_html(packing))
