import base64
import binascii
import logging
import re
from collections import defaultdict
from datetime import datetime, time, timedelta
from typing import NamedTuple

from lxml import etree, html
from markupsafe import Markup
from pytz import timezone, utc

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import (
    SQL,
    consteq,
    email_normalize,
    html2plaintext,
    html_sanitize,
    parse_contact_from_email,
)
from odoo.tools.mimetypes import guess_mimetype

from ..tools import get_positive_int_param
from .service_state_mixin import SERVICE_USER_GROUP
from .service_track_attempt import (
    MAX_TRACK_CANDIDATES,
    partner_last_name,
    track_last_name,
    track_order_number,
)

_logger = logging.getLogger(__name__)

ORDER_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("confirmed", "Confirmed"),
    ("in_progress", "In Progress"),
    ("ready", "Ready"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]

# The fixed request types of 19.0.1.1.0 and the codes of the request types
# (``service.request.type``) that replace them (see the 19.0.1.2.0 migration).
LEGACY_REQUEST_TYPES = {
    "repair": "repair",
    "warranty": "warranty",
    "maintenance": "maintenance",
    "other": "consulting",
}


class StateInfo(NamedTuple):
    """What a state means outside the workflow methods."""

    is_open: bool  # still open for the customer (list filter, lateness)
    on_timeline: bool  # a step of the customer's timeline
    badge: str  # Bootstrap class of the portal status badge
    date_field: str  # the order's field holding the date the state was reached
    template: str | None  # xml id of the e-mail sent to the customer on entry


# Everything about each state in one place: the portal, the timeline, the
# e-mails and the back office read it from here (the customer labels are
# translated, so they are in ``_get_customer_state_labels``).
STATE_INFO = {
    "draft": StateInfo(True, True, "text-bg-secondary", "create_date", None),
    "submitted": StateInfo(
        True,
        True,
        "text-bg-info",
        "date_submitted",
        "service_portal.mail_template_service_order_submitted",
    ),
    "confirmed": StateInfo(
        True,
        True,
        "text-bg-primary",
        "date_confirmed",
        "service_portal.mail_template_service_order_confirmed",
    ),
    "in_progress": StateInfo(True, True, "text-bg-warning", "date_started", None),
    "ready": StateInfo(
        True,
        True,
        "text-bg-success",
        "date_ready",
        "service_portal.mail_template_service_order_ready",
    ),
    "done": StateInfo(
        False,
        True,
        "text-bg-success",
        "date_done",
        "service_portal.mail_template_service_order_done",
    ),
    "cancelled": StateInfo(
        False,
        False,
        "text-bg-danger",
        "date_cancelled",
        "service_portal.mail_template_service_order_cancelled",
    ),
}
OPEN_STATES = tuple(state for state, info in STATE_INFO.items() if info.is_open)
CLOSED_STATES = tuple(state for state, info in STATE_INFO.items() if not info.is_open)
TIMELINE_STATES = tuple(s for s, info in STATE_INFO.items() if info.on_timeline)

# Service level of the response (work started before the response deadline).
SLA_STATUSES = [
    ("on_track", "On Track"),
    ("at_risk", "At Risk"),
    ("breached", "Breached"),
    ("met", "Met"),
]
# An order waiting for work is at risk once less than this share of its
# response time (in working time) is left.
SLA_AT_RISK_SHARE = 0.2
# States in which an order has a service level: submitted and not cancelled.
SLA_STATES = tuple(s for s in STATE_INFO if s not in ("draft", "cancelled"))
# States in which the response clock of an order not started yet runs.
SLA_OPEN_STATES = tuple(s for s in OPEN_STATES if s != "draft")
SLA_CRON_BATCH_SIZE = 1000

# Diagnosis codes of an order: field → ``service.code`` type.
CODE_FIELDS = {
    "fault_area_id": "fault_area",
    "symptom_code_id": "symptom",
    "fault_code_id": "fault",
    "resolution_code_id": "resolution",
}

# Files customers add on the portal (order page form and portal chatter).
UPLOAD_MAX_SIZE_PARAM = "service_portal.portal_upload_max_size"
UPLOAD_MAX_SIZE_DEFAULT = 10 * 1024 * 1024
UPLOAD_MAX_FILES_PARAM = "service_portal.portal_upload_max_files"
UPLOAD_MAX_FILES_DEFAULT = 50
UPLOAD_MAX_FILES_PER_REQUEST = 10
# A drawn signature is a small PNG; anything bigger is not one.
SIGNATURE_MAX_SIZE = 1024 * 1024

