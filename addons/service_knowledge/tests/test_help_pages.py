from lxml import html

from odoo.tests import tagged

from .common import ServiceKnowledgeHttpCommon


@tagged("post_install", "-at_install")
class TestHelpPages(ServiceKnowledgeHttpCommon):
    """The public help centre: who sees which article, search, pager, slugs
    (docs/SECURITY.md cases 3, 5, 8, 10)."""

    def _assert_not_found(self, url, *leaks):
        response = self._get(url)
        self.assertEqual(response.status_code, 404, url)
        for leak in leaks:
            self.assertNotIn(leak, response.text)
        return response

    # -- list ---------------------------------------------------------------

    def test_list_for_visitors(self):
        response = self._get("/service/help")
        self.assertEqual(response.status_code, 200)
        ids = self._article_ids_in(response.text)
        self.assertEqual(
            set(ids),
            {
                self.article_drain.id,
                self.article_black.id,
                self.article_laptop.id,
                self.article_general.id,
            },
        )
        # by category (Power, Screen, none), then the articles' order
        self.assertEqual(
            ids,
            [
                self.article_drain.id,
                self.article_laptop.id,
                self.article_black.id,
                self.article_general.id,
            ],
        )
        for hidden in (
            self.article_portal,
            self.article_draft,
            self.article_archived,
            self.article_other_company,
        ):
            self.assertNotIn(hidden.name, response.text)
        self.assertIn('href="/service/help"', response.text)  # the website menu

    def test_list_for_signed_in_customers_and_staff(self):
        for user in (self.portal_user, self.user_service, self.user_manager):
            with self.subTest(user=user.login):
                self._login(user)
                response = self._get("/service/help")
                ids = self._article_ids_in(response.text)
                self.assertIn(self.article_portal.id, ids)
                self.assertNotIn(self.article_draft.id, ids)
                self.assertNotIn(self.article_other_company.id, ids)

    def test_search_ranks_title_matches_first(self):
        response = self._get("/service/help?search=battery")
        ids = self._article_ids_in(response.text)
        self.assertEqual(
            ids,
            [
                self.article_drain.id,
                self.article_laptop.id,
                self.article_black.id,
                self.article_general.id,
            ],
        )
        # the count is one translatable term: "<span>4</span> articles"
        [count] = html.fromstring(response.content).xpath(
            "//p[contains(@class, 'o_service_help_count')]"
        )
        self.assertIn("4 articles", " ".join(count.text_content().split()))
        # a signed-in customer also finds the article for customers, among
        # the title matches
        self._login(self.portal_user)
        ids = self._article_ids_in(self._get("/service/help?search=battery").text)
        self.assertEqual(ids.index(self.article_portal.id), 1)
        self.assertEqual(ids[-2:], [self.article_black.id, self.article_general.id])

    def test_search_matches_literally(self):
        percent = self._create_article("Charge to 100% first", "<p>Full.</p>")
        thousand = self._create_article("Charge to 1000 mAh", "<p>Big.</p>")
        underscore = self._create_article("Enable low_power mode", "<p>Saves.</p>")
        letter = self._create_article("Enable lowXpower mode", "<p>Other.</p>")
        quoted = self._create_article(
            "Safe mode", '<p>Choose "safe mode" and [reset] it\'s done.</p>'
        )
        cases = {
            # the title match, then the body match ("Charge to 100% and …")
            "100%": [percent, self.article_drain],
            "low_power": [underscore],
            '"safe mode"': [quoted],
            "it's": [quoted],
            "[reset]": [quoted],
            "%": [percent, self.article_drain],
            "_": [underscore],
        }
        for search, expected in cases.items():
            with self.subTest(search=search):
                response = self._get("/service/help", params={"search": search})
                self.assertEqual(response.status_code, 200)
                ids = self._article_ids_in(response.text)
                self.assertEqual(ids, [a.id for a in expected])
                self.assertNotIn(thousand.id, ids)
                self.assertNotIn(letter.id, ids)
        # a search stays within what the visitor may read
        for search in ("calibration", "replacement draft", "company B", "recall"):
            response = self._get("/service/help", params={"search": search})
            self.assertEqual(self._article_ids_in(response.text), [], search)
            self.assertIn("No article matches your search", response.text)

    def test_search_is_escaped(self):
        self._create_article("<script>alert('title')</script>", "<p>x</p>")
        response = self._get("/service/help", params={"search": "<b>alert</b>"})
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("<script>alert", response.text)
        self.assertNotIn("<b>alert</b>", response.text)
        self.assertIn("&lt;b&gt;alert&lt;/b&gt;", response.text)
        response = self._get("/service/help?search=alert")
        self.assertIn("&lt;script&gt;alert(", response.text)

    def test_device_model_filter(self):
        response = self._get(f"/service/help?device_model_id={self.model_laptop.id}")
        self.assertEqual(self._article_ids_in(response.text), [self.article_laptop.id])
        self.assertIn("Testbrand Book T2", response.text)
        response = self._get(
            f"/service/help?device_model_id={self.model_phone.id}&search=battery"
        )
        self.assertEqual(
            self._article_ids_in(response.text),
            [self.article_drain.id, self.article_black.id],
        )

    def test_bad_parameters(self):
        """Defaults, never an error (docs/SECURITY.md case 5)."""
        full = self._article_ids_in(self._get("/service/help").text)
        for query in (
            "page=-5",
            "page=abc",
            "page=99999999999999999999",
            "device_model_id=abc",
            "device_model_id=-1",
            "device_model_id=99999999999",
            f"device_model_id={self.model_phone.id}&device_model_id=x",
            "search=%00",
            "search=" + "x" * 5000,
            "search=%25%25%25&page=2",
        ):
            with self.subTest(query=query):
                response = self._get(f"/service/help?{query}")
                self.assertEqual(response.status_code, 200)
        for query in ("page=-5", "page=abc", "device_model_id=abc"):
            response = self._get(f"/service/help?{query}")
            self.assertEqual(self._article_ids_in(response.text), full)
        for url in ("/service/help/page/0", "/service/help/page/999"):
            response = self._get(url)
            self.assertEqual(response.status_code, 200, url)

    def test_pager(self):
        articles = self.env["service.article"]
        for i in range(23):
            articles |= self._create_article(
                f"Pager article {i:02d}", "<p>Paged.</p>", sequence=100 + i
            )
        response = self._get("/service/help?search=pager")
        page_1 = self._article_ids_in(response.text)
        self.assertEqual(page_1, articles[:20].ids)
        self.assertIn("/service/help/page/2?search=pager", response.text)
        response = self._get("/service/help/page/2?search=pager")
        self.assertEqual(self._article_ids_in(response.text), articles[20:].ids)
        # a page past the end shows the last one
        response = self._get("/service/help/page/9?search=pager")
        self.assertEqual(self._article_ids_in(response.text), articles[20:].ids)

    def test_list_query_count_is_constant(self):
        def count_queries(url):
            for _i in range(2):
                self.assertEqual(self._get(url).status_code, 200)
            self.env.flush_all()
            start = self.cr.sql_log_count
            self.assertEqual(self._get(url).status_code, 200)
            return self.cr.sql_log_count - start

        counts = {
            url: count_queries(url)
            for url in ("/service/help", "/service/help?search=battery")
        }
        for i in range(20):
            self._create_article(
                f"Battery tip {i}",
                "<p>Another battery tip.</p>",
                category=(self.category_power, self.category_screen)[i % 2],
                models=(self.model_phone | self.model_laptop),
            )
        for url, count in counts.items():
            with self.subTest(url=url):
                for _i in range(2):
                    self._get(url)
                self.env.flush_all()
                with self.assertQueryCount(count):
                    self._get(url)

    # -- one article --------------------------------------------------------

    def test_article_slug_urls(self):
        article = self.article_drain
        slug_url = f"/service/help/battery-drains-overnight-{article.id}"
        response = self._get(slug_url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Battery drains overnight", response.text)
        self.assertIn("Charge to 100%", response.text)
        self.assertIn(slug_url, article.website_url)
        # the id alone, or an outdated slug, redirect to the current one
        for url in (
            f"/service/help/{article.id}",
            f"/service/help/old-name-{article.id}",
        ):
            response = self._get(url)
            self.assertEqual(response.status_code, 301, url)
            self.assertTrue(response.headers["Location"].endswith(slug_url))
        response = self._get(f"/service/help/{article.id}?from=elsewhere")
        self.assertTrue(
            response.headers["Location"].endswith(f"{slug_url}?from=elsewhere")
        )
        # related articles: the same device models
        page = self._get(slug_url).text
        self.assertIn("Black screen after a fall", page)
        self.assertNotIn("Laptop battery does not charge", page)
        self.assertNotIn(self.article_portal.name, page)

    def test_article_bad_ids(self):
        for url in (
            "/service/help/abc",
            "/service/help/0",
            "/service/help/-5",
            f"/service/help/battery-{2**31}",
            "/service/help/99999999",
        ):
            with self.subTest(url=url):
                self._assert_not_found(url)

    def test_article_for_customers_is_404_for_visitors(self):
        article = self.article_portal
        # the 404 page repeats the address typed (og:url, canonical): the
        # slug of a link the visitor has, nothing from the article
        response = self._assert_not_found(
            article.website_url, article.name, "technicians"
        )
        self.assertNotIn("Location", response.headers)
        response = self._assert_not_found(
            f"/service/help/{article.id}", "calibration", "technicians"
        )
        self.assertNotIn("Location", response.headers)
        for user in (self.portal_user, self.user_service):
            self._login(user)
            response = self._get(article.website_url)
            self.assertEqual(response.status_code, 200, user.login)
            self.assertIn(article.name, response.text)
            self.assertIn("private", response.headers.get("Cache-Control", ""))
            self.assertIn("noindex", response.headers.get("X-Robots-Tag", ""))

    def test_unpublished_article_only_for_managers(self):
        article = self.article_draft
        self._assert_not_found(article.website_url, article.name)
        for user in (self.portal_user, self.user_service):
            self._login(user)
            self._assert_not_found(article.website_url, article.name)
        self._login(self.user_manager)
        response = self._get(article.website_url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_service_article_unpublished", response.text)
        self.assertIn("noindex", response.headers.get("X-Robots-Tag", ""))

    def test_other_company_and_archived_articles_are_404(self):
        for user in (None, self.portal_user, self.user_manager):
            if user:
                self._login(user)
            for article in (self.article_other_company, self.article_archived):
                with self.subTest(user=user and user.login, article=article.name):
                    self._assert_not_found(
                        f"/service/help/article-{article.id}", article.name
                    )

    def test_article_is_escaped(self):
        article = self._create_article(
            "<img src=x onerror=alert(1)> tips", "<p>Safe body</p>"
        )
        response = self._get(article.website_url)
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("<img src=x onerror", response.text)
        self.assertIn("&lt;img src=x onerror=alert(1)&gt; tips", response.text)

    def test_sitemap(self):
        response = self._get("/sitemap.xml")
        self.assertEqual(response.status_code, 200)
        self.assertIn("/service/help</loc>", response.text)
        self.assertIn(self.article_drain.website_url, response.text)
        self.assertIn(self.article_general.website_url, response.text)
        for hidden in (
            self.article_portal,
            self.article_draft,
            self.article_archived,
            self.article_other_company,
        ):
            self.assertNotIn(f"-{hidden.id}</loc>", response.text)

    def test_website_menu(self):
        menu = self.env.ref("service_knowledge.website_menu_service_help")
        self.assertEqual(menu.url, "/service/help")
        self.assertEqual(menu.name, "Help")

    # -- the website's search bar ---------------------------------------------

    def test_website_search(self):
        # (the titles come back with the words found highlighted)
        response = self._get("/website/search", params={"search": "battery"})
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.article_drain.website_url, response.text)
        for hidden in (
            self.article_portal,
            self.article_draft,
            self.article_archived,
            self.article_other_company,
        ):
            self.assertNotIn(hidden.website_url, response.text)
        response = self._get("/website/search", params={"search": "calibration"})
        self.assertNotIn(self.article_portal.website_url, response.text)
        self.assertNotIn("technicians", response.text)
        self._login(self.portal_user)
        response = self._get("/website/search", params={"search": "calibration"})
        self.assertIn(self.article_portal.website_url, response.text)

    def test_website_search_autocomplete(self):
        result = self.make_jsonrpc_request(
            "/website/snippet/autocomplete",
            {
                "search_type": "service_articles",
                "term": "battery",
                "order": "name asc",
                "limit": 10,
                "options": {"displayDescription": True},
            },
        )
        urls = {item["website_url"] for item in result["results"]}
        self.assertEqual(
            urls,
            {
                article.website_url
                for article in (
                    self.article_drain,
                    self.article_black,
                    self.article_laptop,
                    self.article_general,
                )
            },
        )
