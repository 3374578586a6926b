from odoo import api, fields, models

from odoo.addons.service_portal.models.service_state_mixin import SERVICE_USER_GROUP


class ResPartner(models.Model):
    _inherit = "res.partner"

    service_estimate_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_service_estimate_currency_id",
        groups=SERVICE_USER_GROUP,
    )
    service_estimate_limit = fields.Monetary(
        string="Estimate Limit",
        currency_field="service_estimate_currency_id",
        groups=SERVICE_USER_GROUP,
        help="Estimates of service orders whose total is within this amount are "
        "approved automatically when they are sent. 0 means every estimate "
        "waits for the customer's approval. The limit set on the company (the "
        "commercial partner) applies to all its contacts.",
    )

    @api.depends("company_id")
    @api.depends_context("company")
    def _compute_service_estimate_currency_id(self):
        for partner in self:
            partner.service_estimate_currency_id = (
                partner.company_id.currency_id or self.env.company.currency_id
            )
