from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools.date_utils import sum_intervals
from odoo.tools.intervals import Intervals

from odoo.addons.service_portal.models.service_state_mixin import (
    SERVICE_MANAGER_GROUP,
    SERVICE_USER_GROUP,
)

from .dispatch_slot import naive_utc

# What a technician is: the fields service managers edit without the right
# to change users (Settings), see ``write``.
TECHNICIAN_FIELDS = frozenset(
    {
        "service_skill_ids",
        "service_zone_ids",
        "service_location_ids",
        "service_capacity",
        "service_calendar_id",
    }
)
# Orders that keep a technician busy (count against their capacity).
LOAD_STATES = ("submitted", "confirmed", "in_progress")
# Orders whose planned slot counts in a technician's planned hours.
PLANNED_STATES = ("draft", "submitted", "confirmed", "in_progress", "ready", "done")


class ResUsers(models.Model):
    _inherit = "res.users"

    service_skill_ids = fields.Many2many(
        "service.skill",
        "service_skill_res_users_rel",
        "user_id",
        "skill_id",
        string="Skills",
        groups=SERVICE_USER_GROUP,
    )
    service_zone_ids = fields.Many2many(
        "service.zone",
        "service_zone_res_users_rel",
        "user_id",
        "zone_id",
        string="Zones",
        groups=SERVICE_USER_GROUP,
        help="Zones the technician covers: orders of customers in these zones "
        "go to them first.",
    )
    service_location_ids = fields.Many2many(
        "service.location",
        "service_location_res_users_rel",
        "user_id",
        "location_id",
        string="Service Locations",
        groups=SERVICE_USER_GROUP,
        help="Locations the technician works for: only their orders are "
        "assigned to them.",
    )
    service_capacity = fields.Integer(
        string="Capacity",
        groups=SERVICE_USER_GROUP,
        help="Open orders (submitted, confirmed, in progress) the technician "
        "takes at once; 0 means no limit.",
    )
    service_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Hours",
        compute="_compute_service_calendar_id",
        inverse="_inverse_service_calendar_id",
        groups=SERVICE_USER_GROUP,
        help="Working hours of the technician's resource; the company's "
        "working hours until set.",
    )
    service_can_edit = fields.Boolean(
        string="Can Edit Technician",
        compute="_compute_service_can_edit",
        groups=SERVICE_USER_GROUP,
    )
    service_open_order_count = fields.Integer(
        string="Open Orders",
        compute="_compute_service_workload",
        groups=SERVICE_USER_GROUP,
    )
    service_planned_hours_today = fields.Float(
        string="Planned Today",
        compute="_compute_service_workload",
        groups=SERVICE_USER_GROUP,
    )
    service_work_hours_today = fields.Float(
        string="Working Hours Today",
        compute="_compute_service_workload",
        groups=SERVICE_USER_GROUP,
    )
    service_planned_hours_week = fields.Float(
        string="Planned This Week",
        compute="_compute_service_workload",
        groups=SERVICE_USER_GROUP,
    )
    service_work_hours_week = fields.Float(
        string="Working Hours This Week",
        compute="_compute_service_workload",
        groups=SERVICE_USER_GROUP,
    )

    _service_capacity_positive = models.Constraint(
        "CHECK(service_capacity >= 0)",
        "The capacity of a technician cannot be negative.",
    )

    @api.depends("resource_ids.calendar_id", "company_id.resource_calendar_id")
    def _compute_service_calendar_id(self):
        for user in self:
            resource = user._service_get_resource()
            user.service_calendar_id = (
                resource.calendar_id
                if resource
                else user.company_id.resource_calendar_id
            )

    def _inverse_service_calendar_id(self):
        for user in self:
            resource = user._service_get_resource(create=True)
            resource.sudo().calendar_id = user.service_calendar_id

    @api.depends_context("uid")
    def _compute_service_can_edit(self):
        can_edit = self.env.user.has_group(SERVICE_MANAGER_GROUP)
        for user in self:
            user.service_can_edit = can_edit

    @api.depends_context("uid")
    def _compute_service_workload(self):
        users = self.filtered(lambda u: isinstance(u.id, int))
        (self - users).update(
            dict.fromkeys(
                (
                    "service_open_order_count",
                    "service_planned_hours_today",
                    "service_work_hours_today",
                    "service_planned_hours_week",
                    "service_work_hours_week",
                ),
                0,
            )
        )
        if not users:
            return
        loads = users._service_get_loads()
        now = fields.Datetime.now()
        # the widest bounds of "this week" in any time zone, then each
        # technician's own day and week
        start = pytz.utc.localize(now - timedelta(days=8))
        end = pytz.utc.localize(now + timedelta(days=8))
        work = users._service_work_intervals(start, end)
        planned = users._service_planned_intervals(start, end, PLANNED_STATES)
        for user in users:
            day_start, day_end, week_start, week_end = user._service_periods(now)
            user_work = work[user.id]
            user_planned = Intervals(planned[user.id]) & user_work
            user.service_open_order_count = loads.get(user.id, 0)
            user.service_work_hours_today = _hours(user_work, day_start, day_end)
            user.service_work_hours_week = _hours(user_work, week_start, week_end)
            user.service_planned_hours_today = _hours(user_planned, day_start, day_end)
            user.service_planned_hours_week = _hours(user_planned, week_start, week_end)

    def write(self, vals):
        """Service managers set what makes a technician (skills, zones,
        locations, capacity, working hours) without the right to change
        users: as ``res.users`` does for the fields users change on
        themselves, these fields only are written as superuser once the
        manager's rights are checked."""
        if (
            isinstance(vals, dict)
            and vals
            and set(vals) <= TECHNICIAN_FIELDS
            and not self.env.su
            and self.env.user.has_group(SERVICE_MANAGER_GROUP)
            and not self.env["res.users"].has_access("write")
        ):
            before = self._service_check_technician_write(vals)
            res = super(ResUsers, self.sudo()).write(vals)
            for (user_id, fname), old in before.items():
                added = self.browse(user_id).sudo()[fname] - old
                # the manager links only what they can read (their companies)
                added.with_env(self.env).check_access("read")
            return res
        return super().write(vals)

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_service_time_off(self):
        """The technician's time off (their resource's leaves), for service
        managers."""
        self.ensure_one()
        self._service_check_manager()
        resource = self._service_get_resource(create=True)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Time Off of %(name)s", name=self.name),
            "res_model": "resource.calendar.leaves",
            "view_mode": "list,form,calendar",
            "views": [
                (self.env.ref(f"resource.{xmlid}").id, view_type)
                for xmlid, view_type in (
                    ("resource_calendar_leave_tree", "list"),
                    ("resource_calendar_leave_form", "form"),
                    ("view_resource_calendar", "calendar"),
                )
            ],
            "domain": [("resource_id", "=", resource.id)],
            "context": {
                "default_resource_id": resource.id,
                "default_calendar_id": resource.calendar_id.id,
                "default_company_id": resource.company_id.id,
                "default_time_type": "leave",
            },
        }

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    def _service_check_manager(self):
        if not self.env.su and not self.env.user.has_group(SERVICE_MANAGER_GROUP):
            raise AccessError(
                self.env._("Only service administrators can change technicians.")
            )
        self.check_access("read")
        if any(user.share for user in self):
            raise AccessError(
                self.env._("Portal and public users cannot be technicians.")
            )

    def _service_check_technician_write(self, vals):
        """Check a service manager's write of ``vals`` on technicians;
        returns the zones and locations before it, {(user id, field): records}."""
        self._service_check_manager()
        if vals.get("service_calendar_id"):
            calendar = self.env["resource.calendar"].browse(vals["service_calendar_id"])
            calendar.check_access("read")
        return {
            (user.id, fname): user.sudo()[fname]
            for user in self
            for fname in ("service_zone_ids", "service_location_ids")
            if fname in vals
        }

    @api.model
    def _service_technician_domain(self, companies=None):
        group = self.env.ref(SERVICE_USER_GROUP)
        domain = [("share", "=", False), ("all_group_ids", "in", group.ids)]
        if companies is not None:
            domain.append(("company_ids", "in", companies.ids))
        return domain

    @api.model
    def _service_search_technicians(self, companies=None):
        """Active internal users of the service groups (of ``companies``)."""
        return self.search(self._service_technician_domain(companies))

    def _service_get_resource(self, company=None, create=False):
        """The technician's ``resource.resource`` in ``company`` (default:
        their company), created with the company's working hours if needed.

        Users of Odoo without HR have no resource until one is needed; with
        HR installed, the employee's resource is the user's and its time off
        (``resource.calendar.leaves``) counts here too."""
        self.ensure_one()
        company = company or self.company_id
        resources = self.sudo().resource_ids
        resource = (
            resources.filtered(lambda r: r.company_id == company)[:1]
            or resources.filtered(lambda r: not r.company_id)[:1]
        )
        if not resource and create and isinstance(self.id, int):
            resource = (
                self.env["resource.resource"]
                .sudo()
                .create(
                    {
                        "name": self.name,
                        "user_id": self.id,
                        "company_id": company.id,
                        "calendar_id": company.resource_calendar_id.id,
                        "tz": self.tz or company.resource_calendar_id.tz or "UTC",
                    }
                )
            )
        return resource

    def _service_get_tz(self):
        self.ensure_one()
        resource = self._service_get_resource()
        return pytz.timezone(
            resource.tz or self.tz or self.company_id.resource_calendar_id.tz or "UTC"
        )

    def _service_periods(self, now):
        """Bounds of the technician's today and this week (Monday to Sunday,
        in their time zone) as aware datetimes."""
        tz = self._service_get_tz()
        today = pytz.utc.localize(now).astimezone(tz).date()
        monday = today - timedelta(days=today.weekday())

        def local(day):
            return tz.localize(datetime.combine(day, time.min))

        return (
            local(today),
            local(today + timedelta(days=1)),
            local(monday),
            local(monday + timedelta(days=7)),
        )

    def _service_day_bounds(self, day):
        """Bounds of ``day`` in the technician's time zone, as naive UTC."""
        tz = self._service_get_tz()
        return tuple(
            naive_utc(tz.localize(datetime.combine(d, time.min)))
            for d in (day, day + timedelta(days=1))
        )

    def _service_get_loads(self, exclude_orders=None):
        """{user id: number of open orders} in one query."""
        domain = [("user_id", "in", self.ids), ("state", "in", LOAD_STATES)]
        if exclude_orders:
            domain.append(("id", "not in", exclude_orders.ids))
        groups = (
            self.env["service.order"]
            .sudo()
            ._read_group(domain, ["user_id"], ["__count"])
        )
        return {user.id: count for user, count in groups}

    def _service_work_intervals(self, start, end, company=None):
        """{user id: Intervals} of working time between the aware datetimes
        ``start`` and ``end``: the working hours of the technician's resource
        minus its time off and the public holidays of its calendar; the
        company's working hours for users without a resource.

        A constant number of queries per distinct calendar, whatever the
        number of technicians (``_work_intervals_batch``)."""
        Resource = self.env["resource.resource"].sudo()
        resources = Resource.search([("user_id", "in", self.ids)])
        by_user = defaultdict(Resource.browse)
        for resource in resources:
            by_user[resource.user_id.id] |= resource
        per_calendar = defaultdict(lambda: (Resource.browse(), self.browse()))
        for user in self:
            user_company = company or user.company_id
            mine = by_user[user.id]
            resource = (
                mine.filtered(lambda r, c=user_company: r.company_id == c)[:1]
                or mine.filtered(lambda r: not r.company_id)[:1]
            )
            if resource:
                calendar = resource.calendar_id or user_company.resource_calendar_id
                with_resource, without = per_calendar[calendar]
                per_calendar[calendar] = (with_resource | resource, without)
            else:
                calendar = user_company.resource_calendar_id
                with_resource, without = per_calendar[calendar]
                per_calendar[calendar] = (with_resource, without | user)
        result = {}
        for calendar, (with_resource, without) in per_calendar.items():
            if not calendar:
                # a company without working hours: always available
                always = Intervals([(start, end, Resource)])
                for user in with_resource.user_id | without:
                    result[user.id] = always
                continue
            intervals = calendar.sudo()._work_intervals_batch(
                start, end, resources=with_resource
            )
            for resource in with_resource:
                result[resource.user_id.id] = intervals[resource.id]
            for user in without:
                result[user.id] = intervals[False]
        return result

    def _service_planned_intervals(self, start, end, states, exclude_orders=None):
        """{user id: sorted [(start, end, order)]} of the orders planned for
        the technicians between ``start`` and ``end`` (aware), in one query."""
        domain = [
            ("user_id", "in", self.ids),
            ("state", "in", states),
            ("date_planned_start", "<", end.astimezone(pytz.utc).replace(tzinfo=None)),
            ("date_planned_end", ">", start.astimezone(pytz.utc).replace(tzinfo=None)),
        ]
        if exclude_orders:
            domain.append(("id", "not in", exclude_orders.ids))
        orders = (
            self.env["service.order"]
            .sudo()
            .search_fetch(
                domain,
                ["user_id", "date_planned_start", "date_planned_end"],
                order="date_planned_start, id",
            )
        )
        result = defaultdict(list)
        for order in orders:
            result[order.user_id.id].append(
                (
                    pytz.utc.localize(order.date_planned_start),
                    pytz.utc.localize(order.date_planned_end),
                    order,
                )
            )
        return result


def _hours(intervals, start, end):
    """Hours of ``intervals`` between ``start`` and ``end``."""
    window = Intervals([(start, end, set())])
    return round(sum_intervals(intervals & window), 2)
