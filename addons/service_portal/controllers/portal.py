"""Customer portal of the service desk: list, detail, new-order flow.

Extensions (service_shipping, service_contracts) subclass ``ServicePortal``
and extend the ``_service_order_*`` hooks (documented in readme/USAGE.md).
"""

import datetime
from urllib.parse import urlencode

from werkzeug.exceptions import NotFound, RequestEntityTooLarge

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.fields import Domain
from odoo.http import request
from odoo.tools import consteq, format_date
from odoo.tools.sql import escape_psql

from odoo.addons.mail.controllers.attachment import AttachmentController
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.service_order import CLOSED_STATES, LEGACY_REQUEST_TYPES, OPEN_STATES
from ..tools import readonly_on_get

# PostgreSQL integer ids: anything larger cannot exist (and would fail in SQL).
MAX_RECORD_ID = 2**31 - 1
# Room for the other fields of the upload form (CSRF token, multipart framing).
UPLOAD_FORM_OVERHEAD = 64 * 1024
SEARCH_MAX_LENGTH = 100
FIELD_MAX_LENGTHS = {
    "serial_number": 64,
    "device_description": 256,
    "problem_description": 10000,
}


def _to_id(value):
    """Positive database id from a request value, or 0."""
    value = (value or "").strip() if isinstance(value, str) else value
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, int) and 0 < value <= MAX_RECORD_ID:
        return value
    return 0


def _to_ids(values):
    """The valid ids among request values, in order, each once."""
    ids = []
    for value in values or ():
        record_id = _to_id(value)
        if record_id and record_id not in ids:
            ids.append(record_id)
    return ids


def _to_page(value):
    """Page number from a request value: 1 for anything that is not one."""
    return _to_id(value) or 1


