from odoo import api, fields, models
from odoo.exceptions import ValidationError

BOOLEAN_VALUES = [("yes", "Yes"), ("no", "No")]
ANSWER_TEXT_MAX_LENGTH = 2000
NUMBER_MAX_ABS = 1e15
# The value fields of an answer, as they are when nothing is answered.
EMPTY_VALUES = {
    "value_text": False,
    "value_boolean": False,
    "value_number": 0.0,
    "value_number_set": False,
    "value_option_id": False,
    "value_date": False,
}


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
    # A float column cannot be empty: this tells "0 entered" from "nothing".
    value_number_set = fields.Boolean(
        string="Number Entered",
        help="Set whenever a number is entered, 0 included.",
    )
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
        "value_number_set",
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
            elif answer_type == "number" and answer.value_number_set:
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

    @api.model_create_multi
    def create(self, vals_list):
        # The back office sends every field of a new line, the number's 0
        # included: a new line counts as answered when its number is not 0
        # (callers that mean 0 pass ``value_number_set``).
        for vals in vals_list:
            if "value_number_set" not in vals and vals.get("value_number"):
                vals["value_number_set"] = True
        return super().create(vals_list)

    def write(self, vals):
        # an edited number is an entered one, 0 included
        if (
            isinstance(vals, dict)
            and "value_number" in vals
            and "value_number_set" not in vals
        ):
            vals = dict(vals, value_number_set=True)
        return super().write(vals)

    # ------------------------------------------------------------
    # Portal form: posted strings <-> answer values
    # ------------------------------------------------------------

    @api.model
    def _from_portal_value(self, task, raw):
        """Parse the string posted for ``task`` on the portal form.

        :return: ``(values, error)``: the answer's values (every value field,
            the others reset) or ``None`` when nothing was entered, and the
            sentence to show under the question, or ``None``.
        """
        raw = raw.strip() if isinstance(raw, str) else ""
        if not raw:
            if task.required_in_portal:
                return None, self.env._("This question needs an answer.")
            return None, None
        values = dict(EMPTY_VALUES, task_id=task.id)
        answer_type = task.answer_type
        if answer_type == "text":
            if len(raw) > ANSWER_TEXT_MAX_LENGTH:
                return None, self.env._(
                    "Use at most %s characters.", ANSWER_TEXT_MAX_LENGTH
                )
            values["value_text"] = raw
        elif answer_type == "boolean":
            if raw not in dict(BOOLEAN_VALUES):
                return None, self.env._("Answer yes or no.")
            values["value_boolean"] = raw
        elif answer_type == "number":
            try:
                number = float(raw.replace(",", "."))
            except ValueError:
                number = None
            # NaN is the only value not equal to itself
            if number is None or number != number or abs(number) >= NUMBER_MAX_ABS:
                return None, self.env._("Enter a number, for example 12.5.")
            values.update(value_number=number, value_number_set=True)
        elif answer_type == "selection":
            option = task.option_ids.filtered(lambda o: str(o.id) == raw)
            if not option:
                return None, self.env._("Choose one of the answers of the list.")
            values["value_option_id"] = option.id
        elif answer_type == "date":
            try:
                date = fields.Date.to_date(raw)
            except ValueError:
                date = None
            if not date or not 1900 <= date.year <= 2999:
                return None, self.env._("Enter a date (year-month-day).")
            values["value_date"] = date
        return values, None

    def _to_portal_value(self):
        """The answer as the string the portal form posts for it."""
        self.ensure_one()
        if not self.is_answered:
            return ""
        answer_type = self.task_id.answer_type
        if answer_type == "text":
            return self.value_text or ""
        if answer_type == "boolean":
            return self.value_boolean or ""
        if answer_type == "number":
            return f"{self.value_number:g}"
        if answer_type == "selection":
            return str(self.value_option_id.id)
        if answer_type == "date":
            return fields.Date.to_string(self.value_date)
        return ""
