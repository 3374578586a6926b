from odoo.tests import tagged

from .common import ServiceKnowledgeHttpCommon


@tagged("post_install", "-at_install")
class TestPortalOrder(ServiceKnowledgeHttpCommon):
    """The order page links the articles of its device model that the
    reader may see; the form carries the suggestions' place."""

    def test_order_page_links_the_device_articles(self):
        order = self._create_order()
        self._login(self.portal_user)
        response = self._get(f"/my/service-orders/{order.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("service_order_help_articles", response.text)
        for shown in (self.article_drain, self.article_black, self.article_portal):
            self.assertIn(shown.website_url, response.text)
        for hidden in (
            self.article_laptop,
            self.article_general,
            self.article_draft,
            self.article_archived,
            self.article_other_company,
        ):
            self.assertNotIn(hidden.name, response.text)

    def test_order_page_with_token_shows_public_articles_only(self):
        order = self._create_order()
        token = order._portal_ensure_token()
        response = self._get(f"/my/service-orders/{order.id}?access_token={token}")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.article_drain.website_url, response.text)
        self.assertNotIn(self.article_portal.name, response.text)

    def test_order_page_without_articles(self):
        order = self._create_order(device_model_id=self.model_laptop.id)
        self.article_laptop.is_published = False
        self._login(self.portal_user)
        response = self._get(f"/my/service-orders/{order.id}")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("service_order_help_articles", response.text)

    def test_more_articles_link(self):
        for i in range(6):
            self._create_article(f"Phone tip {i}", "<p>Tip.</p>")
        order = self._create_order()
        self._login(self.portal_user)
        response = self._get(f"/my/service-orders/{order.id}")
        self.assertIn(
            f"/service/help?device_model_id={self.model_phone.id}", response.text
        )

    def test_form_has_the_suggestions(self):
        self._login(self.portal_user)
        response = self._get("/my/service-orders/new")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_service_knowledge_suggestions", response.text)
