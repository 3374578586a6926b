from odoo import http
from odoo.fields import Domain
from odoo.http import request

from odoo.addons.service_portal.controllers.portal import ServicePortal, _to_id

from .help_center import SUGGEST_MARKER, resolve_suggestion_deflections

ORDER_PAGE_ARTICLES = 5


class ServiceKnowledgePortal(ServicePortal):
    """Help articles on the portal: suggested on the new-order form, linked
    on the order page; an approved order cancels the deflection of the
    suggestions its session opened."""

    # ------------------------------------------------------------
    # Order page: the articles of the order's device model
    # ------------------------------------------------------------

    def _service_order_help_articles(self, order_sudo):
        """The visible articles about the order's device model (sudo)."""
        Article = request.env["service.article"].sudo()
        if not order_sudo.device_model_id:
            return Article
        domain = Article._get_visible_domain(
            request.env.user, request.website
        ) & Domain("device_model_ids", "in", order_sudo.device_model_id.ids)
        return Article.search(domain, limit=ORDER_PAGE_ARTICLES + 1)

    def _service_order_page_values(self, order_sudo, **kwargs):
        values = super()._service_order_page_values(order_sudo, **kwargs)
        articles = self._service_order_help_articles(order_sudo)
        values["help_articles"] = articles[:ORDER_PAGE_ARTICLES]
        values["help_articles_more"] = len(articles) > ORDER_PAGE_ARTICLES
        return values

    # ------------------------------------------------------------
    # New order: suggestions and deflection
    # ------------------------------------------------------------

    def _service_help_suggest_device_model(self, device_model_id):
        """The device model the form may offer, or an empty record."""
        model_id = _to_id(device_model_id)
        DeviceModel = request.env["service.device.model"].sudo()
        if not model_id:
            return DeviceModel
        return DeviceModel.search(
            [
                ("id", "=", model_id),
                ("company_id", "in", [False, *self._service_order_companies().ids]),
            ],
            limit=1,
        )

    @http.route("/service/help/suggest", type="jsonrpc", auth="user", website=True)
    def service_help_suggest(self, device_model_id=None, text=None, **kwargs):
        """Up to five visible articles about the device model that share
        words with ``text`` (the problem typed so far): ``[{id, name, url}]``.

        Searches are limited per user and per client address (see
        ``service.article.suggest.log``); over a limit, or for a device model
        the form does not offer, the answer is an empty list.
        """
        Article = request.env["service.article"].sudo()
        device_model = self._service_help_suggest_device_model(device_model_id)
        if not device_model or not Article._get_suggestion_words(text):
            return []
        user = request.env.user
        ip = request.httprequest.remote_addr
        Log = request.env["service.article.suggest.log"]
        with Log._suggest_gate(user, ip) as gate:
            allowed = gate._check_and_log(user, ip)
        if not allowed:
            return []
        articles = Article._suggest(
            Article._get_visible_domain(user, request.website), device_model, text
        )
        url_for = request.env["ir.http"]._url_for
        return [
            {
                "id": article.id,
                "name": article.name,
                "url": url_for(f"{article.website_url}?from={SUGGEST_MARKER}"),
            }
            for article in articles
        ]

    @http.route()
    def portal_service_order_approve(self, order_id, **kwargs):
        draft_sudo = self._service_order_get_draft(order_id)
        response = super().portal_service_order_approve(order_id, **kwargs)
        if draft_sudo is not None and draft_sudo.state != "draft":
            resolve_suggestion_deflections()
        return response
