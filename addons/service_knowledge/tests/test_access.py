from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.service_portal.tests.portal_rpc import (
    XmlRpcCaseMixin,
    call_is_refused,
    public_methods,
)

from .common import ServiceKnowledgeCommon

# Public methods that service_knowledge defines and portal users may call.
PORTAL_ALLOWED_METHODS = set()


@tagged("post_install", "-at_install")
class TestArticleAccess(ServiceKnowledgeCommon):
    """Customers read articles through the website only; service users read
    them; only service administrators write and publish them
    (docs/SECURITY.md case 2)."""

    def test_portal_has_no_access_to_the_model(self):
        for user in (self.portal_user, self.env.ref("base.public_user")):
            Article = self.env["service.article"].with_user(user)
            with self.assertRaises(AccessError):
                Article.search([])
            with self.assertRaises(AccessError):
                self.article_drain.with_user(user).read(["name"])
            with self.assertRaises(AccessError):
                Article.create({"name": "Spam"})
            with self.assertRaises(AccessError):
                self.article_drain.with_user(user).write({"name": "Changed"})
            with self.assertRaises(AccessError):
                self.article_drain.with_user(user).unlink()
            with self.assertRaises(AccessError):
                self.category_power.with_user(user).read(["name"])
            with self.assertRaises(AccessError):
                self.env["service.article.suggest.log"].with_user(user).search([])
        self.assertEqual(self.article_drain.name, "Battery drains overnight")

    def test_portal_cannot_call_public_methods(self):
        """Every public method service_knowledge defines refuses portal users
        (as they could call it over JSON-RPC)."""
        records = {
            "service.article": self.article_drain,
            "service.article.category": self.category_power,
            "service.article.suggest.log": self.env["service.article.suggest.log"]
            .sudo()
            .create({"user_id": self.portal_user.id, "ip": "10.0.0.1"}),
        }
        checked = 0
        for model_name, record in records.items():
            record = record.with_user(self.portal_user)
            methods = public_methods(record, "odoo.addons.service_knowledge")
            # and the website's publication methods on our model
            if model_name == "service.article":
                methods |= {"website_publish_button", "create_and_get_website_url"}
            for method in sorted(methods):
                if (model_name, method) in PORTAL_ALLOWED_METHODS:
                    continue
                checked += 1
                with self.subTest(model=model_name, method=method):
                    self.assertTrue(
                        call_is_refused(self.cr, record, method, record.id),
                        f"{model_name}.{method}() did not refuse a portal user",
                    )
        self.assertGreaterEqual(checked, 3)
        self.assertTrue(self.article_drain.is_published)
        self.assertEqual(self.article_drain.suggestion_open_count, 0)

    def test_service_user_reads_but_cannot_publish(self):
        article = self.article_drain.with_user(self.user_service)
        self.assertEqual(article.name, "Battery drains overnight")
        self.assertFalse(article.can_publish)
        # every article of the user's companies, published or not
        self.assertEqual(
            self.env["service.article"].with_user(self.user_service).search([]),
            self.env["service.article"].search(
                [("company_id", "in", [False, self.env.company.id])]
            ),
        )
        with self.assertRaises(AccessError):
            article.write({"is_published": False})
        with self.assertRaises(AccessError):
            article.website_publish_button()
        with self.assertRaises(AccessError):
            article.write({"name": "Changed"})
        with self.assertRaises(AccessError):
            self.env["service.article"].with_user(self.user_service).create(
                {"name": "New", "is_published": True}
            )
        with self.assertRaises(AccessError):
            article.action_reset_suggestion_counters()
        with self.assertRaises(AccessError):
            self.category_power.with_user(self.user_service).write({"name": "X"})
        self.assertTrue(self.article_drain.is_published)

    def test_employee_without_service_group(self):
        with self.assertRaises(AccessError):
            self.env["service.article"].with_user(self.user_internal).search([])

    def test_manager_writes_and_publishes(self):
        Article = self.env["service.article"].with_user(self.user_manager)
        article = Article.create({"name": "New answer", "body": "<p>Text</p>"})
        self.assertFalse(article.is_published)
        self.assertTrue(article.can_publish)
        article.website_publish_button()
        self.assertTrue(article.is_published)
        article.write({"is_published": False, "visibility": "portal"})
        self.assertFalse(article.is_published)
        # the counters are not the manager's to set by hand, but resettable
        article.action_reset_suggestion_counters()
        article.unlink()

    def test_publication_is_tracked(self):
        # tracking is posted when the transaction commits: first the creation
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.article_drain.with_user(self.user_manager).is_published = False
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", "service.article"),
                ("mail_message_id.res_id", "=", self.article_drain.id),
            ]
        )
        self.assertIn("is_published", tracked.field_id.mapped("name"))

    def test_multi_company(self):
        user_b = new_test_user(
            self.env,
            login="sk_manager_b",
            groups="service_portal.service_portal_group_manager",
            company_id=self.company_b.id,
            company_ids=[Command.set(self.company_b.ids)],
        )
        visible = self.env["service.article"].with_user(user_b).search([])
        self.assertIn(self.article_other_company, visible)
        self.assertNotIn(self.article_drain, visible)
        with self.assertRaises(AccessError):
            self.article_drain.with_user(user_b).read(["name"])
        with self.assertRaises(AccessError):
            self.article_drain.with_user(user_b).write({"is_published": False})


