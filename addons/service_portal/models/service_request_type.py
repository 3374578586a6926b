from odoo import api, fields, models


class ServiceRequestType(models.Model):
    """What the customer asks for (repair, warranty claim, maintenance…),
    configurable like the ticket types of a help desk."""

    _name = "service.request.type"
    _description = "Service Request Type"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Technical name for integrations and imports, unique per company.",
    )
    description = fields.Text(
        translate=True, help="Shown to customers under the choice on the portal."
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, help="Empty: available in every company."
    )

    _code_company_uniq = models.UniqueIndex(
        "(COALESCE(company_id, 0), lower(code))",
        "A request type with this code already exists in this company.",
    )

    @api.model
    def _get_portal_types(self, company):
        """The request types customers can choose for ``company``."""
        return self.search(
            [("company_id", "in", [False, company.id]), ("active", "=", True)]
        )

    @api.model
    def _get_by_code(self, code, company=None):
        """The request type of ``code`` (the company's first, then a shared
        one), or an empty recordset."""
        if not code or not isinstance(code, str):
            return self.browse()
        company = company or self.env.company
        types = self.with_context(active_test=False).search(
            [("code", "=", code), ("company_id", "in", [False, company.id])],
            order="company_id, sequence, id",
        )
        return types[:1]
