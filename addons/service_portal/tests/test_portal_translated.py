import polib
from lxml import html as lxml_html

from odoo.tests import tagged
from odoo.tools.misc import file_path

from .common import ServiceLanguageMixin
from .test_portal_common import ServicePortalHttpCommon

# A few strings each page must show in the customer's language.
EXPECTED = {
    "pl_PL": {
        "list": ["Zlecenia serwisowe", "Najnowsze", "Szukaj we wszystkich"],
        "form": ["Numer seryjny", "Urządzenie"],
        "mail_subject": "Otrzymaliśmy Twoje zlecenie serwisowe",
    },
    "sv_SE": {
        "list": ["Serviceordrar", "Nyaste", "Sök i alla"],
        "form": ["Serienummer", "Enhet"],
        "mail_subject": "Vi har tagit emot din serviceorder",
    },
}


def english_terms(addon, lang):
    """The addon's source strings that its ``lang`` translation changes:
    none of them may be left in English on a page rendered in ``lang``."""
    po = polib.pofile(file_path(f"{addon}/i18n/{lang.split('_')[0]}.po"))
    return {
        entry.msgid.strip()
        for entry in po
        if entry.msgstr
        and entry.msgstr.strip() != entry.msgid.strip()
        and not any(mark in entry.msgid for mark in ("<", "%", "{{"))
        and len(entry.msgid.strip()) > 3
    }


@tagged("post_install", "-at_install")
class TestPortalTranslated(ServiceLanguageMixin, ServicePortalHttpCommon):
    """Issue 12: the customer's pages and e-mails in Polish and Swedish,
    with no English string of ours left on them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_service_languages()
        cls.order = cls._create_order(serial_number="SN-LANG-1")

    def _english_left(self, page, lang):
        """Our English strings found as text or as a label attribute in the
        page's main content (Odoo's own header and footer are not ours)."""
        terms = english_terms("service_portal", lang)
        tree = lxml_html.fromstring(page)
        main = tree.xpath("//main") or [tree]
        found = set()
        for node in main[0].iter():
            if node.tag in ("script", "style") or not isinstance(node.tag, str):
                continue
            for text in (node.text, node.tail):
                if text and text.strip() in terms:
                    found.add(text.strip())
            for attr in ("placeholder", "title", "aria-label", "alt"):
                value = (node.get(attr) or "").strip()
                if value in terms:
                    found.add(value)
        return found

    def _page(self, url):
        response = self.url_open(url)  # follows the redirect to /pl/…
        self.assertEqual(response.status_code, 200, url)
        return response

    def _check_lang(self, lang):
        self.portal_user.lang = lang
        self._login(self.portal_user)
        url_code = lang.split("_")[0]
        expected = EXPECTED[lang]

        response = self._page("/my/service-orders")
        self.assertTrue(response.url.endswith(f"/{url_code}/my/service-orders"))
        for text in expected["list"]:
            self.assertIn(text, response.text)
        self.assertIn(self.order.name, response.text)
        self.assertFalse(self._english_left(response.text, lang))

        response = self._page("/my/service-orders/new")
        for text in expected["form"]:
            self.assertIn(text, response.text)
        self.assertFalse(self._english_left(response.text, lang))

        response = self._page(f"/{url_code}/service/track")
        self.assertIn(f'lang="{lang.replace("_", "-")}"', response.text)
        self.assertFalse(self._english_left(response.text, lang))

        template = self.env.ref("service_portal.mail_template_service_order_submitted")
        self.customer.lang = lang
        mail = self.env["mail.mail"].browse(
            template.send_mail(self.order.id, force_send=False)
        )
        self.assertIn(expected["mail_subject"], mail.subject)
        self.assertIn(self.order.name, mail.subject)
        self.assertFalse(self._english_left(f"<main>{mail.body_html}</main>", lang))

    def test_polish(self):
        self._check_lang("pl_PL")

    def test_swedish(self):
        self._check_lang("sv_SE")

    def test_english_is_untouched(self):
        self._login(self.portal_user)
        response = self._page("/my/service-orders")
        self.assertIn("Service orders", response.text)
        self.assertNotIn("Zlecenia serwisowe", response.text)
