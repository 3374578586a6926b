from odoo import api, fields, models

from .service_contract import STAFF_GROUPS


class ServiceContractLine(models.Model):
    _name = "service.contract.line"
    _description = "Service Contract Line"
    _order = "contract_id, sequence, id"
    _check_company_auto = True

    contract_id = fields.Many2one(
        "service.contract",
        required=True,
        index=True,
        ondelete="cascade",
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        related="contract_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="contract_id.currency_id")
    commercial_partner_id = fields.Many2one(related="contract_id.commercial_partner_id")
    service_item_id = fields.Many2one(
        "service.item",
        index="btree_not_null",
        check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
        help="A device of the customer covered by the contract.",
    )
    device_model_id = fields.Many2one(
        "service.device.model",
        compute="_compute_device_model_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        help="Without a service item, every device of this model of the "
        "customer is covered.",
    )
    product_id = fields.Many2one(
        "product.product",
        check_company=True,
        domain="[('type', '=', 'service')]",
        default=lambda self: self.env.ref(
            "service_contracts.product_service_contract", raise_if_not_found=False
        ),
        groups=STAFF_GROUPS,
        help="Gives the income account and taxes of the invoice lines.",
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
    tax_ids = fields.Many2many(
        "account.tax",
        string="Taxes",
        compute="_compute_tax_ids",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        domain="[('type_tax_use', '=', 'sale')]",
        groups=STAFF_GROUPS,
    )
    price_subtotal = fields.Monetary(
        string="Subtotal",
        compute="_compute_price_subtotal",
        store=True,
        currency_field="currency_id",
        groups=STAFF_GROUPS,
    )

    @api.depends("service_item_id")
    def _compute_device_model_id(self):
        for line in self:
            if line.service_item_id:
                line.device_model_id = line.service_item_id.device_model_id

    @api.depends("service_item_id", "device_model_id", "product_id")
    def _compute_name(self):
        for line in self:
            if line.service_item_id:
                line.name = line.service_item_id.display_name
            elif line.device_model_id:
                line.name = line.device_model_id.display_name
            elif line.product_id and not line.name:
                line.name = line.product_id.display_name

    @api.depends("product_id", "company_id")
    def _compute_tax_ids(self):
        for line in self:
            company = line.company_id or self.env.company
            line.tax_ids = line.product_id.taxes_id._filter_taxes_by_company(company)

    @api.depends("quantity", "price_unit")
    def _compute_price_subtotal(self):
        for line in self:
            line.price_subtotal = line.quantity * line.price_unit

    def _get_invoice_line_label(self, period):
        self.ensure_one()
        return self.env._(
            "%(name)s — %(start)s to %(end)s",
            name=self.name,
            start=period["date_start"],
            end=period["date_end"],
        )

    def _prepare_invoice_line_values(self, period, ratio=1.0):
        """Values of the invoice line for one period; ``ratio`` < 1 prorates a
        shorter last period by its number of days."""
        self.ensure_one()
        contract = self.contract_id
        label = self._get_invoice_line_label(period)
        price_unit = self.price_unit
        if ratio < 1.0:
            price_unit = contract.currency_id.round(price_unit * ratio)
            label = self.env._("%(label)s (pro rata)", label=label)
        taxes = contract.fiscal_position_id.map_tax(self.tax_ids)
        values = {
            "name": label,
            "quantity": self.quantity,
            "price_unit": price_unit,
            "tax_ids": [fields.Command.set(taxes.ids)],
        }
        if self.product_id:
            values["product_id"] = self.product_id.id
        return values
