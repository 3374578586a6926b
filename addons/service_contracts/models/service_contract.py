import logging
import math
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from markupsafe import Markup, escape
from psycopg2 import IntegrityError
from psycopg2.errors import LockNotAvailable, SerializationFailure

from odoo import api, fields, models
from odoo.exceptions import LockError, UserError, ValidationError
from odoo.tools import SQL, format_amount, format_date, split_every

from odoo.addons.service_portal.models.service_state_mixin import (
    SERVICE_MANAGER_GROUP,
    SERVICE_USER_GROUP,
)

_logger = logging.getLogger(__name__)

CONTRACT_STATES = [
    ("quote", "Quote"),
    ("active", "Active"),
    ("expired", "Expired"),
    ("cancelled", "Cancelled"),
]

INVOICING_PERIODS = [
    ("month", "Monthly"),
    ("quarter", "Quarterly"),
    ("half_year", "Half-yearly"),
    ("year", "Yearly"),
]

# Length of an invoicing period in months.
PERIOD_MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}

# When the invoicing skipped contracts that another transaction was invoicing
# or changing, it runs again after this delay.
INVOICING_RETRY_DELAY = timedelta(minutes=5)
# Transaction-level advisory lock held by each batch of the invoicing: one
# batch at a time in the whole database ("SCIN").
INVOICING_LOCK = 0x5343494E
# Errors of a concurrent update of the rows an invoice touches (the
# customer's rank, the journal's sequence): no fault of the contract.
CONCURRENCY_ERRORS = (SerializationFailure, LockNotAvailable)
# Contracts handled per committed batch by the scheduled actions.
CRON_BATCH_SIZE = 50
# Contracts invoiced per committed batch, in one invoice create and one
# posting: larger batches spread Odoo's fixed costs of a create and a posting
# (measured: 1.5 ms of CPU and 1.4 queries less per invoice at 200 than at
# 50), at the price of more work redone one contract at a time when a batch
# fails.
INVOICE_BATCH_SIZE = 200

BILLING_GROUP = "account.group_account_invoice"
INVOICE_READER_GROUPS = "account.group_account_invoice,account.group_account_readonly"
# Contracts are read by the service desk and by accountants (their invoices);
# fields the customer does not see on the portal are theirs only.
STAFF_GROUPS = f"{SERVICE_USER_GROUP},{BILLING_GROUP}"

# Fields that define the invoicing schedule: frozen once a period is invoiced.
SCHEDULE_FIELDS = ("date_start", "invoicing_period", "invoice_in_arrears")


