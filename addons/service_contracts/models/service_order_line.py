from odoo import api, fields, models

# Changing these does not change what the customer is asked to approve.
ESTIMATE_NEUTRAL_FIELDS = {"sequence", "is_after_estimate"}

LINE_TYPES = [
    ("part", "Part"),
    ("labour", "Labor"),
]


class ServiceOrderLine(models.Model):
    _name = "service.order.line"
    _description = "Service Order Line"
    _order = "order_id, sequence, id"
    _check_company_auto = True

    order_id = fields.Many2one(
        "service.order",
        string="Service Order",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="order_id.company_id", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="order_id.currency_id")
    sequence = fields.Integer(default=10)
    product_id = fields.Many2one(
        "product.product",
        required=True,
        index=True,
        check_company=True,
        domain="[('sale_ok', '=', True)]",
    )
    name = fields.Text(
        string="Description",
        compute="_compute_name",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    line_type = fields.Selection(
        LINE_TYPES,
        string="Type",
        compute="_compute_line_type",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
        help="Parts are goods; labor is a service product sold per hour.",
    )
    quantity = fields.Float(
        default=1.0, required=True, digits="Product Unit", help="Units or hours."
    )
    product_uom_id = fields.Many2one(
        "uom.uom",
        string="Unit",
        compute="_compute_product_uom_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    price_unit = fields.Float(
        string="Unit Price",
        digits="Product Price",
        compute="_compute_price_unit",
        store=True,
        readonly=False,
        precompute=True,
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
    )
    is_covered = fields.Boolean(
        string="Covered",
        compute="_compute_is_covered",
        store=True,
        readonly=False,
        precompute=True,
        help="Covered by the device's warranty or by a service contract: "
        "invoiced at no charge.",
    )
    price_subtotal = fields.Monetary(
        string="Subtotal",
        compute="_compute_amounts",
        store=True,
        help="Amount charged, without taxes (zero when covered).",
    )
    price_total = fields.Monetary(
        string="Total", compute="_compute_amounts", store=True
    )
    cost_unit = fields.Float(
        string="Unit Cost",
        digits="Product Price",
        compute="_compute_cost_unit",
        store=True,
        readonly=False,
        precompute=True,
        groups="service_portal.service_portal_group_user",
        help="Cost of the part, or of one hour of labor, taken from the product.",
    )
    cost_amount = fields.Monetary(
        string="Cost",
        compute="_compute_cost_amount",
        store=True,
        groups="service_portal.service_portal_group_user",
    )
    state = fields.Selection(related="order_id.state")
    is_after_estimate = fields.Boolean(
        string="Added After Rejection",
        copy=False,
        readonly=True,
        help="Added after the customer rejected the estimate (e.g. a diagnosis "
        "fee): the only lines invoiced for a rejected estimate.",
    )

    _quantity_positive = models.Constraint(
        "CHECK(quantity >= 0)",
        "The quantity of a service order line cannot be negative.",
    )

    @api.depends("product_id")
    def _compute_name(self):
        for line in self:
            if line.product_id:
                product = line.product_id.with_context(
                    lang=line.order_id.partner_id.lang
                )
                line.name = product.get_product_multiline_description_sale()
            elif not line.name:
                line.name = False

    @api.depends("product_id")
    def _compute_line_type(self):
        for line in self:
            if line.product_id.type == "service":
                line.line_type = "labour"
            elif line.product_id or not line.line_type:
                line.line_type = "part"

    @api.depends("product_id")
    def _compute_product_uom_id(self):
        for line in self:
            line.product_uom_id = line.product_id.uom_id

    @api.depends("product_id")
    def _compute_price_unit(self):
        for line in self:
            line.price_unit = line.product_id.with_company(line.company_id).lst_price

    @api.depends("product_id", "order_id.fiscal_position_id")
    def _compute_tax_ids(self):
        for line in self:
            company = line.company_id or self.env.company
            taxes = line.product_id.with_company(
                company
            ).taxes_id._filter_taxes_by_company(company)
            line.tax_ids = line.order_id.fiscal_position_id.map_tax(taxes)

    @api.depends("order_id.coverage")
    def _compute_is_covered(self):
        for line in self:
            if line.order_id.sudo().invoice_ids.filtered(lambda m: m.state != "cancel"):
                # invoiced lines keep what they were invoiced with
                line.is_covered = line.is_covered
            else:
                line.is_covered = line.order_id.coverage != "none"

    @api.depends("quantity", "price_unit", "tax_ids", "is_covered", "currency_id")
    def _compute_amounts(self):
        for line in self:
            price = 0.0 if line.is_covered else line.price_unit
            taxes = line.tax_ids.compute_all(
                price,
                currency=line.currency_id,
                quantity=line.quantity,
                product=line.product_id,
                partner=line.order_id.partner_id,
            )
            line.price_subtotal = taxes["total_excluded"]
            line.price_total = taxes["total_included"]

    @api.depends("product_id")
    def _compute_cost_unit(self):
        for line in self:
            product = line.product_id.with_company(line.company_id or self.env.company)
            cost = product.standard_price
            if line.product_uom_id and product.uom_id != line.product_uom_id:
                cost = product.uom_id._compute_price(cost, line.product_uom_id)
            line.cost_unit = cost

    @api.depends("cost_unit", "quantity")
    def _compute_cost_amount(self):
        for line in self:
            line.cost_amount = line.cost_unit * line.quantity

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id._check_lines_editable()
        after = lines.filtered(lambda line: line.order_id.estimate_state == "rejected")
        if after:
            after.is_after_estimate = True
        lines._get_estimate_orders()._on_estimate_lines_changed()
        return lines

    def write(self, vals):
        self.order_id._check_lines_editable()
        res = super().write(vals)
        if set(vals) - ESTIMATE_NEUTRAL_FIELDS:
            self._get_estimate_orders()._on_estimate_lines_changed()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_invoiced(self):
        self.order_id._check_lines_editable()

    def unlink(self):
        orders = self._get_estimate_orders()
        res = super().unlink()
        orders.exists()._on_estimate_lines_changed()
        return res

    def _get_estimate_orders(self):
        """Orders whose estimate these lines are part of (lines added after a
        rejection are not)."""
        return self.filtered(lambda line: not line.is_after_estimate).order_id

    def _get_invoice_line_label(self):
        """Label of the invoice line: covered work says why it is not charged."""
        self.ensure_one()
        if not self.is_covered:
            return self.name
        coverage = self.order_id._get_coverage_label()
        return self.env._("%(label)s\n%(coverage)s", label=self.name, coverage=coverage)

    def _prepare_invoice_line(self, **optional_values):
        """Values of the customer invoice line made from this service line."""
        self.ensure_one()
        values = {
            "display_type": "product",
            "sequence": self.sequence,
            "name": self._get_invoice_line_label(),
            "product_id": self.product_id.id,
            "product_uom_id": self.product_uom_id.id,
            "quantity": self.quantity,
            "price_unit": 0.0 if self.is_covered else self.price_unit,
            "tax_ids": [fields.Command.set(self.tax_ids.ids)],
        }
        values.update(optional_values)
        return values
