from odoo import api, fields, models

CODE_TYPES = [
    ("fault_area", "Fault Area"),
    ("symptom", "Symptom"),
    ("fault", "Fault"),
    ("resolution", "Resolution"),
]


class ServiceCode(models.Model):
    """A fault area, symptom, fault or resolution code recorded on orders by
    the service desk (as Business Central's fault/resolution codes)."""

    _name = "service.code"
    _description = "Service Code"
    _order = "code_type, sequence, code, id"
    _check_company_auto = True
    _rec_names_search = ["code", "name"]

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    code_type = fields.Selection(CODE_TYPES, string="Type", required=True, index=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, help="Empty: available in every company."
    )

    _code_uniq = models.UniqueIndex(
        "(COALESCE(company_id, 0), code_type, lower(code))",
        "A code of this type with this code already exists in this company.",
    )

    @api.depends("code", "name")
    def _compute_display_name(self):
        for record in self:
            record.display_name = (
                f"[{record.code}] {record.name}" if record.code else record.name
            )
