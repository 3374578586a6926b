import re
import textwrap

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.fields import Domain
from odoo.tools import SQL, escape_psql
from odoo.tools.translate import html_translate

from odoo.addons.website.tools import text_from_html

MANAGER_GROUP = "service_portal.service_portal_group_manager"
VISIBILITIES = [
    ("public", "Everyone"),
    ("portal", "Signed-in Customers"),
]
# Help centre search: the words of the search box, each matched literally.
SEARCH_MAX_LENGTH = 100
SEARCH_MAX_TERMS = 10
# Suggestions on the new-order form: the most telling words of the problem.
SUGGEST_LIMIT = 5
SUGGEST_MAX_TEXT_LENGTH = 2000
SUGGEST_MAX_WORDS = 6
SUGGEST_MIN_WORD_LENGTH = 3
# A word in the title weighs as much as three words in the body.
SUGGEST_TITLE_WEIGHT = 3
# The articles scored on their body, among those sharing a word with the
# problem (the best by their title): bounds the cost of a suggestion.
SUGGEST_CANDIDATES = 200
# Frequent English words that say nothing about a problem.
SUGGEST_STOP_WORDS = frozenset(
    """
    about after again all also and any are been before but can cannot could
    did does doesn don done even for from get gets got had has have her his
    how its just like more much not now off once one only our out really
    she since some still than that the their them then there they this too
    tried try very was way were what when where which while who why will
    with without won would yes yet you your
    """.split()
)
TEASER_LENGTH = 200


