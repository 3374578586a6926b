from odoo.tests import tagged
from odoo.tests.common import JsonRpcException

from .common import ServiceKnowledgeHttpCommon


@tagged("post_install", "-at_install")
class TestSuggestions(ServiceKnowledgeHttpCommon):
    """/service/help/suggest, the new-order form's suggestions
    (docs/SECURITY.md cases 8, 10, 14, 28)."""

    def _names(self, result):
        return [suggestion["name"] for suggestion in result]

    def test_suggests_visible_articles_of_the_device(self):
        self._login(self.portal_user)
        result = self._suggest("The battery is empty every morning")
        self.assertEqual(result[0]["name"], "Battery drains overnight")
        self.assertEqual(
            set(self._names(result)),
            {
                "Battery drains overnight",
                "Battery calibration for customers",
                "Black screen after a fall",
                "Back up your data",
            },
        )
        first = result[0]
        self.assertEqual(first["id"], self.article_drain.id)
        self.assertEqual(first["url"], f"{self.article_drain.website_url}?from=suggest")
        self.assertEqual(set(first), {"id", "name", "url"})
        # another device's articles only for that device
        result = self._suggest("battery", device_model=self.model_laptop)
        self.assertEqual(
            self._names(result), ["Laptop battery does not charge", "Back up your data"]
        )

    def test_no_unpublished_or_foreign_article(self):
        for user in (self.portal_user, self.user_service, self.user_manager):
            with self.subTest(user=user.login):
                self._login(user)
                names = self._names(
                    self._suggest("battery replacement draft recall tips company")
                )
                self.assertTrue(names)
                for hidden in (
                    self.article_draft,
                    self.article_archived,
                    self.article_other_company,
                    self.article_laptop,
                ):
                    self.assertNotIn(hidden.name, names)

    def test_visitors_get_nothing(self):
        """The route needs a session: a visitor never sees the articles for
        customers, nor anything else."""
        with self.assertRaises(JsonRpcException) as error:
            self._suggest("battery calibration")
        self.assertNotIn("calibration", str(error.exception))
        self.assertFalse(self.env["service.article.suggest.log"].search([]))

    def test_at_most_five(self):
        for i in range(9):
            self._create_article(f"Overheating case {i}", "<p>Too hot.</p>")
        self._login(self.portal_user)
        self.assertEqual(len(self._suggest("overheating phone")), 5)

    def test_words_are_matched_literally(self):
        percent = self._create_article("Charge to 100% first", "<p>Full.</p>")
        self._login(self.portal_user)
        # no word, only wildcards and quotes: nothing searched, nothing logged
        for text in ("%%%%%%%%", "________", "'\"'\"'\"'\"", "[](){}.*+?|^$\\"):
            with self.subTest(text=text):
                self.assertEqual(self._suggest(text), [])
        self.assertFalse(self.env["service.article.suggest.log"].search([]))
        # "100%" is the word "100" (found in a title and in a body), and the
        # regular-expression characters of the text never reach the query
        self.assertEqual(
            self._names(self._suggest("100%")),
            [percent.name, self.article_drain.name],
        )
        self.assertEqual(self._suggest("(.*)|battery["), self._suggest("battery"))

    def test_titles_come_back_as_text(self):
        self._create_article("<b>Bold</b> battery & <i>tips</i>", "<p>x</p>")
        self._login(self.portal_user)
        names = self._names(self._suggest("bold battery tips"))
        self.assertEqual(names[0], "<b>Bold</b> battery & <i>tips</i>")

    def test_bad_parameters(self):
        self._login(self.portal_user)
        other_model = self.env["service.device.model"].create(
            {
                "brand": "Other",
                "name": "Company B only",
                "company_id": self.company_b.id,
            }
        )
        self._create_article(
            "Battery of B",
            "<p>x</p>",
            models=other_model,
            company_id=self.company_b.id,
        )
        for device_model_id in (
            None,
            0,
            -1,
            "abc",
            2**40,
            [self.model_phone.id],
            {"id": self.model_phone.id},
            other_model.id,
        ):
            with self.subTest(device_model_id=device_model_id):
                result = self.make_jsonrpc_request(
                    "/service/help/suggest",
                    {"device_model_id": device_model_id, "text": "battery"},
                )
                self.assertEqual(result, [])
        for text in (None, 42, ["battery"], {"battery": 1}, ""):
            with self.subTest(text=text):
                self.assertEqual(self._suggest(text), [])
        # the id as a string is fine, and a huge text is cut, not refused
        result = self.make_jsonrpc_request(
            "/service/help/suggest",
            {"device_model_id": str(self.model_phone.id), "text": "battery " * 5000},
        )
        self.assertTrue(result)

    def test_rate_limit_per_user(self):
        self.env["ir.config_parameter"].set_param(
            "service_knowledge.suggest_limit_user", "3"
        )
        Log = self.env["service.article.suggest.log"]
        self._login(self.portal_user)
        for _i in range(3):
            self.assertTrue(self._suggest("battery"))
        self.assertEqual(Log.search_count([("user_id", "=", self.portal_user.id)]), 3)
        # over the limit: an empty answer, not an error, and not logged
        self.assertEqual(self._suggest("battery"), [])
        self.assertEqual(Log.search_count([("user_id", "=", self.portal_user.id)]), 3)
        # another customer is not affected
        self._login(self.portal_colleague)
        self.assertTrue(self._suggest("battery"))
        # after the window the customer gets suggestions again
        self.env.cr.execute(
            "UPDATE service_article_suggest_log"
            " SET create_date = create_date - interval '11 minutes'"
        )
        Log.invalidate_model(["create_date"])
        self._login(self.portal_user)
        self.assertTrue(self._suggest("battery"))
        # and the autovacuum forgets the old searches
        Log._gc_suggest_logs()
        self.assertEqual(Log.search_count([]), 1)

    def test_rate_limit_per_address(self):
        self.env["ir.config_parameter"].set_param(
            "service_knowledge.suggest_limit_ip", "2"
        )
        for user in (self.portal_user, self.portal_colleague):
            self._login(user)
            self.assertTrue(self._suggest("battery"))
        self._login(self.portal_other)
        self.assertEqual(self._suggest("battery"), [])
        logs = self.env["service.article.suggest.log"].search([])
        self.assertEqual(len(logs), 2)
        self.assertEqual(set(logs.mapped("ip")), {"127.0.0.1"})

    def test_bad_limit_parameters_use_the_defaults(self):
        Log = self.env["service.article.suggest.log"]
        for value in ("abc", "-3", "0", ""):
            self.env["ir.config_parameter"].set_param(
                "service_knowledge.suggest_limit_user", value
            )
            self.assertEqual(Log._get_suggest_limits()[0], 60)
