from datetime import timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.service_portal.models.service_state_mixin import (
    SERVICE_MANAGER_GROUP,
    SERVICE_USER_GROUP,
)

from .dispatch_planner import DispatchPlanner
from .dispatch_slot import naive_utc

# Orders a technician can still be chosen for.
ASSIGNABLE_STATES = ("draft", "submitted", "confirmed", "in_progress")


class ServiceOrder(models.Model):
    _inherit = "service.order"

    required_skill_ids = fields.Many2many(
        "service.skill",
        "service_order_service_skill_rel",
        "order_id",
        "skill_id",
        string="Required Skills",
        compute="_compute_required_skill_ids",
        store=True,
        readonly=False,
        groups=SERVICE_USER_GROUP,
        help="Skills the technician needs; those of the device model by default.",
    )
    zone_id = fields.Many2one(
        "service.zone",
        compute="_compute_zone_id",
        store=True,
        readonly=False,
        index="btree_not_null",
        check_company=True,
        groups=SERVICE_USER_GROUP,
        help="Zone of the customer; technicians who cover it are preferred.",
    )
    planned_hours = fields.Float(
        default=1.0,
        groups=SERVICE_USER_GROUP,
        help="Working time the technician needs for the order.",
    )
    date_planned_start = fields.Datetime(
        string="Planned Start",
        copy=False,
        index=True,
        tracking=True,
        groups=SERVICE_USER_GROUP,
    )
    date_planned_end = fields.Datetime(
        string="Planned End",
        compute="_compute_date_planned_end",
        store=True,
        readonly=False,
        copy=False,
        groups=SERVICE_USER_GROUP,
    )

    _planned_hours_positive = models.Constraint(
        "CHECK(planned_hours >= 0)",
        "The planned hours of an order cannot be negative.",
    )
    _planned_dates_order = models.Constraint(
        "CHECK(date_planned_end IS NULL OR date_planned_start IS NULL "
        "OR date_planned_end >= date_planned_start)",
        "The planned end of an order cannot be before its planned start.",
    )

    def _compute_user_id(self):
        # at a location that assigns at confirmation, the technician is
        # chosen then: the location's default agent is not pre-filled
        manual = self.filtered(lambda o: not o.location_id.sudo().auto_assign)
        return super(ServiceOrder, manual)._compute_user_id()

    @api.depends("device_model_id")
    def _compute_required_skill_ids(self):
        for order in self:
            order.required_skill_ids = order.device_model_id.skill_ids

    @api.depends("partner_id")
    def _compute_zone_id(self):
        for order in self:
            zone = order.partner_id._get_service_zone()
            order.zone_id = zone if zone.company_id == order.company_id else False

    @api.depends("date_planned_start", "planned_hours")
    def _compute_date_planned_end(self):
        for order in self:
            start = order.date_planned_start
            order.date_planned_end = start and start + timedelta(
                hours=order.planned_hours
            )

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
        """Dispatch board: "Unassigned" first, then a column per technician
        (empty ones included) whose header shows their load against their
        capacity."""
        groups = super().formatted_read_group(
            domain, groupby, aggregates, having, offset, limit, order
        )
        context = self.env.context
        if (
            list(groupby) == ["user_id"]
            and context.get("service_dispatch_board")
            and context.get("read_group_expand")
            and not offset
            and (not limit or len(groups) < limit)
        ):
            groups = self._dispatch_board_columns(groups, aggregates)
        return groups

    def write(self, vals):
        if isinstance(vals, dict) and vals.get("user_id") and not self.env.su:
            technician = self.env["res.users"].browse(vals["user_id"])
            # taking an order oneself (Start Work) is not dispatching
            if technician != self.env.user:
                self.filtered(lambda o: o.user_id != technician)._check_technician(
                    technician
                )
        return super().write(vals)

    def _action_confirm(self):
        res = super()._action_confirm()
        to_assign = self.filtered(
            lambda o: not o.user_id and o.location_id.sudo().auto_assign
        )
        if to_assign:
            to_assign._dispatch_assign_at_confirmation()
        return res

    # ------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------

    def action_auto_assign(self):
        """Give each order the best technician and their next free slot:
        every required skill and the order's location, then the customer's
        zone, the soonest free slot of ``planned_hours`` in their working
        hours (time off and planned orders respected), the lowest load
        against capacity. Nobody qualifies: an error, nothing written."""
        self._check_action_rights()
        self._check_state(ASSIGNABLE_STATES, self.env._("Assign"))
        plans, errors = self._dispatch_plan()
        if errors:
            raise UserError("\n".join(errors.values()))
        self._dispatch_apply(plans)
        return True

    def action_open_dispatch_suggest(self):
        """The ranked technicians of the order, to pick one."""
        self.ensure_one()
        self._check_action_rights()
        self._check_state(ASSIGNABLE_STATES, self.env._("Assign"))
        wizard = self.env["service.dispatch.suggest"].create({"order_id": self.id})
        wizard._load_candidates()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Suggest Technician"),
            "res_model": "service.dispatch.suggest",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    # ------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------

    def _get_technician_problem(self, technician):
        """Why ``technician`` cannot take the order, or ``None``."""
        self.ensure_one()
        technician = technician.sudo()
        missing = self.required_skill_ids - technician.service_skill_ids
        if missing:
            return self.env._(
                "%(user)s cannot take %(order)s: they lack the skill(s) %(skills)s.",
                user=technician.name,
                order=self.name,
                skills=", ".join(missing.mapped("name")),
            )
        if self.location_id and self.location_id not in (
            technician.service_location_ids
        ):
            return self.env._(
                "%(user)s cannot take %(order)s: they do not work for %(location)s.",
                user=technician.name,
                order=self.name,
                location=self.location_id.display_name,
            )
        return None

    def _check_technician(self, technician):
        """Refuse ``technician`` for orders whose required skills or location
        they lack (reassignment by a dispatcher: form, board, API)."""
        self.check_access("write")
        for order in self:
            problem = order._get_technician_problem(technician)
            if problem:
                raise UserError(problem)

    def _dispatch_plan(self, technicians=None):
        """Choose a technician and a slot for each order (urgent first), each
        order counting the ones chosen before it. Nothing is written.

        Returns ``({order: DispatchCandidate}, {order: message})``."""
        plans, errors = {}, {}
        for company, orders in self.grouped("company_id").items():
            planner = DispatchPlanner(orders, company, technicians)
            for order in planner.sort_orders(orders):
                ranked, error = planner.rank(order)
                if error:
                    errors[order] = error
                    continue
                plans[order] = ranked[0]
                planner.book(order, ranked[0])
        return plans, errors

    def _dispatch_rank(self):
        """The ranked candidates of the order, or the reason there is none."""
        self.ensure_one()
        planner = DispatchPlanner(self, self.company_id)
        return planner.rank(self)

    def _prepare_dispatch_values(self, candidate):
        return {
            "user_id": candidate.user.id,
            "date_planned_start": naive_utc(candidate.start),
            "date_planned_end": naive_utc(candidate.end),
        }

    def _dispatch_apply(self, plans):
        for order, candidate in plans.items():
            order.write(order._prepare_dispatch_values(candidate))

    def _dispatch_assign_to(self, technician):
        """Assign ``technician`` with their next free slot (the wizard's
        pick): same checks as the automatic assignment."""
        self.ensure_one()
        self._check_action_rights()
        self._check_state(ASSIGNABLE_STATES, self.env._("Assign"))
        problem = self._get_technician_problem(technician)
        if problem:
            raise UserError(problem)
        plans, errors = self._dispatch_plan(technicians=technician)
        if errors:
            raise UserError("\n".join(errors.values()))
        self._dispatch_apply(plans)

    def _dispatch_assign_at_confirmation(self):
        """Automatic assignment at confirmation: never blocks it. The orders
        nobody can take stay unassigned with an activity for the location's
        default agent."""
        plans, errors = self._dispatch_plan()
        self._dispatch_apply(plans)
        for order, message in errors.items():
            order.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Assign a technician"),
                note=message,
                user_id=order._dispatch_failure_recipient().id,
            )

    def _dispatch_failure_recipient(self):
        """Who plans the order by hand: the location's default agent, else
        the service user who confirmed it, else a service administrator."""
        self.ensure_one()
        agent = self.location_id.sudo().user_id
        if agent.active and not agent.share:
            return agent
        user = self.env.user
        if not user.share and user.has_group(SERVICE_USER_GROUP):
            return user
        managers = (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("share", "=", False),
                    ("all_group_ids", "in", self.env.ref(SERVICE_MANAGER_GROUP).ids),
                    ("company_ids", "in", self.company_id.ids),
                ],
                order="id",
                limit=1,
            )
        )
        return managers or self.env.ref("base.user_admin")

    def _dispatch_board_columns(self, groups, aggregates):
        Users = self.env["res.users"]
        present = Users.browse(
            group["user_id"][0] for group in groups if group.get("user_id")
        )
        technicians = Users._service_search_technicians(self.env.companies)
        for user in technicians - present:
            groups.append(
                {
                    "user_id": (user.id, user.display_name),
                    "__extra_domain": [("user_id", "=", user.id)],
                    **{
                        aggregate: self._read_group_empty_value(aggregate)
                        for aggregate in aggregates
                    },
                }
            )
        users = present | technicians
        loads = users._service_get_loads()
        capacities = {user.id: user.service_capacity for user in users.sudo()}
        for group in groups:
            value = group.get("user_id")
            if not value:
                # a label makes the column open like the others (Odoo folds
                # the group of an empty many2one); its value stays False
                group["user_id"] = (False, self.env._("Unassigned"))
                continue
            load, capacity = loads.get(value[0], 0), capacities.get(value[0])
            label = f"{value[1]} · {load} / {capacity or '∞'}"
            group["user_id"] = (value[0], label)
        # "Unassigned" first, then the technicians by name
        groups.sort(
            key=lambda group: (bool(group["user_id"][0]), group["user_id"][1].lower())
        )
        return groups

    def _get_route_sheet_time(self, tz):
        """Planned time of the order as "09:00 – 10:30" in ``tz``."""
        self.ensure_one()
        start = pytz.utc.localize(self.date_planned_start).astimezone(tz)
        end = pytz.utc.localize(self.date_planned_end or self.date_planned_start)
        end = end.astimezone(tz)
        return f"{start:%H:%M} – {end:%H:%M}"
