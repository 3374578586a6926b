from odoo import api, fields, models


class ServiceContractTemplateLine(models.Model):
    _name = "service.contract.template.line"
    _description = "Service Contract Template Line"
    _order = "template_id, sequence, id"
    _check_company_auto = True

    template_id = fields.Many2one(
        "service.contract.template",
        required=True,
        index=True,
        ondelete="cascade",
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        related="template_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="template_id.currency_id")
    device_model_id = fields.Many2one(
        "service.device.model",
        index="btree_not_null",
        help="Every device of this model of the customer is covered.",
    )
    product_id = fields.Many2one(
        "product.product",
        check_company=True,
        domain="[('type', '=', 'service')]",
        help="Gives the income account and taxes of the invoice lines. Empty: "
        "the contract line's default (Service Contract).",
    )
    name = fields.Char(
        string="Description",
        compute="_compute_name",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    quantity = fields.Float(default=1.0, digits="Product Unit")
    price_unit = fields.Monetary(
        string="Price per Period",
        currency_field="currency_id",
        help="Price of one unit for one invoicing period.",
    )

    @api.depends("device_model_id", "product_id")
    def _compute_name(self):
        for line in self:
            if line.device_model_id:
                line.name = line.device_model_id.display_name
            elif line.product_id and not line.name:
                line.name = line.product_id.display_name

    def _prepare_contract_line_values(self, currency, company, date):
        """Values of the contract line made from this template line."""
        self.ensure_one()
        price_unit = self.currency_id._convert(self.price_unit, currency, company, date)
        values = {
            "sequence": self.sequence,
            "device_model_id": self.device_model_id.id,
            "name": self.name,
            "quantity": self.quantity,
            "price_unit": price_unit,
        }
        if self.product_id:
            values["product_id"] = self.product_id.id
        return values
