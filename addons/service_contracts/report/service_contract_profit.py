from odoo import fields, models, tools
from odoo.tools import SQL


class ServiceContractProfitReport(models.Model):
    """One row per revenue event (posted invoice or credit note of a contract)
    and per cost event (service order covered by a contract), so that the
    pivot shows revenue, cost and margin per contract, customer and month."""

    _name = "service.contract.profit.report"
    _description = "Service Contract Profit and Loss"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "contract_id"
    _depends = {
        "account.move": [
            "service_contract_id",
            "reversed_entry_id",
            "state",
            "move_type",
            "invoice_date",
            "amount_untaxed_signed",
        ],
        "service.contract": ["commercial_partner_id", "company_id", "state"],
        "service.order": [
            "contract_id",
            "cost_total",
            "state",
            "date_submitted",
            "create_date",
        ],
    }

    contract_id = fields.Many2one("service.contract", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    contract_state = fields.Selection(
        [
            ("quote", "Quote"),
            ("active", "Active"),
            ("expired", "Expired"),
            ("cancelled", "Cancelled"),
        ],
        readonly=True,
    )
    kind = fields.Selection(
        [("revenue", "Invoice"), ("cost", "Service order")], readonly=True
    )
    date = fields.Date(readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    order_id = fields.Many2one("service.order", string="Service Order", readonly=True)
    revenue = fields.Monetary(string="Invoiced Revenue", readonly=True)
    cost = fields.Monetary(string="Cost of Service", readonly=True)
    margin = fields.Monetary(readonly=True)
    order_count = fields.Integer(string="Covered Orders", readonly=True)

    def _query(self):
        return SQL(
            """
            SELECT move.id * 2 AS id,
                   contract.id AS contract_id,
                   contract.commercial_partner_id AS partner_id,
                   contract.company_id AS company_id,
                   company.currency_id AS currency_id,
                   contract.state AS contract_state,
                   'revenue' AS kind,
                   move.invoice_date AS date,
                   move.id AS move_id,
                   NULL::integer AS order_id,
                   move.amount_untaxed_signed AS revenue,
                   0.0 AS cost,
                   move.amount_untaxed_signed AS margin,
                   0 AS order_count
              FROM account_move move
         LEFT JOIN account_move reversed ON reversed.id = move.reversed_entry_id
              JOIN service_contract contract
                ON contract.id = COALESCE(
                       move.service_contract_id, reversed.service_contract_id
                   )
              JOIN res_company company ON company.id = contract.company_id
             WHERE move.state = 'posted'
               AND move.move_type IN ('out_invoice', 'out_refund')
            UNION ALL
            SELECT ord.id * 2 + 1 AS id,
                   contract.id AS contract_id,
                   contract.commercial_partner_id AS partner_id,
                   contract.company_id AS company_id,
                   company.currency_id AS currency_id,
                   contract.state AS contract_state,
                   'cost' AS kind,
                   COALESCE(ord.date_submitted, ord.create_date)::date AS date,
                   NULL::integer AS move_id,
                   ord.id AS order_id,
                   0.0 AS revenue,
                   COALESCE(ord.cost_total, 0.0) AS cost,
                   -COALESCE(ord.cost_total, 0.0) AS margin,
                   1 AS order_count
              FROM service_order ord
              JOIN service_contract contract ON contract.id = ord.contract_id
              JOIN res_company company ON company.id = contract.company_id
             WHERE ord.state != 'cancelled'
            """
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )
