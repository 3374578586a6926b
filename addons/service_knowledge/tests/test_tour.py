from odoo.tests import tagged

from .common import ServiceKnowledgeHttpCommon


@tagged("post_install", "-at_install")
class TestKnowledgeTour(ServiceKnowledgeHttpCommon):
    def test_customer_opens_a_suggestion_then_sends_the_device(self):
        self.start_tour(
            "/my/service-orders/new",
            "service_knowledge_suggestion_tour",
            login=self.portal_user.login,
        )
        order = self.env["service.order"].search([("serial_number", "=", "KB-TOUR-1")])
        self.assertEqual(order.state, "submitted")
        self.assertEqual(order.problem_description, "The battery drains overnight")
        # opened from the form, then an order: not a deflection
        self.assertEqual(self.article_drain.suggestion_open_count, 1)
        self.assertEqual(self.article_drain.suggestion_deflected_count, 0)
        self.assertTrue(self.env["service.article.suggest.log"].search_count([]))