class ServicePortal(CustomerPortal):
    def _service_secure_response(self, response):
        """Pages with one-click actions (approve, accept, confirm) must not be
        framed by other sites (clickjacking), as Odoo's /my/account."""
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
        return response

    # ------------------------------------------------------------
    # Documents: one access check for orders, shipments, contracts
    # ------------------------------------------------------------

    def _service_document_check_access(
        self, model_name, document_id, access_token=None
    ):
        """The document as a sudo record, as ``_document_check_access``.

        An id that cannot exist or does not exist answers 404 (``NotFound``);
        an existing document the user may not read (and no valid token) raises
        ``AccessError``, which the routes turn into a redirect to ``/my``.
        """
        document_id = _to_id(document_id)
        if not document_id:
            raise NotFound()
        try:
            return self._document_check_access(
                model_name, document_id, access_token=access_token
            )
        except MissingError as error:
            raise NotFound() from error

    # ------------------------------------------------------------
    # Home counter
    # ------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "service_order_count" in counters:
            Order = request.env["service.order"]
            values["service_order_count"] = (
                Order.search_count(self._get_service_order_domain())
                if Order.has_access("read")
                else 0
            )
        return values

    def _get_service_order_domain(self, partner=None):
        """The orders of the portal pages: those of the user's commercial
        partner (record rules apply on top). Explicit, so that an internal
        user gets his own partner's orders, not everything he may read."""
        partner = partner or request.env.user.partner_id
        return Domain("partner_id", "child_of", partner.commercial_partner_id.id)

    # ------------------------------------------------------------
    # Account page: the customer's language
    # ------------------------------------------------------------

    def _get_service_portal_langs(self):
        """The languages a customer may pick on /my/account: those of the
        website (installed and active), the only ones its pages can render.
        E-mails and PDFs follow the same ``lang`` of the contact."""
        return request.website.language_ids.sorted("name")

    def _prepare_my_account_rendering_values(self, *args, **kwargs):
        values = super()._prepare_my_account_rendering_values(*args, **kwargs)
        langs = self._get_service_portal_langs()
        values["service_portal_langs"] = langs
        values["service_portal_lang"] = request.env.user.lang or request.lang.code
        return values

    def _validate_address_values(self, address_values, partner_sudo, *args, **kwargs):
        """A language the website does not offer is refused like any invalid
        field (the rest of the form is kept as typed)."""
        validation = super()._validate_address_values(
            address_values, partner_sudo, *args, **kwargs
        )
        invalid_fields, missing_fields, error_messages = validation
        lang = kwargs.get("lang")
        if lang and lang not in self._get_service_portal_langs().mapped("code"):
            invalid_fields.add("lang")
            error_messages.append(
                request.env._("Choose one of the languages in the list.")
            )
        return invalid_fields, missing_fields, error_messages

    def _create_or_update_address(self, partner_sudo, *args, **form_data):
        """Save the language picked on /my/account (the user's own contact
        only) and answer with the next page in that language."""
        partner_sudo, feedback = super()._create_or_update_address(
            partner_sudo, *args, **form_data
        )
        lang = form_data.get("lang")
        user = request.env.user
        if (
            lang
            and "redirectUrl" in feedback
            and partner_sudo == user.partner_id
            and lang in self._get_service_portal_langs().mapped("code")
        ):
            if user.lang != lang:
                # a user may write their own language (SELF_WRITEABLE_FIELDS)
                user.write({"lang": lang})
                request.session.context = dict(request.session.context, lang=lang)
            redirect = feedback["redirectUrl"]
            if not redirect.startswith("/") or redirect.startswith("//"):
                redirect = "/my"
            feedback["redirectUrl"] = request.env["ir.http"]._url_lang(redirect, lang)
        return partner_sudo, feedback

    # ------------------------------------------------------------
    # List
    # ------------------------------------------------------------

    def _get_service_order_searchbar_sortings(self):
        return {
            "date": {
                "label": request.env._("Newest"),
                "order": "create_date desc, id desc",
            },
            "name": {"label": request.env._("Number"), "order": "name desc, id desc"},
            "state": {"label": request.env._("Status"), "order": "state, id desc"},
        }

    def _get_service_order_searchbar_filters(self):
        return {
            "open": {
                "label": request.env._("Open"),
                "domain": Domain("state", "in", OPEN_STATES),
            },
            "closed": {
                "label": request.env._("Closed"),
                "domain": Domain("state", "in", CLOSED_STATES),
            },
            "all": {"label": request.env._("All"), "domain": Domain.TRUE},
        }

    def _get_service_order_searchbar_inputs(self):
        return {
            "all": {"input": "all", "label": request.env._("Search in all")},
            "name": {"input": "name", "label": request.env._("Search in number")},
            "serial": {
                "input": "serial",
                "label": request.env._("Search in serial number"),
            },
            "device": {"input": "device", "label": request.env._("Search in device")},
        }

    def _get_service_order_search_domain(self, search_in, search):
        """Domain of a search term, matched literally (``%``, ``_``, quotes)."""
        term = escape_psql(search)
        name = Domain("name", "ilike", term)
        serial = Domain("serial_number", "ilike", term)
        device = (
            Domain("device_model_id.name", "ilike", term)
            | Domain("device_model_id.brand", "ilike", term)
            | Domain("device_description", "ilike", term)
        )
        if search_in == "name":
            return name
        if search_in == "serial":
            return serial
        if search_in == "device":
            return device
        return name | serial | device

    def _service_list_date_formatter(self):
        """``format(value)``: a date, or a datetime in the user's time zone,
        formatted as the ``date`` widget of ``t-field`` does (language's date
        format), each distinct day formatted once per page instead of once a
        row; False for no value (``t-out`` then leaves the tag out, as
        ``t-field`` does)."""
        env = request.env
        formatted = {}

        def format_value(value):
            if not value:
                return False  # as t-field: no tag for an empty value
            if isinstance(value, datetime.datetime):
                value = fields.Datetime.context_timestamp(env["res.lang"], value)
                value = value.date()
            if value not in formatted:
                formatted[value] = format_date(env, value)
            return formatted[value]

        return format_value

    def _service_list_monetary_formatter(self):
        """``format(amount, currency)``: as the ``monetary`` widget of
        ``t-field`` renders it, each distinct amount formatted once per page."""
        Monetary = request.env["ir.qweb.field.monetary"]
        formatted = {}

        def format_amount(amount, currency):
            key = (amount, currency.id)
            if key not in formatted:
                formatted[key] = Monetary.value_to_html(
                    amount, {"display_currency": currency}
                )
            return formatted[key]

        return format_amount

    def _service_list_badges(self, template, records, name):
        """{state: html}: the status badge ``template`` (which depends on the
        record's state only) rendered once per state present on the page,
        for the rows to output, instead of one ``t-call`` a row."""
        IrQweb = request.env["ir.qweb"]
        samples = {}
        for record in records:
            samples.setdefault(record.state, record)
        return {
            state: IrQweb._render(template, {name: record})
            for state, record in samples.items()
        }

    def _service_order_list_cells(self, orders):
        """{order id: cells} of the rows of the list, computed once per page:
        dates formatted, location name (sudo: shown even when the location is
        not public; display only)."""
        format_value = self._service_list_date_formatter()
        locations = {
            location.id: location.name or "" for location in orders.location_id.sudo()
        }
        return {
            order.id: {
                "created": format_value(order.create_date),
                "promised": format_value(order.date_promised),
                "location": locations.get(order.location_id.id, ""),
            }
            for order in orders
        }

    def _is_company_contact(self, partner):
        return partner.commercial_partner_id != partner

    def _get_service_order_scopes(self, partner):
        """ "My orders" / "My company" for contacts of a company."""
        if not self._is_company_contact(partner):
            return {}
        return {
            "company": {
                "label": request.env._("My company"),
                "domain": Domain(
                    "partner_id", "child_of", partner.commercial_partner_id.id
                ),
            },
            "mine": {
                "label": request.env._("My orders"),
                "domain": Domain("partner_id", "=", partner.id),
            },
        }

    def _prepare_service_orders_values(
        self,
        page=1,
        sortby=None,
        filterby=None,
        search_in=None,
        search=None,
        scope=None,
        **kwargs,
    ):
        Order = request.env["service.order"]
        partner = request.env.user.partner_id
        values = self._prepare_portal_layout_values()
        url = "/my/service-orders"

        sortings = self._get_service_order_searchbar_sortings()
        if not isinstance(sortby, str) or sortby not in sortings:
            sortby = "date"
        filters = self._get_service_order_searchbar_filters()
        if not isinstance(filterby, str) or filterby not in filters:
            filterby = "open"
        inputs = self._get_service_order_searchbar_inputs()
        if not isinstance(search_in, str) or search_in not in inputs:
            search_in = "all"
        if not isinstance(search, str):
            search = ""
        search = search.replace("\x00", "").strip()[:SEARCH_MAX_LENGTH]
        scopes = self._get_service_order_scopes(partner)
        if scopes and (not isinstance(scope, str) or scope not in scopes):
            scope = "company"
        elif not scopes:
            scope = None

        domain = self._get_service_order_domain(partner)
        if scope:
            domain &= scopes[scope]["domain"]
        if search:
            domain &= self._get_service_order_search_domain(search_in, search)

        # one query for the counts of every filter
        state_counts = dict(Order._read_group(domain, ["state"], ["__count"]))
        counts = {
            "open": sum(state_counts.get(s, 0) for s in OPEN_STATES),
            "closed": sum(state_counts.get(s, 0) for s in CLOSED_STATES),
        }
        counts["all"] = sum(state_counts.values())
        for key, flt in filters.items():
            flt["count"] = counts.get(key, 0)

        domain &= filters[filterby]["domain"]
        total = counts.get(filterby, 0)
        page = _to_page(page)
        url_args = {"sortby": sortby, "filterby": filterby}
        if search:
            url_args.update(search_in=search_in, search=search)
        if scope:
            url_args["scope"] = scope
        pager = portal_pager(
            url=url,
            url_args=url_args,
            total=total,
            page=page,
            step=self._items_per_page,
        )
        orders = Order.search(
            domain,
            order=sortings[sortby]["order"],
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        request.session["my_service_orders_history"] = orders.ids[:100]
        values.update(
            {
                "orders": orders,
                "order_cells": self._service_order_list_cells(orders),
                "order_badges": self._service_list_badges(
                    "service_portal.portal_service_order_state_badge", orders, "order"
                ),
                "page_name": "service_order",
                "pager": pager,
                "default_url": url,
                "searchbar_sortings": sortings,
                "sortby": sortby,
                "service_filters": filters,
                "filterby": filterby,
                "searchbar_inputs": inputs,
                "search_in": search_in,
                "search": search,
                "scopes": scopes,
                "scope": scope,
            }
        )
        return values

    @http.route(
        ["/my/service-orders", "/my/service-orders/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_service_orders(self, **kwargs):
        values = self._prepare_service_orders_values(**kwargs)
        return self._service_secure_response(
            request.render("service_portal.portal_my_service_orders", values)
        )

    # ------------------------------------------------------------
    # Detail
    # ------------------------------------------------------------

    def _service_order_page_values(self, order_sudo, **kwargs):
        access_token = kwargs.pop("access_token", None)
        values = {
            "order": order_sudo,
            "page_name": "service_order",
            "timeline": order_sudo._get_portal_timeline(),
            "timeline_entries": order_sudo._get_portal_timeline_entries(),
            "answers": order_sudo.answer_ids.filtered(
                lambda a: a.filled_by_customer and a.is_answered
            ),
            "attachments": order_sudo._get_portal_attachments(),
            "status_label": order_sudo._get_customer_status_label(),
            "upload_max_size_mb": self._service_upload_max_size() / (1024 * 1024),
            "can_edit": order_sudo._portal_can_edit(request.env.user),
            "can_sign_handover": order_sudo._portal_can_sign_handover()
            and self._service_order_customer_may_decide(order_sudo, access_token),
            "message": kwargs.get("message") or "",
            "upload_error": kwargs.get("upload_error") or "",
        }
        values = self._get_page_view_values(
            order_sudo,
            access_token,
            values,
            "my_service_orders_history",
            False,
            **kwargs,
        )
        # The portal chatter posts with the order's token: customers have
        # read-only access to their orders.
        values["token"] = access_token or order_sudo._portal_ensure_token()
        return values

    @http.route(
        "/my/service-orders/<int:order_id>", type="http", auth="public", website=True
    )
    def portal_my_service_order(self, order_id, access_token=None, **kwargs):
        try:
            order_sudo = self._service_document_check_access(
                "service.order", order_id, access_token
            )
        except AccessError:
            return request.redirect("/my")
        message = kwargs.get("message")
        if message not in ("approved", "uploaded", "upload_empty", "handover"):
            message = ""
        values = self._service_order_page_values(
            order_sudo, access_token=access_token, message=message
        )
        return self._service_secure_response(
            request.render("service_portal.portal_service_order_page", values)
        )

    def _service_order_customer_may_decide(self, order_sudo, access_token=None):
        """Only the order's customer decides on it (signs for pickup, approves
        an estimate): a logged-in contact of its commercial partner, or
        whoever holds the order's access token (the link of its e-mails).
        Staff who open the portal page may read it, not sign in the
        customer's name."""
        if (
            isinstance(access_token, str)
            and access_token
            and order_sudo.access_token
            and consteq(order_sudo.access_token, access_token)
        ):
            return True
        user = request.env.user
        customer = order_sudo.commercial_partner_id
        return bool(
            not user._is_public()
            and customer
            and customer == user.partner_id.commercial_partner_id
        )

    def _service_order_for_customer_decision(self, order_id, access_token=None):
        """``(order_sudo, access_token)`` of the order the requester may decide
        on, or ``(None, access_token)``; JSON routes answer an error then."""
        access_token = access_token or request.httprequest.args.get("access_token")
        if not isinstance(access_token, str):
            access_token = None
        try:
            order_sudo = self._service_document_check_access(
                "service.order", order_id, access_token
            )
        except (AccessError, NotFound):
            return None, access_token
        if not self._service_order_customer_may_decide(order_sudo, access_token):
            return None, access_token
        return order_sudo, access_token

    def _service_order_decision_author(self, order_sudo):
        """``(partner, user)`` who decides: the logged-in user, or the order's
        customer when a token holder decides logged out."""
        user = request.env.user
        if user._is_public():
            return order_sudo.partner_id, None
        return user.partner_id, user

    @http.route(
        "/my/service-orders/<int:order_id>/handover",
        type="jsonrpc",
        auth="public",
        website=True,
    )
    def portal_service_order_handover(
        self, order_id, access_token=None, name=None, signature=None
    ):
        """The customer signs for pickup (as sale's ``/accept``): only the
        order's customer or the holder of its token, only while the order is
        ready, once."""
        order_sudo, access_token = self._service_order_for_customer_decision(
            order_id, access_token
        )
        if not order_sudo:
            return {"error": request.env._("Invalid order.")}
        author, _user = self._service_order_decision_author(order_sudo)
        try:
            order_sudo._record_handover(name, signature, author)
        except UserError as error:  # LockError included: signed in parallel
            return {"error": str(error)}
        return {
            "force_refresh": True,
            "redirect_url": order_sudo.get_portal_url(query_string="&message=handover"),
        }

    # ------------------------------------------------------------
    # Attachments
    # ------------------------------------------------------------

    def _service_upload_max_size(self):
        return request.env["service.order"]._get_portal_upload_limits()["max_size"]

    def _service_upload_max_request_size(self):
        limits = request.env["service.order"]._get_portal_upload_limits()
        return limits["max_size"] + UPLOAD_FORM_OVERHEAD

    @http.route(
        "/my/service-orders/<int:order_id>/attachments",
        type="http",
        auth="public",
        website=True,
        methods=["POST"],
        max_content_length=lambda self: self._service_upload_max_request_size(),
    )
    def portal_service_order_upload(self, order_id, access_token=None, **kwargs):
        try:
            order_sudo = self._service_document_check_access(
                "service.order", order_id, access_token
            )
        except AccessError:
            return request.redirect("/my")
        # This form and the portal chatter's paperclip are two doors to the same
        # rules (``service.order._check_portal_upload``): the form works without
        # JavaScript, takes several files at once and is what the new-order
        # flow points customers to; the chatter's upload route is checked by
        # ``ServiceAttachmentController`` below.
        files = request.httprequest.files.getlist("attachment")
        max_size = self._service_upload_max_size()
        contents = []
        for upload in files:
            data = upload.read(max_size + 1)
            if len(data) > max_size:
                raise RequestEntityTooLarge()
            if data:
                contents.append((upload.filename, data))
        if not contents:
            return request.redirect(
                self._service_order_url(order_sudo, access_token, "upload_empty")
            )
        if request.env.user._is_public():
            author = order_sudo.partner_id
        else:
            author = request.env.user.partner_id
        try:
            order_sudo._portal_add_files(contents, author)
        except UserError as error:
            values = self._service_order_page_values(
                order_sudo, access_token=access_token, upload_error=str(error)
            )
            response = request.render(
                "service_portal.portal_service_order_page", values
            )
            response.status_code = 422
            return self._service_secure_response(response)
        return request.redirect(
            self._service_order_url(order_sudo, access_token, "uploaded")
        )

    @staticmethod
    def _service_order_url(order_sudo, access_token=None, message=None):
        """The order page, with the token the customer came with."""
        args = {}
        if access_token:
            args["access_token"] = access_token
        if message:
            args["message"] = message
        url = order_sudo.access_url
        return f"{url}?{urlencode(args)}" if args else url

    # ------------------------------------------------------------
    # New order: form, summary, approval
    # ------------------------------------------------------------

    def _service_order_companies(self):
        companies = request.env.user.company_ids | request.website.company_id
        return companies.sudo()

    def _service_order_locations(self):
        return (
            request.env["service.location"]
            .sudo()
            .search(
                [
                    ("is_public", "=", True),
                    ("company_id", "in", self._service_order_companies().ids),
                ]
            )
        )

    def _service_order_device_models(self):
        return (
            request.env["service.device.model"]
            .sudo()
            .search(
                [("company_id", "in", [False, *self._service_order_companies().ids])]
            )
        )

    def _service_order_service_items(self, partner):
        return (
            request.env["service.item"]
            .sudo()
            .search(
                [
                    ("partner_id", "child_of", partner.commercial_partner_id.id),
                    (
                        "company_id",
                        "in",
                        [False, *self._service_order_companies().ids],
                    ),
                ]
            )
        )

    def _service_order_request_types(self):
        """The active request types of the portal's company (sudo)."""
        return (
            request.env["service.request.type"]
            .sudo()
            ._get_portal_types(self._service_order_company())
        )

    def _service_order_company(self, location_sudo=None):
        if location_sudo:
            return location_sudo.company_id
        return request.website.company_id

    def _service_order_all_tasks(self, partner, device_models, request_types=None):
        """Questions that apply to the customer for any of the device models
        and request types (the form shows the ones of the chosen model and
        type)."""
        if request_types is None:
            request_types = self._service_order_request_types()
        return (
            request.env["service.task"]
            .sudo()
            ._get_applicable_tasks(
                partner,
                device_models,
                self._service_order_company(),
                portal=True,
                request_type=request_types,
            )
        )

    def _service_order_post_from_order(self, order_sudo):
        """Form values (strings) of an existing draft."""
        post = {
            "service_item_id": str(order_sudo.service_item_id.id or ""),
            "device_model_id": str(order_sudo.device_model_id.id or ""),
            "serial_number": order_sudo.serial_number or "",
            "device_description": order_sudo.device_description or "",
            "problem_description": order_sudo.problem_description or "",
            "request_type_id": str(order_sudo.request_type_id.id or ""),
            "location_id": str(order_sudo.location_id.id or ""),
        }
        for answer in order_sudo.answer_ids.filtered("filled_by_customer"):
            post[f"task_{answer.task_id.id}"] = answer._to_portal_value()
        return post

    def _service_order_effective_model(self, partner, post):
        """Device model chosen in the form: the service item's, or the one picked."""
        item_id = _to_id(post.get("service_item_id"))
        if item_id:
            item = self._service_order_service_items(partner).filtered(
                lambda i: i.id == item_id
            )
            if item:
                return item.device_model_id
        model_id = _to_id(post.get("device_model_id"))
        return self._service_order_device_models().filtered(lambda m: m.id == model_id)

    def _service_order_form_values(
        self, partner, order_sudo=None, post=None, errors=None
    ):
        post = dict(post or {})
        request_types = self._service_order_request_types()
        if "request_type_id" not in post:
            post["request_type_id"] = str(request_types[:1].id or "")
        device_models = self._service_order_device_models()
        tasks = self._service_order_all_tasks(partner, device_models, request_types)
        effective_model = self._service_order_effective_model(partner, post)
        effective_type = self._service_order_posted_request_type(post)
        service_items = self._service_order_service_items(partner)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "service_order_form",
                "partner": partner,
                "order": order_sudo,
                "locations": self._service_order_locations(),
                "device_models": device_models,
                "service_items": service_items,
                "request_types": request_types,
                "tasks": tasks,
                "answers": {task.id: post.get(f"task_{task.id}", "") for task in tasks},
                "visible_task_ids": set(
                    self._service_order_task_filter(
                        tasks, effective_model, effective_type
                    ).ids
                ),
                "post": post,
                "errors": errors or {},
                "upload_max_size_mb": self._service_upload_max_size() / (1024 * 1024),
                "order_attachments": (
                    order_sudo._get_portal_attachments() if order_sudo else []
                ),
                "form_action": (
                    f"/my/service-orders/{order_sudo.id}/edit"
                    if order_sudo
                    else "/my/service-orders/new"
                ),
            }
        )
        return values

    @staticmethod
    def _service_order_task_filter(tasks, device_model, request_type=None):
        return tasks.filtered(
            lambda t: (not t.device_model_ids or device_model in t.device_model_ids)
            and (
                request_type is None
                or not t.request_type_ids
                or request_type in t.request_type_ids
            )
        )

    def _service_order_text(self, post, key, errors, required_message=None):
        """The stripped text of ``key``; a missing required text sets
        ``required_message`` (a whole sentence, for translators) as its error."""
        value = post.get(key)
        value = value.strip() if isinstance(value, str) else ""
        if required_message and not value:
            errors[key] = required_message
        max_length = FIELD_MAX_LENGTHS.get(key)
        if max_length and len(value) > max_length:
            errors[key] = request.env._("Use at most %s characters.", max_length)
        return value

    def _service_order_prepare_values(self, partner, post, errors):
        """Values of the draft order from the whitelisted keys of the form."""
        values = {}
        item = request.env["service.item"]
        item_raw = (post.get("service_item_id") or "").strip()
        if item_raw:
            item_id = _to_id(item_raw)
            item = self._service_order_service_items(partner).filtered(
                lambda i: i.id == item_id
            )
            if not item_id or not item:
                errors["service_item_id"] = request.env._(
                    "Choose one of your registered devices."
                )
        if item:
            values.update(
                service_item_id=item.id,
                device_model_id=item.device_model_id.id,
                serial_number=item.serial_number or False,
            )
        else:
            values["service_item_id"] = False
            model_raw = (post.get("device_model_id") or "").strip()
            model_id = _to_id(model_raw)
            model = self._service_order_device_models().filtered(
                lambda m: m.id == model_id
            )
            if not model:
                errors["device_model_id"] = (
                    request.env._("Choose a device model from the list.")
                    if model_raw
                    else request.env._(
                        "Choose your device model or one of your registered " "devices."
                    )
                )
            values["device_model_id"] = model.id or False
            values["serial_number"] = (
                self._service_order_text(post, "serial_number", errors) or False
            )
        values["device_description"] = (
            self._service_order_text(post, "device_description", errors) or False
        )
        values["problem_description"] = self._service_order_text(
            post,
            "problem_description",
            errors,
            required_message=request.env._("Describe the problem."),
        )
        request_type = self._service_order_posted_request_type(post)
        if not request_type:
            errors["request_type_id"] = request.env._("Choose a request type.")
        else:
            values["request_type_id"] = request_type.id
        location_raw = (post.get("location_id") or "").strip()
        location_id = _to_id(location_raw)
        location = self._service_order_locations().filtered(
            lambda loc: loc.id == location_id
        )
        if not location:
            errors["location_id"] = request.env._(
                "Choose one of the service locations of the list."
            )
        values["location_id"] = location.id or False
        return values

    def _service_order_posted_request_type(self, post):
        """The request type chosen in the form (one the portal offers), or an
        empty recordset. Forms of integrations written for 19.0.1.1.0 may
        still post the former ``request_type`` code (deprecated)."""
        request_types = self._service_order_request_types()
        if "request_type_id" in post:
            type_id = _to_id(post.get("request_type_id"))
            return request_types.filtered(lambda t: t.id == type_id)
        code = post.get("request_type")
        code = LEGACY_REQUEST_TYPES.get(code, code)
        return request_types.filtered(lambda t: t.code == code)[:1]

    def _service_order_prepare_answers(self, partner, device_model, post, errors):
        """Answers of the questions that apply to the customer and device model
        (parsed by ``service.order.answer._from_portal_value``)."""
        tasks = (
            request.env["service.task"]
            .sudo()
            ._get_applicable_tasks(
                partner,
                device_model,
                self._service_order_company(),
                portal=True,
                request_type=self._service_order_posted_request_type(post),
            )
        )
        Answer = request.env["service.order.answer"]
        answers = []
        for task in tasks:
            values, error = Answer._from_portal_value(task, post.get(f"task_{task.id}"))
            if error:
                errors[f"task_{task.id}"] = error
            elif values:
                answers.append(values)
        return answers

    def _service_order_save(self, partner, post, order_sudo=None):
        """Create or update the draft; return (order_sudo, errors)."""
        errors = {}
        values = self._service_order_prepare_values(partner, post, errors)
        device_model = (
            request.env["service.device.model"]
            .sudo()
            .browse(values.get("device_model_id") or [])
        )
        answers = self._service_order_prepare_answers(
            partner, device_model, post, errors
        )
        if errors:
            return order_sudo, errors
        location = request.env["service.location"].sudo().browse(values["location_id"])
        values["answer_ids"] = (
            order_sudo or request.env["service.order"]
        )._prepare_portal_answer_commands(answers)
        Order = (
            request.env["service.order"]
            .sudo()
            .with_context(mail_notify_force_send=False)
        )
        try:
            if order_sudo:
                order_sudo.write(values)
            else:
                values.update(
                    partner_id=partner.id,
                    company_id=self._service_order_company(location).id,
                )
                order_sudo = Order.create(values)
        except (UserError, ValidationError) as error:
            errors["_form"] = str(error)
        return order_sudo, errors

    def _service_order_render_form(
        self, partner, order_sudo=None, post=None, errors=None
    ):
        values = self._service_order_form_values(
            partner, order_sudo=order_sudo, post=post, errors=errors
        )
        return self._service_secure_response(
            request.render("service_portal.portal_service_order_form", values)
        )

    def _service_order_intake_files(self, errors):
        """The files posted with the new-order form, as ``(name, bytes)``;
        the limits of the order page's uploads (size of a file, files at
        once) are checked here, the files per order when they are added."""
        limits = request.env["service.order"]._get_portal_upload_limits()
        contents = []
        for upload in request.httprequest.files.getlist("attachment"):
            data = upload.read(limits["max_size"] + 1)
            if len(data) > limits["max_size"]:
                errors["attachment"] = request.env._(
                    "A file is too large: at most %(size)s MB per file.",
                    size=f"{limits['max_size'] / (1024 * 1024):g}",
                )
            elif data:
                contents.append((upload.filename, data))
        if len(contents) > limits["max_files_request"]:
            errors["attachment"] = request.env._(
                "Add at most %(count)s files at once.",
                count=limits["max_files_request"],
            )
        return contents

    def _service_order_save_with_files(self, partner, post, order_sudo=None):
        """Save the draft, then attach the files posted with the form (the
        customer finds them on the summary and on the order page)."""
        file_errors = {}
        files = self._service_order_intake_files(file_errors)
        if file_errors:
            # keep the typed values, report the files
            __, errors = self._service_order_validate_only(partner, post)
            errors.update(file_errors)
            return order_sudo, errors
        order_sudo, errors = self._service_order_save(partner, post, order_sudo)
        if errors or not files:
            return order_sudo, errors
        try:
            order_sudo._portal_add_files(files, partner)
        except UserError as error:
            errors["attachment"] = str(error)
        return order_sudo, errors

    def _service_order_validate_only(self, partner, post):
        errors = {}
        values = self._service_order_prepare_values(partner, post, errors)
        device_model = (
            request.env["service.device.model"]
            .sudo()
            .browse(values.get("device_model_id") or [])
        )
        self._service_order_prepare_answers(partner, device_model, post, errors)
        return values, errors

    def _service_order_max_request_size(self):
        limits = request.env["service.order"]._get_portal_upload_limits()
        return limits["max_size"] * limits["max_files_request"] + UPLOAD_FORM_OVERHEAD

    def _service_order_form_post(self, kwargs):
        """The posted form as a dict of strings (files and lists ignored)."""
        return {
            key: value.replace("\x00", "")
            for key, value in kwargs.items()
            if isinstance(value, str) and key != "csrf_token"
        }

    @http.route(
        "/my/service-orders/new",
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
        # the form (GET) only reads; the POST saves the draft
        readonly=readonly_on_get,
        max_content_length=lambda self: self._service_order_max_request_size(),
    )
    def portal_service_order_new(self, **kwargs):
        partner = request.env.user.partner_id
        if request.httprequest.method != "POST":
            return self._service_order_render_form(partner)
        post = self._service_order_form_post(kwargs)
        order_sudo, errors = self._service_order_save_with_files(partner, post)
        if errors:
            return self._service_order_render_form(partner, order_sudo, post, errors)
        return request.redirect(f"/my/service-orders/{order_sudo.id}/summary")

    def _service_order_get_draft(self, order_id):
        """The logged-in customer's own draft (sudo), or None; 404 for an id
        that does not exist."""
        try:
            order_sudo = self._service_document_check_access("service.order", order_id)
        except AccessError:
            return None
        if not order_sudo._portal_can_edit(request.env.user):
            return None
        return order_sudo

    @http.route(
        "/my/service-orders/<int:order_id>/edit",
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
        # the form (GET) only reads; the POST saves the draft
        readonly=readonly_on_get,
        max_content_length=lambda self: self._service_order_max_request_size(),
    )
    def portal_service_order_edit(self, order_id, **kwargs):
        order_sudo = self._service_order_get_draft(order_id)
        if order_sudo is None:
            return self._service_order_not_editable(order_id)
        partner = request.env.user.partner_id
        if request.httprequest.method != "POST":
            post = self._service_order_post_from_order(order_sudo)
            return self._service_order_render_form(partner, order_sudo, post)
        post = self._service_order_form_post(kwargs)
        order_sudo, errors = self._service_order_save_with_files(
            partner, post, order_sudo
        )
        if errors:
            return self._service_order_render_form(partner, order_sudo, post, errors)
        return request.redirect(f"/my/service-orders/{order_sudo.id}/summary")

    def _service_order_not_editable(self, order_id):
        """A submitted order goes to its page; anything else to /my."""
        try:
            order_sudo = self._service_document_check_access("service.order", order_id)
        except AccessError:
            return request.redirect("/my")
        if request.env.user._is_public():
            return request.redirect("/my")
        return request.redirect(order_sudo.access_url)

    def _service_order_summary_values(self, order_sudo, error=None):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "service_order_summary",
                "order": order_sudo,
                "answers": order_sudo.answer_ids.filtered(
                    lambda a: a.filled_by_customer and a.is_answered
                ),
                "attachments": order_sudo._get_portal_attachments(),
                "error": error,
            }
        )
        return values

    @http.route(
        "/my/service-orders/<int:order_id>/summary",
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_service_order_summary(self, order_id, **kwargs):
        order_sudo = self._service_order_get_draft(order_id)
        if order_sudo is None:
            return self._service_order_not_editable(order_id)
        values = self._service_order_summary_values(order_sudo)
        return self._service_secure_response(
            request.render("service_portal.portal_service_order_summary", values)
        )

    @http.route(
        "/my/service-orders/<int:order_id>/approve",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_service_order_approve(self, order_id, **kwargs):
        order_sudo = self._service_order_get_draft(order_id)
        if order_sudo is None:
            return self._service_order_not_editable(order_id)
        try:
            order_sudo.with_context(mail_notify_force_send=False).action_submit()
        except (UserError, ValidationError) as error:
            values = self._service_order_summary_values(order_sudo, error=str(error))
            return self._service_secure_response(
                request.render("service_portal.portal_service_order_summary", values)
            )
        return request.redirect(self._service_order_url(order_sudo, message="approved"))


class ServiceAttachmentController(AttachmentController):
    """The portal chatter's paperclip follows the rules of the order page's
    upload form on service orders: size, files per order."""

    @http.route()
    def mail_attachment_upload(
        self, ufile, thread_id, thread_model, is_pending=False, **kwargs
    ):
        if thread_model == "service.order" and not request.env.user._is_internal():
            order_sudo = request.env["service.order"].sudo().browse(_to_id(thread_id))
            if order_sudo.exists():
                ufile.seek(0, 2)
                size = ufile.tell()
                ufile.seek(0)
                try:
                    order_sudo._check_portal_upload(1, [size])
                except UserError as error:
                    return request.make_json_response({"error": str(error)})
        return super().mail_attachment_upload(
            ufile, thread_id, thread_model, is_pending=is_pending, **kwargs
        )
