from odoo import fields, models


class ServiceTroubleshooting(models.Model):
    """A troubleshooting guide of device models, for the service desk only:
    the order form shows the guides of its device model."""

    _name = "service.troubleshooting"
    _description = "Troubleshooting Guide"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    device_model_ids = fields.Many2many(
        "service.device.model",
        string="Device Models",
        help="The guide is shown on the orders of these device models. Empty: "
        "on every order.",
    )
    body = fields.Html(translate=True, sanitize=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, help="Empty: available in every company."
    )
