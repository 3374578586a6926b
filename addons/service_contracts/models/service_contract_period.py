from odoo import fields, models


class ServiceContractPeriod(models.Model):
    """Ledger of the invoiced periods: one row per contract and period start,
    written in the same transaction as the invoice. The unique index makes a
    second invoice of a period impossible, whatever runs it (the scheduled
    action, "Invoice now", two workers at once)."""

    _name = "service.contract.period"
    _description = "Invoiced Period of a Service Contract"
    _order = "contract_id, date_start"
    _rec_name = "date_start"

    contract_id = fields.Many2one(
        "service.contract",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one(
        related="contract_id.company_id", store=True, index=True
    )
    sequence = fields.Integer(string="Period #", readonly=True)
    date_start = fields.Date(string="From", required=True, readonly=True)
    date_end = fields.Date(string="To", required=True, readonly=True)
    invoice_id = fields.Many2one(
        "account.move",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    # related fields read as superuser: visible to service staff without
    # accounting rights
    invoice_name = fields.Char(related="invoice_id.name", string="Invoice Number")
    invoice_state = fields.Selection(related="invoice_id.state", string="Status")

    _contract_period_uniq = models.UniqueIndex(
        "(contract_id, date_start)",
        "This period of the contract is invoiced already.",
    )
    _dates_check = models.Constraint(
        "CHECK (date_end >= date_start)",
        "A period cannot end before it starts.",
    )
