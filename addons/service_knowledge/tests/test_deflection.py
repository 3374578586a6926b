from odoo.tests import tagged

from .common import ServiceKnowledgeHttpCommon


@tagged("post_install", "-at_install")
class TestDeflection(ServiceKnowledgeHttpCommon):
    """Openings of suggested articles and deflections: an opening counts
    once per session and article and is a deflection until the session
    approves an order."""

    def _open(self, article, marker="suggest"):
        url = article.website_url + (f"?from={marker}" if marker else "")
        response = self._get(url)
        self.assertEqual(response.status_code, 200)
        return response

    def _counts(self, article):
        article.invalidate_recordset()
        return article.suggestion_open_count, article.suggestion_deflected_count

    def _draft_order(self):
        self._post("/my/service-orders/new", self._form_data())
        return self.env["service.order"].search([], order="id desc", limit=1)

    def test_opening_counts_once_per_session(self):
        self._login(self.portal_user)
        self._open(self.article_drain)
        self.assertEqual(self._counts(self.article_drain), (1, 1))
        self._open(self.article_drain)
        self.assertEqual(self._counts(self.article_drain), (1, 1))
        self._open(self.article_portal)
        self.assertEqual(self._counts(self.article_portal), (1, 1))
        # without the marker, or with another one, it is a visit, not a
        # suggestion
        self._open(self.article_black, marker=None)
        self._open(self.article_black, marker="elsewhere")
        self.assertEqual(self._counts(self.article_black), (0, 0))
        # another session of the same customer counts again
        self._login(self.portal_user)
        self._open(self.article_drain)
        self.assertEqual(self._counts(self.article_drain), (2, 2))

    def test_visitors_and_previews_do_not_count(self):
        self._open(self.article_drain)
        self.assertEqual(self._counts(self.article_drain), (0, 0))
        self._login(self.user_manager)
        self._open(self.article_draft)
        self.assertEqual(self._counts(self.article_draft), (0, 0))

    def test_an_approved_order_cancels_the_deflections(self):
        self._login(self.portal_user)
        self._open(self.article_drain)
        self._open(self.article_black)
        order = self._draft_order()
        self.assertEqual(order.state, "draft")
        # a failed approval changes nothing
        self.task_since.required_in_portal = True
        self._post(f"/my/service-orders/{order.id}/approve")
        self.assertEqual(order.state, "draft")
        self.assertEqual(self._counts(self.article_drain), (1, 1))
        self.task_since.required_in_portal = False
        response = self._post(f"/my/service-orders/{order.id}/approve")
        self.assertEqual(response.status_code, 303)
        self.assertEqual(order.state, "submitted")
        self.assertEqual(self._counts(self.article_drain), (1, 0))
        self.assertEqual(self._counts(self.article_black), (1, 0))
        # a second order in the same session: never below zero, and the
        # articles opened before are not counted again
        order_2 = self._draft_order()
        self._post(f"/my/service-orders/{order_2.id}/approve")
        self.assertEqual(order_2.state, "submitted")
        self.assertEqual(self._counts(self.article_drain), (1, 0))
        self._open(self.article_drain)
        self.assertEqual(self._counts(self.article_drain), (1, 0))
        # a new suggestion opened after the approval is a deflection again
        self._open(self.article_general)
        self.assertEqual(self._counts(self.article_general), (1, 1))

    def test_other_sessions_keep_their_deflections(self):
        self._login(self.portal_colleague)
        self._open(self.article_drain)
        self._login(self.portal_user)
        self._open(self.article_drain)
        self.assertEqual(self._counts(self.article_drain), (2, 2))
        order = self._draft_order()
        self._post(f"/my/service-orders/{order.id}/approve")
        self.assertEqual(self._counts(self.article_drain), (2, 1))

    def test_approving_someone_elses_order_changes_nothing(self):
        self._login(self.portal_colleague)
        order = self._draft_order()
        self._login(self.portal_user)
        self._open(self.article_drain)
        self._post(f"/my/service-orders/{order.id}/approve")
        self.assertEqual(order.state, "draft")
        self.assertEqual(self._counts(self.article_drain), (1, 1))
