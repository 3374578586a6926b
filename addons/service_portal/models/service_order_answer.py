from odoo import api, fields, models
from odoo.exceptions import ValidationError

BOOLEAN_VALUES = [("yes", "Yes"), ("no", "No")]


class ServiceOrderAnswer(models.Model):
    _name = "service.order.answer"
    _description = "Service Order Answer"
    _order = "order_id, sequence, id"

    order_id = fields.Many2one(
        "service.order", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    task_id = fields.Many2one(
        "service.task",
        string="Question",
        required=True,
        ondelete="restrict",
        index=True,
    )
    sequence = fields.Integer(related="task_id.sequence", store=True)
    answer_type = fields.Selection(related="task_id.answer_type")
    filled_by_customer = fields.Boolean(related="task_id.filled_by_customer")
    value_text = fields.Text(string="Text Answer")
    value_boolean = fields.Selection(BOOLEAN_VALUES, string="Yes/No Answer")
    value_number = fields.Float(string="Number Answer")
    value_option_id = fields.Many2one(
        "service.task.option",
        string="Choice",
        domain="[('task_id', '=', task_id)]",
        ondelete="restrict",
    )
    value_date = fields.Date(string="Date Answer")
    value_display = fields.Char(
        string="Answer", compute="_compute_value_display", store=True
    )
    is_answered = fields.Boolean(compute="_compute_value_display", store=True)

    _order_task_uniq = models.UniqueIndex(
        "(order_id, task_id)", "A question can be answered only once per order."
    )

    @api.depends(
        "task_id.answer_type",
        "value_text",
        "value_boolean",
        "value_number",
        "value_option_id",
        "value_date",
    )
    def _compute_value_display(self):
        boolean_labels = dict(
            self._fields["value_boolean"]._description_selection(self.env)
        )
        for answer in self:
            answer_type = answer.task_id.answer_type
            display = False
            if answer_type == "text":
                display = (answer.value_text or "").strip() or False
            elif answer_type == "boolean":
                display = boolean_labels.get(answer.value_boolean, False)
            elif answer_type == "number":
                display = f"{answer.value_number:g}"
            elif answer_type == "selection":
                display = answer.value_option_id.name or False
            elif answer_type == "date" and answer.value_date:
                display = fields.Date.to_string(answer.value_date)
            answer.value_display = display or False
            answer.is_answered = bool(display)

    @api.constrains("task_id", "value_option_id")
    def _check_option(self):
        for answer in self:
            if (
                answer.value_option_id
                and answer.value_option_id.task_id != answer.task_id
            ):
                raise ValidationError(
                    self.env._(
                        "The choice %(choice)s does not belong to the question "
                        "%(question)s.",
                        choice=answer.value_option_id.name,
                        question=answer.task_id.name,
                    )
                )
