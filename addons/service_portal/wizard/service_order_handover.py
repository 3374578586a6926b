from odoo import fields, models


class ServiceOrderHandover(models.TransientModel):
    """Back office hand-over: the customer signs for pickup at the desk, then
    the order is done."""

    _name = "service.order.handover"
    _description = "Service Order Hand-over"

    order_id = fields.Many2one("service.order", required=True, ondelete="cascade")
    signed_by = fields.Char(required=True)
    signature = fields.Binary(required=True)

    def action_confirm(self):
        self.ensure_one()
        order = self.order_id
        order._check_action_rights()
        order._record_handover(self.signed_by, self.signature.decode())
        order.action_done()
        return {"type": "ir.actions.act_window_close"}
