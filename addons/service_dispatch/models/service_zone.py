from odoo import api, fields, models


class ServiceZone(models.Model):
    _name = "service.zone"
    _description = "Service Zone"
    _order = "sequence, name"
    _rec_names_search = ["name", "code"]

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Short code shown on the dispatch board.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    description = fields.Text(
        help="Which towns, postcodes or districts the zone covers."
    )

    _code_company_uniq = models.UniqueIndex(
        "(company_id, code)", "A zone with this code already exists in this company."
    )

    @api.depends("name", "code")
    def _compute_display_name(self):
        for zone in self:
            zone.display_name = f"[{zone.code}] {zone.name}" if zone.code else zone.name
