from odoo import fields, models


class ServiceTaskOption(models.Model):
    _name = "service.task.option"
    _description = "Service Question Choice"
    _order = "sequence, id"

    task_id = fields.Many2one(
        "service.task",
        string="Question",
        required=True,
        ondelete="cascade",
        index=True,
    )
    name = fields.Char(string="Choice", required=True, translate=True)
    sequence = fields.Integer(default=10)
