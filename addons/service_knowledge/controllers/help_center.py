"""The public help centre: ``/service/help`` and one page per article.

Visitors and customers have no access right on ``service.article``: every
read here is under sudo and within ``service.article._get_visible_domain``.
An article the visitor may not read answers 404, whatever the reason
(unpublished, for signed-in customers only, another company's, archived):
no redirect to the login page that would confirm it exists.
"""

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.fields import Domain
from odoo.http import request
from odoo.tools.translate import LazyTranslate

from odoo.addons.service_portal.controllers.portal import _to_id, _to_ids, _to_page

_lt = LazyTranslate(__name__)

ARTICLES_PER_PAGE = 20
RELATED_ARTICLES = 5
# ``?from=suggest`` marks the links of the new-order form's suggestions.
SUGGEST_MARKER = "suggest"
# Session keys: the articles this session opened from the suggestions (each
# counted once), and those whose deflection an approved order cancels.
SESSION_OPENED = "service_knowledge_opened"
SESSION_PENDING = "service_knowledge_pending"
SESSION_MAX_ARTICLES = 50


def _session_ids(key):
    value = request.session.get(key)
    return _to_ids(value) if isinstance(value, list) else []


def count_suggestion_open(article_sudo):
    """Count the opening of a suggested article, once per session: one more
    opening and one more deflection, until the session approves an order."""
    opened = _session_ids(SESSION_OPENED)
    if article_sudo.id in opened:
        return False
    pending = _session_ids(SESSION_PENDING)
    request.session[SESSION_OPENED] = [*opened, article_sudo.id][-SESSION_MAX_ARTICLES:]
    request.session[SESSION_PENDING] = [*pending, article_sudo.id][
        -SESSION_MAX_ARTICLES:
    ]
    article_sudo._add_to_suggestion_counters(opened=1, deflected=1)
    return True


def resolve_suggestion_deflections():
    """The session approved an order: the articles it opened from the
    suggestions since its last approval did not deflect it."""
    pending = _session_ids(SESSION_PENDING)
    if not pending:
        return
    request.session[SESSION_PENDING] = []
    request.env["service.article"].sudo().browse(pending)._add_to_suggestion_counters(
        deflected=-1
    )


def sitemap_service_articles(env, rule, qs):
    """The published articles that everyone may read."""
    website = env["website"].get_current_website()
    Article = env["service.article"].sudo()
    domain = Article._get_visible_domain(website.user_id, website)
    slug = env["ir.http"]._slug
    for article in Article.search(domain):
        loc = f"/service/help/{slug(article)}"
        if not qs or qs.lower() in loc:
            yield {"loc": loc, "lastmod": article.write_date.date()}


class ServiceHelpCenter(http.Controller):
    def _help_visible_domain(self, include_unpublished=False):
        return (
            request.env["service.article"]
            .sudo()
            ._get_visible_domain(
                request.env.user,
                request.website,
                include_unpublished=include_unpublished,
            )
        )

    def _help_device_models(self, visible_domain):
        """The device models that visible articles are about (sudo)."""
        groups = (
            request.env["service.article"]
            .sudo()
            ._read_group(visible_domain, ["device_model_ids"], ["__count"])
        )
        device_models = request.env["service.device.model"].sudo()
        for device_model, _count in groups:
            device_models |= device_model
        return device_models.sorted()

    @staticmethod
    def _help_group_by_category(articles_sudo):
        """[(category, articles)] of consecutive articles of one category."""
        groups = []
        for article in articles_sudo:
            if groups and groups[-1][0] == article.category_id:
                groups[-1][1].append(article)
            else:
                groups.append((article.category_id, [article]))
        return groups

    def _prepare_help_values(self, page=1, search=None, device_model_id=None):
        Article = request.env["service.article"].sudo()
        visible = self._help_visible_domain()
        device_models = self._help_device_models(visible)
        model_id = _to_id(device_model_id)
        device_model = device_models.filtered(lambda m: m.id == model_id)
        terms = Article._get_search_terms(search)
        search = " ".join(terms)
        domain = visible
        url_args = {}
        if device_model:
            domain &= Domain("device_model_ids", "in", device_model.ids)
            url_args["device_model_id"] = device_model.id
        if search:
            url_args["search"] = search
        total = Article.search_count(Article._get_search_help_domain(domain, search))
        pager = request.website.pager(
            url="/service/help",
            url_args=url_args,
            total=total,
            page=_to_page(page),
            step=ARTICLES_PER_PAGE,
        )
        articles = Article._search_help(
            domain,
            search,
            offset=pager["offset"],
            limit=ARTICLES_PER_PAGE,
            order=None if search else "category_id, sequence, id",
        )
        return {
            "articles": articles,
            "groups": self._help_group_by_category(articles),
            "search": search,
            "total": total,
            "pager": pager,
            "device_models": device_models,
            "device_model": device_model,
        }

    @http.route(
        ["/service/help", "/service/help/page/<int:page>"],
        type="http",
        auth="public",
        website=True,
        readonly=True,
        sitemap=True,
        list_as_website_content=_lt("Help"),
    )
    def service_help(self, page=1, search=None, device_model_id=None, **kwargs):
        values = self._prepare_help_values(
            page=page, search=search, device_model_id=device_model_id
        )
        return request.render("service_knowledge.service_help_page", values)

    def _service_help_article_readonly(self, rule, args):
        """Only the opening of a suggestion writes (its counters)."""
        return request.httprequest.args.get("from") != SUGGEST_MARKER

    @http.route(
        "/service/help/<string:article_slug>",
        type="http",
        auth="public",
        website=True,
        sitemap=sitemap_service_articles,
        readonly=_service_help_article_readonly,
    )
    def service_help_article(self, article_slug, **kwargs):
        article_id = _to_id(request.env["ir.http"]._unslug(article_slug)[1])
        if not article_id:
            raise NotFound()
        Article = request.env["service.article"].sudo()
        article_sudo = Article.search(
            self._help_visible_domain(include_unpublished=True)
            & Domain("id", "=", article_id),
            limit=1,
        )
        if not article_sudo:
            raise NotFound()
        slug = request.env["ir.http"]._slug(article_sudo)
        if article_slug != slug:
            query = request.httprequest.query_string.decode()
            url = article_sudo.website_url + (f"?{query}" if query else "")
            return request.redirect(url, code=301)
        if (
            kwargs.get("from") == SUGGEST_MARKER
            and article_sudo.is_published
            and not request.env.user._is_public()
        ):
            count_suggestion_open(article_sudo)
        visible = self._help_visible_domain()
        values = {
            "article": article_sudo,
            "main_object": article_sudo,
            "related_articles": article_sudo._get_related_articles(
                visible, limit=RELATED_ARTICLES
            ),
        }
        response = request.render("service_knowledge.service_article_page", values)
        if article_sudo.visibility != "public" or not article_sudo.is_published:
            # for one person's eyes: not in shared caches, not in search engines
            response.headers["Cache-Control"] = "private, no-store"
            response.headers["X-Robots-Tag"] = "noindex, nofollow"
        return response
