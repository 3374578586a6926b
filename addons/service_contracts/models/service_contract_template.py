from odoo import api, fields, models
from odoo.tools import is_html_empty

from .service_contract import INVOICING_PERIODS


class ServiceContractTemplate(models.Model):
    """A ready-made offer (invoicing period, covered device models and their
    prices, response time, service hours, terms) that fills a new quote."""

    _name = "service.contract.template"
    _description = "Service Contract Template"
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Leave empty to offer the template in every company.",
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        help="Currency of the template's prices: its company's, else the current "
        "company's. A quote in another currency gets the prices converted.",
    )
    invoicing_period = fields.Selection(
        INVOICING_PERIODS, required=True, default="month"
    )
    invoice_in_arrears = fields.Boolean(
        string="Invoice in Arrears",
        help="Invoice each period on its last day instead of on its first day.",
    )
    line_ids = fields.One2many(
        "service.contract.template.line",
        "template_id",
        string="Covered Device Models",
        copy=True,
    )
    response_time_hours = fields.Float(
        string="Response Time (hours)",
        help="Response time of the contracts made from this template, in working "
        "hours of their service hours. Empty: the quote keeps its own.",
    )
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Service Hours",
        check_company=True,
        help="Service hours of the contracts made from this template. Empty: the "
        "quote keeps its own (or the location's hours apply).",
    )
    terms = fields.Html(
        string="Terms and Conditions",
        help="Copied into the terms of the quotes made from this template.",
    )
    amount_untaxed = fields.Monetary(
        string="Price per Period",
        compute="_compute_amount_untaxed",
        currency_field="currency_id",
    )

    @api.depends("company_id")
    def _compute_currency_id(self):
        for template in self:
            company = template.company_id or self.env.company
            template.currency_id = company.currency_id

    @api.depends("line_ids.quantity", "line_ids.price_unit")
    def _compute_amount_untaxed(self):
        for template in self:
            template.amount_untaxed = sum(
                line.quantity * line.price_unit for line in template.line_ids
            )

    def _prepare_contract_values(self, currency, company, date):
        """Values that a quote made from the template receives.

        Period and lines always come from the template; the response time,
        the service hours and the terms only when the template sets them.
        Prices are converted from the template's currency to ``currency``
        (the quote's) on ``date``."""
        self.ensure_one()
        values = {
            "invoicing_period": self.invoicing_period,
            "invoice_in_arrears": self.invoice_in_arrears,
            "line_ids": [
                fields.Command.create(
                    line._prepare_contract_line_values(currency, company, date)
                )
                for line in self.line_ids
            ],
        }
        if self.response_time_hours:
            values["response_time_hours"] = self.response_time_hours
        if self.resource_calendar_id:
            values["resource_calendar_id"] = self.resource_calendar_id.id
        if not is_html_empty(self.terms):
            values["note"] = self.terms
        return values
