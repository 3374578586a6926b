import base64
import io

import qrcode

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.service_portal.models.service_state_mixin import SERVICE_USER_GROUP

SHIPMENT_STATES = [
    ("draft", "Draft"),
    ("confirmed", "Confirmed"),
    ("received", "Received"),
    ("cancelled", "Cancelled"),
]

# A shipment is open while its devices are on their way: its orders cannot
# join another shipment.
OPEN_SHIPMENT_STATES = ("draft", "confirmed")


class ServiceShipment(models.Model):
    _name = "service.shipment"
    _description = "Service Shipment"
    _inherit = ["mail.thread", "mail.activity.mixin", "service.state.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        index="trigram",
        default=lambda self: self.env._("New"),
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Reseller",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('is_reseller', '=', True), ('is_company', '=', True)]",
        help="The reseller (company) that sends the devices.",
    )
    location_id = fields.Many2one(
        "service.location",
        string="Destination",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        help="The service location that receives the devices.",
    )
    location_carrier_ids = fields.Many2many(related="location_id.carrier_ids")
    carrier_id = fields.Many2one(
        "delivery.carrier",
        string="Shipping Method",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="[('id', 'in', location_carrier_ids)]",
    )
    order_ids = fields.One2many(
        "service.order",
        "shipment_id",
        string="Service Orders",
    )
    order_count = fields.Integer(compute="_compute_order_count")
    parcel_count = fields.Integer(
        string="Parcels",
        default=1,
        required=True,
        tracking=True,
        help="Number of parcels handed to the carrier.",
    )
    weight = fields.Float(
        digits="Stock Weight",
        tracking=True,
        help="Total weight of the parcels.",
    )
    # sudo: the unit's name is shown to resellers, who may not read units
    weight_uom_name = fields.Char(
        string="Weight Unit", compute="_compute_weight_uom_name", compute_sudo=True
    )
    tracking_ref = fields.Char(
        string="Tracking Reference",
        tracking=True,
        help="Tracking number given by the carrier.",
    )
    state = fields.Selection(
        SHIPMENT_STATES,
        string="Status",
        required=True,
        default="draft",
        copy=False,
        index=True,
        tracking=True,
        readonly=True,
    )
    date_confirmed = fields.Datetime(string="Confirmed On", readonly=True, copy=False)
    date_received = fields.Datetime(string="Received On", readonly=True, copy=False)
    # Staff only: not shown to resellers, so not readable by them over RPC
    # either (the portal renders shipments under sudo).
    note = fields.Text(string="Notes", groups=SERVICE_USER_GROUP)
    color = fields.Integer(groups=SERVICE_USER_GROUP)
    create_uid = fields.Many2one(
        "res.users", string="Created by", readonly=True, groups=SERVICE_USER_GROUP
    )
    write_uid = fields.Many2one(
        "res.users",
        string="Last Updated by",
        readonly=True,
        groups=SERVICE_USER_GROUP,
    )

    _name_company_uniq = models.UniqueIndex(
        "(company_id, name)",
        "A shipment with this reference already exists in this company.",
    )
    _parcel_count_positive = models.Constraint(
        "CHECK(parcel_count > 0)",
        "A shipment has at least one parcel.",
    )
    _weight_positive = models.Constraint(
        "CHECK(weight >= 0)",
        "The weight of a shipment cannot be negative.",
    )

    @api.depends("order_ids")
    def _compute_order_count(self):
        groups = self.env["service.order"]._read_group(
            [("shipment_id", "in", self.ids)], ["shipment_id"], ["__count"]
        )
        counts = {shipment.id: count for shipment, count in groups}
        for shipment in self:
            shipment.order_count = counts.get(shipment.id, 0)

    def _compute_weight_uom_name(self):
        self.weight_uom_name = self.env[
            "product.template"
        ]._get_weight_uom_name_from_ir_config_parameter()

    @api.constrains("partner_id")
    def _check_partner_id(self):
        for shipment in self:
            partner = shipment.partner_id
            if not partner.is_reseller or partner != partner.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "%(partner)s is not a reseller company: only resellers "
                        "send shipments.",
                        partner=partner.display_name,
                    )
                )

    @api.constrains("location_id", "carrier_id")
    def _check_carrier_id(self):
        for shipment in self:
            if shipment.carrier_id not in shipment.location_id.carrier_ids:
                raise ValidationError(
                    self.env._(
                        "The location %(location)s does not accept the shipping "
                        "method %(carrier)s.",
                        location=shipment.location_id.display_name,
                        carrier=shipment.carrier_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == self.env._("New"):
                company = (
                    self.env["res.company"].browse(vals.get("company_id"))
                    or self.env.company
                )
                vals["name"] = self.env["ir.sequence"].with_company(
                    company
                ).next_by_code("service.shipment") or self.env._("New")
        return super().create(vals_list)

    def write(self, vals):
        # refuse callers without write access (portal users over RPC) first
        self.check_access("write")
        keys = ("partner_id", "location_id", "carrier_id")
        if any(key in vals for key in keys):
            for shipment in self:
                if not any(
                    shipment[key].id != vals[key] for key in keys if key in vals
                ):
                    continue
                if shipment.state != "draft":
                    raise UserError(
                        self.env._(
                            "The shipment %(shipment)s is no longer a draft: its "
                            "reseller, destination and shipping method are fixed.",
                            shipment=shipment.name,
                        )
                    )
                # the orders' own constraint (_check_shipment_id) keeps them
                # in their group; the shipment keeps its group while it has
                # orders
                if shipment.order_ids:
                    raise UserError(
                        self.env._(
                            "Remove the service orders of %(shipment)s before "
                            "changing its reseller, destination or shipping "
                            "method: its orders go there by that method.",
                            shipment=shipment.name,
                        )
                    )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_draft_or_cancelled(self):
        for shipment in self:
            if shipment.state not in ("draft", "cancelled"):
                raise UserError(
                    self.env._(
                        "You can only delete draft or cancelled shipments. "
                        "Cancel %(shipment)s first.",
                        shipment=shipment.name,
                    )
                )

    def unlink(self):
        # the orders of a deleted draft shipment can be shipped again
        self.order_ids.write({"shipment_id": False})
        return super().unlink()

    def _track_subtype(self, init_values):
        self.ensure_one()
        if "state" in init_values:
            return self.env.ref("service_shipping.mt_service_shipment_state_change")
        return super()._track_subtype(init_values)

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Shipment %s", self.name)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_confirm(self):
        """The reseller has packed the devices: ready for pickup."""
        self._check_action_rights()
        self._check_state(("draft",), self.env._("Confirm"))
        for shipment in self:
            if not shipment.order_ids:
                raise UserError(
                    self.env._(
                        "Add at least one service order to %(shipment)s before "
                        "confirming it.",
                        shipment=shipment.name,
                    )
                )
        self.write({"state": "confirmed", "date_confirmed": fields.Datetime.now()})
        for shipment in self:
            shipment.order_ids._message_log_batch(
                bodies={
                    order.id: self.env._(
                        "Shipped to %(location)s with shipment %(shipment)s "
                        "(%(carrier)s).",
                        location=shipment.location_id.name,
                        shipment=shipment.name,
                        carrier=shipment.carrier_id.name,
                    )
                    for order in shipment.order_ids
                }
            )
        return True

    def action_receive(self):
        """The location received the parcels: the orders move on to repair."""
        self._check_action_rights()
        self._check_state(("confirmed",), self.env._("Receive"))
        self.write({"state": "received", "date_received": fields.Datetime.now()})
        for shipment in self:
            orders = shipment.order_ids
            to_start = orders.filtered(lambda o: o.state == "confirmed")
            to_start.action_start()
            orders._message_log_batch(
                bodies={
                    order.id: self.env._(
                        "Device received at %(location)s with shipment %(shipment)s.",
                        location=shipment.location_id.name,
                        shipment=shipment.name,
                    )
                    for order in orders
                }
            )
            shipment.message_post(
                body=self.env._(
                    "Received at %(location)s: %(count)s device(s) moved on to repair.",
                    location=shipment.location_id.name,
                    count=len(to_start),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_cancel(self):
        """Cancel a draft or confirmed shipment: its orders can be shipped
        again."""
        self._check_action_rights()
        self._check_state(OPEN_SHIPMENT_STATES, self.env._("Cancel"))
        self.write({"state": "cancelled"})
        for shipment in self:
            orders = shipment.order_ids
            if not orders:
                continue
            orders._message_log_batch(
                bodies={
                    order.id: self.env._(
                        "Removed from the cancelled shipment %(shipment)s.",
                        shipment=shipment.name,
                    )
                    for order in orders
                }
            )
            shipment.message_post(
                body=self.env._(
                    "Cancelled: %(orders)s can be shipped again.",
                    orders=", ".join(orders.mapped("name")),
                ),
                subtype_xmlid="mail.mt_note",
            )
            orders.write({"shipment_id": False})
        return True

    def action_draft(self):
        """Reopen a cancelled shipment as an empty draft."""
        self._check_action_rights()
        self._check_state(("cancelled",), self.env._("Set to Draft"))
        self.write({"state": "draft", "date_confirmed": False})
        return True

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    @api.model
    def _create_for_reseller(self, partner, orders, values=None):
        """Create a draft shipment of ``orders`` for the reseller ``partner``.

        Called by the portal under sudo after it has checked that ``orders``
        belong to ``partner``; ``partner``, location, method and company come
        from the orders, never from the request.
        """
        partner = partner.commercial_partner_id
        if not orders:
            raise UserError(self.env._("Select the service orders to ship."))
        first = orders[0]
        orders._check_shippable(partner, first.location_id, first.carrier_id)
        vals = {
            "partner_id": partner.id,
            "location_id": first.location_id.id,
            "carrier_id": first.carrier_id.id,
            "company_id": first.company_id.id,
            "order_ids": [fields.Command.set(orders.ids)],
        }
        vals.update(values or {})
        return self.create(vals)

    def _get_destination_partner(self):
        """Address the devices are sent to."""
        self.ensure_one()
        return self.location_id.partner_id or self.company_id.partner_id

    def _get_label_qr_data_uri(self):
        """PNG data URI of the label's QR code. It encodes the shipment
        reference only: no personal data, no access token."""
        self.ensure_one()
        image = qrcode.make(self.name, box_size=10, border=2)
        stream = io.BytesIO()
        image.save(stream, format="PNG")
        return "data:image/png;base64," + base64.b64encode(stream.getvalue()).decode()
