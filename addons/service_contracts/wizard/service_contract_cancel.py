from odoo import fields, models


class ServiceContractCancel(models.TransientModel):
    _name = "service.contract.cancel"
    _description = "Cancel Service Contracts"

    contract_ids = fields.Many2many("service.contract", string="Contracts")
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.contract_ids.action_cancel(reason=self.reason)
        return {"type": "ir.actions.act_window_close"}
