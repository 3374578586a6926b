from odoo import api, fields, models
from odoo.fields import Domain

from odoo.addons.service_portal.models.service_state_mixin import (
    SERVICE_MANAGER_GROUP,
    SERVICE_USER_GROUP,
)

from .service_contract import BILLING_GROUP

PROFIT_GROUPS = f"{SERVICE_MANAGER_GROUP},{BILLING_GROUP}"


class ServiceContract(models.Model):
    """Profit and loss of a contract: invoiced revenue against the cost of the
    service orders it covered."""

    _inherit = "service.contract"

    covered_order_ids = fields.One2many(
        "service.order",
        "contract_id",
        string="Covered Orders",
        groups=SERVICE_USER_GROUP,
    )
    covered_order_count = fields.Integer(
        compute="_compute_profit", groups=SERVICE_USER_GROUP
    )
    profit_revenue = fields.Monetary(
        string="Invoiced Revenue",
        compute="_compute_profit",
        groups=PROFIT_GROUPS,
        help="Posted customer invoices and credit notes of the contract, untaxed, "
        "in the company currency.",
    )
    profit_cost = fields.Monetary(
        string="Cost of Service",
        compute="_compute_profit",
        groups=PROFIT_GROUPS,
        help="Cost of the parts and labor of the service orders the contract covered.",
    )
    profit_margin = fields.Monetary(
        string="Margin", compute="_compute_profit", groups=PROFIT_GROUPS
    )
    profit_margin_percent = fields.Float(
        string="Margin (%)", compute="_compute_profit", groups=PROFIT_GROUPS
    )

    @api.depends("invoice_ids.state", "invoice_ids.amount_untaxed_signed")
    def _compute_profit(self):
        revenue = self._get_profit_revenue()
        costs = self._get_profit_costs()
        for contract in self:
            income = revenue.get(contract.id, 0.0)
            cost, count = costs.get(contract.id, (0.0, 0))
            contract.profit_revenue = income
            contract.profit_cost = cost
            contract.profit_margin = income - cost
            contract.profit_margin_percent = (
                (income - cost) / income * 100.0 if income else 0.0
            )
            contract.covered_order_count = count

    def _get_profit_revenue(self):
        """{contract id: posted untaxed revenue in company currency}: the
        contract's invoices, less the credit notes that reverse them."""
        ids = [cid for cid in self.ids if cid]
        if not ids:
            return {}
        moves = (
            self.env["account.move"]
            .sudo()
            .search_fetch(
                Domain("state", "=", "posted")
                & Domain("move_type", "in", ("out_invoice", "out_refund"))
                & (
                    Domain("service_contract_id", "in", ids)
                    | Domain("reversed_entry_id.service_contract_id", "in", ids)
                ),
                ["service_contract_id", "reversed_entry_id", "amount_untaxed_signed"],
            )
        )
        revenue = {}
        for move in moves:
            contract = move.service_contract_id or (
                move.reversed_entry_id.service_contract_id
            )
            revenue[contract.id] = (
                revenue.get(contract.id, 0.0) + move.amount_untaxed_signed
            )
        return revenue

    def _get_profit_costs(self):
        """{contract id: (cost of the covered orders, number of orders)}"""
        ids = [cid for cid in self.ids if cid]
        if not ids:
            return {}
        groups = (
            self.env["service.order"]
            .sudo()
            ._read_group(
                Domain("contract_id", "in", ids) & Domain("state", "!=", "cancelled"),
                ["contract_id"],
                ["cost_total:sum", "__count"],
            )
        )
        return {contract.id: (cost, count) for contract, cost, count in groups}

    def action_view_covered_orders(self):
        self._check_action_rights(operation="read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "service_portal.service_order_action"
        )
        action["domain"] = [
            ("contract_id", "in", self.ids),
            ("state", "!=", "cancelled"),
        ]
        action["context"] = {"create": False}
        return action