class ServiceArticle(models.Model):
    """A help article of the knowledge base (``/service/help``).

    Customers and visitors never read this model directly: they have no
    access right on it. The website pages and the suggestions of the
    new-order form read it under sudo, always within
    ``_get_visible_domain()``.
    """

    _name = "service.article"
    _description = "Help Article"
    _inherit = [
        "mail.thread",
        "website.seo.metadata",
        "website.published.mixin",
        "website.searchable.mixin",
    ]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(
        string="Title", required=True, translate=True, index="trigram", tracking=True
    )
    body = fields.Html(translate=html_translate)
    search_text = fields.Text(
        string="Searchable Text",
        compute="_compute_search_text",
        store=True,
        index="trigram",
        help="The title and the plain text of the body in every installed "
        "language: what the help center and the suggestions search.",
    )
    teaser = fields.Text(compute="_compute_teaser")
    category_id = fields.Many2one("service.article.category", index=True, tracking=True)
    device_model_ids = fields.Many2many(
        "service.device.model",
        string="Device Models",
        check_company=True,
        help="The devices the article is about; empty for every device.",
    )
    visibility = fields.Selection(
        VISIBILITIES,
        required=True,
        default="public",
        index=True,
        tracking=True,
        help="Everyone: visitors of the website too. Signed-in customers: "
        "customers with a portal account and staff only.",
    )
    is_published = fields.Boolean(tracking=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="The website of this company shows the article; empty for the "
        "websites of every company.",
    )
    active = fields.Boolean(default=True)
    suggestion_open_count = fields.Integer(
        string="Opened from Suggestions",
        readonly=True,
        copy=False,
        help="How many sessions opened the article from the suggestions of the "
        "new service order form (once per session).",
    )
    suggestion_deflected_count = fields.Integer(
        string="Deflected",
        readonly=True,
        copy=False,
        help="Of those sessions, how many did not approve a service order "
        "afterwards: the article probably solved the problem.",
    )
    suggestion_deflection_rate = fields.Float(
        string="Deflection Rate (%)",
        compute="_compute_suggestion_deflection_rate",
        digits=(16, 1),
    )

    # ------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------

    @api.depends("name", "body")
    def _compute_search_text(self):
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        for article in self:
            texts = []
            for lang in langs:
                translated = article.with_context(lang=lang)
                for text in (
                    translated.name or "",
                    text_from_html(translated.body or "", True),
                ):
                    text = text.strip()
                    if text and text not in texts:
                        texts.append(text)
            article.search_text = "\n".join(texts) or False

    @api.depends("body")
    def _compute_teaser(self):
        for article in self:
            text = text_from_html(article.body or "", True).strip()
            article.teaser = textwrap.shorten(text, TEASER_LENGTH, placeholder=" …")

    @api.depends("suggestion_open_count", "suggestion_deflected_count")
    def _compute_suggestion_deflection_rate(self):
        for article in self:
            opened = article.suggestion_open_count
            article.suggestion_deflection_rate = (
                100.0 * article.suggestion_deflected_count / opened if opened else 0.0
            )

    @api.depends("name", "seo_name")
    @api.depends_context("lang")
    def _compute_website_url(self):
        super()._compute_website_url()
        slug = self.env["ir.http"]._slug
        for article in self:
            if article.id:
                article.website_url = f"/service/help/{slug(article)}"

    @api.depends_context("uid")
    def _compute_can_publish(self):
        can_publish = self.env.user.has_group(MANAGER_GROUP)
        for article in self:
            article.can_publish = can_publish

    @api.model
    def _get_can_publish_error_message(self):
        return self.env._(
            "Only service administrators can publish or unpublish help articles."
        )

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_reset_suggestion_counters(self):
        """Start counting the suggestions again (after the article changed)."""
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                self.env._("Only service administrators can reset the counters.")
            )
        self.check_access("write")
        self.write({"suggestion_open_count": 0, "suggestion_deflected_count": 0})
        return True

    # ------------------------------------------------------------
    # Website: what who may read
    # ------------------------------------------------------------

    @api.model
    def _get_visible_domain(self, user, website, include_unpublished=False):
        """The articles ``user`` may read on ``website``.

        Published ones (service administrators also see the unpublished ones
        with ``include_unpublished``), of the website's company or of none;
        the ones for signed-in customers only when ``user`` is not the
        public user. Archived articles are left out by the ORM.
        """
        domain = Domain("company_id", "in", [False, website.company_id.id])
        if not (include_unpublished and user.has_group(MANAGER_GROUP)):
            domain &= Domain("is_published", "=", True)
        if user._is_public():
            domain &= Domain("visibility", "=", "public")
        return domain

    def _sql_condition(self, domain, query):
        """``domain`` as an SQL condition on the table of ``query``."""
        return domain.optimize_full(self)._to_sql(self, self._table, query)

    # ------------------------------------------------------------
    # Website: the search bar of every page (/website/search)
    # ------------------------------------------------------------

    @api.model
    def _search_get_detail(self, website, order, options):
        """The website's search finds the articles the visitor may read;
        under sudo (visitors have no access right on the model), within
        ``_get_visible_domain``."""
        fetch_fields = ["name", "website_url"]
        mapping = {
            "name": {"name": "name", "type": "text", "match": True},
            "website_url": {"name": "website_url", "type": "text", "truncate": False},
        }
        if options.get("displayDescription"):
            fetch_fields.append("teaser")
            mapping["description"] = {"name": "teaser", "type": "text", "match": True}
        return {
            "model": "service.article",
            "requires_sudo": True,
            "base_domain": [self._get_visible_domain(self.env.user, website)],
            "search_fields": ["name", "search_text"],
            "fetch_fields": fetch_fields,
            "mapping": mapping,
            "icon": "fa-book",
            "order": "name desc, id desc"
            if "name desc" in order
            else "name asc, id desc",
        }

    # ------------------------------------------------------------
    # Website: help centre search
    # ------------------------------------------------------------

    @api.model
    def _get_search_terms(self, search):
        """The words of a search (at most ``SEARCH_MAX_TERMS``, each once)."""
        if not isinstance(search, str):
            return []
        terms = []
        for term in search.replace("\x00", "")[:SEARCH_MAX_LENGTH].split():
            if term.casefold() not in {t.casefold() for t in terms}:
                terms.append(term)
        return terms[:SEARCH_MAX_TERMS]

    @api.model
    def _get_search_help_domain(self, domain, search=None):
        """``domain`` restricted to the articles holding every word of
        ``search``, literally (``%``, ``_`` and quotes are no wildcards), in
        the title or the text of the body (``search_text``: any installed
        language, no HTML)."""
        return Domain(domain) & Domain.AND(
            Domain("search_text", "ilike", escape_psql(term))
            for term in self._get_search_terms(search)
        )

    @api.model
    def _search_help(self, domain, search=None, offset=0, limit=None, order=None):
        """The articles of ``domain`` matching ``search`` (see
        ``_get_search_help_domain``), in ``order`` (the model's by default).

        With a search, the articles whose title (in the visitor's language)
        holds every word come first. The search uses the trigram index of
        ``search_text``.
        """
        order = order or self._order
        terms = self._get_search_terms(search)
        full_domain = self._get_search_help_domain(domain, search)
        if not terms:
            return self.search(full_domain, offset=offset, limit=limit, order=order)
        query = self._search(full_domain, offset=offset, limit=limit)
        if query.is_empty():
            return self.browse()
        in_title = Domain.AND(
            Domain("name", "ilike", escape_psql(term)) for term in terms
        )
        query.order = SQL(
            "(CASE WHEN %s THEN 0 ELSE 1 END), %s",
            self._sql_condition(in_title, query),
            self._order_to_sql(order, query),
        )
        return self.browse(query.get_result_ids())

    # ------------------------------------------------------------
    # New service order form: suggestions
    # ------------------------------------------------------------

    @api.model
    def _get_suggestion_words(self, text):
        """The words of a problem description that may find an article:
        letters and digits, at least three of them, no frequent word, the
        longest first."""
        if not isinstance(text, str):
            return []
        words = []
        text = text.replace("\x00", "")[:SUGGEST_MAX_TEXT_LENGTH].casefold()
        for word in re.findall(r"[^\W_]+", text):
            if (
                len(word) >= SUGGEST_MIN_WORD_LENGTH
                and word not in SUGGEST_STOP_WORDS
                and word not in words
            ):
                words.append(word)
        words.sort(key=len, reverse=True)
        return words[:SUGGEST_MAX_WORDS]

    @api.model
    def _suggest(self, domain, device_model, text, limit=SUGGEST_LIMIT):
        """Up to ``limit`` articles of ``domain`` about ``device_model`` (or
        about every device) that share words with ``text``.

        Ranked by the number of the words they share (a word of the title
        weighs ``SUGGEST_TITLE_WEIGHT`` words of the text), then articles
        about the device model before general ones, then in the articles'
        order.

        One query in two steps, so that its cost stays bounded whatever the
        number of articles: a regular expression of the words, backed by the
        trigram index of ``search_text``, finds the articles holding any of
        them; the best ``SUGGEST_CANDIDATES`` by their title are kept, and
        only those are scored on their text. Words are matched as
        substrings, ignoring case.
        """
        words = self._get_suggestion_words(text)
        if not words or not device_model:
            return self.browse()
        for_model = Domain("device_model_ids", "in", device_model.ids)
        domain = Domain(domain) & (for_model | Domain("device_model_ids", "=", False))
        query = self._search(domain, limit=SUGGEST_CANDIDATES)
        if query.is_empty():
            return self.browse()
        unaccent = self.env.registry.unaccent
        # any of the words: one regular expression, one pass over the text,
        # and the trigram index of search_text (the words are letters and
        # digits only: no character of the expression comes from the text)
        query.add_where(
            SQL(
                "%s ~* %s",
                unaccent(self._field_to_sql(self._table, "search_text", query)),
                unaccent(SQL("%s", "({})".format("|".join(words)))),
            )
        )
        patterns = [unaccent(SQL("%s", f"%{escape_psql(word)}%")) for word in words]

        def words_in(text_sql):
            """How many of the words ``text_sql`` holds (an SQL integer)."""
            text_sql = unaccent(text_sql)
            return SQL(
                "(%s)",
                SQL(" + ").join(
                    SQL("(%s ILIKE %s)::int", text_sql, pattern) for pattern in patterns
                ),
            )

        title_words = words_in(self._field_to_sql(self._table, "name", query))
        model_rank = SQL(
            "(CASE WHEN %s THEN 0 ELSE 1 END)", self._sql_condition(for_model, query)
        )
        query.order = SQL(
            "%s DESC, %s, %s",
            title_words,
            model_rank,
            self._order_to_sql(self._order, query),
        )
        candidates = query.select(
            SQL("%s AS id", SQL.identifier(self._table, "id")),
            SQL("%s AS sequence", SQL.identifier(self._table, "sequence")),
            SQL("%s AS search_text", SQL.identifier(self._table, "search_text")),
            SQL("%s AS title_words", title_words),
            SQL("%s AS model_rank", model_rank),
        )
        rows = self.env.execute_query(
            SQL(
                "SELECT candidate.id FROM (%s) AS candidate"
                " ORDER BY candidate.title_words * %s + %s DESC,"
                " candidate.model_rank, candidate.sequence, candidate.id"
                " LIMIT %s",
                candidates,
                SUGGEST_TITLE_WEIGHT,
                words_in(SQL("candidate.search_text")),
                limit,
            )
        )
        return self.browse(row[0] for row in rows)

    def _get_related_articles(self, domain, limit=5):
        """Other articles of ``domain`` about the device models of this one."""
        self.ensure_one()
        if not self.device_model_ids:
            return self.browse()
        return self.search(
            Domain(domain)
            & Domain("id", "!=", self.id)
            & Domain("device_model_ids", "in", self.device_model_ids.ids),
            limit=limit,
        )

    # ------------------------------------------------------------
    # Deflection counters
    # ------------------------------------------------------------

    def _add_to_suggestion_counters(self, opened=0, deflected=0):
        """Add to the counters in one UPDATE, never below zero: concurrent
        requests of other workers do not lose an increment, and counting
        changes neither the write date nor the chatter."""
        if not self.ids:
            return
        self.env.cr.execute(
            SQL(
                "UPDATE %(table)s SET"
                " suggestion_open_count ="
                " GREATEST(COALESCE(suggestion_open_count, 0) + %(opened)s, 0),"
                " suggestion_deflected_count ="
                " GREATEST(COALESCE(suggestion_deflected_count, 0) + %(deflected)s, 0)"
                " WHERE id IN %(ids)s",
                table=SQL.identifier(self._table),
                opened=opened,
                deflected=deflected,
                ids=tuple(self.ids),
            )
        )
        self.invalidate_recordset(
            [
                "suggestion_open_count",
                "suggestion_deflected_count",
                "suggestion_deflection_rate",
            ]
        )
