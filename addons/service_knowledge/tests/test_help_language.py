from odoo.tests import tagged

from odoo.addons.service_portal.tests.common import ServiceLanguageMixin

from .common import ServiceKnowledgeHttpCommon


@tagged("post_install", "-at_install")
class TestHelpLanguage(ServiceLanguageMixin, ServiceKnowledgeHttpCommon):
    """The help centre under the website's language URLs (/pl/service/help),
    with the articles' own translations."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_service_languages(addons=["service_portal", "service_knowledge"])
        cls.article_drain.with_context(lang="pl_PL").write(
            {
                "name": "Bateria rozładowuje się w nocy",
                "body": "<p>Naładuj do 100% i zamknij nieużywane aplikacje.</p>",
            }
        )

    def test_list_and_article_in_polish(self):
        response = self._get("/pl/service/help")
        self.assertEqual(response.status_code, 200, response.headers.get("Location"))
        self.assertIn('lang="pl-PL"', response.text)
        self.assertIn("Bateria rozładowuje się w nocy", response.text)
        self.assertNotIn("Battery drains overnight", response.text)
        # links stay under the language prefix
        self.assertIn('href="/pl/service/help/', response.text)
        polish = self.article_drain.with_context(lang="pl_PL")
        self.assertIn("/service/help/bateria-roz", polish.website_url)
        response = self._get(f"/pl{polish.website_url}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Naładuj do 100%", response.text)
        # the English page is unchanged (/en resets the language cookie)
        response = self.url_open("/en/service/help")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Battery drains overnight", response.text)

    def test_search_finds_the_translated_title(self):
        response = self._get("/pl/service/help?search=rozładowuje")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self._article_ids_in(response.text), [self.article_drain.id])

    def test_portal_only_article_stays_hidden_in_every_language(self):
        response = self._get(f"/pl{self.article_portal.website_url}")
        self.assertEqual(response.status_code, 404)
        self.assertNotIn(self.article_portal.name, response.text)
