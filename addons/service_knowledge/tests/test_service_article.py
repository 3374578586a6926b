from odoo.tests import tagged

from .common import ServiceKnowledgeCommon


@tagged("post_install", "-at_install")
class TestServiceArticle(ServiceKnowledgeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Article = cls.env["service.article"]
        cls.website = cls.env["website"].get_current_website()
        cls.public_user = cls.website.user_id

    def _visible(self, user, include_unpublished=False):
        domain = self.Article._get_visible_domain(
            user, self.website, include_unpublished=include_unpublished
        )
        return self.Article.search(domain)

    def test_visible_domain(self):
        public = self._visible(self.public_user)
        self.assertIn(self.article_drain, public)
        self.assertIn(self.article_general, public)
        for article in (
            self.article_portal,
            self.article_draft,
            self.article_archived,
            self.article_other_company,
        ):
            self.assertNotIn(article, public)
        # signed-in customers and staff also see the articles for customers
        for user in (self.portal_user, self.user_service):
            visible = self._visible(user, include_unpublished=True)
            self.assertIn(self.article_portal, visible)
            self.assertNotIn(self.article_draft, visible)
            self.assertNotIn(self.article_other_company, visible)
        # service administrators preview unpublished articles
        visible = self._visible(self.user_manager, include_unpublished=True)
        self.assertIn(self.article_draft, visible)
        self.assertNotIn(self.article_other_company, visible)
        self.assertNotIn(self.article_draft, self._visible(self.user_manager))

    def test_search_ranks_title_matches_first(self):
        domain = self.Article._get_visible_domain(self.public_user, self.website)
        found = self.Article._search_help(domain, "battery")
        # "Black screen after a fall" has a lower sequence, but battery is
        # only in its body
        self.assertEqual(
            found[:2].mapped("name"),
            ["Battery drains overnight", "Laptop battery does not charge"],
        )
        self.assertIn(self.article_black, found)
        self.assertLess(
            list(found).index(self.article_laptop),
            list(found).index(self.article_black),
        )
        # every word must be found, in the title or the body
        found = self.Article._search_help(domain, "BATTERY screen")
        self.assertEqual(found, self.article_black)
        count = self.Article.search_count(
            self.Article._get_search_help_domain(domain, "battery")
        )
        self.assertEqual(count, len(self.Article._search_help(domain, "battery")))

    def test_search_terms(self):
        terms = self.Article._get_search_terms
        self.assertEqual(
            terms("  Battery  battery BATTERY screen "), ["Battery", "screen"]
        )
        self.assertEqual(terms(None), [])
        self.assertEqual(terms(["battery"]), [])
        self.assertEqual(terms("a\x00b"), ["ab"])
        self.assertLessEqual(len(terms(" ".join(f"w{i}" for i in range(50)))), 10)
        self.assertLessEqual(len("".join(terms("x" * 5000))), 100)

    def test_search_text_holds_title_and_plain_body(self):
        article = self._create_article(
            "Strong signal",
            '<p class="lead">Reset the <strong>network</strong> &amp; retry.</p>',
        )
        self.assertIn("Strong signal", article.search_text)
        self.assertIn("Reset the network & retry.", article.search_text)
        self.assertNotIn("<", article.search_text)
        self.assertNotIn("lead", article.search_text)
        article.body = "<p>Call us.</p>"
        self.assertIn("Call us.", article.search_text)
        self.assertNotIn("network", article.search_text)
        # markup is not searched: "strong" finds the title only, "lead" nothing
        domain = self.Article._get_visible_domain(self.public_user, self.website)
        self.assertFalse(self.Article._search_help(domain, "lead"))

    def test_body_is_sanitized(self):
        article = self._create_article(
            "Sanitized", '<p onclick="alert(1)">Hi<script>alert(2)</script></p>'
        )
        self.assertNotIn("onclick", article.body)
        self.assertNotIn("<script", article.body)
        self.assertIn("Hi", article.teaser)

    def test_suggestion_words(self):
        words = self.Article._get_suggestion_words
        self.assertEqual(
            words("The phone's battery does not charge with the cable"),
            ["battery", "charge", "phone", "cable"],
        )
        self.assertEqual(words("%%% ___ '' \"\" [] a an to"), [])
        self.assertEqual(words("low_power 100%"), ["power", "low", "100"])
        self.assertEqual(words(None), [])
        self.assertLessEqual(len(words(" ".join(f"word{i}" for i in range(99)))), 6)

    def test_suggest_ranking_and_scope(self):
        domain = self.Article._get_visible_domain(self.portal_user, self.website)
        found = self.Article._suggest(
            domain, self.model_phone, "The battery is empty every morning"
        )
        # the title match first; then a body match about the phone before
        # the general article; never another device's, a draft, another
        # company's
        self.assertEqual(found[0], self.article_drain)
        self.assertIn(self.article_portal, found)
        self.assertLess(
            list(found).index(self.article_black),
            list(found).index(self.article_general),
        )
        for article in (
            self.article_laptop,
            self.article_draft,
            self.article_archived,
            self.article_other_company,
        ):
            self.assertNotIn(article, found)
        self.assertFalse(
            self.Article._suggest(domain, self.model_phone, "nothing like it here")
        )
        self.assertFalse(
            self.Article._suggest(
                domain, self.env["service.device.model"], "battery battery"
            )
        )

    def test_suggest_returns_at_most_five(self):
        for i in range(8):
            self._create_article(f"Overheating case {i}", "<p>Too hot.</p>")
        domain = self.Article._get_visible_domain(self.portal_user, self.website)
        found = self.Article._suggest(domain, self.model_phone, "overheating")
        self.assertEqual(len(found), 5)

    def test_counters_never_below_zero(self):
        article = self.article_drain
        article._add_to_suggestion_counters(opened=1, deflected=1)
        self.assertEqual(article.suggestion_open_count, 1)
        self.assertEqual(article.suggestion_deflected_count, 1)
        self.assertEqual(article.suggestion_deflection_rate, 100.0)
        article._add_to_suggestion_counters(deflected=-1)
        article._add_to_suggestion_counters(deflected=-1)
        self.assertEqual(article.suggestion_deflected_count, 0)
        self.assertEqual(article.suggestion_open_count, 1)
        self.assertEqual(article.suggestion_deflection_rate, 0.0)
        article.with_user(self.user_manager).action_reset_suggestion_counters()
        self.assertEqual(article.suggestion_open_count, 0)

    def test_website_url_is_a_slug(self):
        self.assertEqual(
            self.article_drain.website_url,
            f"/service/help/battery-drains-overnight-{self.article_drain.id}",
        )
        self.article_drain.seo_name = "drain"
        self.assertEqual(
            self.article_drain.website_url,
            f"/service/help/drain-{self.article_drain.id}",
        )

    def test_category_article_count(self):
        # archived articles are not counted
        self.assertEqual(self.category_power.article_count, 4)