@tagged("post_install", "-at_install")
class TestArticleRpcAccess(XmlRpcCaseMixin, HttpCase, ServiceKnowledgeCommon):
    """What a customer with a portal password gets over XML-RPC: nothing
    of the knowledge base's models (docs/SECURITY.md cases 2, 25)."""

    def test_portal_rpc_refused(self):
        login = self.portal_user.login
        for model, method, args in (
            ("service.article", "search_read", [[]]),
            ("service.article", "read", [self.article_drain.ids, ["name", "body"]]),
            ("service.article", "write", [self.article_drain.ids, {"name": "X"}]),
            ("service.article", "website_publish_button", [self.article_drain.ids]),
            (
                "service.article",
                "action_reset_suggestion_counters",
                [self.article_drain.ids],
            ),
            ("service.article", "create", [{"name": "Spam"}]),
            ("service.article.category", "search_read", [[]]),
            ("service.article.suggest.log", "search_read", [[]]),
        ):
            with self.subTest(model=model, method=method):
                self.assertXmlRpcRefused(login, login, model, method, *args)
        self.assertEqual(self.article_drain.name, "Battery drains overnight")
        self.assertTrue(self.article_drain.is_published)

    def test_stable_interface_over_xmlrpc(self):
        """An integrator (a service administrator) scripts the knowledge
        base with the fields of the stable interface (SPEC)."""
        login = self.user_manager.login
        category_id = self._xmlrpc(
            login, login, "service.article.category", "create", {"name": "API"}
        )
        article_id = self._xmlrpc(
            login,
            login,
            "service.article",
            "create",
            {
                "name": "From the API",
                "body": "<p>Scripted <script>alert(1)</script>answer</p>",
                "category_id": category_id,
                "device_model_ids": [[6, 0, [self.model_phone.id]]],
                "visibility": "portal",
                "is_published": True,
            },
        )
        [values] = self._xmlrpc(
            login,
            login,
            "service.article",
            "read",
            [article_id],
            [
                "name",
                "body",
                "category_id",
                "device_model_ids",
                "is_published",
                "visibility",
            ],
        )
        self.assertEqual(values["name"], "From the API")
        self.assertNotIn("<script", values["body"])
        self.assertEqual(values["category_id"][0], category_id)
        self.assertEqual(values["device_model_ids"], [self.model_phone.id])
        self.assertTrue(values["is_published"])
        self.assertEqual(values["visibility"], "portal")
        # a service user reads it, but cannot unpublish it
        user = self.user_service.login
        [read] = self._xmlrpc(
            user, user, "service.article", "read", [article_id], ["name"]
        )
        self.assertEqual(read["name"], "From the API")
        self.assertXmlRpcRefused(
            user,
            user,
            "service.article",
            "write",
            [article_id],
            {"is_published": False},
        )
