import base64

from odoo import api, fields, models
from odoo.exceptions import LockError, UserError
from odoo.fields import Domain

from odoo.addons.service_portal.models.service_state_mixin import SERVICE_USER_GROUP

from .service_contract import BILLING_GROUP

COVERAGE = [
    ("none", "Not covered"),
    ("warranty", "Warranty"),
    ("contract", "Service contract"),
]

INVOICE_STATES = [
    ("no", "Nothing to Invoice"),
    ("to_invoice", "To Invoice"),
    ("invoiced", "Invoiced"),
]

# Orders whose work can be invoiced (the device has been taken in).
INVOICEABLE_STATES = ("confirmed", "in_progress", "ready", "done")

ESTIMATE_STATES = [
    ("none", "No Estimate"),
    ("sent", "Sent"),
    ("approved", "Approved"),
    ("rejected", "Rejected"),
]

# Orders whose estimate can be sent: taken in, not repaired yet.
ESTIMATE_ORDER_STATES = ("confirmed", "in_progress")


class ServiceOrder(models.Model):
    _inherit = "service.order"

    # Staff-only fields carry ``groups=SERVICE_USER_GROUP``: a customer reads
    # their orders over the API (portal ACL) and must get only what the portal
    # pages show them (see tests/test_portal_fields.py).
    currency_id = fields.Many2one(
        related="company_id.currency_id", groups=SERVICE_USER_GROUP
    )
    line_ids = fields.One2many(
        "service.order.line",
        "order_id",
        string="Parts and Labor",
        copy=True,
        groups=SERVICE_USER_GROUP,
    )
    fiscal_position_id = fields.Many2one(
        "account.fiscal.position",
        compute="_compute_fiscal_position_id",
        store=True,
        readonly=False,
        check_company=True,
        groups=SERVICE_USER_GROUP,
        help="Maps the taxes and accounts of the invoice; taken from the customer.",
    )
    amount_untaxed = fields.Monetary(
        string="Untaxed Amount",
        compute="_compute_amounts",
        store=True,
        groups=SERVICE_USER_GROUP,
    )
    amount_total = fields.Monetary(
        string="Total",
        compute="_compute_amounts",
        store=True,
        groups=SERVICE_USER_GROUP,
    )
    cost_total = fields.Monetary(
        string="Cost",
        compute="_compute_cost_total",
        store=True,
        groups=SERVICE_USER_GROUP,
        help="Cost of the parts and labor of the order (product cost × quantity).",
    )
    contract_id = fields.Many2one(
        "service.contract",
        string="Service Contract",
        compute="_compute_contract_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        tracking=True,
        check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id), "
        "('state', '=', 'active')]",
        help="The active contract of the customer that covers the device (or its "
        "model) on the order date. A contract chosen by hand stays until the "
        "device or the customer changes.",
    )
    is_contract_manual = fields.Boolean(
        string="Contract Chosen by Hand",
        copy=False,
        groups=SERVICE_USER_GROUP,
        help="Set when a person (or an integrator) chose another contract than the "
        "covering one: it is then kept when the order is submitted, and "
        "looked up again only when the device or the customer changes.",
    )
    coverage = fields.Selection(
        COVERAGE,
        compute="_compute_coverage",
        store=True,
        index=True,
        help="Work covered by the device's warranty or by a service contract is "
        "not charged.",
    )
    invoice_ids = fields.Many2many(
        "account.move",
        "service_order_account_move_rel",
        "order_id",
        "move_id",
        string="Invoices",
        copy=False,
        readonly=True,
        groups=SERVICE_USER_GROUP,
    )
    invoice_count = fields.Integer(
        compute="_compute_invoice_count", groups=SERVICE_USER_GROUP
    )
    invoice_state = fields.Selection(
        INVOICE_STATES,
        string="Invoice Status",
        compute="_compute_invoice_state",
        store=True,
        index=True,
        groups=SERVICE_USER_GROUP,
    )
    loan_ids = fields.One2many(
        "service.loan",
        "order_id",
        string="Loans",
        groups=SERVICE_USER_GROUP,
    )
    loan_item_id = fields.Many2one(
        "service.loan.item",
        string="Loaner",
        check_company=True,
        copy=False,
        tracking=True,
        groups=SERVICE_USER_GROUP,
        domain="[('state', '=', 'available'), "
        "('device_model_id', '=', device_model_id)] "
        "if device_model_id else [('state', '=', 'available')]",
        help="Loaner device to lend to the customer while their own is in service: "
        "available ones of the same model are offered.",
    )
    current_loan_id = fields.Many2one(
        "service.loan",
        compute="_compute_current_loan_id",
        groups=SERVICE_USER_GROUP,
    )
    # Estimate: the customer approves or rejects the parts and labour on the
    # portal. State, signer and decision date are shown to the customer.
    estimate_state = fields.Selection(
        ESTIMATE_STATES,
        string="Estimate",
        default="none",
        required=True,
        copy=False,
        readonly=True,
        index=True,
        tracking=True,
        help="Sent: the customer is asked to approve the parts and labor on "
        "their portal. Changing the lines afterwards resets it to No Estimate.",
    )
    date_estimate_sent = fields.Datetime(
        string="Estimate Sent On",
        copy=False,
        readonly=True,
        groups=SERVICE_USER_GROUP,
    )
    estimate_signed_by = fields.Char(
        string="Estimate Decided By",
        copy=False,
        readonly=True,
        help="Name the customer signed the approval with, or of the contact "
        "who rejected the estimate.",
    )
    date_estimate_decision = fields.Datetime(
        string="Estimate Decided On", copy=False, readonly=True
    )
    estimate_signature = fields.Binary(
        copy=False,
        readonly=True,
        attachment=True,
        groups=SERVICE_USER_GROUP,
    )
    estimate_reject_reason = fields.Text(
        string="Estimate Rejection Reason",
        copy=False,
        readonly=True,
        groups=SERVICE_USER_GROUP,
    )
    estimate_decision_user_id = fields.Many2one(
        "res.users",
        string="Estimate Portal User",
        copy=False,
        readonly=True,
        groups=SERVICE_USER_GROUP,
        help="The user who decided on the portal (empty for a holder of the "
        "order's link who is not logged in, and for automatic approvals).",
    )
    estimate_amount_untaxed = fields.Monetary(
        string="Estimate Untaxed Amount",
        copy=False,
        readonly=True,
        groups=SERVICE_USER_GROUP,
        help="Untaxed amount of the estimate when it was sent.",
    )
    estimate_amount_total = fields.Monetary(
        string="Estimate Total",
        copy=False,
        readonly=True,
        groups=SERVICE_USER_GROUP,
        help="Total of the estimate when it was sent.",
    )

    @api.depends("partner_id", "company_id")
    def _compute_fiscal_position_id(self):
        FiscalPosition = self.env["account.fiscal.position"]
        for order in self:
            if not order.partner_id:
                order.fiscal_position_id = False
                continue
            order.fiscal_position_id = FiscalPosition.with_company(
                order.company_id
            )._get_fiscal_position(order._get_invoice_partner())

    @api.depends(
        # service_portal's dependencies, restated: an override replaces them
        "date_submitted",
        "location_id",
        # the covering contract's response time and service hours win; like
        # the location's, later changes of the contract's terms do not move
        # the deadlines of orders already submitted (nor closed orders' dates)
        "contract_id",
    )
    def _compute_service_deadlines(self):
        return super()._compute_service_deadlines()

    @api.depends("line_ids.price_subtotal", "line_ids.price_total")
    def _compute_amounts(self):
        for order in self:
            order.amount_untaxed = sum(order.line_ids.mapped("price_subtotal"))
            order.amount_total = sum(order.line_ids.mapped("price_total"))

    @api.depends("line_ids.cost_amount")
    def _compute_cost_total(self):
        for order in self:
            order.cost_total = sum(order.line_ids.mapped("cost_amount"))

    @api.depends(
        "commercial_partner_id",
        "service_item_id",
        "device_model_id",
        "date_submitted",
        "company_id",
    )
    def _compute_contract_id(self):
        for order in self:
            if order._keeps_contract():
                # in the form, the saved one (after a device changed back)
                order.contract_id = (order._origin or order).contract_id
            else:
                order.contract_id = order._find_covering_contract()

    @api.depends("service_item_id.warranty_end_date", "date_submitted", "contract_id")
    def _compute_coverage(self):
        for order in self:
            if order.sudo().invoice_ids.filtered(lambda m: m.state != "cancel"):
                # an invoiced order keeps the coverage it was invoiced with
                order.coverage = order.coverage or "none"
            else:
                order.coverage = order._get_coverage()

    @api.depends("invoice_ids")
    def _compute_invoice_count(self):
        for order in self:
            # service agents without accounting rights see the count too
            order.invoice_count = len(order.sudo().invoice_ids)

    @api.depends(
        "invoice_ids.state",
        "line_ids.quantity",
        "line_ids.is_covered",
        "line_ids.is_after_estimate",
        "state",
        "estimate_state",
    )
    def _compute_invoice_state(self):
        for order in self:
            order_sudo = order.sudo()
            if order_sudo.invoice_ids.filtered(lambda m: m.state != "cancel"):
                order.invoice_state = "invoiced"
            elif order.state in INVOICEABLE_STATES and order._get_lines_to_charge():
                order.invoice_state = "to_invoice"
            else:
                order.invoice_state = "no"

    @api.depends("loan_ids.state")
    def _compute_current_loan_id(self):
        for order in self:
            order.current_loan_id = order.loan_ids.filtered(
                lambda loan: loan.state == "open"
            )[:1]

    # ------------------------------------------------------------
    # CRUD: a contract chosen by hand
    # ------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "contract_id" in vals:
                # kept while the order is created (e.g. when its serial number
                # links it to the customer's registered device); set below
                vals.setdefault("is_contract_manual", True)
        orders = super().create(vals_list)
        given = [
            order
            for order, vals in zip(orders, vals_list, strict=True)
            if "contract_id" in vals
        ]
        if given:
            self.browse([order.id for order in given])._update_contract_manual()
        return orders

    def write(self, vals):
        # public method: refuse before the bookkeeping below (done as sudo)
        self.check_access("write")
        if "contract_id" not in vals and "is_contract_manual" not in vals:
            # the device or the customer changes: the covering contract is
            # looked up again, whoever chose the previous one
            changed = self.filtered(
                lambda order: order.is_contract_manual
                and order._is_contract_device_changed(
                    order._get_contract_device_key(),
                    order._get_contract_device_key(vals),
                )
            )
            changed.sudo().is_contract_manual = False
        res = super().write(vals)
        if "contract_id" in vals and "is_contract_manual" not in vals:
            self._update_contract_manual()
        return res

    def _update_contract_manual(self):
        """A contract written by a person is theirs to keep unless it is the
        covering one anyway (the back-office form sends the computed value)."""
        for order in self.sudo():
            manual = order.contract_id != order._find_covering_contract()
            if order.is_contract_manual != manual:
                order.is_contract_manual = manual

    def _get_contract_device_key(self, vals=None):
        """(customer company, device model, serial number) the contract is
        chosen for, after ``vals`` (values of a ``write``) when given."""
        self.ensure_one()
        vals = vals or {}
        partner = self.partner_id
        if "partner_id" in vals:
            partner = self.env["res.partner"].browse(vals["partner_id"])
        model, serial = self.device_model_id, self.serial_number
        if vals.get("service_item_id"):
            item = self.env["service.item"].sudo().browse(vals["service_item_id"])
            model, serial = item.device_model_id, item.serial_number
        if "device_model_id" in vals:
            model = self.env["service.device.model"].browse(vals["device_model_id"])
        if "serial_number" in vals:
            serial = vals["serial_number"]
        return (
            partner.commercial_partner_id.id,
            model.id,
            (serial or "").strip().casefold(),
        )

    @api.model
    def _is_contract_device_changed(self, old_key, new_key):
        """Whether the customer or the device changed between two keys of
        ``_get_contract_device_key``. Filling in what was empty is no change:
        linking the order to the customer's registered item of its serial
        number, or giving the model of the device, keeps the device."""
        return any(
            old and old != new for old, new in zip(old_key, new_key, strict=True)
        )

    def _keeps_contract(self):
        """Whether the contract stays as it is instead of the covering one:
        the order is invoiced (it keeps the coverage it was invoiced with), or
        a person chose the contract for this device and customer."""
        self.ensure_one()
        if self.sudo().invoice_ids.filtered(lambda m: m.state != "cancel"):
            return True
        if not self.is_contract_manual:
            return False
        # in the form, before saving: a new device shows its covering contract
        origin = self._origin
        return not origin or not self._is_contract_device_changed(
            origin._get_contract_device_key(), self._get_contract_device_key()
        )

    # ------------------------------------------------------------
    # Coverage
    # ------------------------------------------------------------

    def _get_coverage_date(self):
        """The date coverage is judged on: the submission (or creation) date."""
        self.ensure_one()
        moment = self.date_submitted or self.create_date
        if not moment:
            return fields.Date.context_today(self)
        return fields.Datetime.context_timestamp(self, moment).date()

    def _find_covering_contract(self):
        """The active contract of the customer whose lines cover the order's
        service item (or, for lines without item, its device model) on the
        order date."""
        self.ensure_one()
        if not self.commercial_partner_id or not (
            self.service_item_id or self.device_model_id
        ):
            return self.env["service.contract"]
        day = self._get_coverage_date()
        device = Domain.FALSE
        if self.service_item_id:
            device |= Domain("service_item_id", "=", self.service_item_id.id)
        if self.device_model_id:
            device |= Domain("service_item_id", "=", False) & Domain(
                "device_model_id", "=", self.device_model_id.id
            )
        contract_domain = (
            Domain("state", "=", "active")
            & Domain("commercial_partner_id", "=", self.commercial_partner_id.id)
            & Domain("company_id", "=", self.company_id.id)
            & Domain("date_start", "<=", day)
            & (Domain("date_end", "=", False) | Domain("date_end", ">=", day))
        )
        lines = (
            self.env["service.contract.line"]
            .sudo()
            .search(device & Domain("contract_id", "any", contract_domain))
        )
        contracts = lines.contract_id.sorted(lambda c: (c.date_start, c.id))
        return self.env["service.contract"].browse(contracts[-1:].ids)

    def _get_coverage(self):
        """``warranty`` when the device is under warranty on the order date,
        else ``contract`` when a service contract covers it."""
        self.ensure_one()
        warranty_end = self.service_item_id.warranty_end_date
        if warranty_end and warranty_end >= self._get_coverage_date():
            return "warranty"
        if self.contract_id:
            return "contract"
        return "none"

    def _get_service_terms(self):
        """The covering contract's response time and service hours, where it
        sets them, instead of the location's."""
        terms = super()._get_service_terms()
        # read as the server: the order's computes run for portal customers too
        contract_sudo = self.contract_id.sudo()
        if contract_sudo.response_time_hours > 0:
            terms["response_time_hours"] = contract_sudo.response_time_hours
        if contract_sudo.resource_calendar_id:
            terms["calendar"] = contract_sudo.resource_calendar_id
        return terms

    def _get_coverage_label(self):
        """Sentence shown on covered invoice lines and to the customer."""
        self.ensure_one()
        if self.coverage == "warranty":
            return self.env._("Covered by warranty")
        if self.coverage == "contract":
            return self.env._(
                "Covered by contract %(contract)s",
                contract=self.contract_id.sudo().name,
            )
        return ""

    # ------------------------------------------------------------
    # Lines
    # ------------------------------------------------------------

    def _check_lines_editable(self):
        for order in self:
            if order.sudo().invoice_state == "invoiced":
                raise UserError(
                    self.env._(
                        "The service order %(order)s is invoiced: its parts and "
                        "labor cannot change any more. Cancel the invoice first.",
                        order=order.name,
                    )
                )
            if order.state == "cancelled":
                raise UserError(
                    self.env._(
                        "The service order %(order)s is cancelled: its parts and "
                        "labor cannot change.",
                        order=order.name,
                    )
                )

    def _get_estimate_lines(self):
        """Lines that can be charged: all of them, except after the customer
        rejected the estimate, then only those added after the rejection (a
        diagnosis fee)."""
        self.ensure_one()
        if self.estimate_state == "rejected":
            return self.line_ids.filtered("is_after_estimate")
        return self.line_ids

    def _get_lines_to_charge(self):
        """Lines the customer pays for (not covered, with a quantity)."""
        self.ensure_one()
        return self._get_estimate_lines().filtered(
            lambda line: line.quantity and not line.is_covered
        )

    # ------------------------------------------------------------
    # Invoicing
    # ------------------------------------------------------------

    def _get_invoice_partner(self):
        self.ensure_one()
        return self.env["res.partner"].browse(
            self.partner_id.address_get(["invoice"])["invoice"]
        )

    def _get_invoice_journal(self):
        self.ensure_one()
        Journal = self.env["account.journal"].with_company(self.company_id)
        journal = Journal.search(
            [*Journal._check_company_domain(self.company_id), ("type", "=", "sale")],
            limit=1,
        )
        if not journal:
            raise UserError(
                self.env._(
                    "The company %(company)s has no sales journal: configure "
                    "Invoicing before invoicing service orders.",
                    company=self.company_id.name,
                )
            )
        return journal

    def _check_can_invoice(self):
        for order in self:
            order._check_state(INVOICEABLE_STATES, self.env._("Create Invoice"))
            if order.invoice_state == "invoiced":
                raise UserError(
                    self.env._(
                        "The service order %(order)s is already invoiced.",
                        order=order.name,
                    )
                )
            if not order._get_lines_to_charge():
                raise UserError(
                    self.env._(
                        "The service order %(order)s has nothing to invoice: add "
                        "parts or labor that are not covered.",
                        order=order.name,
                    )
                )

    def _prepare_invoice(self):
        """Values of the customer invoice of the order (hook for extensions)."""
        self.ensure_one()
        partner = self._get_invoice_partner().with_company(self.company_id)
        return {
            "move_type": "out_invoice",
            "company_id": self.company_id.id,
            "journal_id": self._get_invoice_journal().id,
            "partner_id": partner.id,
            "currency_id": self.currency_id.id,
            "fiscal_position_id": self.fiscal_position_id.id,
            "invoice_payment_term_id": partner.property_payment_term_id.id,
            "invoice_origin": self.name,
            "ref": self.name,
            "invoice_user_id": self.user_id.id,
            "invoice_line_ids": [],
        }

    def _get_lines_to_invoice(self):
        self.ensure_one()
        return self._get_estimate_lines().filtered("quantity")

    def _create_invoices(self):
        """Create one customer invoice per order, in one batch.

        The orders are locked first: a second click or a concurrent request
        waits for (or fails on) the lock, then sees the order invoiced."""
        if not self:
            return self.env["account.move"]
        self.flush_model()
        try:
            self.lock_for_update(allow_referencing=True)
        except LockError:
            raise UserError(
                self.env._(
                    "These service orders are being invoiced by someone else. "
                    "Reload them in a moment."
                )
            ) from None
        self.invalidate_recordset(["invoice_state"])
        self._check_can_invoice()
        vals_list = []
        for order in self:
            values = order._prepare_invoice()
            values["invoice_line_ids"] += [
                fields.Command.create(line._prepare_invoice_line())
                for line in order._get_lines_to_invoice()
            ]
            vals_list.append(values)
        invoices = (
            self.env["account.move"]
            .with_context(default_move_type="out_invoice")
            .create(vals_list)
        )
        for order, invoice in zip(self, invoices, strict=True):
            order.sudo().invoice_ids = [fields.Command.link(invoice.id)]
            invoice.message_post_with_source(
                "mail.message_origin_link",
                render_values={"self": invoice, "origin": order},
                subtype_xmlid="mail.mt_note",
            )
        return invoices

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_create_invoice(self):
        """Create the customer invoice of each order (one per order).

        Invoicing is an accounting act: the service desk's right to change
        orders is not enough, the user must also be allowed to create customer
        invoices (Accounting / Invoicing)."""
        self._check_action_rights()
        self._check_action_rights(groups=BILLING_GROUP)
        invoices = self._create_invoices()
        return self._get_invoice_action(invoices)

    def action_view_invoices(self):
        self._check_action_rights(operation="read")
        return self._get_invoice_action(self.invoice_ids)

    def _get_invoice_action(self, invoices):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        if len(invoices) == 1:
            action["views"] = [(self.env.ref("account.view_move_form").id, "form")]
            action["res_id"] = invoices.id
        else:
            action["domain"] = [("id", "in", invoices.ids)]
        action["context"] = {"default_move_type": "out_invoice", "create": False}
        return action

    def action_lend_loaner(self):
        """Lend the loaner chosen on the order to the customer."""
        self._check_action_rights()
        self.ensure_one()
        if not self.loan_item_id:
            raise UserError(
                self.env._(
                    "Choose the loaner to lend on %(order)s first.", order=self.name
                )
            )
        self.loan_item_id.action_lend(self.id)
        return True

    def action_return_loaner(self):
        """The customer brought the loaner of the order back."""
        self._check_action_rights()
        for order in self:
            if not order.current_loan_id:
                raise UserError(
                    self.env._(
                        "No loaner of %(order)s is out: nothing to return.",
                        order=order.name,
                    )
                )
            order.current_loan_id.action_return()
        return True

    # ------------------------------------------------------------
    # Estimate
    # ------------------------------------------------------------

    def _get_estimate_limit(self):
        """The customer's limit for automatic approval, in the order's
        currency (0: none)."""
        self.ensure_one()
        partner_sudo = self.commercial_partner_id.sudo()
        limit = partner_sudo.service_estimate_limit
        currency = partner_sudo.service_estimate_currency_id
        if limit <= 0 or not currency:
            return 0.0
        return currency._convert(
            limit, self.currency_id, self.company_id, fields.Date.context_today(self)
        )

    def _check_can_send_estimate(self):
        for order in self:
            if order.state not in ESTIMATE_ORDER_STATES:
                raise UserError(
                    self.env._(
                        "The estimate of %(order)s can be sent only while the order "
                        "is confirmed or in progress.",
                        order=order.name,
                    )
                )
            if order.estimate_state in ("approved", "rejected"):
                raise UserError(
                    self.env._(
                        "The customer already decided on the estimate of "
                        "%(order)s. Change its parts and labor to make a new one.",
                        order=order.name,
                    )
                )
            if not order._get_lines_to_charge():
                raise UserError(
                    self.env._(
                        "The estimate of %(order)s has nothing to approve: add "
                        "parts or labor that are not covered.",
                        order=order.name,
                    )
                )

    def _prepare_estimate_sent_values(self):
        self.ensure_one()
        return {
            "estimate_state": "sent",
            "date_estimate_sent": fields.Datetime.now(),
            "estimate_amount_untaxed": self.amount_untaxed,
            "estimate_amount_total": self.amount_total,
            **self._prepare_estimate_cleared_values(),
        }

    @api.model
    def _prepare_estimate_cleared_values(self):
        return {
            "estimate_signed_by": False,
            "date_estimate_decision": False,
            "estimate_signature": False,
            "estimate_reject_reason": False,
            "estimate_decision_user_id": False,
        }

    def action_send_estimate(self):
        """E-mail the estimate (the parts and labour) to the customer with a
        link to the order page, where they approve or reject it. From then on
        the lines are frozen: changing them resets the estimate. An estimate
        within the customer's limit is approved at once."""
        self._check_action_rights()
        self._check_can_send_estimate()
        template = self.env.ref(
            "service_contracts.mail_template_service_order_estimate",
            raise_if_not_found=False,
        )
        # the lines reset by a new estimate are no fee lines of an old one
        self.line_ids.filtered("is_after_estimate").sudo().is_after_estimate = False
        for order in self:
            order._portal_ensure_token()
            order.write(order._prepare_estimate_sent_values())
            total = order.currency_id.format(order.estimate_amount_total)
            limit = order._get_estimate_limit()
            currency = order.currency_id
            if limit and currency.compare_amounts(order.amount_total, limit) <= 0:
                order.write(
                    {
                        "estimate_state": "approved",
                        "date_estimate_decision": order.date_estimate_sent,
                    }
                )
                body = self.env._(
                    "Estimate of %(total)s sent to the customer and approved "
                    "automatically within the customer's limit (%(limit)s).",
                    total=total,
                    limit=order.currency_id.format(limit),
                )
            else:
                body = self.env._(
                    "Estimate of %(total)s sent to the customer for approval.",
                    total=total,
                )
            order.message_post(body=body, subtype_xmlid="mail.mt_note")
            if template and order.partner_id.email:
                template.send_mail(order.id, force_send=False)
        return True

    def _on_estimate_lines_changed(self):
        """The parts and labour of a sent or decided estimate changed: the
        estimate is reset, and the chatter says so."""
        for order in self:
            if order.estimate_state == "none":
                continue
            previous = dict(
                self._fields["estimate_state"]._description_selection(self.env)
            )[order.estimate_state]
            order_sudo = order.sudo()
            order_sudo.write(
                {"estimate_state": "none", **self._prepare_estimate_cleared_values()}
            )
            order_sudo.message_post(
                body=self.env._(
                    "The parts and labor changed after the estimate was "
                    "%(state)s: the estimate is reset. Send it again for the "
                    "customer's approval.",
                    state=previous.lower(),
                ),
                subtype_xmlid="mail.mt_note",
            )

    def _get_portal_timeline_events(self):
        """The estimate on the proof timeline: when it was sent (and for how
        much), then the decision, who and when. A reset estimate (its lines
        changed) is left out: it is not the one the customer decides on."""
        events = super()._get_portal_timeline_events()
        order = self.sudo()
        if order.estimate_state == "none" or not order.date_estimate_sent:
            return events
        events.append(
            {
                "date": order.date_estimate_sent,
                "kind": "estimate_sent",
                "label": self.env._("Estimate sent"),
                "detail": self.env._(
                    "Total %(total)s",
                    total=order.currency_id.format(order.estimate_amount_total),
                ),
                "by": order.user_id.name or False,
            }
        )
        if order.estimate_state == "approved" and order.date_estimate_decision:
            automatic = not order.estimate_signed_by
            events.append(
                {
                    "date": order.date_estimate_decision,
                    "kind": "estimate_approved",
                    "label": (
                        self.env._(
                            "Estimate approved automatically (within your "
                            "approval limit)"
                        )
                        if automatic
                        else self.env._("Estimate approved and signed")
                    ),
                    "detail": False,
                    "by": order.estimate_signed_by or False,
                }
            )
        elif order.estimate_state == "rejected" and order.date_estimate_decision:
            events.append(
                {
                    "date": order.date_estimate_decision,
                    "kind": "estimate_rejected",
                    "label": self.env._("Estimate rejected"),
                    "detail": order.estimate_reject_reason or False,
                    "by": order.estimate_signed_by or False,
                }
            )
        return events

    def _check_estimate_open(self):
        self.ensure_one()
        if self.estimate_state != "sent":
            raise UserError(
                self.env._(
                    "The estimate of %(order)s is not waiting for a decision.",
                    order=self.name,
                )
            )

    def _notify_estimate_decision(self, body, author, attachments=None):
        """Post the customer's decision on the chatter and tell the agent."""
        self.ensure_one()
        self.message_post(
            body=body,
            author_id=author.id,
            attachments=attachments or [],
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        if self.user_id:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=self.user_id.id,
                summary=self.env._("Customer decided on the estimate"),
                note=body,
            )

    def _approve_estimate(self, name, signature, author, user=None):
        """The customer approves the estimate with their name and signature
        (base64 PNG). Called as the server by the portal after its checks."""
        self.ensure_one()
        self._check_estimate_open()
        self.write(
            {
                "estimate_state": "approved",
                "estimate_signed_by": name,
                "estimate_signature": signature,
                "date_estimate_decision": fields.Datetime.now(),
                "estimate_decision_user_id": user.id if user else False,
            }
        )
        self._notify_estimate_decision(
            self.env._("Estimate approved and signed by %(name)s.", name=name),
            author,
            attachments=[
                (f"{self.name} estimate signature.png", base64.b64decode(signature))
            ],
        )

    def _reject_estimate(self, reason, author, user=None):
        """The customer rejects the estimate, saying why."""
        self.ensure_one()
        self._check_estimate_open()
        self.write(
            {
                "estimate_state": "rejected",
                "estimate_reject_reason": reason,
                "estimate_signed_by": author.name,
                "date_estimate_decision": fields.Datetime.now(),
                "estimate_decision_user_id": user.id if user else False,
            }
        )
        self._notify_estimate_decision(
            self.env._(
                "Estimate rejected by %(name)s: %(reason)s",
                name=author.name,
                reason=reason,
            ),
            author,
        )
