from odoo import fields, models


class ServiceSkill(models.Model):
    _name = "service.skill"
    _description = "Technician Skill"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    color = fields.Integer()