class ServiceContract(models.Model):
    _name = "service.contract"
    _description = "Service Contract"
    _inherit = [
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "service.state.mixin",
    ]
    _order = "date_start desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["name", "partner_id"]

    name = fields.Char(
        string="Number",
        required=True,
        readonly=True,
        copy=False,
        index="trigram",
        default=lambda self: self.env._("New"),
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    template_id = fields.Many2one(
        "service.contract.template",
        check_company=True,
        groups=STAFF_GROUPS,
        help="Choosing a template on a quote fills its invoicing period, covered "
        "device models and prices, response time, service hours and terms.",
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        store=True,
        readonly=False,
        required=True,
        precompute=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id",
        string="Customer Company",
        store=True,
        index=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        tracking=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        groups=STAFF_GROUPS,
    )
    state = fields.Selection(
        CONTRACT_STATES,
        string="Status",
        required=True,
        default="quote",
        copy=False,
        index=True,
        tracking=True,
        readonly=True,
    )
    date_start = fields.Date(
        string="Start Date",
        required=True,
        tracking=True,
        default=fields.Date.context_today,
    )
    date_end = fields.Date(
        string="End Date",
        tracking=True,
        help="Last day covered by the contract. Leave empty for an open-ended "
        "contract. No period is invoiced past this date: a shorter last period "
        "is invoiced pro rata of its days.",
    )
    invoicing_period = fields.Selection(
        INVOICING_PERIODS,
        required=True,
        default="month",
        tracking=True,
    )
    invoice_in_arrears = fields.Boolean(
        string="Invoice in Arrears",
        tracking=True,
        help="Invoice each period on its last day instead of on its first day.",
    )
    next_invoice_date = fields.Date(
        compute="_compute_next_invoice_date",
        store=True,
        index=True,
        help="Day on which the next period not invoiced yet becomes due.",
    )
    response_time_hours = fields.Float(
        string="Response Time (hours)",
        tracking=True,
        help="Time within which the service desk answers a request of the customer.",
    )
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Service Hours",
        check_company=True,
        help="Working hours in which the service is given.",
    )
    payment_term_id = fields.Many2one(
        "account.payment.term",
        string="Payment Terms",
        compute="_compute_payment_term_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        groups=STAFF_GROUPS,
    )
    fiscal_position_id = fields.Many2one(
        "account.fiscal.position",
        compute="_compute_fiscal_position_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        groups=STAFF_GROUPS,
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Invoicing Journal",
        compute="_compute_journal_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        domain="[('type', '=', 'sale')]",
        groups=STAFF_GROUPS,
    )
    line_ids = fields.One2many(
        "service.contract.line", "contract_id", string="Covered Items", copy=True
    )
    amount_untaxed = fields.Monetary(
        string="Price per Period",
        compute="_compute_amount_untaxed",
        store=True,
        currency_field="currency_id",
    )
    period_ids = fields.One2many(
        "service.contract.period",
        "contract_id",
        string="Invoiced Periods",
        readonly=True,
        copy=False,
        groups=STAFF_GROUPS,
    )
    invoice_ids = fields.One2many(
        "account.move",
        "service_contract_id",
        string="Invoices",
        readonly=True,
        copy=False,
    )
    # counted as superuser: service staff without accounting rights see the count
    invoice_count = fields.Integer(
        compute="_compute_invoice_count", compute_sudo=True, groups=STAFF_GROUPS
    )
    previous_contract_id = fields.Many2one(
        "service.contract",
        string="Renewal Of",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
        groups=STAFF_GROUPS,
    )
    renewal_ids = fields.One2many(
        "service.contract",
        "previous_contract_id",
        string="Renewals",
        readonly=True,
        copy=False,
        groups=STAFF_GROUPS,
    )
    renewal_count = fields.Integer(
        compute="_compute_renewal_count", groups=STAFF_GROUPS
    )
    date_accepted = fields.Datetime(
        string="Accepted On", readonly=True, copy=False, groups=STAFF_GROUPS
    )
    cancel_reason = fields.Text(
        readonly=True, copy=False, tracking=True, groups=STAFF_GROUPS
    )
    # not shown on the portal page: staff-only until it is
    note = fields.Html(string="Terms and Conditions", groups=STAFF_GROUPS)
    color = fields.Integer(groups=STAFF_GROUPS)

    _date_end_after_start = models.Constraint(
        "CHECK (date_end IS NULL OR date_end >= date_start)",
        "The end date of a contract cannot be before its start date.",
    )
    _name_company_uniq = models.UniqueIndex(
        "(company_id, name) WHERE name IS NOT NULL",
        "A contract with this number already exists in this company.",
    )

    @api.depends("company_id")
    def _compute_currency_id(self):
        for contract in self:
            contract.currency_id = contract.company_id.currency_id

    @api.depends("partner_id", "company_id")
    def _compute_payment_term_id(self):
        for contract in self:
            partner = contract.partner_id.with_company(contract.company_id)
            contract.payment_term_id = partner.property_payment_term_id

    @api.depends("partner_id", "company_id")
    def _compute_fiscal_position_id(self):
        for contract in self:
            if not contract.partner_id:
                contract.fiscal_position_id = False
                continue
            FiscalPosition = self.env["account.fiscal.position"].with_company(
                contract.company_id
            )
            contract.fiscal_position_id = FiscalPosition._get_fiscal_position(
                contract.partner_id
            )

    @api.depends("company_id")
    def _compute_journal_id(self):
        Journal = self.env["account.journal"]
        for contract in self:
            if contract.journal_id.company_id == contract.company_id:
                continue
            contract.journal_id = Journal.search(
                [
                    *Journal._check_company_domain(contract.company_id),
                    ("type", "=", "sale"),
                ],
                limit=1,
            )

    @api.depends(
        "state",
        "date_start",
        "date_end",
        "invoicing_period",
        "invoice_in_arrears",
        "period_ids",
    )
    def _compute_next_invoice_date(self):
        for contract in self:
            period = contract.state != "cancelled" and contract._get_next_period()
            contract.next_invoice_date = period["due_date"] if period else False

    @api.depends("line_ids.price_subtotal")
    def _compute_amount_untaxed(self):
        for contract in self:
            contract.amount_untaxed = sum(contract.line_ids.mapped("price_subtotal"))

    @api.depends("invoice_ids")
    def _compute_invoice_count(self):
        for contract in self:
            contract.invoice_count = len(contract.invoice_ids)

    @api.depends("renewal_ids")
    def _compute_renewal_count(self):
        for contract in self:
            contract.renewal_count = len(contract.renewal_ids)

    def _compute_access_url(self):
        super()._compute_access_url()
        for contract in self:
            contract.access_url = f"/my/service-contracts/{contract.id}"

    @api.constrains("date_start", "date_end", "period_ids")
    def _check_periods_within_dates(self):
        for contract in self:
            last = contract.period_ids.sorted("date_end")[-1:]
            if last and contract.date_end and last.date_end > contract.date_end:
                raise ValidationError(
                    self.env._(
                        "The contract %(contract)s is already invoiced until "
                        "%(date)s: its end date cannot be earlier.",
                        contract=contract.name,
                        date=last.date_end,
                    )
                )

    @api.onchange("template_id")
    def _onchange_template_id(self):
        """The template fills the quote; its lines replace the quote's."""
        if not self.template_id:
            return
        company = self.company_id or self.env.company
        values = self.template_id._prepare_contract_values(
            self.currency_id or company.currency_id,
            company,
            self.date_start or fields.Date.context_today(self),
        )
        values["line_ids"] = [fields.Command.clear(), *values["line_ids"]]
        self.update(values)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("template_id"):
                self._add_template_values(vals)
            if not vals.get("name") or vals["name"] == self.env._("New"):
                company = (
                    self.env["res.company"].browse(vals.get("company_id"))
                    or self.env.company
                )
                vals["name"] = self.env["ir.sequence"].with_company(
                    company
                ).next_by_code("service.contract") or self.env._("New")
        contracts = super().create(vals_list)
        for contract in contracts:
            contract.message_subscribe(partner_ids=contract.partner_id.ids)
        return contracts

    def write(self, vals):
        for contract in self.filtered("period_ids"):
            if contract._get_schedule_changes(vals):
                raise UserError(
                    self.env._(
                        "The contract %(contract)s already has invoiced "
                        "periods: its start date and invoicing schedule "
                        "cannot change any more. Renew it instead.",
                        contract=contract.name,
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_quote_or_cancelled(self):
        for contract in self:
            if contract.state not in ("quote", "cancelled") or contract.period_ids:
                raise UserError(
                    self.env._(
                        "You can only delete quotes and cancelled contracts "
                        "that were never invoiced (%(contract)s).",
                        contract=contract.name,
                    )
                )

    @api.model
    def _add_template_values(self, vals):
        """Complete the values of a contract created with ``template_id``
        (e.g. over the external API) as the form's onchange would: the
        template gives what ``vals`` does not (lines only when ``vals`` has
        none)."""
        template = self.env["service.contract.template"].browse(vals["template_id"])
        company = (
            self.env["res.company"].browse(vals.get("company_id")) or self.env.company
        )
        currency = (
            self.env["res.currency"].browse(vals.get("currency_id"))
            or company.currency_id
        )
        date = fields.Date.to_date(vals.get("date_start")) or fields.Date.context_today(
            self
        )
        template_values = template._prepare_contract_values(currency, company, date)
        for field_name, value in template_values.items():
            if field_name == "line_ids":
                if not vals.get("line_ids"):
                    vals["line_ids"] = value
            else:
                vals.setdefault(field_name, value)

    def _get_schedule_changes(self, vals):
        """Names of the invoicing schedule fields that ``vals`` changes."""
        self.ensure_one()
        new_values = {field: vals[field] for field in SCHEDULE_FIELDS if field in vals}
        if "date_start" in new_values:
            new_values["date_start"] = fields.Date.to_date(new_values["date_start"])
        if "invoice_in_arrears" in new_values:
            new_values["invoice_in_arrears"] = bool(new_values["invoice_in_arrears"])
        return [field for field, value in new_values.items() if self[field] != value]

    def _track_subtype(self, init_values):
        self.ensure_one()
        if "state" in init_values and self.state == "active":
            return self.env.ref("service_contracts.mt_service_contract_accepted")
        return super()._track_subtype(init_values)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_accept(self):
        """The customer accepts the quote: the contract becomes active."""
        self._check_action_rights(groups=SERVICE_MANAGER_GROUP)
        self._check_state(("quote",), self.env._("Accept"))
        for contract in self:
            if not contract.line_ids:
                raise UserError(
                    self.env._(
                        "Add the covered items and their prices to %(contract)s "
                        "before it is accepted.",
                        contract=contract.name,
                    )
                )
        self.write({"state": "active", "date_accepted": fields.Datetime.now()})
        return True

    def action_cancel(self, reason=None):
        """Cancel a quote (declined) or an active contract. Periods already
        invoiced stay invoiced; no further period is invoiced."""
        self._check_action_rights(groups=SERVICE_MANAGER_GROUP)
        self._check_state(("quote", "active"), self.env._("Cancel"))
        vals = {"state": "cancelled"}
        if reason:
            vals["cancel_reason"] = reason
        self.write(vals)
        return True

    def action_open_cancel_wizard(self):
        self._check_action_rights(groups=SERVICE_MANAGER_GROUP)
        self._check_state(("quote", "active"), self.env._("Cancel"))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Cancel Contract"),
            "res_model": "service.contract.cancel",
            "view_mode": "form",
            "target": "new",
            "context": {"default_contract_ids": self.ids},
        }

    def action_renew(self):
        """Copy the contract into a new quote for the term that follows it."""
        self._check_action_rights(groups=SERVICE_MANAGER_GROUP)
        self._check_state(("active", "expired"), self.env._("Renew"))
        renewals = self.browse()
        for contract in self:
            if not contract.date_end:
                raise UserError(
                    self.env._(
                        "The contract %(contract)s has no end date: there is "
                        "nothing to renew.",
                        contract=contract.name,
                    )
                )
            if contract.renewal_ids.filtered(lambda c: c.state != "cancelled"):
                raise UserError(
                    self.env._(
                        "The contract %(contract)s is already renewed.",
                        contract=contract.name,
                    )
                )
            renewals |= contract.copy(contract._prepare_renewal_values())
        for renewal in renewals:
            renewal.message_post_with_source(
                "mail.message_origin_link",
                render_values={"self": renewal, "origin": renewal.previous_contract_id},
                subtype_xmlid="mail.mt_note",
            )
        if len(renewals) == 1:
            return {
                "type": "ir.actions.act_window",
                "res_model": "service.contract",
                "res_id": renewals.id,
                "view_mode": "form",
            }
        return True

    def _prepare_renewal_values(self):
        self.ensure_one()
        new_start = self.date_end + timedelta(days=1)
        # same length of term, counted in months when the term is whole months
        term = relativedelta(self.date_end + timedelta(days=1), self.date_start)
        if not term.days:
            new_end = new_start + term - timedelta(days=1)
        else:
            new_end = new_start + (self.date_end - self.date_start)
        return {
            "date_start": new_start,
            "date_end": new_end,
            "previous_contract_id": self.id,
        }

    def action_revise_prices(self, percent):
        """Raise (or lower, when negative) every line price of running
        contracts by ``percent``, rounded to the currency.

        Prices are read when a period is invoiced, so the new prices apply
        from the next period not invoiced yet (``_get_next_period``) and to
        every later one: invoiced periods keep their invoices as they are.
        For a contract in arrears that next period is the running one, which
        is invoiced in full at the new prices at its end. Each contract logs
        the old and new price of each line in its chatter."""
        self._check_action_rights(groups=SERVICE_MANAGER_GROUP)
        percent = self._check_revision_percent(percent)
        labels = dict(self._fields["state"]._description_selection(self.env))
        for contract in self:
            if contract.state != "active":
                raise UserError(
                    self.env._(
                        "The contract %(contract)s is %(state)s: only the prices "
                        "of active contracts can be revised.",
                        contract=contract.name,
                        state=labels[contract.state],
                    )
                )
            if not contract._get_next_period():
                raise UserError(
                    self.env._(
                        "Every period of %(contract)s is invoiced already: a new "
                        "price would never be charged.",
                        contract=contract.name,
                    )
                )
        # The invoicing of a period updates the contract row (its next invoice
        # date), and the revision does too (the price per period): a revision
        # and an invoicing of the same contract at the same moment cannot both
        # pass, so no period is invoiced at prices the log does not tell.
        self._lock_for_change()
        factor = 1.0 + percent / 100.0
        for contract in self:
            period = contract._get_next_period()
            currency = contract.currency_id
            changes = []
            for line in contract.line_ids:
                old_price = line.price_unit
                new_price = currency.round(old_price * factor)
                changes.append((line, old_price, new_price))
                if currency.compare_amounts(old_price, new_price):
                    line.price_unit = new_price
            contract._log_price_revision(percent, period, changes)
        return True

    @api.model
    def _check_revision_percent(self, percent):
        """``percent`` as a float, refused when it makes no sense."""
        try:
            percent = float(percent)
        except (TypeError, ValueError):
            raise UserError(
                self.env._("The price revision must be a percentage, e.g. 3 or -2.5.")
            ) from None
        if not math.isfinite(percent) or percent < -100.0:
            raise UserError(
                self.env._(
                    "A price revision of %(percent)s %% is not possible: prices "
                    "can be lowered by 100 %% at most.",
                    percent=f"{percent:g}",
                )
            )
        if not percent:
            raise UserError(self.env._("A price revision of 0% changes no price."))
        return percent

    def _log_price_revision(self, percent, period, changes):
        """One chatter note: the percentage, the first period it applies to,
        and each line's old and new price."""
        self.ensure_one()
        currency = self.currency_id
        items = Markup().join(
            Markup("<li>%s: %s → %s</li>")
            % (
                line.name,
                format_amount(self.env, old_price, currency),
                format_amount(self.env, new_price, currency),
            )
            for line, old_price, new_price in changes
        )
        intro = self.env._(
            "Prices revised by %(percent)s %% from the period starting on "
            "%(date)s; the periods invoiced before keep their prices.",
            percent=f"{percent:+g}",
            date=format_date(self.env, period["date_start"]),
        )
        self.message_post(
            body=Markup("<p>%s</p><ul>%s</ul>") % (intro, items),
            subtype_xmlid="mail.mt_note",
        )

    def action_quotation_send(self):
        """Open the composer with the quote e-mail (queued, not sent inline)."""
        self._check_action_rights(groups=SERVICE_MANAGER_GROUP)
        self.ensure_one()
        self._check_state(("quote",), self.env._("Send"))
        template = self.env.ref(
            "service_contracts.mail_template_service_contract_quote",
            raise_if_not_found=False,
        )
        self._portal_ensure_token()
        return {
            "type": "ir.actions.act_window",
            "view_mode": "form",
            "res_model": "mail.compose.message",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": "service.contract",
                "default_res_ids": self.ids,
                "default_template_id": template.id if template else False,
                "default_composition_mode": "comment",
                "default_email_layout_xmlid": "mail.mail_notification_light",
                "mail_notify_force_send": False,
                "force_email": True,
            },
        }

    def action_invoice_now(self):
        """Invoice at once every period that has started and is not invoiced
        yet: the due ones the scheduled action has not reached yet and, for a
        contract in arrears, the running period. Clicking twice invoices
        nothing more; the scheduled action then goes on with later periods."""
        # invoices are created as the user: they need Odoo's invoicing rights
        self._check_action_rights(groups=SERVICE_MANAGER_GROUP)
        self._check_action_rights(groups=BILLING_GROUP)
        self._check_state(("active", "expired"), self.env._("Invoice Now"))
        today = fields.Date.context_today(self)
        # the scheduled action (of this server or another) skips the contracts
        # locked here, and a user gets an answer now instead of waiting for
        # an invoicing in progress to end on the ledger's unique index
        self._lock_for_change()
        moves = self.env["account.move"]
        for contract in self:
            period = contract._get_next_period()
            if not period or period["date_start"] > today:
                raise UserError(contract._get_nothing_to_invoice_message(period))
            try:
                with self.env.cr.savepoint():
                    moves |= contract.with_company(
                        contract.company_id
                    )._invoice_due_periods(today, "date_start")
            except IntegrityError as error:
                raise UserError(
                    self.env._(
                        "This period of %(contract)s was invoiced at the same "
                        "moment by someone else. Reload the contract.",
                        contract=contract.name,
                    )
                ) from error
        return moves._get_records_action(name=self.env._("Invoices"))

    def _get_nothing_to_invoice_message(self, period):
        self.ensure_one()
        if not period:
            return self.env._(
                "Every period of %(contract)s is invoiced already.",
                contract=self.name,
            )
        return self.env._(
            "Nothing to invoice now on %(contract)s: the next period starts "
            "on %(date)s.",
            contract=self.name,
            date=period["date_start"],
        )

    def action_view_invoices(self):
        self._check_action_rights(groups=INVOICE_READER_GROUPS, operation="read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("service_contract_id", "in", self.ids)]
        action["context"] = {
            "default_move_type": "out_invoice",
            "create": False,
        }
        if len(self.invoice_ids) == 1:
            action["views"] = [(False, "form")]
            action["res_id"] = self.invoice_ids.id
        return action

    def action_preview_contract(self):
        """Open the contract as the customer sees it on the portal."""
        self._check_action_rights(groups=SERVICE_MANAGER_GROUP)
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "target": "self",
            "url": self.get_portal_url(),
        }

    def action_view_renewals(self):
        self._check_action_rights(groups=SERVICE_MANAGER_GROUP)
        return self.renewal_ids._get_records_action(name=self.env._("Renewals"))

    # ------------------------------------------------------------
    # Invoicing
    # ------------------------------------------------------------

    def _get_period_start(self, index):
        """First day of the ``index``-th period (0-based), counted from the
        start date so that month ends do not drift (31 Jan, 28 Feb, 31 Mar)."""
        self.ensure_one()
        months = PERIOD_MONTHS[self.invoicing_period]
        return self.date_start + relativedelta(months=months * index)

    def _get_period(self, index):
        """The ``index``-th period (0-based), or ``None`` when it starts after
        the end date.

        Returns a dict with ``index``, ``date_start``, ``date_end`` (capped at
        the contract's end date), ``full_end`` (the end of a full period) and
        ``due_date`` (first day in advance, last day in arrears)."""
        self.ensure_one()
        if not self.date_start or not self.invoicing_period:
            return None
        start = self._get_period_start(index)
        if self.date_end and start > self.date_end:
            return None
        full_end = self._get_period_start(index + 1) - timedelta(days=1)
        end = min(full_end, self.date_end) if self.date_end else full_end
        return {
            "index": index,
            "date_start": start,
            "date_end": end,
            "full_end": full_end,
            "due_date": end if self.invoice_in_arrears else start,
        }

    def _get_next_period(self):
        """The first period not invoiced yet (see ``_get_period``), or
        ``None`` when every period up to the end date is invoiced."""
        self.ensure_one()
        return self._get_period(len(self.period_ids))

    def _get_due_periods(self, today, date_key="due_date"):
        """The periods not invoiced yet whose ``date_key`` (``due_date`` for
        the cron, ``date_start`` for "Invoice Now") is on or before ``today``,
        oldest first: past periods are caught up."""
        self.ensure_one()
        periods = []
        period = self._get_next_period()
        while period and period[date_key] <= today:
            periods.append(period)
            period = self._get_period(period["index"] + 1)
        return periods

    def _invoice_due_periods(self, today, date_key="due_date"):
        """Invoice every due period (``_get_due_periods``) of the contracts of
        ``self``, one invoice per period, all in one go: the ledger rows in
        one create, then the invoices in one create and one posting.

        The contracts are of one company (callers use ``with_company``) and
        callers run this in a savepoint: it either invoices every due period
        of ``self`` or nothing. The ledger rows are inserted first: their
        unique index on (contract, period start) makes the call fail before
        any invoice exists when one of the periods was invoiced meanwhile,
        whatever invoiced it (the scheduled action, "Invoice Now", another
        worker)."""
        todo = [
            (contract, period)
            for contract in self
            for period in contract._get_due_periods(today, date_key)
        ]
        if not todo:
            return self.env["account.move"]
        ledgers = self.env["service.contract.period"].create(
            [contract._prepare_period_values(period) for contract, period in todo]
        )
        # On create, Odoo posts "Invoice Created" with one message_post per
        # invoice, for the followers of its hidden, non-default subtype: a new
        # invoice has none (auto-subscribed followers get the default
        # subtypes). One note per invoice, all logged in one query, instead.
        moves = (
            self.env["account.move"]
            .with_context(mail_create_nolog=True)
            .create(
                [contract._prepare_invoice_values(period) for contract, period in todo]
            )
            .with_env(self.env)
        )
        moves._message_log_batch(
            bodies={
                move.id: contract._get_invoice_creation_message()
                for move, (contract, _period) in zip(moves, todo, strict=True)
            }
        )
        moves.action_post()
        for ledger, move in zip(ledgers, moves, strict=True):
            ledger.invoice_id = move
        return moves

    def _prepare_period_values(self, period):
        """Values of the ledger row of ``period`` (from ``_get_period``)."""
        self.ensure_one()
        return {
            "contract_id": self.id,
            "sequence": period["index"],
            "date_start": period["date_start"],
            "date_end": period["date_end"],
        }

    def _get_invoice_creation_message(self):
        """The chatter note of an invoice of the contract ``self``."""
        self.ensure_one()
        return escape(self.env._("Invoice created by the contract %(contract)s.")) % {
            "contract": self._get_html_link()
        }

    def _prepare_invoice_values(self, period):
        self.ensure_one()
        ratio = 1.0
        if period["date_end"] < period["full_end"]:
            full_days = (period["full_end"] - period["date_start"]).days + 1
            days = (period["date_end"] - period["date_start"]).days + 1
            ratio = days / full_days
        return {
            "move_type": "out_invoice",
            "partner_id": self.partner_id.id,
            "company_id": self.company_id.id,
            "currency_id": self.currency_id.id,
            "journal_id": self.journal_id.id,
            "invoice_date": fields.Date.context_today(self),
            "invoice_origin": self.name,
            "invoice_payment_term_id": self.payment_term_id.id,
            "fiscal_position_id": self.fiscal_position_id.id,
            "invoice_user_id": self.user_id.id,
            "service_contract_id": self.id,
            "invoice_line_ids": [
                fields.Command.create(line._prepare_invoice_line_values(period, ratio))
                for line in self.line_ids
            ],
        }

    @api.model
    def _cron_invoice_contracts(self, batch_size=INVOICE_BATCH_SIZE):
        """Invoice every due period of every running contract, by batches of
        ``batch_size`` contracts: each batch in one go per company
        (``_invoice_batch``), then its progress is committed. A failing
        contract is logged and retried on the next run without undoing or
        stopping the others.

        One batch at a time in the database: a run that finds another one's
        batch in progress (a second server, a direct call) stops and plans a
        run a few minutes later, rather than invoice beside it and collide on
        the rows both update (the customers' rank, the journals' sequences).
        Contracts held by another transaction ("Invoice Now", a price
        revision) are skipped the same way (``_lock_for_invoicing``)."""
        today = fields.Date.context_today(self)
        contracts = self.search(
            [
                ("state", "in", ("active", "expired")),
                ("next_invoice_date", "<=", today),
            ],
            order="next_invoice_date, id",
        )
        remaining = len(contracts)
        retry_planned = False
        for batch_ids in split_every(batch_size, contracts.ids):
            if not self._try_lock_invoicing_run():
                _logger.info(
                    "Another invoicing of service contracts is in progress: "
                    "this one stops and runs again in a few minutes."
                )
                if not retry_planned:
                    self._plan_invoicing_retry()
                return
            batch = self.browse(batch_ids)._lock_for_invoicing()
            retry = len(batch) < len(batch_ids)
            for company, company_batch in batch.grouped("company_id").items():
                retry |= company_batch.with_company(company)._invoice_batch(today)
            if retry and not retry_planned:
                retry_planned = self._plan_invoicing_retry()
            remaining -= len(batch_ids)
            if not self.env["ir.cron"]._commit_progress(
                len(batch_ids), remaining=remaining
            ):
                break

    @api.model
    def _try_lock_invoicing_run(self):
        """Take the invoicing's advisory lock for this transaction (released
        when it commits or rolls back); False when another transaction holds
        it."""
        self.env.cr.execute(SQL("SELECT pg_try_advisory_xact_lock(%s)", INVOICING_LOCK))
        return self.env.cr.fetchone()[0]

    def _lock_for_change(self):
        """Lock the contracts of ``self`` for a user's invoicing or price
        revision, or refuse at once when another transaction (the scheduled
        action, another user) holds one of them."""
        try:
            self.lock_for_update(allow_referencing=True)
        except LockError:
            raise UserError(
                self.env._(
                    "These contracts are being invoiced or revised by someone "
                    "else. Try again in a moment."
                )
            ) from None

    def _lock_for_invoicing(self):
        """The contracts of ``self`` locked for this transaction, without
        those another transaction is invoicing or revising right now (a second
        server's scheduled action, "Invoice Now", a price revision): they are
        being done there, and waiting for them would only end on the ledger's
        unique index. Also none when one of them changed since this
        transaction took its snapshot (PostgreSQL refuses to lock a row
        changed since, under Odoo's repeatable read): the next run, in a new
        transaction, sees what that change did. Skipped contracts are left
        for the next run (``_plan_invoicing_retry``); nothing is logged as an
        error."""
        if not self:
            return self
        # try_lock_for_update() without its "bad query" ERROR line: the
        # serialization failure below is expected, not a fault
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM %s WHERE id IN %s "
                        "FOR NO KEY UPDATE SKIP LOCKED",
                        SQL.identifier(self._table),
                        tuple(self.ids),
                    ),
                    log_exceptions=False,
                )
                locked = {row[0] for row in self.env.cr.fetchall()}
        except SerializationFailure:
            locked = set()
        skipped = len(self) - len(locked)
        if skipped:
            _logger.info(
                "%s service contracts skipped: held or changed by another "
                "transaction; left for the next run.",
                skipped,
            )
        return self.filtered(lambda contract: contract.id in locked)

    @api.model
    def _plan_invoicing_retry(self):
        """Run the invoicing again in a few minutes, for the contracts it
        skipped (``_lock_for_invoicing``) rather than a day later. Returns
        whether a run was planned."""
        cron = self.env.ref(
            "service_contracts.ir_cron_service_contract_invoice",
            raise_if_not_found=False,
        )
        if not cron:
            return False
        cron.sudo()._trigger(fields.Datetime.now() + INVOICING_RETRY_DELAY)
        return True

    def _invoice_batch(self, today):
        """Invoice the due periods of the contracts of ``self`` (one company)
        in one savepoint; when that fails, as OCA's contract does, again one
        contract at a time, each in its own savepoint, so that only the
        failing ones are left for the next run. Logs, never raises.

        Returns whether contracts were left for a run in a few minutes: those
        that met a concurrent update of the rows their invoice touches
        (``CONCURRENCY_ERRORS``), logged as information, not as errors."""
        try:
            with self.env.cr.savepoint():
                self._invoice_due_periods(today)
            return False
        except Exception as error:
            if len(self) == 1:
                return self._handle_invoicing_failure(error)
            _logger.log(
                logging.INFO
                if isinstance(error, CONCURRENCY_ERRORS)
                else logging.WARNING,
                "Invoicing %s service contracts at once failed (%s); "
                "invoicing them one at a time.",
                len(self),
                error,
            )
        retry = False
        for contract in self:
            try:
                with self.env.cr.savepoint():
                    contract._invoice_due_periods(today)
            except Exception as error:
                retry |= contract._handle_invoicing_failure(error)
        return retry

    def _handle_invoicing_failure(self, error):
        """Log the failure ``error`` (being handled) of the contract ``self``;
        returns whether to retry in a few minutes (a concurrent update)."""
        self.ensure_one()
        if isinstance(error, CONCURRENCY_ERRORS):
            _logger.info(
                "Service contract %s (id %s) met a concurrent update (%s); "
                "it will be retried in a few minutes.",
                self.name,
                self.id,
                str(error).strip(),
            )
            return True
        self._log_invoicing_failure()
        return False

    def _log_invoicing_failure(self):
        """Log the exception being handled for the contract ``self``."""
        self.ensure_one()
        _logger.exception(
            "Service contract %s (id %s) could not be invoiced; "
            "it will be retried on the next run.",
            self.name,
            self.id,
        )

    @api.model
    def _cron_expire_contracts(self):
        """Active contracts whose end date is past become expired (their last
        periods are still invoiced when due, e.g. in arrears)."""
        today = fields.Date.context_today(self)
        contracts = self.search(
            [("state", "=", "active"), ("date_end", "<", today)], order="id"
        )
        remaining = len(contracts)
        for batch_ids in split_every(CRON_BATCH_SIZE, contracts.ids):
            self.browse(batch_ids).write({"state": "expired"})
            remaining -= len(batch_ids)
            if not self.env["ir.cron"]._commit_progress(
                len(batch_ids), remaining=remaining
            ):
                break
