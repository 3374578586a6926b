from odoo import api, fields, models

LOAN_STATES = [
    ("open", "Lent"),
    ("returned", "Returned"),
]


class ServiceLoan(models.Model):
    """Ledger of loans: one record each time a loaner leaves the desk."""

    _name = "service.loan"
    _description = "Loan of a Loaner Device"
    _order = "date_out desc, id desc"
    _check_company_auto = True

    item_id = fields.Many2one(
        "service.loan.item",
        string="Loaner",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    serial_number = fields.Char(related="item_id.serial_number")
    order_id = fields.Many2one(
        "service.order",
        string="Service Order",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        compute="_compute_partner_id",
        store=True,
        index=True,
        precompute=True,
    )
    company_id = fields.Many2one(
        related="order_id.company_id", store=True, index=True, precompute=True
    )
    date_out = fields.Datetime(
        string="Lent On", required=True, default=fields.Datetime.now, readonly=True
    )
    date_due = fields.Date(string="Due On", required=True)
    date_returned = fields.Datetime(string="Returned On", readonly=True, copy=False)
    state = fields.Selection(
        LOAN_STATES,
        string="Status",
        required=True,
        default="open",
        readonly=True,
        index=True,
    )
    is_overdue = fields.Boolean(
        compute="_compute_is_overdue", search="_search_is_overdue"
    )

    _one_open_loan_per_item = models.UniqueIndex(
        "(item_id) WHERE state = 'open'",
        "This loaner is already lent.",
    )
    _one_open_loan_per_order = models.UniqueIndex(
        "(order_id) WHERE state = 'open'",
        "A loaner is already lent for this service order.",
    )

    @api.depends("order_id")
    def _compute_partner_id(self):
        for loan in self:
            loan.partner_id = loan.order_id.partner_id

    @api.depends("date_due", "state")
    @api.depends_context("date")
    def _compute_is_overdue(self):
        today = fields.Date.context_today(self)
        for loan in self:
            loan.is_overdue = bool(loan.state == "open" and loan.date_due < today)

    def _search_is_overdue(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        today = fields.Date.context_today(self)
        domain = [("state", "=", "open"), ("date_due", "<", today)]
        if (operator == "=") == value:
            return domain
        return ["|", ("state", "!=", "open"), ("date_due", ">=", today)]

    @api.depends("item_id", "order_id")
    def _compute_display_name(self):
        for loan in self:
            loan.display_name = f"{loan.item_id.display_name} → {loan.order_id.name}"

    def action_return(self):
        """Return the loaners of these loans (same checks as on the loaner)."""
        self.item_id.check_access("read")
        self.filtered(lambda loan: loan.state == "open").item_id.action_return()
        return True