# E-mail intake (the alias of a location): characters of a mail body kept in
# the chatter, of the problem description taken from a mail, of the name of a
# contact created for an unknown sender.
MAIL_BODY_MAX_CHARS = 500_000
MAIL_PROBLEM_MAX_CHARS = 10_000
MAIL_PARTNER_NAME_MAX_CHARS = 128
# Precedence header values of mails sent by machines (RFC 3834, section 2).
MAIL_AUTO_PRECEDENCES = ("auto_reply", "bulk", "junk")


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
        help="How the customer describes the device (color, accessories, condition)."
    )
    problem_description = fields.Text()
    request_type_id = fields.Many2one(
        "service.request.type",
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
        default=lambda self: self._default_request_type_id(),
    )
    # Deprecated (19.0.1.2.0): the code of the request type, for the
    # integrations written for the former selection; removed in 19.0.2.
    request_type = fields.Char(
        string="Request Type Code",
        compute="_compute_request_type",
        inverse="_inverse_request_type",
        search="_search_request_type",
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
        group_expand="_read_group_expand_states",
    )
    answer_ids = fields.One2many(
        "service.order.answer", "order_id", string="Answers", copy=True
    )
    date_submitted = fields.Datetime(
        string="Submitted On", readonly=True, copy=False, index=True
    )
    date_confirmed = fields.Datetime(string="Confirmed On", readonly=True, copy=False)
    date_started = fields.Datetime(string="Started On", readonly=True, copy=False)
    date_ready = fields.Datetime(string="Ready On", readonly=True, copy=False)
    date_promised = fields.Date(
        string="Promised Date",
        compute="_compute_service_deadlines",
        store=True,
        readonly=False,
        copy=False,
        tracking=True,
        help="Submission date plus the location's turnaround time, in working "
        "days of the service hours (calendar days when there are none).",
    )
    date_response_deadline = fields.Datetime(
        string="Response Deadline",
        compute="_compute_service_deadlines",
        store=True,
        copy=False,
        groups=SERVICE_USER_GROUP,
        help="Submission plus the response time, counted in the service hours: "
        "work should start before it.",
    )
    date_sla_at_risk = fields.Datetime(
        string="At Risk From",
        compute="_compute_service_deadlines",
        store=True,
        copy=False,
        groups=SERVICE_USER_GROUP,
        help="From then on less than a fifth of the response time is left.",
    )
    sla_status = fields.Selection(
        SLA_STATUSES,
        string="SLA Status",
        compute="_compute_sla_status",
        store=True,
        index=True,
        copy=False,
        groups=SERVICE_USER_GROUP,
        help="On Track: the response deadline is not near. At Risk: less than a "
        "fifth of the response time is left. Breached: work did not start "
        "before the deadline. Met: work started before the deadline.",
    )
    response_hours = fields.Float(
        string="Response Time (hours)",
        compute="_compute_service_durations",
        store=True,
        copy=False,
        aggregator="avg",
        groups=SERVICE_USER_GROUP,
        help="Working hours of the service hours from submission to the start "
        "of the work (hours on the clock without service hours).",
    )
    turnaround_days = fields.Float(
        string="Turnaround (days)",
        compute="_compute_service_durations",
        store=True,
        copy=False,
        aggregator="avg",
        groups=SERVICE_USER_GROUP,
        help="Working days of the service hours from submission to done "
        "(calendar days without service hours).",
    )
    date_done = fields.Datetime(string="Done On", readonly=True, copy=False)
    date_cancelled = fields.Datetime(string="Cancelled On", readonly=True, copy=False)
    is_late = fields.Boolean(compute="_compute_is_late", search="_search_is_late")
    troubleshooting_ids = fields.Many2many(
        "service.troubleshooting",
        string="Troubleshooting Guides",
        compute="_compute_troubleshooting_ids",
        groups=SERVICE_USER_GROUP,
        help="The guides of the order's device model (and the general ones).",
    )
    fault_area_id = fields.Many2one(
        "service.code",
        domain=[("code_type", "=", "fault_area")],
        check_company=True,
        index="btree_not_null",
        tracking=True,
        groups=SERVICE_USER_GROUP,
    )
    symptom_code_id = fields.Many2one(
        "service.code",
        string="Symptom",
        domain=[("code_type", "=", "symptom")],
        check_company=True,
        index="btree_not_null",
        tracking=True,
        groups=SERVICE_USER_GROUP,
    )
    fault_code_id = fields.Many2one(
        "service.code",
        string="Fault",
        domain=[("code_type", "=", "fault")],
        check_company=True,
        index="btree_not_null",
        tracking=True,
        groups=SERVICE_USER_GROUP,
    )
    resolution_code_id = fields.Many2one(
        "service.code",
        string="Resolution",
        domain=[("code_type", "=", "resolution")],
        check_company=True,
        index="btree_not_null",
        tracking=True,
        groups=SERVICE_USER_GROUP,
    )
    handover_signed_by = fields.Char(
        string="Signed for Pickup By",
        copy=False,
        readonly=True,
        help="Name of the person who signed when the device was handed over.",
    )
    date_handover = fields.Datetime(string="Handed Over On", copy=False, readonly=True)
    handover_signature = fields.Binary(
        string="Pickup Signature",
        attachment=True,
        copy=False,
        readonly=True,
        groups=SERVICE_USER_GROUP,
    )
    internal_note = fields.Html(
        string="Internal Notes", groups="service_portal.service_portal_group_user"
    )
    cancel_reason = fields.Char(copy=False, tracking=True)
    tag_ids = fields.Many2many(
        "service.order.tag", string="Tags", groups=SERVICE_USER_GROUP
    )
    color = fields.Integer(groups="service_portal.service_portal_group_user")

    _name_company_uniq = models.UniqueIndex(
        "(company_id, name) WHERE name IS NOT NULL",
        "An order with this number already exists in this company.",
    )
    # the public tracking page looks orders up by lower(name)
    _name_lower_idx = models.Index("(lower(name))")
    # the portal list (a customer's orders, newest first, 80 a page) reads
    # its page in the index order and stops after it, whatever the number of
    # orders; its filter counts (per state) read the index only
    _portal_list_idx = models.Index("(partner_id, create_date DESC, id DESC)")
    _portal_count_idx = models.Index("(partner_id, company_id, state)")

    def _default_request_type_id(self):
        company = self.env.company
        RequestType = self.env["service.request.type"]
        return (
            RequestType._get_by_code("repair", company).filtered("active")
            or RequestType._get_portal_types(company)[:1]
        )

    @api.depends("service_item_id")
    def _compute_device(self):
        for order in self:
            item = order.service_item_id
            if item:
                order.device_model_id = item.device_model_id
                order.serial_number = item.serial_number

    @api.depends("request_type_id.code")
    def _compute_request_type(self):
        for order in self:
            order.request_type = order.request_type_id.code or False

    def _inverse_request_type(self):
        RequestType = self.env["service.request.type"]
        for order in self:
            order.request_type_id = RequestType._get_by_code(
                order.request_type, order.company_id
            )

    def _search_request_type(self, operator, value):
        return [("request_type_id.code", operator, value)]

    @api.depends("location_id")
    def _compute_user_id(self):
        for order in self:
            if not order.user_id and order.location_id.user_id:
                order.user_id = order.location_id.user_id

    @api.depends("date_submitted", "location_id")
    def _compute_service_deadlines(self):
        """Promised date, response deadline and at-risk threshold, from the
        terms that apply when the order is submitted (later changes of the
        location's terms do not move them)."""
        for order in self:
            submitted = order.date_submitted
            if not submitted:
                order.date_promised = False
                order.date_response_deadline = False
                order.date_sla_at_risk = False
                continue
            terms = order._get_service_terms()
            calendar = terms["calendar"]
            order.date_promised = (
                order._add_service_days(submitted, order.location_id.tat_days, calendar)
                if order.location_id
                else False
            )
            hours = terms["response_time_hours"]
            if hours > 0:
                order.date_response_deadline = order._add_service_hours(
                    submitted, hours, calendar
                )
                order.date_sla_at_risk = order._add_service_hours(
                    submitted, hours * (1 - SLA_AT_RISK_SHARE), calendar
                )
            else:
                order.date_response_deadline = False
                order.date_sla_at_risk = False

    @api.depends(
        "state",
        "date_started",
        "date_ready",
        "date_done",
        "date_response_deadline",
        "date_sla_at_risk",
    )
    def _compute_sla_status(self):
        now = fields.Datetime.now()
        for order in self:
            order.sla_status = order._get_sla_status(now)

    @api.depends(
        "date_submitted", "date_started", "date_ready", "date_done", "location_id"
    )
    def _compute_service_durations(self):
        for order in self:
            submitted = order.date_submitted
            responded = order._get_response_date()
            done = order.date_done
            if not submitted or not (responded or done):
                order.response_hours = 0.0
                order.turnaround_days = 0.0
                continue
            calendar = order._get_service_terms()["calendar"]
            order.response_hours = (
                order._get_service_duration(submitted, responded, calendar)["hours"]
                if responded
                else 0.0
            )
            order.turnaround_days = (
                order._get_service_duration(submitted, done, calendar)["days"]
                if done
                else 0.0
            )

    @api.depends("device_model_id", "company_id")
    def _compute_troubleshooting_ids(self):
        # one search for all the orders (a list of orders), sorted per order
        guides = self.env["service.troubleshooting"].search(
            Domain("company_id", "in", [False, *self.company_id.ids])
            & (
                Domain("device_model_ids", "=", False)
                | Domain("device_model_ids", "in", self.device_model_id.ids)
            )
        )
        for order in self:
            order.troubleshooting_ids = guides.filtered(
                lambda guide, order=order: (
                    not guide.company_id or guide.company_id == order.company_id
                )
                and (
                    not guide.device_model_ids
                    or order.device_model_id in guide.device_model_ids
                )
            )

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

    def _read_group_expand_states(self, states, domain):
        """Kanban columns in the order of the workflow, empty ones included."""
        return [state for state, _label in ORDER_STATES]

    @api.model
    def formatted_read_group(
        self,
        domain,
        groupby=(),
        aggregates=(),
        having=(),
        offset=0,
        limit=None,
        order=None,
    ):
        """Kanban by state: the closed states' columns start folded."""
        groups = super().formatted_read_group(
            domain, groupby, aggregates, having, offset, limit, order
        )
        if list(groupby)[:1] == ["state"] and self.env.context.get("read_group_expand"):
            for group in groups:
                group["__fold"] = group.get("state") in CLOSED_STATES
        return groups

    @api.constrains(*CODE_FIELDS)
    def _check_codes(self):
        for order in self.sudo():
            for field_name, code_type in CODE_FIELDS.items():
                code = order[field_name]
                if code and code.code_type != code_type:
                    raise ValidationError(
                        self.env._(
                            "%(code)s is not a %(type)s code: choose one for "
                            "the field %(field)s of %(order)s.",
                            code=code.display_name,
                            type=dict(
                                code._fields["code_type"]._description_selection(
                                    self.env
                                )
                            )[code_type],
                            field=order._fields[field_name]._description_string(
                                self.env
                            ),
                            order=order.name,
                        )
                    )

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
        orders._evaluate_sla_status()
        orders.filtered(lambda o: not o.service_item_id)._link_service_item()
        for order in orders:
            order.message_subscribe(partner_ids=order.partner_id.ids)
        return orders

    def write(self, vals):
        res = super().write(vals)
        self._evaluate_sla_status()
        if "service_item_id" not in vals and (
            "serial_number" in vals or "partner_id" in vals
        ):
            self._link_service_item()
        return res

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

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def _link_service_item(self):
        """Point each order to the customer's registered device with its serial
        number (back office, portal and API alike), or to none when the serial
        number no longer matches the device it pointed to."""
        Item = self.env["service.item"].sudo()
        todo = self.filtered(
            lambda o: not (
                o.service_item_id
                and o.service_item_id.serial_number == (o.serial_number or "").strip()
                and o.service_item_id.commercial_partner_id == o.commercial_partner_id
            )
        )
        # one query for all the orders (batched creates, imports)
        with_serial = todo.filtered(lambda o: (o.serial_number or "").strip())
        items_by_key = {}
        if with_serial:
            items = Item.search(
                [
                    (
                        "commercial_partner_id",
                        "in",
                        with_serial.commercial_partner_id.ids,
                    ),
                    ("serial_number", "!=", False),
                ]
            )
            for item in items:  # in the model's order: the first one wins
                key = (item.commercial_partner_id.id, item.serial_number.lower())
                items_by_key.setdefault(key, []).append(item)
        for order in todo:
            serial = (order.serial_number or "").strip().lower()
            candidates = items_by_key.get((order.commercial_partner_id.id, serial), [])
            match = next(
                (
                    item
                    for item in candidates
                    if not item.company_id or item.company_id == order.company_id
                ),
                Item.browse(),
            )
            if match != order.service_item_id:
                order.service_item_id = match

    def _get_missing_required_tasks(self):
        """Questions required in the portal that have no answer yet."""
        self.ensure_one()
        tasks = self.env["service.task"]._get_applicable_tasks(
            self.partner_id,
            self.device_model_id,
            self.company_id,
            portal=True,
            request_type=self.request_type_id,
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
        self._check_action_rights()
        self._check_state(("draft",), self.env._("Submit"))
        self._check_can_submit()
        self.write({"state": "submitted", "date_submitted": fields.Datetime.now()})
        resellers = self.filtered(lambda o: o.commercial_partner_id.is_reseller)
        (self - resellers)._send_state_mail("submitted")
        if resellers:
            resellers._action_confirm()
        return True

    def action_confirm(self):
        self._check_action_rights()
        self._check_state(("draft", "submitted"), self.env._("Confirm"))
        drafts = self.filtered(lambda o: o.state == "draft")
        drafts._check_can_submit()
        drafts.write({"date_submitted": fields.Datetime.now()})
        self._action_confirm()
        return True

    def _action_confirm(self):
        self.write({"state": "confirmed", "date_confirmed": fields.Datetime.now()})
        self._send_state_mail("confirmed")

    def action_start(self):
        self._check_action_rights()
        self._check_state(("confirmed",), self.env._("Start Work"))
        vals = {"state": "in_progress", "date_started": fields.Datetime.now()}
        for order in self:
            order_vals = dict(vals)
            if not order.user_id:
                order_vals["user_id"] = self.env.user.id
            order.write(order_vals)
        return True

    def _check_can_be_ready(self):
        """The location may require a resolution code before ready."""
        for order in self.sudo():
            if order.location_id.require_resolution_code and not (
                order.resolution_code_id
            ):
                raise UserError(
                    self.env._(
                        "Record the resolution code of %(order)s before marking "
                        "it ready: the location %(location)s requires it.",
                        order=order.name,
                        location=order.location_id.name,
                    )
                )

    def action_ready(self):
        self._check_action_rights()
        self._check_state(("in_progress",), self.env._("Ready"))
        self._check_can_be_ready()
        self.write({"state": "ready", "date_ready": fields.Datetime.now()})
        self._send_state_mail("ready")
        return True

    def _requires_handover_signature(self):
        """Whether the customer must sign for pickup before the order is
        done: the location's option (extensions may exempt orders that are
        shipped back)."""
        self.ensure_one()
        return self.sudo().location_id.require_handover_signature

    def _check_can_be_done(self):
        for order in self:
            if not order.date_handover and order._requires_handover_signature():
                raise UserError(
                    self.env._(
                        "The customer must sign for pickup before %(order)s is "
                        "done: use Hand Over, or let the customer sign on the "
                        "portal.",
                        order=order.name,
                    )
                )

    def action_done(self):
        self._check_action_rights()
        self._check_state(("ready",), self.env._("Done"))
        self._check_can_be_done()
        self.write({"state": "done", "date_done": fields.Datetime.now()})
        self._send_state_mail("done")
        return True

    def action_open_handover(self):
        """The hand-over dialog: the customer signs for pickup, then the
        order is done."""
        self._check_action_rights()
        self.ensure_one()
        self._check_state(("ready",), self.env._("Hand Over"))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Hand Over %s", self.name),
            "res_model": "service.order.handover",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_order_id": self.id,
                "default_signed_by": self.partner_id.name,
            },
        }

    @api.model
    def _decode_portal_signature(self, signature):
        """The PNG bytes of a drawn signature as the signature widgets send it
        (base64), or a ``UserError``: missing, not base64, not a PNG, or larger
        than a drawn signature can be (hand-over here, estimates in
        service_contracts)."""
        raw = b""
        if isinstance(signature, str) and signature:
            try:
                raw = base64.b64decode(signature, validate=True)
            except (binascii.Error, ValueError):
                raw = b""
        if not raw or guess_mimetype(raw) != "image/png":
            raise UserError(self.env._("The signature is missing or invalid."))
        if len(raw) > SIGNATURE_MAX_SIZE:
            raise UserError(self.env._("The signature is too large."))
        return raw

    def _record_handover(self, name, signature, author=None):
        """Record who signed for pickup, when, and the signature (a base64
        PNG, as the signature widgets send it); post it on the chatter. Only
        while ready and once: the row is locked first, so that parallel
        requests (double clicks, two devices) record one signature; the
        others get a ``UserError`` (``LockError``) or see it recorded."""
        self.ensure_one()
        name = (name or "").strip()[:200]
        if not name:
            raise UserError(self.env._("Type the name of the person who signs."))
        raw = self._decode_portal_signature(signature)
        self.lock_for_update()
        self.invalidate_recordset(["state", "date_handover"])
        if self.state != "ready":
            raise UserError(
                self.env._(
                    "%(order)s is not ready for pickup: it cannot be signed for.",
                    order=self.name,
                )
            )
        if self.date_handover:
            raise UserError(
                self.env._(
                    "%(order)s was already signed for by %(name)s.",
                    order=self.name,
                    name=self.handover_signed_by,
                )
            )
        self.sudo().write(
            {
                "handover_signed_by": name,
                "date_handover": fields.Datetime.now(),
                "handover_signature": base64.b64encode(raw),
            }
        )
        self.sudo().with_context(mail_notify_force_send=False).message_post(
            body=self.env._("Signed for pickup by %(name)s.", name=name),
            attachments=[(f"{self.name} pickup signature.png", raw)],
            author_id=(author or self.env.user.partner_id).id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        return True

    def action_cancel(self):
        self._check_action_rights()
        self._check_state(OPEN_STATES, self.env._("Cancel"))
        notify = self.filtered(lambda o: o.state != "draft")
        self.write({"state": "cancelled", "date_cancelled": fields.Datetime.now()})
        notify._send_state_mail("cancelled")
        return True

    def action_draft(self):
        self._check_action_rights()
        self._check_state(("cancelled",), self.env._("Set to Draft"))
        self.write(
            {
                "state": "draft",
                "date_submitted": False,
                "date_confirmed": False,
                "date_started": False,
                "date_ready": False,
                "date_done": False,
                "date_cancelled": False,
                "cancel_reason": False,
            }
        )
        return True

    def action_load_questions(self):
        """Add the questions that apply to the order and are not answered yet."""
        self._check_action_rights()
        for order in self:
            tasks = self.env["service.task"]._get_applicable_tasks(
                order.partner_id,
                order.device_model_id,
                order.company_id,
                request_type=order.request_type_id,
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
        xmlid = STATE_INFO[state].template
        template = xmlid and self.env.ref(xmlid, raise_if_not_found=False)
        if not template:
            return
        for order in self.with_context(mail_notify_force_send=False):
            order.message_post_with_source(
                template,
                subtype_xmlid="mail.mt_comment",
                email_layout_xmlid="mail.mail_notification_light",
            )

    # ------------------------------------------------------------
    # Service hours and service levels
    # ------------------------------------------------------------

    def _get_service_terms(self):
        """The response time and the service hours that apply to the order:
        the location's (service_contracts: a covering contract's win where
        set).

        :return: ``{"response_time_hours": float, "calendar":
            resource.calendar record, possibly empty}``
        """
        self.ensure_one()
        location = self.location_id
        return {
            "response_time_hours": location.response_time_hours,
            "calendar": location.resource_calendar_id,
        }

    def _get_service_leave_domain(self):
        """The time off that is not service time: the public holidays (time
        off without resource) of the service hours, and those of the order's
        company valid for every calendar, never another company's."""
        self.ensure_one()
        return [
            ("time_type", "=", "leave"),
            "|",
            ("calendar_id", "!=", False),
            ("company_id", "=", self.company_id.id),
        ]

    def _add_service_hours(self, start, hours, calendar):
        """``start`` (naive UTC) plus ``hours`` of working time of
        ``calendar`` (naive UTC); plus ``hours`` on the clock without calendar
        or when the calendar has no working time."""
        self.ensure_one()
        if calendar:
            end = calendar.plan_hours(
                hours,
                utc.localize(start),
                compute_leaves=True,
                domain=self._get_service_leave_domain(),
            )
            if end:
                end = end.astimezone(utc).replace(tzinfo=None)
                # plan_hours works in float hours: drop the rounding noise
                return (end + timedelta(microseconds=500000)).replace(microsecond=0)
        return start + timedelta(hours=hours)

    def _add_service_days(self, start, days, calendar):
        """The date of the ``days``-th working day of ``calendar`` after the
        day of ``start`` (naive UTC), in the calendar's time zone: the day of
        the submission does not count, as in calendar days. Without calendar
        (or working time in it), the day of ``start`` in the user's time zone
        plus ``days`` calendar days."""
        self.ensure_one()
        if not calendar:
            day = fields.Datetime.context_timestamp(self, start).date()
            return day + timedelta(days=days)
        tz = timezone(calendar.tz or "UTC")
        day = utc.localize(start).astimezone(tz).date()
        if days > 0:
            next_day = tz.localize(datetime.combine(day + timedelta(days=1), time.min))
            end = calendar.plan_days(
                days,
                next_day,
                compute_leaves=True,
                domain=self._get_service_leave_domain(),
            )
            if end:
                return end.astimezone(tz).date()
        return day + timedelta(days=days)

    def _get_service_duration(self, start, end, calendar):
        """Working time of ``calendar`` between ``start`` and ``end`` (naive
        UTC) as ``{"days": float, "hours": float}``; time on the clock without
        calendar."""
        self.ensure_one()
        if end <= start:
            return {"days": 0.0, "hours": 0.0}
        if calendar:
            return calendar.get_work_duration_data(
                utc.localize(start),
                utc.localize(end),
                compute_leaves=True,
                domain=self._get_service_leave_domain(),
            )
        seconds = (end - start).total_seconds()
        return {"days": seconds / 86400, "hours": seconds / 3600}

    def _get_response_date(self):
        """When the work on the order started: ``date_started`` (set by
        ``action_start``), or a later step for orders that skipped it."""
        self.ensure_one()
        return self.date_started or self.date_ready or self.date_done

    def _get_sla_status(self, now):
        """The service level of the order at ``now`` (False: none, for drafts,
        cancelled orders and orders without response deadline)."""
        self.ensure_one()
        deadline = self.date_response_deadline
        if not deadline or self.state not in SLA_STATES:
            return False
        responded = self._get_response_date()
        if responded:
            return "met" if responded <= deadline else "breached"
        if now > deadline:
            return "breached"
        if self.date_sla_at_risk and now > self.date_sla_at_risk:
            return "at_risk"
        return "on_track"

    @api.model
    def _evaluate_sla_status(self):
        """Compute the service level of the orders whose dates or state just
        changed now: it depends on the time of the change, which must not be
        the time of a later flush."""
        pending = self.env.records_to_compute(self._fields["sla_status"]) & self
        if pending:
            pending.sudo().mapped("sla_status")

    @api.model
    def _get_sla_status_due_domain(self, now):
        """The orders waiting for work whose stored status is out of date at
        ``now``: their at-risk threshold or their deadline has passed since
        their status was set (the only status changes that time makes)."""
        waiting = (
            Domain("state", "in", SLA_OPEN_STATES)
            & Domain("date_started", "=", False)
            & Domain("date_ready", "=", False)
            & Domain("date_done", "=", False)
        )
        breached = Domain("sla_status", "in", ("on_track", "at_risk")) & Domain(
            "date_response_deadline", "<", now
        )
        at_risk = Domain("sla_status", "=", "on_track") & Domain(
            "date_sla_at_risk", "<", now
        )
        return waiting & (breached | at_risk)

    @api.model
    def _cron_update_sla_status(self, batch_size=SLA_CRON_BATCH_SIZE):
        """Scheduled action: write the new status of the orders whose service
        level changed with time (at risk, breached), and of those only; the
        other changes follow the orders' dates and states. Progress is
        committed per batch."""
        now = fields.Datetime.now()
        domain = self._get_sla_status_due_domain(now)
        remaining = self.search_count(domain)
        last_id = 0
        while remaining:
            orders = self.search(
                domain & Domain("id", ">", last_id), order="id", limit=batch_size
            )
            if not orders:
                break
            changes = defaultdict(list)
            for order in orders:
                status = order._get_sla_status(now)
                if status != order.sla_status:
                    changes[status].append(order.id)
            for status, order_ids in changes.items():
                self.browse(order_ids).write({"sla_status": status})
            last_id = orders[-1].id
            remaining = max(remaining - len(orders), 0)
            if not self.env["ir.cron"]._commit_progress(
                len(orders), remaining=remaining
            ):
                break

    # ------------------------------------------------------------
    # Customer files
    # ------------------------------------------------------------

    @api.model
    def _get_portal_upload_limits(self):
        """Size of one file (bytes), files per request and files per order
        that customers may add (system parameters, sane defaults)."""
        env = self.env
        return {
            "max_size": get_positive_int_param(
                env, UPLOAD_MAX_SIZE_PARAM, UPLOAD_MAX_SIZE_DEFAULT
            ),
            "max_files_request": UPLOAD_MAX_FILES_PER_REQUEST,
            "max_files_order": get_positive_int_param(
                env, UPLOAD_MAX_FILES_PARAM, UPLOAD_MAX_FILES_DEFAULT
            ),
        }

    def _get_customer_file_count(self):
        self.ensure_one()
        return (
            self.env["ir.attachment"]
            .sudo()
            .search_count([("res_model", "=", self._name), ("res_id", "=", self.id)])
        )

    def _check_portal_upload(self, file_count, sizes=()):
        """Refuse an upload of ``file_count`` files (of ``sizes`` bytes) that
        breaks the limits, with a sentence for the customer."""
        self.ensure_one()
        limits = self._get_portal_upload_limits()
        if any(size > limits["max_size"] for size in sizes):
            raise UserError(
                self.env._(
                    "A file is too large: at most %(size)s MB per file.",
                    size=f"{limits['max_size'] / (1024 * 1024):g}",
                )
            )
        if file_count > limits["max_files_request"]:
            raise UserError(
                self.env._(
                    "Add at most %(count)s files at once.",
                    count=limits["max_files_request"],
                )
            )
        if self._get_customer_file_count() + file_count > limits["max_files_order"]:
            raise UserError(
                self.env._(
                    "A service order holds at most %(count)s files.",
                    count=limits["max_files_order"],
                )
            )

    def _portal_add_files(self, files, author):
        """Attach ``files`` (``(name, bytes)`` pairs) to the order in one
        message of ``author`` that the customer sees. The type of each file is
        decided from its content, never from its name or the browser."""
        self.ensure_one()
        self._check_portal_upload(len(files), [len(data) for _name, data in files])
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            # customers' HTML, SVG or XML is stored as text, never served as a page
            .with_context(attachments_mime_plainxml=True)
            .create(
                [
                    {
                        "name": self._clean_portal_filename(name),
                        "raw": data,
                        "mimetype": guess_mimetype(data),
                        "res_model": self._name,
                        "res_id": self.id,
                    }
                    for name, data in files
                ]
            )
        )
        # as the superuser: message_post keeps only the pending attachments of
        # a portal user, and these are the server's own, already checked
        self.with_user(SUPERUSER_ID).with_context(
            mail_notify_force_send=False
        ).message_post(
            body=self.env._("Files added by the customer."),
            attachment_ids=attachments.ids,
            author_id=author.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return attachments

    def _get_portal_attachments(self):
        """Files the customer may see: those of messages shown on the portal."""
        self.ensure_one()
        return self._get_portal_file_messages().attachment_ids.sorted("id")

    def _get_portal_file_messages(self):
        """Messages with files that the customer sees on the portal."""
        self.ensure_one()
        return (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("message_type", "in", ("comment", "email")),
                    ("is_internal", "=", False),
                    ("attachment_ids", "!=", False),
                    "|",
                    ("subtype_id", "=", False),
                    ("subtype_id.internal", "=", False),
                ],
                order="id",
            )
        )

    @api.model
    def _clean_portal_filename(self, name):
        """A file name as a customer's browser sent it, without path or
        control characters, at most 200 characters."""
        name = re.split(r"[\\/]", name or "")[-1].strip()
        name = re.sub(r"[\x00-\x1f\x7f]", "", name)[:200]
        return name or "file"

    def _portal_can_edit(self, user):
        """The customer who created a draft may still change and approve it."""
        self.ensure_one()
        return bool(
            self.state == "draft"
            and not user._is_public()
            and self.partner_id == user.partner_id
        )

    def _portal_can_sign_handover(self):
        """The customer may sign for pickup on the portal."""
        self.ensure_one()
        return self.state == "ready" and not self.date_handover

    def _prepare_portal_answer_commands(self, answers):
        """Commands replacing the customer's answers of this draft (or of a
        new order, on an empty recordset) by ``answers`` (values of
        ``service.order.answer._from_portal_value``)."""
        existing = {
            answer.task_id.id: answer
            for answer in self.answer_ids.filtered("filled_by_customer")
        }
        commands = []
        for vals in answers:
            answer = existing.pop(vals["task_id"], None)
            if answer:
                commands.append(fields.Command.update(answer.id, vals))
            else:
                commands.append(fields.Command.create(vals))
        commands += [fields.Command.unlink(a.id) for a in existing.values()]
        return commands

    def _get_customer_state_labels(self):
        """Status labels shown to customers (portal, tracking page, e-mails)."""
        return {
            "draft": self.env._("Draft"),
            "submitted": self.env._("Awaiting approval"),
            "confirmed": self.env._("Received"),
            "in_progress": self.env._("In repair"),
            "ready": self.env._("Ready"),
            "done": self.env._("Completed"),
            "cancelled": self.env._("Cancelled"),
        }

    def _get_customer_status_label(self):
        self.ensure_one()
        return self._get_customer_state_labels()[self.state]

    def _get_portal_badge_class(self):
        self.ensure_one()
        return STATE_INFO[self.state].badge

    def _get_portal_timeline(self):
        """The customer's steps of the order: label, date reached, done/current.

        Built from the date each state stores when it is reached; a cancelled
        order shows the steps it went through, then the cancellation.
        """
        self.ensure_one()
        labels = self._get_customer_state_labels()
        reached = {
            state: self[info.date_field]
            for state, info in STATE_INFO.items()
            if self[info.date_field]
        }
        if len(reached) > 1 and reached.get("draft"):
            # demo or imported orders: created after they were submitted
            reached["draft"] = min(reached.values())
        if self.state == "cancelled":
            flow = [s for s in TIMELINE_STATES if s in reached] + ["cancelled"]
        else:
            flow = list(TIMELINE_STATES)
            if self.is_reseller_order and not self.date_submitted:
                flow.remove("submitted")
        current_index = flow.index(self.state) if self.state in flow else 0
        return [
            {
                "state": state,
                "label": labels[state],
                "date": reached.get(state) if index <= current_index else False,
                "done": index < current_index,
                "current": index == current_index,
            }
            for index, state in enumerate(flow)
        ]

    def _get_portal_timeline_events(self):
        """The proof timeline of the order, for the customer: what happened,
        when, by whom, built from stored data (never from tracking values),
        so it reads the same in every language.

        Extensions add their events (call ``super()`` and extend the list).

        :return: list of ``{"date": datetime, "kind": str, "label": str,
            "detail": str or False, "by": str or False}``; ``kind`` is
            ``submitted``, ``files``, ``state`` (with the state in
            ``"state"``), ``handover``…; in any order (see
            ``_get_portal_timeline_entries``)
        """
        self.ensure_one()
        order = self.sudo()
        labels = self._get_customer_state_labels()
        events = []
        if order.date_submitted:
            answers = order.answer_ids.filtered(
                lambda a: a.filled_by_customer and a.is_answered
            )
            detail = "\n".join(
                f"{answer.task_id.name}: {answer.value_display}" for answer in answers
            )
            events.append(
                {
                    "date": order.date_submitted,
                    "kind": "submitted",
                    "label": self.env._("Service order submitted"),
                    "detail": detail or False,
                    "by": order.partner_id.name or False,
                }
            )
        for state, info in STATE_INFO.items():
            if state in ("draft", "submitted") or not order[info.date_field]:
                continue
            events.append(
                {
                    "date": order[info.date_field],
                    "kind": "state",
                    "state": state,
                    "label": labels[state],
                    "detail": (
                        order.cancel_reason or False if state == "cancelled" else False
                    ),
                    "by": False,
                }
            )
        customers = order.commercial_partner_id | order.partner_id
        for message in order._get_portal_file_messages():
            if message.author_id.commercial_partner_id not in customers:
                continue
            events.append(
                {
                    "date": message.date,
                    "kind": "files",
                    "label": self.env._("Files added"),
                    "detail": ", ".join(
                        message.attachment_ids.sorted("id").mapped("name")
                    ),
                    "by": message.author_id.name or False,
                }
            )
        if order.date_handover:
            events.append(
                {
                    "date": order.date_handover,
                    "kind": "handover",
                    "label": self.env._("Signed for pickup"),
                    "detail": False,
                    "by": order.handover_signed_by or False,
                }
            )
        return events

    def _get_portal_timeline_entries(self):
        """``_get_portal_timeline_events`` in the order they happened."""
        self.ensure_one()
        events = self._get_portal_timeline_events()
        # at the same time, what led to closing the order comes before it
        return sorted(
            events,
            key=lambda event: (event["date"], event.get("state") in CLOSED_STATES),
        )

    # ------------------------------------------------------------
    # Public tracking
    # ------------------------------------------------------------

    @api.model
    def _find_tracked_order(self, order_number, last_name, company=None):
        """The order whose number is ``order_number`` (case-insensitive,
        surrounding spaces ignored) and whose customer's last name (last word
        of the name) is exactly ``last_name`` (case-insensitive); an empty
        recordset otherwise. No pattern matching on the input: ``%``, ``_``
        and empty values never match. With ``company``, only the orders of its
        company tree. Returns a sudo record: the public tracking page only
        gives out ``_get_track_values()``.

        Flat at any number of orders: one indexed equality on ``lower(name)``
        (``_name_lower_idx``), then the name check in Python on the few
        candidates (one per company); unknown numbers and wrong names get the
        same empty answer."""
        Order = self.sudo()
        number = track_order_number(order_number)
        name = track_last_name(last_name)
        if not number or not name:
            return Order.browse()
        domain = Domain.custom(
            to_sql=lambda model, alias, query: SQL(
                "lower(%s) = %s", model._field_to_sql(alias, "name", query), number
            )
        )
        if company:
            domain &= Domain("company_id", "child_of", company.root_id.id)
        candidates = Order.search_fetch(
            domain, ["partner_id"], order="id", limit=MAX_TRACK_CANDIDATES
        )
        found = Order.browse()
        for order in candidates:
            expected = partner_last_name(order.partner_id.name)
            if expected and consteq(expected.encode(), name.encode()) and not found:
                found = order
        return found

    def _get_track_values(self):
        """The only data the public tracking page shows about the order, as
        plain strings: never personal data, amounts, tokens or notes. Read as
        superuser, on these display fields only: the page is rendered for the
        public user, and the location may be one customers cannot read."""
        self.ensure_one()
        order = self.sudo()
        device = " – ".join(
            part
            for part in (order.device_model_id.display_name, order.device_description)
            if part
        )
        return {
            "number": order.name,
            "status": order._get_customer_status_label(),
            "device": device,
            "agent": order.user_id.name or "",
            "location": order.location_id.name or "",
        }

    # ------------------------------------------------------------
    # Mail gateway (e-mail intake through the alias of a location)
    # ------------------------------------------------------------

    @api.model
    def _routing_check_route(self, message, message_dict, route, raise_exception=True):
        """Refuse to open an order for a mail sent by a machine (auto-reply,
        bulk mail), for a sender without a valid address or for one of our own
        addresses (aliases, catchall, bounce): a log line, no order, no bounce.
        Replies to an order's thread are routed as usual."""
        model, thread_id = route[0], route[1]
        if model == self._name and not thread_id:
            refusal = self._mail_get_intake_refusal(message, message_dict)
            if refusal:
                _logger.info(
                    "Ignored mail from %s to %s with Message-Id %s: %s, no "
                    "service order opened",
                    message_dict.get("email_from"),
                    message_dict.get("to"),
                    message_dict.get("message_id"),
                    refusal,
                )
                return ()
        return super()._routing_check_route(
            message, message_dict, route, raise_exception=raise_exception
        )

    @api.model
    def _detect_loop_sender_domain(self, email_from_normalized):
        # Odoo's loop detection counts the recent orders of the sender opened
        # by mail (service orders have no e-mail field of their own)
        domain = Domain("partner_id.email_normalized", "=", email_from_normalized)
        tag = self.env.ref("service_portal.service_order_tag_email", False)
        if tag:
            domain &= Domain("tag_ids", "in", tag.ids)
        return domain

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """Open a draft order for the sender of a mail to the alias of a
        location: the customer is the contact with the sender's address (a new
        contact to review when there is none), the subject and the text of the
        body are the problem description, the files are kept within the limits
        of portal uploads and the location's agent gets an activity."""
        # public, so callable over RPC: only the gateway (superuser) or those
        # who may create orders
        self.check_access("create")
        values = dict(custom_values or {})
        location = (
            self.env["service.location"].browse(values.get("location_id")).exists()
        )
        company = location.company_id or self.env.company
        partner = self._mail_find_or_create_customer(
            msg_dict.get("email_from"), company
        )
        tag = self.env.ref("service_portal.service_order_tag_email", False)
        values.update(
            {
                "partner_id": partner.id,
                "location_id": location.id,
                "company_id": company.id,
                "problem_description": self._mail_get_problem_description(msg_dict),
            }
        )
        if tag:
            values["tag_ids"] = [fields.Command.link(tag.id)]
        values.pop("name", None)
        order = self.with_company(company).create(values)
        # the mail is posted next by the gateway: its author is the customer
        msg_dict["author_id"] = partner.id
        order._mail_apply_intake_limits(msg_dict)
        agent = location.user_id
        if agent.active and not agent.share:
            order.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=agent.id,
                summary=self.env._("Review the request received by e-mail"),
            )
        _logger.info(
            "Service order %s opened by mail from %s (Message-Id %s)",
            order.name,
            msg_dict.get("email_from"),
            msg_dict.get("message_id"),
        )
        return order

    def message_update(self, msg_dict, update_vals=None):
        # replies: the same limits for their body and files; public, so
        # callable over RPC: only the gateway or those who may edit the order
        self.check_access("write")
        for order in self:
            order._mail_apply_intake_limits(msg_dict)
        return super().message_update(msg_dict, update_vals=update_vals)

    @api.model
    def _mail_get_intake_refusal(self, message, message_dict):
        """Why a mail opens no order, or ``None``."""
        auto_submitted = str(message.get("Auto-Submitted") or "").strip().lower()
        if auto_submitted and auto_submitted != "no":
            return "auto-submitted mail"
        if message.get("X-Autoreply") or message.get("X-Autorespond"):
            return "auto-reply"
        precedence = str(message.get("Precedence") or "").strip().lower()
        if precedence in MAIL_AUTO_PRECEDENCES:
            return f"precedence {precedence}"
        email = email_normalize(message_dict.get("email_from") or "")
        if not email:
            return "no valid sender address"
        if self.env["mail.alias.domain"].sudo()._find_aliases([email]):
            return "sent by one of our own addresses"
        return None

    @api.model
    def _mail_find_or_create_customer(self, email_from, company):
        """The contact with the sender's address (case-insensitive, a contact
        of ``company`` or of no company), else a new contact flagged for
        review. No portal account is created."""
        name, email = parse_contact_from_email(email_from)
        name = (name or email)[:MAIL_PARTNER_NAME_MAX_CHARS]
        return self._partner_find_from_emails_single(
            [email_from],
            filter_found=lambda p: not p.company_id or p.company_id == company,
            additional_values={email: {"name": name, "service_to_review": True}},
        )[:1]

    @api.model
    def _mail_get_problem_description(self, msg_dict):
        """Subject and text of the mail body, without markup, scripts, quoted
        replies and signatures (as far as Odoo's quote detection finds them)."""
        subject = (msg_dict.get("subject") or "").strip()
        text = self._mail_body_to_text(msg_dict.get("body") or "")
        description = "\n\n".join(part for part in (subject, text) if part)
        if len(description) > MAIL_PROBLEM_MAX_CHARS:
            description = description[:MAIL_PROBLEM_MAX_CHARS].rstrip() + "\n[…]"
        return description

    @api.model
    def _mail_body_to_text(self, body):
        if not body.strip():
            return ""
        # sanitizing drops scripts and styles and marks quotes and signatures
        clean = html_sanitize(body[:MAIL_BODY_MAX_CHARS])
        if not clean:
            return ""
        try:
            root = html.fragment_fromstring(clean, create_parent="div")
        except (etree.ParserError, ValueError):
            return html2plaintext(clean).strip()
        for node in root.xpath(
            "//*[@data-o-mail-quote][not(ancestor::*[@data-o-mail-quote])]"
        ):
            node.drop_tree()
        return html2plaintext(
            etree.tostring(root, encoding="unicode", method="html"),
            include_references=False,
        ).strip()

    def _mail_apply_intake_limits(self, msg_dict):
        """Cut the body of an incoming mail and keep only the files that fit
        in the limits of portal uploads (size of a file, files per request,
        files per order); say so in the posted message and in the log."""
        self.ensure_one()
        notes = []
        body = msg_dict.get("body") or ""
        if len(body) > MAIL_BODY_MAX_CHARS:
            msg_dict["body"] = html_sanitize(body[:MAIL_BODY_MAX_CHARS])
            notes.append(
                self.env._(
                    "The message was cut: it was longer than %(count)s characters.",
                    count=MAIL_BODY_MAX_CHARS,
                )
            )
            _logger.warning(
                "Mail with Message-Id %s to service order %s: body of %s "
                "characters cut to %s",
                msg_dict.get("message_id"),
                self.name,
                len(body),
                MAIL_BODY_MAX_CHARS,
            )
        attachments = msg_dict.get("attachments") or []
        if attachments:
            kept = self._mail_filter_attachments(attachments)
            if len(kept) < len(attachments):
                limits = self._get_portal_upload_limits()
                notes.append(
                    self.env._(
                        "%(dropped)s of the %(count)s attached files were not "
                        "kept: at most %(files)s files of %(size)s MB per "
                        "e-mail and %(order_files)s files per order.",
                        dropped=len(attachments) - len(kept),
                        count=len(attachments),
                        files=limits["max_files_request"],
                        size=f"{limits['max_size'] / (1024 * 1024):g}",
                        order_files=limits["max_files_order"],
                    )
                )
                _logger.warning(
                    "Mail with Message-Id %s to service order %s: %s of %s "
                    "attachments dropped (limits of portal uploads)",
                    msg_dict.get("message_id"),
                    self.name,
                    len(attachments) - len(kept),
                    len(attachments),
                )
            msg_dict["attachments"] = kept
        for note in notes:
            msg_dict["body"] = (msg_dict.get("body") or "") + Markup(
                "<p><em>%s</em></p>"
            ) % note

    def _mail_filter_attachments(self, attachments):
        """The files of a mail that the order may take, with clean names:
        each within the size limit, at most the files of one portal upload
        and what the order has room for."""
        self.ensure_one()
        limits = self._get_portal_upload_limits()
        room = min(
            limits["max_files_request"],
            limits["max_files_order"] - self._get_customer_file_count(),
        )
        kept = []
        for attachment in attachments:
            if len(kept) >= room:
                break
            name, content = attachment[0], attachment[1]
            info = attachment[2] if len(attachment) > 2 else {}
            size = len(content.encode() if isinstance(content, str) else content or b"")
            if size > limits["max_size"]:
                continue
            kept.append((self._clean_portal_filename(name), content, info))
        return kept
