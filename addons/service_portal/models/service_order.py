from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain

ORDER_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("confirmed", "Confirmed"),
    ("in_progress", "In Progress"),
    ("ready", "Ready"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]

REQUEST_TYPES = [
    ("repair", "Repair"),
    ("warranty", "Warranty Claim"),
    ("maintenance", "Maintenance"),
    ("other", "Other"),
]

# States in which the order is still open for the customer.
OPEN_STATES = ("draft", "submitted", "confirmed", "in_progress", "ready")
CLOSED_STATES = ("done", "cancelled")

# The e-mail template sent to the customer when an order enters a state.
STATE_TEMPLATES = {
    "submitted": "service_portal.mail_template_service_order_submitted",
    "confirmed": "service_portal.mail_template_service_order_confirmed",
    "ready": "service_portal.mail_template_service_order_ready",
    "done": "service_portal.mail_template_service_order_done",
    "cancelled": "service_portal.mail_template_service_order_cancelled",
}


class ServiceOrder(models.Model):
    _name = "service.order"
    _description = "Service Order"
    _inherit = [
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "service.state.mixin",
    ]
    _order = "priority desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["name", "serial_number", "device_description"]

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
    is_reseller_order = fields.Boolean(
        related="partner_id.commercial_partner_id.is_reseller",
        string="Reseller Order",
    )
    service_item_id = fields.Many2one(
        "service.item",
        check_company=True,
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
        help="The customer's registered device.",
    )
    device_model_id = fields.Many2one(
        "service.device.model",
        compute="_compute_device",
        store=True,
        readonly=False,
        index=True,
        tracking=True,
    )
    serial_number = fields.Char(
        compute="_compute_device",
        store=True,
        readonly=False,
        index="trigram",
        tracking=True,
    )
    device_description = fields.Char(
        help="How the customer describes the device (colour, accessories, condition)."
    )
    problem_description = fields.Text()
    request_type = fields.Selection(
        REQUEST_TYPES, required=True, default="repair", tracking=True
    )
    priority = fields.Selection(
        [("0", "Normal"), ("1", "Urgent")], default="0", index=True
    )
    location_id = fields.Many2one(
        "service.location",
        string="Service Location",
        index=True,
        tracking=True,
        check_company=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Service Agent",
        index=True,
        tracking=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        compute="_compute_user_id",
        store=True,
        readonly=False,
    )
    state = fields.Selection(
        ORDER_STATES,
        string="Status",
        required=True,
        default="draft",
        copy=False,
        index=True,
        tracking=True,
        readonly=True,
    )
    answer_ids = fields.One2many(
        "service.order.answer", "order_id", string="Answers", copy=True
    )
    date_submitted = fields.Datetime(
        string="Submitted On", readonly=True, copy=False, index=True
    )
    date_confirmed = fields.Datetime(string="Confirmed On", readonly=True, copy=False)
    date_promised = fields.Date(
        string="Promised Date",
        compute="_compute_date_promised",
        store=True,
        readonly=False,
        copy=False,
        tracking=True,
        help="Submission date plus the location's turnaround time.",
    )
    date_done = fields.Datetime(string="Done On", readonly=True, copy=False)
    is_late = fields.Boolean(compute="_compute_is_late", search="_search_is_late")
    internal_note = fields.Html(string="Internal Notes")
    cancel_reason = fields.Char(copy=False, tracking=True)
    color = fields.Integer()

    _name_company_uniq = models.UniqueIndex(
        "(company_id, name) WHERE name IS NOT NULL",
        "An order with this number already exists in this company.",
    )
    # the public tracking page looks orders up by lower(name)
    _name_lower_idx = models.Index("(lower(name))")

    @api.depends("service_item_id")
    def _compute_device(self):
        for order in self:
            item = order.service_item_id
            if item:
                order.device_model_id = item.device_model_id
                order.serial_number = item.serial_number

    @api.depends("location_id")
    def _compute_user_id(self):
        for order in self:
            if not order.user_id and order.location_id.user_id:
                order.user_id = order.location_id.user_id

    @api.depends("date_submitted", "location_id")
    def _compute_date_promised(self):
        for order in self:
            if order.date_submitted and order.location_id:
                submitted = fields.Datetime.context_timestamp(
                    order, order.date_submitted
                ).date()
                order.date_promised = submitted + timedelta(
                    days=order.location_id.tat_days
                )
            else:
                order.date_promised = False

    @api.depends("date_promised", "state")
    @api.depends_context("date")
    def _compute_is_late(self):
        today = fields.Date.context_today(self)
        for order in self:
            order.is_late = bool(
                order.state in OPEN_STATES
                and order.date_promised
                and order.date_promised < today
            )

    def _search_is_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        today = fields.Date.context_today(self)
        late = Domain("state", "in", OPEN_STATES) & Domain("date_promised", "<", today)
        return late if (operator == "=") == value else ~late

    def _compute_access_url(self):
        super()._compute_access_url()
        for order in self:
            order.access_url = f"/my/service-orders/{order.id}"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == self.env._("New"):
                company = (
                    self.env["res.company"].browse(vals.get("company_id"))
                    or self.env.company
                )
                vals["name"] = self.env["ir.sequence"].with_company(
                    company
                ).next_by_code("service.order") or self.env._("New")
        orders = super().create(vals_list)
        for order in orders:
            order.message_subscribe(partner_ids=order.partner_id.ids)
        return orders

    @api.ondelete(at_uninstall=False)
    def _unlink_except_draft_or_cancelled(self):
        for order in self:
            if order.state not in ("draft", "cancelled"):
                raise UserError(
                    self.env._(
                        "You can only delete draft or cancelled service orders. "
                        "Cancel %(order)s first.",
                        order=order.name,
                    )
                )

    def _track_subtype(self, init_values):
        self.ensure_one()
        if "state" in init_values:
            return self.env.ref("service_portal.mt_service_order_state_change")
        return super()._track_subtype(init_values)

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Service Order %s", self.name)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def _check_service_rights(self):
        """Public actions are callable over RPC: refuse anyone who may not
        run the service desk (portal users in particular)."""
        if not self.env.su and not self.env.user.has_group(
            "service_portal.service_portal_group_user"
        ):
            raise AccessError(
                self.env._("Only the service desk can change service orders.")
            )
        self.check_access("write")

    def _get_missing_required_tasks(self):
        """Questions required in the portal that have no answer yet."""
        self.ensure_one()
        tasks = self.env["service.task"]._get_applicable_tasks(
            self.partner_id, self.device_model_id, self.company_id, portal=True
        )
        required = tasks.filtered("required_in_portal")
        answered = self.answer_ids.filtered("is_answered").task_id
        return required - answered

    def _check_can_submit(self):
        for order in self:
            if not order.location_id:
                raise UserError(
                    self.env._(
                        "Choose a service location for %(order)s before "
                        "submitting it.",
                        order=order.name,
                    )
                )
            missing = order._get_missing_required_tasks()
            if missing:
                raise UserError(
                    self.env._(
                        "Answer these questions before submitting %(order)s: "
                        "%(questions)s",
                        order=order.name,
                        questions=", ".join(missing.mapped("name")),
                    )
                )

    def action_submit(self):
        """The customer's approval. Orders of resellers are confirmed at once."""
        self._check_service_rights()
        self._check_state(("draft",), self.env._("submit"))
        self._check_can_submit()
        self.write({"state": "submitted", "date_submitted": fields.Datetime.now()})
        resellers = self.filtered(lambda o: o.commercial_partner_id.is_reseller)
        (self - resellers)._send_state_mail("submitted")
        if resellers:
            resellers._action_confirm()
        return True

    def action_confirm(self):
        self._check_service_rights()
        self._check_state(("draft", "submitted"), self.env._("confirm"))
        drafts = self.filtered(lambda o: o.state == "draft")
        drafts._check_can_submit()
        drafts.write({"date_submitted": fields.Datetime.now()})
        self._action_confirm()
        return True

    def _action_confirm(self):
        self.write({"state": "confirmed", "date_confirmed": fields.Datetime.now()})
        self._send_state_mail("confirmed")

    def action_start(self):
        self._check_service_rights()
        self._check_state(("confirmed",), self.env._("start"))
        vals = {"state": "in_progress"}
        for order in self:
            order_vals = dict(vals)
            if not order.user_id:
                order_vals["user_id"] = self.env.user.id
            order.write(order_vals)
        return True

    def action_ready(self):
        self._check_service_rights()
        self._check_state(("in_progress",), self.env._("mark as ready"))
        self.write({"state": "ready"})
        self._send_state_mail("ready")
        return True

    def action_done(self):
        self._check_service_rights()
        self._check_state(("ready",), self.env._("close"))
        self.write({"state": "done", "date_done": fields.Datetime.now()})
        self._send_state_mail("done")
        return True

    def action_cancel(self):
        self._check_service_rights()
        self._check_state(OPEN_STATES, self.env._("cancel"))
        notify = self.filtered(lambda o: o.state != "draft")
        self.write({"state": "cancelled"})
        notify._send_state_mail("cancelled")
        return True

    def action_draft(self):
        self._check_service_rights()
        self._check_state(("cancelled",), self.env._("reset to draft"))
        self.write(
            {
                "state": "draft",
                "date_submitted": False,
                "date_confirmed": False,
                "date_done": False,
                "cancel_reason": False,
            }
        )
        return True

    def action_load_questions(self):
        """Add the questions that apply to the order and are not answered yet."""
        self._check_service_rights()
        for order in self:
            tasks = self.env["service.task"]._get_applicable_tasks(
                order.partner_id, order.device_model_id, order.company_id
            )
            missing = tasks - order.answer_ids.task_id
            order.answer_ids = [
                fields.Command.create({"task_id": task.id}) for task in missing
            ]
        return True

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    def _send_state_mail(self, state):
        """Queue the customer e-mail of a state (never sent inline: a retried
        request or a failing mail server must not lose or repeat it)."""
        xmlid = STATE_TEMPLATES.get(state)
        template = xmlid and self.env.ref(xmlid, raise_if_not_found=False)
        if not template:
            return
        for order in self.with_context(mail_notify_force_send=False):
            order.message_post_with_source(
                template,
                subtype_xmlid="mail.mt_comment",
                email_layout_xmlid="mail.mail_notification_light",
            )

    def _get_customer_status_label(self):
        """Status label shown to customers (portal, tracking page)."""
        self.ensure_one()
        labels = {
            "draft": self.env._("Draft"),
            "submitted": self.env._("Awaiting approval"),
            "confirmed": self.env._("Received"),
            "in_progress": self.env._("In repair"),
            "ready": self.env._("Ready"),
            "done": self.env._("Completed"),
            "cancelled": self.env._("Cancelled"),
        }
        return labels[self.state]
