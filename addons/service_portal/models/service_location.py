from odoo import fields, models


class ServiceLocation(models.Model):
    _name = "service.location"
    _description = "Service Location"
    _order = "sequence, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Address",
        check_company=True,
        help="Address of the location, shown to customers on the portal.",
    )
    tat_days = fields.Integer(
        string="Turnaround Time (days)",
        default=5,
        help="Expected number of calendar days between the submission of a "
        "service order and its completion. Shown to customers on the portal.",
    )
    is_public = fields.Boolean(
        string="Public",
        default=True,
        help="Customers can choose public locations on the portal.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Default Agent",
        domain=[("share", "=", False)],
        help="Service agent assigned to new orders of this location.",
    )
    note = fields.Html(string="Customer Instructions", translate=True)

    _tat_days_positive = models.Constraint(
        "CHECK(tat_days >= 0)",
        "The turnaround time cannot be negative.",
    )
