from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    service_zone_id = fields.Many2one(
        "service.zone",
        index="btree_not_null",
        groups="service_portal.service_portal_group_user",
        help="Zone of the customer's address: the dispatch prefers the "
        "technicians who cover it. Contacts without a zone use their company's.",
    )

    def _get_service_zone(self):
        """The zone of the contact, else its company's (none without one)."""
        partner = self[:1]
        return partner.service_zone_id or partner.commercial_partner_id.service_zone_id
