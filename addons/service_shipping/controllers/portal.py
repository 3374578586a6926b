from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.http import request

from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.addons.service_portal.controllers.portal import (
    ServicePortal,
    _to_id,
    _to_ids,
    _to_page,
)

MAX_PARCELS = 999
MAX_WEIGHT = 100000.0
MAX_TRACKING_LENGTH = 64
MAX_CUSTOMER_REF_LENGTH = 64


class ServiceShippingPortal(ServicePortal):
    """Portal tab Shipments, for the contacts of resellers only.

    Lists are scoped to the user's reseller company by an explicit domain
    (the record rules apply as well): staff who open the portal see their
    own company's shipments, not every shipment they may read. Documents are
    checked by ``_shipment_check_access``; changes are written under sudo
    with the reseller, location, method and company chosen by the server
    from the orders, never from the request.
    """

    _shipments_per_page = 20

    # ------------------------------------------------------------
    # Home
    # ------------------------------------------------------------

    def _get_shipping_reseller(self):
        """The reseller company of the logged-in user, or an empty record
        (not a reseller's contact, or no right to read shipments)."""
        user = request.env.user
        partner = user.partner_id.commercial_partner_id
        if (
            user._is_public()
            or not partner.is_reseller
            or not request.env["service.shipment"].has_access("read")
        ):
            return request.env["res.partner"]
        return partner

    def _prepare_shipments_domain(self, reseller):
        """The shipments the portal shows to the contacts of ``reseller``."""
        return Domain("partner_id", "=", reseller.id)

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        values["service_shipping_reseller"] = bool(self._get_shipping_reseller())
        return values

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "shipment_count" in counters:
            reseller = self._get_shipping_reseller()
            values["shipment_count"] = (
                request.env["service.shipment"].search_count(
                    self._prepare_shipments_domain(reseller)
                )
                if reseller
                else 0
            )
        return values

    # ------------------------------------------------------------
    # New service order: shipping method and customer reference
    # ------------------------------------------------------------

    def _service_order_form_values(
        self, partner, order_sudo=None, post=None, errors=None
    ):
        values = super()._service_order_form_values(
            partner, order_sudo=order_sudo, post=post, errors=errors
        )
        values["location_carriers"] = {
            location.id: location.carrier_ids for location in values["locations"]
        }
        return values

    def _service_order_prepare_values(self, partner, post, errors):
        values = super()._service_order_prepare_values(partner, post, errors)
        location = (
            request.env["service.location"].sudo().browse(values.get("location_id"))
        )
        carrier_raw = (post.get("carrier_id") or "").strip()
        carrier_id = _to_id(carrier_raw)
        if not carrier_raw:
            values["carrier_id"] = False
        elif location and carrier_id in location.carrier_ids.ids:
            values["carrier_id"] = carrier_id
        elif location:
            errors["carrier_id"] = request.env._(
                "Choose a shipping method that %s accepts, or bring the device "
                "yourself.",
                location.name,
            )
        ref = (post.get("customer_ref") or "").strip()
        if len(ref) > MAX_CUSTOMER_REF_LENGTH:
            errors["customer_ref"] = request.env._(
                "Use at most %s characters.", MAX_CUSTOMER_REF_LENGTH
            )
        values["customer_ref"] = ref or False
        return values

    def _service_order_post_from_order(self, order_sudo):
        post = super()._service_order_post_from_order(order_sudo)
        post["carrier_id"] = str(order_sudo.carrier_id.id or "")
        post["customer_ref"] = order_sudo.customer_ref or ""
        return post

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _shipment_check_access(self, shipment_id):
        """The shipment as a sudo record, if it is one of the user's reseller.

        An id that cannot exist or does not exist raises ``NotFound`` (404);
        someone else's shipment, or any shipment for a user who is not a
        reseller's contact, raises ``AccessError`` (the routes redirect to
        ``/my``).
        """
        shipment_sudo = self._service_document_check_access(
            "service.shipment", shipment_id
        )
        reseller = self._get_shipping_reseller()
        if not reseller or shipment_sudo.partner_id != reseller:
            raise AccessError(request.env._("This shipment is not yours."))
        return shipment_sudo

    def _get_waiting_orders(self, reseller):
        """The reseller's orders waiting to be shipped (read with the user's
        rights, returned as sudo for rendering)."""
        Order = request.env["service.order"]
        domain = Order._get_shippable_domain() & Domain(
            "commercial_partner_id", "=", reseller.id
        )
        orders = Order.search(domain, order="location_id, carrier_id, id")
        return orders.sudo()

    def _group_waiting_orders(self, orders_sudo):
        """[{location, carrier, orders}] in the order of the orders."""
        groups = {}
        for order in orders_sudo:
            key = (order.location_id, order.carrier_id)
            if key not in groups:
                groups[key] = {
                    "location": order.location_id,
                    "carrier": order.carrier_id,
                    "orders": order.browse(),
                }
            groups[key]["orders"] |= order
        return list(groups.values())

    def _shipment_list_cells(self, shipments_sudo):
        """{shipment id: cells} of the rows of the list, computed once per
        page as the ``date`` widget of ``t-field`` rendered them per row:
        date confirmed."""
        format_value = self._service_list_date_formatter()
        return {
            shipment.id: {
                "confirmed": format_value(shipment.date_confirmed),
            }
            for shipment in shipments_sudo
        }

    def _prepare_shipments_values(self, reseller, page=1, error=None, selected=()):
        values = self._prepare_portal_layout_values()
        Shipment = request.env["service.shipment"]
        domain = self._prepare_shipments_domain(reseller)
        pager = portal_pager(
            url="/my/shipments",
            total=Shipment.search_count(domain),
            page=page,
            step=self._shipments_per_page,
        )
        shipments = Shipment.search(
            domain, limit=self._shipments_per_page, offset=pager["offset"]
        )
        values.update(
            {
                "page_name": "shipments",
                "reseller": reseller,
                "groups": self._group_waiting_orders(
                    self._get_waiting_orders(reseller)
                ),
                "shipments": shipments.sudo(),
                "shipment_cells": self._shipment_list_cells(shipments.sudo()),
                "shipment_badges": self._service_list_badges(
                    "service_shipping.portal_shipment_state_badge",
                    shipments.sudo(),
                    "shipment",
                ),
                "pager": pager,
                "error": error,
                "selected_ids": set(selected),
            }
        )
        return values

    def _parse_shipment_form(self, post, errors):
        """Validated values of the draft shipment form (parcels, weight,
        tracking reference); only these keys are ever written."""
        vals = {}
        if "parcel_count" in post:
            try:
                parcels = int(post["parcel_count"])
            except (TypeError, ValueError):
                parcels = 0
            if not 0 < parcels <= MAX_PARCELS:
                errors["parcel_count"] = request.env._(
                    "Enter a number of parcels between 1 and %s.", MAX_PARCELS
                )
            else:
                vals["parcel_count"] = parcels
        if "weight" in post:
            raw = (post["weight"] or "").strip().replace(",", ".")
            try:
                weight = float(raw) if raw else 0.0
            except ValueError:
                weight = -1.0
            if not 0 <= weight <= MAX_WEIGHT or weight != weight:
                errors["weight"] = request.env._(
                    "Enter the weight as a positive number."
                )
            else:
                vals["weight"] = weight
        if "tracking_ref" in post:
            tracking = (post["tracking_ref"] or "").strip()
            if len(tracking) > MAX_TRACKING_LENGTH:
                errors["tracking_ref"] = request.env._(
                    "The tracking reference is too long."
                )
            else:
                vals["tracking_ref"] = tracking or False
        return vals

    def _shipment_page(self, shipment_sudo, errors=None, message=None, post=None):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "shipment",
                "shipment": shipment_sudo,
                "errors": errors or {},
                "message": message,
                "post": post or {},
            }
        )
        return self._service_secure_response(
            request.render("service_shipping.portal_my_shipment", values)
        )

    def _shipment_messages(self):
        return {
            "created": request.env._(
                "Shipment created. Check the parcels and confirm it when it is "
                "ready for pickup."
            ),
            "saved": request.env._("Saved."),
            "confirmed": request.env._(
                "Shipment confirmed. Print the packing list and the shipping "
                "label and hand the parcels to the carrier."
            ),
        }

    # ------------------------------------------------------------
    # Routes
    # ------------------------------------------------------------

    @http.route(
        ["/my/shipments", "/my/shipments/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_shipments(self, page=1, **kw):
        reseller = self._get_shipping_reseller()
        if not reseller:
            return request.redirect("/my")
        values = self._prepare_shipments_values(reseller, page=_to_page(page))
        return self._service_secure_response(
            request.render("service_shipping.portal_my_shipments", values)
        )

    @http.route(
        "/my/shipments/create",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_shipment_create(self, **post):
        reseller = self._get_shipping_reseller()
        if not reseller:
            return request.redirect("/my")
        posted = request.httprequest.form.getlist("order_ids")
        # one value that is no id refuses the whole selection
        ids = _to_ids(posted) if all(_to_id(value) for value in posted) else []
        error = None
        if not ids:
            error = request.env._("Select the service orders to ship.")
        else:
            Order = request.env["service.order"]
            orders = Order.search(
                Order._get_shippable_domain()
                & Domain("id", "in", ids)
                & Domain("commercial_partner_id", "=", reseller.id)
            )
            if len(orders) != len(ids):
                # A second click on Create: the orders are already in one
                # draft shipment of this reseller, show it.
                shipment = Order.search(
                    [
                        ("id", "in", ids),
                        ("commercial_partner_id", "=", reseller.id),
                        ("shipment_id.state", "=", "draft"),
                    ]
                ).shipment_id
                if len(shipment) == 1 and set(shipment.sudo().order_ids.ids) >= set(
                    ids
                ):
                    return request.redirect(f"/my/shipments/{shipment.id}")
                error = request.env._(
                    "Some of the selected orders cannot be shipped any more: they "
                    "are already in a shipment or no longer waiting. Select them "
                    "again."
                )
            else:
                try:
                    with request.env.cr.savepoint():
                        shipment_sudo = (
                            request.env["service.shipment"]
                            .sudo()
                            ._create_for_reseller(reseller, orders.sudo())
                        )
                except UserError as e:
                    # LockError included: another request is shipping them
                    error = e.args[0]
                else:
                    return request.redirect(
                        f"/my/shipments/{shipment_sudo.id}?message=created"
                    )
        values = self._prepare_shipments_values(reseller, error=error, selected=ids)
        return self._service_secure_response(
            request.render("service_shipping.portal_my_shipments", values)
        )

    @http.route(
        "/my/shipments/<int:shipment_id>",
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_shipment(self, shipment_id, message=None, **kw):
        try:
            shipment_sudo = self._shipment_check_access(shipment_id)
        except AccessError:
            return request.redirect("/my")
        return self._shipment_page(
            shipment_sudo, message=self._shipment_messages().get(message)
        )

    @http.route(
        "/my/shipments/<int:shipment_id>/update",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_shipment_update(self, shipment_id, **post):
        return self._portal_shipment_save(shipment_id, post, confirm=False)

    @http.route(
        "/my/shipments/<int:shipment_id>/confirm",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_shipment_confirm(self, shipment_id, **post):
        return self._portal_shipment_save(shipment_id, post, confirm=True)

    def _portal_shipment_save(self, shipment_id, post, confirm):
        try:
            shipment_sudo = self._shipment_check_access(shipment_id)
        except AccessError:
            return request.redirect("/my")
        url = f"/my/shipments/{shipment_sudo.id}"
        if shipment_sudo.state != "draft":
            if confirm and shipment_sudo.state == "confirmed":
                # a second click on Confirm: it is confirmed once, show it
                return request.redirect(f"{url}?message=confirmed")
            return request.redirect(url)
        errors = {}
        vals = self._parse_shipment_form(post, errors)
        if errors:
            return self._shipment_page(shipment_sudo, errors=errors, post=post)
        try:
            with request.env.cr.savepoint():
                shipment_sudo.write(vals)
                if confirm:
                    shipment_sudo.action_confirm()
        except UserError as e:
            return self._shipment_page(
                shipment_sudo, errors={"shipment": e.args[0]}, post=post
            )
        return request.redirect(f"{url}?message={'confirmed' if confirm else 'saved'}")

    @http.route(
        "/my/shipments/<int:shipment_id>/cancel",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_shipment_cancel(self, shipment_id, **post):
        try:
            shipment_sudo = self._shipment_check_access(shipment_id)
        except AccessError:
            return request.redirect("/my")
        if shipment_sudo.state == "draft":
            shipment_sudo.action_cancel()
        return request.redirect("/my/shipments")

    @http.route(
        [
            "/my/shipments/<int:shipment_id>/packing-list",
            "/my/shipments/<int:shipment_id>/label",
        ],
        type="http",
        auth="user",
        website=True,
    )
    def portal_shipment_document(self, shipment_id, **kw):
        try:
            shipment_sudo = self._shipment_check_access(shipment_id)
        except AccessError:
            return request.redirect("/my")
        if shipment_sudo.state not in ("confirmed", "received"):
            return request.redirect(f"/my/shipments/{shipment_sudo.id}")
        if request.httprequest.path.endswith("/label"):
            report = "service_shipping.service_shipment_action_report_label"
        else:
            report = "service_shipping.service_shipment_action_report_packing_list"
        return self._show_report(shipment_sudo, "pdf", report, download=True)
