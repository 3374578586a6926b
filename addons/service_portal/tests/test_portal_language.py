import json

from odoo.tests import tagged

from .common import ServiceLanguageMixin
from .test_portal_common import ServicePortalHttpCommon


@tagged("post_install", "-at_install")
class TestPortalLanguage(ServiceLanguageMixin, ServicePortalHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_service_languages()
        cls.country = cls.env.ref("base.pl")
        cls.customer.write(
            {
                "street": "ul. Długa 1",
                "city": "Gdańsk",
                "zip": "80-001",
                "country_id": cls.country.id,
                "phone": "+48 58 000 00 00",
            }
        )

    def _account_form(self, **values):
        partner = self.customer
        data = {
            "partner_id": str(partner.id),
            "name": partner.name,
            "email": partner.email,
            "phone": partner.phone,
            "street": partner.street,
            "city": partner.city,
            "zip": partner.zip,
            "country_id": str(partner.country_id.id),
            "address_type": "billing",
            "use_delivery_as_billing": "true",
            "callback": "/my",
        }
        data.update(values)
        return data

    def _submit(self, **values):
        response = self._post("/my/address/submit", self._account_form(**values))
        self.assertEqual(response.status_code, 200)
        return json.loads(response.text)

    def test_account_page_offers_the_website_languages(self):
        self._login(self.portal_user)
        response = self._get("/my/account")
        self.assertEqual(response.status_code, 200)
        self.assertIn('name="lang"', response.text)
        for code in ("en_US", "pl_PL", "sv_SE"):
            self.assertIn(f'value="{code}"', response.text)
        # the current language is the selected one
        self.assertIn('<option value="en_US" selected="True">', response.text)

    def test_picking_a_language_switches_pages_and_mails(self):
        self._login(self.portal_user)
        feedback = self._submit(lang="pl_PL")
        # the next page is in Polish: /pl/my sets the frontend cookie
        self.assertEqual(feedback.get("redirectUrl"), "/pl/my")
        self.assertEqual(self.portal_user.lang, "pl_PL")
        self.assertEqual(self.customer.lang, "pl_PL")
        response = self.url_open("/pl/my/service-orders")
        self.assertEqual(response.status_code, 200)
        self.assertIn('lang="pl-PL"', response.text)
        # the service e-mails are rendered in the contact's language
        order = self._create_order()
        template = self.env.ref("service_portal.mail_template_service_order_submitted")
        self.assertEqual(template._render_lang(order.ids)[order.id], "pl_PL")
        # and back to English: /en/my resets the cookie and lands on /my
        feedback = self._submit(lang="en_US")
        self.assertEqual(feedback.get("redirectUrl"), "/en/my")
        self.assertEqual(self.portal_user.lang, "en_US")

    def test_unknown_or_hostile_language_is_refused(self):
        self._login(self.portal_user)
        # installed nowhere, a SQL-looking value, a language the website
        # does not offer (installed but not on the website)
        self.env["res.lang"]._activate_lang("fi_FI")
        for value in ("xx_XX", "pl_PL' OR 1=1 --", "fi_FI"):
            feedback = self._submit(lang=value, city="Sopot")
            self.assertIn("lang", feedback.get("invalid_fields", []), value)
            self.assertNotIn("redirectUrl", feedback)
            self.assertEqual(self.portal_user.lang, "en_US")
            # nothing of the form was saved: the customer corrects and resends
            self.assertEqual(self.customer.city, "Gdańsk")

    def test_only_their_own_language(self):
        """The language of another address the customer may edit is not
        touched, and a user cannot set another user's language."""
        self._login(self.portal_user)
        delivery = self.env["res.partner"].create(
            {
                "name": "Contoso warehouse",
                "type": "delivery",
                "parent_id": self.customer_company.id,
                "street": "ul. Portowa 2",
                "city": "Gdynia",
                "zip": "81-001",
                "country_id": self.country.id,
                "email": "warehouse@contoso.example.com",
                "phone": "+48 58 000 00 01",
                "lang": "en_US",
            }
        )
        feedback = self._submit(
            partner_id=str(delivery.id),
            name=delivery.name,
            email=delivery.email,
            phone=delivery.phone,
            street=delivery.street,
            city=delivery.city,
            zip=delivery.zip,
            address_type="delivery",
            use_delivery_as_billing="false",
            lang="sv_SE",
        )
        self.assertIn("redirectUrl", feedback)
        self.assertEqual(delivery.lang, "en_US")
        self.assertEqual(self.portal_user.lang, "en_US")
        # another customer's contact: refused by Odoo before anything is read
        response = self._post(
            "/my/address/submit",
            self._account_form(partner_id=str(self.other_customer.id), lang="sv_SE"),
        )
        self.assertEqual(response.status_code, 403)
        self.assertNotEqual(self.other_customer.lang, "sv_SE")

    def test_tracking_page_under_the_language_url(self):
        response = self.url_open("/pl/service/track")
        self.assertEqual(response.status_code, 200)
        self.assertIn('lang="pl-PL"', response.text)
        response = self.url_open("/sv/service/track")
        self.assertEqual(response.status_code, 200)
        self.assertIn('lang="sv-SE"', response.text)
