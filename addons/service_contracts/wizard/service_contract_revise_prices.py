from odoo import api, fields, models


class ServiceContractRevisePrices(models.TransientModel):
    _name = "service.contract.revise.prices"
    _description = "Revise Prices of Service Contracts"

    contract_ids = fields.Many2many(
        "service.contract",
        string="Contracts",
        default=lambda self: self._default_contract_ids(),
    )
    contract_count = fields.Integer(compute="_compute_contract_count")
    percent = fields.Float(
        string="Change (%)",
        required=True,
        digits=(16, 2),
        help="3 raises every price by 3%, -2.5 lowers it by 2.5%. New prices "
        "are rounded to the currency.",
    )

    @api.model
    def _default_contract_ids(self):
        if self.env.context.get("active_model") != "service.contract":
            return self.env["service.contract"]
        return self.env["service.contract"].browse(
            self.env.context.get("active_ids") or []
        )

    @api.depends("contract_ids")
    def _compute_contract_count(self):
        for wizard in self:
            wizard.contract_count = len(wizard.contract_ids)

    def action_confirm(self):
        self.ensure_one()
        self.contract_ids.action_revise_prices(self.percent)
        return {"type": "ir.actions.act_window_close"}
