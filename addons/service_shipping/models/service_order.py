from odoo import api, fields, models
from odoo.exceptions import LockError, UserError, ValidationError
from odoo.fields import Domain

from odoo.addons.service_portal.models.service_state_mixin import SERVICE_USER_GROUP

# Orders of a reseller in this state, with a shipping method and not in a
# shipment yet, are waiting to be shipped.
SHIPPABLE_STATES = ("confirmed",)


class ServiceOrder(models.Model):
    _inherit = "service.order"

    location_accepts_shipping = fields.Boolean(
        related="location_id.accepts_shipping",
        string="Location Accepts Shipping",
        groups=SERVICE_USER_GROUP,
    )
    # readable by customers: the portal form offers the location's methods
    location_carrier_ids = fields.Many2many(related="location_id.carrier_ids")
    carrier_id = fields.Many2one(
        "delivery.carrier",
        string="Shipping Method",
        index="btree_not_null",
        tracking=True,
        check_company=True,
        domain="[('id', 'in', location_carrier_ids)]",
        help="How the customer sends the device to the service location.",
    )
    customer_ref = fields.Char(
        string="Customer Reference",
        help="The reseller's own reference for the device (e.g. their repair "
        "ticket), printed on the packing list.",
    )
    shipment_id = fields.Many2one(
        "service.shipment",
        index="btree_not_null",
        readonly=True,
        copy=False,
        tracking=True,
        ondelete="set null",
        check_company=True,
    )
    shipment_state = fields.Selection(
        related="shipment_id.state", string="Shipment Status", groups=SERVICE_USER_GROUP
    )
    is_shippable = fields.Boolean(
        string="Waiting to Be Shipped",
        compute="_compute_is_shippable",
        search="_search_is_shippable",
        groups=SERVICE_USER_GROUP,
        help="A reseller's confirmed order with a shipping method that is "
        "not in a shipment yet.",
    )

    # An order has a single shipment_id, so it is never in two shipments;
    # joining one locks the order's row (_check_can_join_shipment) so that of
    # two simultaneous requests only one succeeds, and _check_shipment_id
    # keeps the order's reseller, location and method those of its shipment.
    _shipment_complete = models.Constraint(
        "CHECK(shipment_id IS NULL OR (location_id IS NOT NULL "
        "AND carrier_id IS NOT NULL AND commercial_partner_id IS NOT NULL))",
        "An order in a shipment needs a location and a shipping method.",
    )

    @api.depends(
        "state",
        "carrier_id",
        "location_id",
        "shipment_id",
        "commercial_partner_id.is_reseller",
    )
    def _compute_is_shippable(self):
        for order in self:
            order.is_shippable = bool(
                order.state in SHIPPABLE_STATES
                and order.commercial_partner_id.is_reseller
                and order.carrier_id
                and order.location_id
                and not order.shipment_id
            )

    def _search_is_shippable(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        domain = self._get_shippable_domain()
        return domain if (operator == "=") == value else ~domain

    @api.model
    def _get_shippable_domain(self):
        return Domain(
            [
                ("state", "in", SHIPPABLE_STATES),
                ("commercial_partner_id.is_reseller", "=", True),
                ("carrier_id", "!=", False),
                ("location_id", "!=", False),
                ("shipment_id", "=", False),
            ]
        )

    @api.onchange("location_id")
    def _onchange_location_id_carrier(self):
        if self.carrier_id and self.carrier_id not in self.location_id.carrier_ids:
            self.carrier_id = False

    @api.constrains("carrier_id", "location_id")
    def _check_carrier_id(self):
        for order in self:
            if (
                order.carrier_id
                and order.carrier_id not in order.location_id.carrier_ids
            ):
                raise ValidationError(
                    self.env._(
                        "The location %(location)s does not accept the shipping "
                        "method %(carrier)s.",
                        location=order.location_id.display_name or "-",
                        carrier=order.carrier_id.display_name,
                    )
                )

    @api.constrains("shipment_id", "partner_id", "location_id", "carrier_id")
    def _check_shipment_id(self):
        for order in self:
            if order.shipment_id:
                message = order._get_shipment_mismatch(order.shipment_id)
                if message:
                    raise ValidationError(message)

    def write(self, vals):
        # Checked first so that a caller without write access (a portal
        # user over RPC) is refused before anything else happens.
        self.check_access("write")
        if "shipment_id" in vals:
            shipment = self.env["service.shipment"].browse(vals["shipment_id"])
            if shipment:
                self._check_can_join_shipment(shipment)
            else:
                self._check_can_leave_shipment()
        return super().write(vals)

    def action_cancel(self):
        # a cancelled order leaves its draft shipment
        in_draft_shipment = self.filtered(lambda o: o.shipment_id.state == "draft")
        res = super().action_cancel()
        in_draft_shipment.write({"shipment_id": False})
        return res

    def _requires_handover_signature(self):
        # an order shipped back to the customer is not picked up at a counter
        return super()._requires_handover_signature() and not self.carrier_id

    def action_view_shipment(self):
        self.ensure_one()
        self._check_action_rights(operation="read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "service.shipment",
            "res_id": self.shipment_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------
    # Shipments
    # ------------------------------------------------------------

    def _get_shipment_mismatch(self, shipment):
        """Why the order cannot be in ``shipment`` (or None)."""
        self.ensure_one()
        if self.commercial_partner_id != shipment.partner_id:
            return self.env._(
                "The service order %(order)s belongs to %(customer)s, not to the "
                "reseller %(reseller)s of shipment %(shipment)s.",
                order=self.name,
                customer=self.commercial_partner_id.display_name,
                reseller=shipment.partner_id.display_name,
                shipment=shipment.name,
            )
        if self.location_id != shipment.location_id:
            return self.env._(
                "The service order %(order)s goes to %(location)s, but shipment "
                "%(shipment)s goes to %(destination)s.",
                order=self.name,
                location=self.location_id.display_name or "-",
                shipment=shipment.name,
                destination=shipment.location_id.display_name,
            )
        if self.carrier_id != shipment.carrier_id:
            return self.env._(
                "The service order %(order)s is sent by %(carrier)s, but shipment "
                "%(shipment)s by %(shipment_carrier)s.",
                order=self.name,
                carrier=self.carrier_id.display_name or "-",
                shipment=shipment.name,
                shipment_carrier=shipment.carrier_id.display_name,
            )
        return None

    def _check_shippable(self, partner, location, carrier):
        """Refuse orders that are not waiting to be shipped by ``partner`` to
        ``location`` with ``carrier`` (one group of the portal page)."""
        labels = dict(self._fields["state"]._description_selection(self.env))
        for order in self:
            if order.shipment_id:
                raise UserError(
                    self.env._(
                        "The service order %(order)s is already in shipment "
                        "%(shipment)s.",
                        order=order.name,
                        shipment=order.shipment_id.name,
                    )
                )
            if order.state not in SHIPPABLE_STATES:
                raise UserError(
                    self.env._(
                        "The service order %(order)s is %(state)s: only "
                        "confirmed orders can be shipped.",
                        order=order.name,
                        state=labels[order.state],
                    )
                )
            if not order.commercial_partner_id.is_reseller:
                raise UserError(
                    self.env._(
                        "The service order %(order)s is not a reseller's order: "
                        "only resellers send shipments.",
                        order=order.name,
                    )
                )
            if not order.carrier_id:
                raise UserError(
                    self.env._(
                        "The service order %(order)s has no shipping method.",
                        order=order.name,
                    )
                )
            if (
                order.commercial_partner_id != partner
                or order.location_id != location
                or order.carrier_id != carrier
            ):
                raise UserError(
                    self.env._(
                        "Only orders of the same reseller, location and shipping "
                        "method can share a shipment: %(order)s goes to "
                        "%(location)s by %(carrier)s.",
                        order=order.name,
                        location=order.location_id.display_name or "-",
                        carrier=order.carrier_id.display_name,
                    )
                )

    def _check_can_join_shipment(self, shipment):
        """Refuse orders that cannot join the draft ``shipment``.

        The orders' rows are locked first: of two requests putting the same
        order in two shipments at the same time, the second cannot lock it
        while the first runs (LockError, a message), and once the first has
        committed its lock fails on the changed row (a serialization failure:
        Odoo retries the request, and the retry sees the order in its
        shipment). Once locked, the values read are the committed ones.
        """
        shipment.ensure_one()
        if shipment.state != "draft":
            raise UserError(
                self.env._(
                    "The shipment %(shipment)s is no longer a draft: no order can "
                    "be added to it.",
                    shipment=shipment.name,
                )
            )
        try:
            self.lock_for_update()
        except LockError:
            raise LockError(
                self.env._(
                    "Another request is shipping %(orders)s right now. Reload the "
                    "page to see their shipment.",
                    orders=", ".join(self.mapped("name")),
                )
            ) from None
        others = self.filtered(lambda o: o.shipment_id and o.shipment_id != shipment)
        if others:
            raise UserError(
                self.env._(
                    "An order cannot be in two shipments: %(orders)s already "
                    "in %(shipments)s.",
                    orders=", ".join(others.mapped("name")),
                    shipments=", ".join(others.shipment_id.mapped("name")),
                )
            )
        joining = self.filtered(lambda o: o.shipment_id != shipment)
        joining._check_shippable(
            shipment.partner_id, shipment.location_id, shipment.carrier_id
        )

    def _check_can_leave_shipment(self):
        labels = dict(
            self.env["service.shipment"]
            ._fields["state"]
            ._description_selection(self.env)
        )
        for order in self:
            if order.shipment_id.state not in (False, "draft", "cancelled"):
                raise UserError(
                    self.env._(
                        "The service order %(order)s is in the %(state)s shipment "
                        "%(shipment)s: cancel the shipment to ship the order "
                        "again.",
                        order=order.name,
                        state=labels[order.shipment_id.state],
                        shipment=order.shipment_id.name,
                    )
                )
