from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

ANSWER_TYPES = [
    ("text", "Text"),
    ("boolean", "Yes/No"),
    ("number", "Number"),
    ("selection", "Choice"),
    ("date", "Date"),
]


class ServiceTask(models.Model):
    """A question to answer for service orders ("task" in Fixably's words)."""

    _name = "service.task"
    _description = "Service Order Question"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(string="Question", required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True)
    help_text = fields.Char(
        string="Hint", translate=True, help="Shown under the question on the portal."
    )
    answer_type = fields.Selection(ANSWER_TYPES, required=True, default="text")
    option_ids = fields.One2many(
        "service.task.option", "task_id", string="Choices", copy=True
    )
    filled_by_customer = fields.Boolean(
        string="Filled by Customer",
        default=True,
        help="Asked of the customer on the portal. Otherwise the service desk "
        "fills it in.",
    )
    required_in_portal = fields.Boolean(
        string="Required in Portal",
        help="A service order cannot be approved without an answer.",
    )
    device_model_ids = fields.Many2many(
        "service.device.model",
        string="Device Models",
        help="Ask only for these device models. Empty: all devices.",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        help="Ask only these customers (and their contacts). Empty: all customers.",
    )
    request_type_ids = fields.Many2many(
        "service.request.type",
        string="Request Types",
        help="Ask only for these request types. Empty: all request types.",
    )

    @api.constrains("answer_type", "option_ids")
    def _check_options(self):
        for task in self:
            if task.answer_type == "selection" and not task.option_ids:
                raise ValidationError(
                    self.env._(
                        "The question %(name)s is a choice: give it at least one "
                        "choice.",
                        name=task.name,
                    )
                )

    @api.constrains("required_in_portal", "filled_by_customer")
    def _check_required_in_portal(self):
        for task in self:
            if task.required_in_portal and not task.filled_by_customer:
                raise ValidationError(
                    self.env._(
                        "The question %(name)s is filled by staff: it cannot be "
                        "required in the portal.",
                        name=task.name,
                    )
                )

    @api.model
    def _get_applicable_domain(
        self, partner, device_model, company=None, request_type=None
    ):
        """Domain of the questions that apply to a customer, a device model
        and a request type.

        A question with no device models applies to all devices; one with no
        customers applies to all customers; one with no request types to all
        request types. A question scoped to a company (commercial partner)
        applies to all its contacts. ``request_type`` may be several types
        (the portal form loads the questions of every type it offers);
        ``None`` does not filter on request types.
        """
        company = company or self.env.company
        commercial = partner.commercial_partner_id
        partners = (partner | commercial).ids
        domain = Domain("company_id", "in", [False, company.id])
        domain &= Domain("device_model_ids", "=", False) | Domain(
            "device_model_ids", "in", device_model.ids
        )
        domain &= Domain("partner_ids", "=", False) | Domain(
            "partner_ids", "in", partners
        )
        if request_type is not None:
            domain &= Domain("request_type_ids", "=", False) | Domain(
                "request_type_ids", "in", request_type.ids
            )
        return domain

    @api.model
    def _get_applicable_tasks(
        self, partner, device_model, company=None, portal=False, request_type=None
    ):
        """Questions that apply to the (customer, device model, request type).

        :param partner: res.partner record (the customer)
        :param device_model: service.device.model record, may be empty
        :param portal: only the questions filled by the customer
        :param request_type: service.request.type record(s), may be empty;
            ``None``: any request type
        """
        domain = self._get_applicable_domain(
            partner, device_model, company, request_type=request_type
        )
        if portal:
            domain &= Domain("filled_by_customer", "=", True)
        return self.search(domain)
