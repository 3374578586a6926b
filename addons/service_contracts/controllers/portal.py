from urllib.parse import urlencode

from odoo import http
from odoo.exceptions import AccessError, LockError, UserError
from odoo.fields import Domain
from odoo.http import request
from odoo.tools import consteq

from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.addons.service_portal.controllers.portal import ServicePortal, _to_page

ESTIMATE_REASON_MAX_LENGTH = 2000


class ServiceContractPortal(ServicePortal):
    """Portal tab Service Contracts, and the coverage and loaner of an order on
    the order pages of ``ServicePortal``.

    Lists and counters are scoped to the user's commercial partner by an
    explicit domain (the record rules apply as well): staff who open the
    portal see their own company's contracts, not every contract they may
    read. Documents go through ``_service_document_check_access``: 404 for an
    id that does not exist, a redirect to ``/my`` for someone else's. The
    contract pages carry a one-click action (accept the quote): they are sent
    with ``_service_secure_response`` so that other sites cannot frame them.
    """

    # ------------------------------------------------------------
    # Home counter
    # ------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "service_contract_count" in counters:
            Contract = request.env["service.contract"]
            values["service_contract_count"] = (
                Contract.search_count(self._prepare_service_contracts_domain())
                if Contract.has_access("read")
                else 0
            )
        return values

    # ------------------------------------------------------------
    # List
    # ------------------------------------------------------------

    def _prepare_service_contracts_domain(self, partner=None):
        """The contracts of the portal pages: those of the user's commercial
        partner, cancelled ones left out."""
        partner = partner or request.env.user.partner_id
        return Domain(
            "partner_id", "child_of", partner.commercial_partner_id.id
        ) & Domain("state", "!=", "cancelled")

    def _get_service_contract_searchbar_sortings(self):
        return {
            "date": {
                "label": request.env._("Newest"),
                "order": "date_start desc, id desc",
            },
            "name": {"label": request.env._("Number"), "order": "name asc, id asc"},
            "next_invoice": {
                "label": request.env._("Next Invoice"),
                "order": "next_invoice_date asc, id desc",
            },
        }

    def _get_service_contract_searchbar_filters(self):
        return {
            "all": {"label": request.env._("All"), "domain": Domain.TRUE},
            "active": {
                "label": request.env._("Active"),
                "domain": Domain("state", "=", "active"),
            },
            "quote": {
                "label": request.env._("Quotes"),
                "domain": Domain("state", "=", "quote"),
            },
            "expired": {
                "label": request.env._("Expired"),
                "domain": Domain("state", "=", "expired"),
            },
        }

    def _prepare_service_contracts_values(
        self, page=1, sortby=None, filterby=None, **kwargs
    ):
        Contract = request.env["service.contract"]
        values = self._prepare_portal_layout_values()
        url = "/my/service-contracts"
        sortings = self._get_service_contract_searchbar_sortings()
        if not isinstance(sortby, str) or sortby not in sortings:
            sortby = "date"
        filters = self._get_service_contract_searchbar_filters()
        if not isinstance(filterby, str) or filterby not in filters:
            filterby = "all"
        domain = self._prepare_service_contracts_domain() & filters[filterby]["domain"]
        pager = portal_pager(
            url=url,
            url_args={"sortby": sortby, "filterby": filterby},
            total=Contract.search_count(domain),
            page=_to_page(page),
            step=self._items_per_page,
        )
        contracts = Contract.search(
            domain,
            order=sortings[sortby]["order"],
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        request.session["my_service_contracts_history"] = contracts.ids[:100]
        values.update(
            {
                # read with the user's rights, rendered as sudo: the template
                # shows the lines and amounts of the customer's own contracts
                "contracts": contracts.sudo(),
                "contract_cells": self._service_contract_list_cells(contracts.sudo()),
                "contract_badges": self._service_list_badges(
                    "service_contracts.portal_service_contract_state_badge",
                    contracts.sudo(),
                    "contract",
                ),
                "page_name": "service_contract",
                "pager": pager,
                "default_url": url,
                "searchbar_sortings": sortings,
                "sortby": sortby,
                "searchbar_filters": filters,
                "filterby": filterby,
            }
        )
        return values

    def _service_contract_list_cells(self, contracts_sudo):
        """{contract id: cells} of the rows of the list, computed once per
        page as the ``t-field`` widgets rendered them per row: covered
        devices, price per period (monetary), period label (translated
        selection label), dates."""
        env = request.env
        Contract = env["service.contract"]
        periods = dict(Contract._fields["invoicing_period"]._description_selection(env))
        format_value = self._service_list_date_formatter()
        format_amount = self._service_list_monetary_formatter()
        return {
            contract.id: {
                "devices": ", ".join(contract.line_ids.mapped("name")),
                "amount": format_amount(contract.amount_untaxed, contract.currency_id),
                "period": periods.get(contract.invoicing_period, False),
                "next_invoice": format_value(contract.next_invoice_date),
                "end": format_value(contract.date_end),
            }
            for contract in contracts_sudo
        }

    @http.route(
        ["/my/service-contracts", "/my/service-contracts/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_service_contracts(self, **kwargs):
        values = self._prepare_service_contracts_values(**kwargs)
        return self._service_secure_response(
            request.render("service_contracts.portal_my_service_contracts", values)
        )

    # ------------------------------------------------------------
    # Contract page and acceptance
    # ------------------------------------------------------------

    def _service_contract_can_accept(self, contract_sudo):
        """Only a logged-in contact of the contract's customer accepts it."""
        user = request.env.user
        return bool(
            contract_sudo.state == "quote"
            and not user._is_public()
            and contract_sudo.commercial_partner_id
            == user.partner_id.commercial_partner_id
        )

    def _service_contract_page_values(self, contract_sudo, access_token, **kwargs):
        values = {
            "page_name": "service_contract",
            "contract": contract_sudo,
            "invoices": contract_sudo.invoice_ids.filtered(
                lambda move: move.state == "posted"
            ).sorted("invoice_date", reverse=True),
            "can_accept": self._service_contract_can_accept(contract_sudo),
            "message": kwargs.get("message"),
        }
        return self._get_page_view_values(
            contract_sudo,
            access_token,
            values,
            "my_service_contracts_history",
            False,
            **kwargs,
        )

    @http.route(
        "/my/service-contracts/<int:contract_id>",
        type="http",
        auth="public",
        website=True,
    )
    def portal_my_service_contract(self, contract_id, access_token=None, **kwargs):
        try:
            contract_sudo = self._service_document_check_access(
                "service.contract", contract_id, access_token
            )
        except AccessError:
            return request.redirect("/my")
        values = self._service_contract_page_values(
            contract_sudo, access_token, **kwargs
        )
        return self._service_secure_response(
            request.render("service_contracts.portal_service_contract_page", values)
        )

    @http.route(
        "/my/service-contracts/<int:contract_id>/accept",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_service_contract_accept(self, contract_id, access_token=None, **kw):
        """The customer accepts a quote. Only a contact of the contract's
        customer may; the state change runs under sudo after the checks."""
        try:
            contract_sudo = self._service_document_check_access(
                "service.contract", contract_id, access_token
            )
        except AccessError:
            return request.redirect("/my")
        user_partner = request.env.user.partner_id
        if contract_sudo.commercial_partner_id != user_partner.commercial_partner_id:
            return request.redirect("/my")
        url = contract_sudo.access_url
        if contract_sudo.state != "quote":
            return request.redirect(f"{url}?message=not_quote")
        try:
            contract_sudo.action_accept()
        except UserError:
            return request.redirect(f"{url}?message=not_quote")
        contract_sudo.message_post(
            body=request.env._("Accepted online by %s.", user_partner.name),
            author_id=user_partner.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return request.redirect(f"{url}?message=accepted")

    # ------------------------------------------------------------
    # Service order pages: coverage and loaner
    # ------------------------------------------------------------

    def _service_order_coverage_values(self, order_sudo):
        """What the order pages say about the coverage (read as sudo: the
        contract is shown by name only)."""
        return {
            "coverage_label": order_sudo._get_coverage_label(),
            "coverage_contract": (
                order_sudo.contract_id
                if order_sudo.coverage == "contract"
                else order_sudo.contract_id.browse()
            ),
        }

    def _service_order_summary_values(self, order_sudo, error=None):
        values = super()._service_order_summary_values(order_sudo, error=error)
        values.update(self._service_order_coverage_values(order_sudo))
        return values

    def _service_order_page_values(self, order_sudo, **kwargs):
        access_token = kwargs.get("access_token")
        values = super()._service_order_page_values(order_sudo, **kwargs)
        values.update(self._service_order_coverage_values(order_sudo))
        values["service_loan"] = order_sudo.current_loan_id
        values.update(self._service_order_estimate_values(order_sudo, access_token))
        return values

    # ------------------------------------------------------------
    # Service order pages: the estimate the customer decides on
    # ------------------------------------------------------------

    def _service_order_estimate_values(self, order_sudo, access_token=None):
        if order_sudo.estimate_state == "none":
            return {"estimate_state": "none"}
        url = order_sudo.access_url
        suffix = ""
        if isinstance(access_token, str) and consteq(
            order_sudo.access_token or "", access_token
        ):
            suffix = "?" + urlencode({"access_token": access_token})
        else:
            access_token = ""
        return {
            "estimate_state": order_sudo.estimate_state,
            "estimate_lines": order_sudo.line_ids.filtered(
                lambda line: not line.is_after_estimate
            ),
            "estimate_can_decide": order_sudo.estimate_state == "sent"
            and self._service_order_customer_may_decide(order_sudo, access_token),
            "estimate_approve_url": f"{url}/estimate/approve{suffix}",
            "estimate_reject_url": f"{url}/estimate/reject",
            "estimate_access_token": access_token or "",
        }

    def _service_estimate_lock(self, order_sudo):
        """Lock the order for the decision; the error to answer, if any.

        Two clicks (or two tabs) at once: one locks the row and decides, the
        other gets an error here or, once the first committed, sees the
        estimate decided."""
        try:
            order_sudo.lock_for_update()
        except LockError:
            return request.env._(
                "The estimate is being decided right now. Reload the page."
            )
        order_sudo.invalidate_recordset()
        if order_sudo.estimate_state != "sent":
            return request.env._(
                "This estimate is not waiting for your decision any more."
            )
        return None

    def _service_estimate_done(self, order_sudo, access_token):
        # no #anchor: the browser would only scroll, not show the decision
        url = self._service_order_url(order_sudo, access_token)
        return {"force_refresh": True, "redirect_url": url}

    @http.route(
        "/my/service-orders/<int:order_id>/estimate/approve",
        type="jsonrpc",
        auth="public",
        website=True,
    )
    def portal_service_order_estimate_approve(
        self, order_id, access_token=None, name=None, signature=None
    ):
        """The customer approves the estimate with their name and drawn
        signature, as Odoo's ``/my/orders/<id>/accept``."""
        order_sudo, access_token = self._service_order_for_customer_decision(
            order_id, access_token
        )
        if not order_sudo:
            return {"error": request.env._("Invalid service order.")}
        name = name.strip() if isinstance(name, str) else ""
        if not name:
            return {"error": request.env._("Your name is missing.")}
        try:
            order_sudo._decode_portal_signature(signature)
        except UserError as error:
            return {"error": str(error)}
        error = self._service_estimate_lock(order_sudo)
        if error:
            return {"error": error}
        author, user = self._service_order_decision_author(order_sudo)
        order_sudo._approve_estimate(name[:200], signature, author, user=user)
        return self._service_estimate_done(order_sudo, access_token)

    @http.route(
        "/my/service-orders/<int:order_id>/estimate/reject",
        type="jsonrpc",
        auth="public",
        website=True,
    )
    def portal_service_order_estimate_reject(
        self, order_id, access_token=None, reason=None
    ):
        """The customer rejects the estimate, saying why."""
        order_sudo, access_token = self._service_order_for_customer_decision(
            order_id, access_token
        )
        if not order_sudo:
            return {"error": request.env._("Invalid service order.")}
        reason = reason.strip() if isinstance(reason, str) else ""
        if not reason:
            return {"error": request.env._("Tell us why you reject the estimate.")}
        error = self._service_estimate_lock(order_sudo)
        if error:
            return {"error": error}
        author, user = self._service_order_decision_author(order_sudo)
        order_sudo._reject_estimate(
            reason[:ESTIMATE_REASON_MAX_LENGTH], author, user=user
        )
        return self._service_estimate_done(order_sudo, access_token)
