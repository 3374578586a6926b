from odoo import api, fields, models

from odoo.addons.service_portal.models.service_state_mixin import SERVICE_USER_GROUP


class ServiceLocation(models.Model):
    _inherit = "service.location"

    carrier_ids = fields.Many2many(
        "delivery.carrier",
        "service_location_delivery_carrier_rel",
        "location_id",
        "carrier_id",
        string="Shipping Methods",
        check_company=True,
        help="Shipping methods by which customers and resellers may send "
        "devices to this location. Leave empty if the location does not "
        "accept shipped devices.",
    )
    accepts_shipping = fields.Boolean(
        compute="_compute_accepts_shipping",
        groups=SERVICE_USER_GROUP,
        help="The location accepts devices sent by one of its shipping methods.",
    )

    @api.depends("carrier_ids")
    def _compute_accepts_shipping(self):
        for location in self:
            location.accepts_shipping = bool(location.carrier_ids)
