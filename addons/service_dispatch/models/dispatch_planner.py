"""Choosing technicians for service orders (no model: used by service.order).

The planner loads, for one company, the technicians with their skills, zones,
locations, load, planned orders and working time over the planning horizon in
a constant number of queries (one per distinct working calendar for the
working time), then ranks the technicians of each order in memory.
"""

import bisect
from datetime import date, timedelta
from typing import NamedTuple

import pytz

from odoo import fields
from odoo.tools.intervals import Intervals

from odoo.addons.service_portal.models.service_order import OPEN_STATES

from .dispatch_slot import find_free_slot, round_up
from .res_users import LOAD_STATES

# How far ahead the planner looks for a free slot.
HORIZON_DAYS = 14


class DispatchCandidate(NamedTuple):
    """A technician who can take an order, and why."""

    user: object  # res.users (sudo)
    in_zone: bool  # covers the customer's zone
    start: object  # aware datetime: the next free slot
    end: object
    load: int  # open orders (LOAD_STATES)
    capacity: int  # 0 = no limit

    @property
    def load_ratio(self):
        return self.load / self.capacity if self.capacity else 0.0

    def rank_key(self):
        """Customer's zone first, then the soonest free slot, then the
        lowest load against capacity (then fewest orders, then name)."""
        return (
            not self.in_zone,
            self.start,
            self.load_ratio,
            self.load,
            (self.user.name or "").lower(),
            self.user.id,
        )


class DispatchPlanner:
    """Technicians of ``company`` for ``orders`` (or only ``technicians``)."""

    def __init__(self, orders, company, technicians=None):
        self.env = orders.env
        self.orders = orders
        self.start = pytz.utc.localize(round_up(fields.Datetime.now()))
        self.end = self.start + timedelta(days=HORIZON_DAYS)
        Users = self.env["res.users"].sudo()
        if technicians is None:
            technicians = Users._service_search_technicians(company)
        self.technicians = technicians.sudo()
        relevant = Users.browse()
        for order in orders:
            relevant |= self._qualified(order)
        self.loads = relevant._service_get_loads(exclude_orders=orders)
        planned = relevant._service_planned_intervals(
            self.start, self.end, OPEN_STATES, exclude_orders=orders
        )
        self.busy = {
            user_id: [(start, stop) for start, stop, _order in items]
            for user_id, items in planned.items()
        }
        work = relevant._service_work_intervals(self.start, self.end, company)
        self.work = {
            user_id: [
                (start, stop)
                for start, stop, _recs in Intervals(
                    (start, stop, set()) for start, stop, _meta in intervals
                )
            ]
            for user_id, intervals in work.items()
        }

    @staticmethod
    def sort_orders(orders):
        """Urgent orders first, then by promised date, then oldest first."""
        return orders.sorted(
            lambda o: (-int(o.priority or 0), o.date_promised or date.max, o.id)
        )

    def _at_location(self, order):
        return self.technicians.filtered(
            lambda user: order.location_id in user.service_location_ids
        )

    def _qualified(self, order):
        skills = order.required_skill_ids
        return self._at_location(order).filtered(
            lambda user: skills <= user.service_skill_ids
        )

    def rank(self, order):
        """(ranked candidates, None) or ([], why nobody qualifies)."""
        if not order.location_id:
            return [], self.env._(
                "Choose a service location for %(order)s before assigning it.",
                order=order.name,
            )
        at_location = self._at_location(order)
        if not at_location:
            return [], self.env._(
                "Nobody can take %(order)s: no technician works for the location "
                "%(location)s. Add it to a technician's service locations.",
                order=order.name,
                location=order.location_id.display_name,
            )
        qualified = self._qualified(order)
        if not qualified:
            return [], self._missing_skills_message(order, at_location)
        candidates = []
        full = no_slot = self.env["res.users"]
        for user in qualified:
            load = self.loads.get(user.id, 0)
            capacity = user.service_capacity
            if capacity and load >= capacity:
                full |= user
                continue
            slot = find_free_slot(
                self.work.get(user.id, []),
                self.busy.get(user.id, []),
                order.planned_hours,
            )
            if not slot:
                no_slot |= user
                continue
            in_zone = bool(order.zone_id and order.zone_id in user.service_zone_ids)
            candidates.append(DispatchCandidate(user, in_zone, *slot, load, capacity))
        if not candidates:
            return [], self._unavailable_message(order, full, no_slot)
        candidates.sort(key=DispatchCandidate.rank_key)
        return candidates, None

    def book(self, order, candidate):
        """Count the order in the chosen technician's load and planning,
        for the next orders of the batch."""
        user_id = candidate.user.id
        if order.state in LOAD_STATES:
            self.loads[user_id] = self.loads.get(user_id, 0) + 1
        bisect.insort(
            self.busy.setdefault(user_id, []), (candidate.start, candidate.end)
        )

    def _missing_skills_message(self, order, at_location):
        skills = order.required_skill_ids
        missing = skills - at_location.service_skill_ids
        if missing:
            return self.env._(
                "Nobody can take %(order)s: no technician of %(location)s has "
                "the skill(s) %(skills)s.",
                order=order.name,
                location=order.location_id.display_name,
                skills=", ".join(missing.mapped("name")),
            )
        return self.env._(
            "Nobody can take %(order)s: no technician of %(location)s has all "
            "the required skills together (%(skills)s).",
            order=order.name,
            location=order.location_id.display_name,
            skills=", ".join(skills.mapped("name")),
        )

    def _unavailable_message(self, order, full, no_slot):
        parts = []
        if full:
            parts.append(
                self.env._(
                    "at full capacity: %(names)s",
                    names=", ".join(full.mapped("name")),
                )
            )
        if no_slot:
            parts.append(
                self.env._(
                    "no %(hours)s free working hour(s) in the next %(days)s "
                    "days: %(names)s",
                    hours=f"{order.planned_hours:g}",
                    days=HORIZON_DAYS,
                    names=", ".join(no_slot.mapped("name")),
                )
            )
        return self.env._(
            "Nobody can take %(order)s: every qualified technician is "
            "unavailable (%(reasons)s).",
            order=order.name,
            reasons="; ".join(parts),
        )
