from odoo import Command
from odoo.tests import freeze_time, tagged

from .common import MONDAY, ServiceDispatchCommon, at

# Queries of the candidate selection of one order (technicians, their
# skills, zones and locations, loads, planned orders, resources, one working
# calendar with its attendances and time off), whatever the numbers of
# technicians and orders.
PLAN_QUERIES = 21


@tagged("post_install", "-at_install")
@freeze_time(MONDAY)
class TestDispatchPerformance(ServiceDispatchCommon):
    """Choosing a technician takes a constant number of queries: the same at
    3 technicians and 10 open orders as at 30 and 100."""

    def _company_with(self, name, technicians, orders):
        company = self.env["res.company"].create({"name": name})
        calendar = self._create_calendar(company)
        location = self.env["service.location"].create(
            {"name": f"{name} workshop", "company_id": company.id}
        )
        zone = self.env["service.zone"].create(
            {"name": f"{name} zone", "code": "Z", "company_id": company.id}
        )
        skills = self.skill_screen | self.skill_battery
        techs = self.env["res.users"]
        for index in range(technicians):
            techs |= self._create_technician(
                f"sd_perf_{name}_{index}",
                f"{name} technician {index:03}",
                skills=skills,
                zones=zone if index % 2 else None,
                locations=location,
                capacity=0 if index % 3 else 50,
                company=company,
                calendar=calendar,
            )
        # one on leave this week
        self._create_leave(techs[0], at(0, 0), at(4, 23, 59))
        partner = self.env["res.partner"].create(
            {"name": f"{name} customer", "service_zone_id": zone.id}
        )
        self.env["service.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "location_id": location.id,
                    "user_id": techs[index % technicians].id,
                    "state": "confirmed",
                    "date_planned_start": at(index % 5, 8 + index % 8),
                    "date_planned_end": at(index % 5, 9 + index % 8),
                }
                for index in range(orders)
            ]
        )
        return self.env["service.order"].create(
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "location_id": location.id,
                "required_skill_ids": [Command.set(skills.ids)],
                "planned_hours": 2,
            }
        )

    def _plan_queries(self, order):
        self.env.invalidate_all()
        with self.assertQueryCount(PLAN_QUERIES):
            plans, errors = order._dispatch_plan()
        self.assertFalse(errors)
        return plans[order]

    def test_constant_queries(self):
        small = self._company_with("Small", 3, 10)
        large = self._company_with("Large", 30, 100)
        # warm the caches that do not depend on the data (groups, rules)
        small._dispatch_plan()
        large._dispatch_plan()
        small_choice = self._plan_queries(small)
        large_choice = self._plan_queries(large)
        self.assertTrue(small_choice.in_zone)
        self.assertTrue(large_choice.in_zone)
        # and the whole action, writing included, stays flat too
        counts = []
        for order in (small, large):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            order.action_auto_assign()
            counts.append(self.cr.sql_log_count - before)
            self.assertTrue(order.user_id)
        self.assertEqual(counts[0], counts[1])
