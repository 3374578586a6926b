from odoo import fields, models


class ServiceDeviceModel(models.Model):
    _inherit = "service.device.model"

    skill_ids = fields.Many2many(
        "service.skill",
        string="Required Skills",
        groups="service_portal.service_portal_group_user",
        help="Skills a technician needs to service this model; copied to its "
        "new service orders.",
    )
