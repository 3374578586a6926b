import ast

from odoo import fields, models

from .service_state_mixin import SERVICE_USER_GROUP


class ServiceLocation(models.Model):
    _name = "service.location"
    _description = "Service Location"
    _inherit = ["mail.alias.mixin"]
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
        help="Expected number of days between the submission of a service order "
        "and its completion: working days of the service hours, calendar days "
        "when the location has none. Shown to customers on the portal.",
    )
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Service Hours",
        check_company=True,
        groups=SERVICE_USER_GROUP,
        help="Working hours in which response times and turnaround times are "
        "counted; the public holidays of these hours (their time off without "
        "resource) are not working time. Without service hours, response times "
        "run on the clock and turnaround times in calendar days.",
    )
    response_time_hours = fields.Float(
        string="Response Time",
        groups=SERVICE_USER_GROUP,
        help="Working hours (of the service hours) within which work on a "
        "submitted order must start. Empty: orders get no response deadline.",
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
    require_resolution_code = fields.Boolean(
        groups=SERVICE_USER_GROUP,
        help="An order cannot be marked ready without a resolution code.",
    )
    require_handover_signature = fields.Boolean(
        groups=SERVICE_USER_GROUP,
        help="An order cannot be closed (Done) before the customer signed for "
        "pickup, in the back office or on the portal.",
    )

    _tat_days_positive = models.Constraint(
        "CHECK(tat_days >= 0)",
        "The turnaround time cannot be negative.",
    )
    _response_time_hours_positive = models.Constraint(
        "CHECK(response_time_hours >= 0)",
        "The response time cannot be negative.",
    )

    def _alias_get_creation_values(self):
        """Mails to the alias of a location open service orders of it."""
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get_id("service.order")
        if self.id:
            defaults = ast.literal_eval(self.alias_defaults or "{}")
            defaults["location_id"] = self.id
            values["alias_defaults"] = repr(defaults)
        return values
