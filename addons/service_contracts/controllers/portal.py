from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.fields import Domain
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager


class ServiceContractPortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "service_contract_count" in counters:
            Contract = request.env["service.contract"]
            values["service_contract_count"] = (
                Contract.search_count(self._service_contract_domain())
                if Contract.has_access("read")
                else 0
            )
        return values

    def _service_contract_domain(self):
        """Contracts of the logged-in customer's organisation (the record rule
        enforces it too; this keeps staff users testing the portal in scope)."""
        partner = request.env.user.partner_id
        return Domain(
            "partner_id", "child_of", partner.commercial_partner_id.id
        ) & Domain("state", "!=", "cancelled")

    def _service_contract_searchbar_sortings(self):
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

    def _service_contract_searchbar_filters(self):
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

    @http.route(
        ["/my/service-contracts", "/my/service-contracts/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_service_contracts(self, page=1, sortby=None, filterby=None, **kw):
        values = self._prepare_portal_layout_values()
        Contract = request.env["service.contract"]
        sortings = self._service_contract_searchbar_sortings()
        filters = self._service_contract_searchbar_filters()
        if sortby not in sortings:
            sortby = "date"
        if filterby not in filters:
            filterby = "all"
        domain = self._service_contract_domain() & filters[filterby]["domain"]
        count = Contract.search_count(domain)
        pager = portal_pager(
            url="/my/service-contracts",
            url_args={"sortby": sortby, "filterby": filterby},
            total=count,
            page=max(page, 1),
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
                "contracts": contracts.sudo(),
                "page_name": "service_contract",
                "pager": pager,
                "default_url": "/my/service-contracts",
                "searchbar_sortings": sortings,
                "sortby": sortby,
                "searchbar_filters": filters,
                "filterby": filterby,
            }
        )
        return request.render("service_contracts.portal_my_service_contracts", values)

    def _service_contract_page_values(self, contract_sudo, access_token, **kwargs):
        user_partner = request.env.user.partner_id.commercial_partner_id
        values = {
            "page_name": "service_contract",
            "contract": contract_sudo,
            "invoices": contract_sudo.invoice_ids.filtered(
                lambda move: move.state == "posted"
            ).sorted("invoice_date", reverse=True),
            "can_accept": contract_sudo.state == "quote"
            and not request.env.user._is_public()
            and contract_sudo.commercial_partner_id == user_partner,
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
    def portal_my_service_contract(self, contract_id, access_token=None, **kw):
        try:
            contract_sudo = self._document_check_access(
                "service.contract", contract_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._service_contract_page_values(contract_sudo, access_token, **kw)
        return request.render("service_contracts.portal_service_contract_page", values)

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
            contract_sudo = self._document_check_access(
                "service.contract", contract_id, access_token
            )
        except (AccessError, MissingError):
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
