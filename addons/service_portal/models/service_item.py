from odoo import api, fields, models


class ServiceItem(models.Model):
    _name = "service.item"
    _description = "Service Item"
    _inherit = ["mail.thread"]
    _order = "partner_id, id desc"
    _check_company_auto = True
    _rec_names_search = ["serial_number", "device_model_id", "partner_id"]

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True
    )
    company_id = fields.Many2one(
        "res.company", index=True, default=lambda self: self.env.company
    )
    device_model_id = fields.Many2one(
        "service.device.model", required=True, tracking=True
    )
    serial_number = fields.Char(tracking=True, index="trigram")
    purchase_date = fields.Date()
    warranty_end_date = fields.Date(string="Warranty End", tracking=True)
    under_warranty = fields.Boolean(compute="_compute_under_warranty")
    active = fields.Boolean(default=True)
    note = fields.Text(groups="service_portal.service_portal_group_user")

    @api.depends("device_model_id", "serial_number")
    def _compute_display_name(self):
        for item in self:
            name = item.device_model_id.display_name or ""
            if item.serial_number:
                name = f"{name} ({item.serial_number})"
            item.display_name = name

    @api.depends("warranty_end_date")
    @api.depends_context("date")
    def _compute_under_warranty(self):
        today = fields.Date.context_today(self)
        for item in self:
            item.under_warranty = bool(
                item.warranty_end_date and item.warranty_end_date >= today
            )
