from odoo.tests import tagged

from odoo.addons.service_portal.tests.test_readonly_routes import (
    ReadonlyRoutesMixin,
    route_readonly_modes,
)

from .common import ServiceKnowledgeHttpCommon


@tagged("post_install", "-at_install")
class TestHelpReadonlyRoutes(ReadonlyRoutesMixin, ServiceKnowledgeHttpCommon):
    """The help centre answers on a read-only cursor, except the opening of a
    suggestion (its counters) and the rate-limited suggestions (issue 14 §4)."""

    def test_readonly_route_list(self):
        self.assertEqual(
            route_readonly_modes(self.env, ("/service/help",)),
            {
                "/service/help": True,
                "/service/help/page/<int:page>": True,
                "/service/help/<string:article_slug>": "callable",
                "/service/help/suggest": False,
            },
        )

    def test_pages_answer_on_a_readonly_cursor(self):
        self._get_readonly("/service/help")
        self._get_readonly("/service/help?search=drain")
        self._get_readonly(self.article_drain.website_url)
        self._login(self.portal_user)
        self._get_readonly("/service/help")
        self._get_readonly(self.article_portal.website_url)
        # opening a suggestion counts it: on the primary
        self._get_read_write(f"{self.article_portal.website_url}?from=suggest")
