from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import freeze_time, new_test_user, tagged

from odoo.addons.service_portal.tests.portal_rpc import (
    call_is_refused,
    public_methods,
)

from .common import MONDAY, ServiceDispatchCommon, at

# Public methods that service_dispatch defines and portal users may call:
# the ORM's grouped read of the orders (scoped by the record rules).
PORTAL_ALLOWED_METHODS = {("service.order", "formatted_read_group")}
# ORM writes that we override: refused by the access rights before our code
# runs, tested with real values in test_portal_cannot_write.
ORM_METHODS = {"write"}


@tagged("post_install", "-at_install")
@freeze_time(MONDAY)
class TestDispatchAccess(ServiceDispatchCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order = cls._create_order()
        cls.suggest = cls.env["service.dispatch.suggest"].create(
            {"order_id": cls.order.id}
        )
        cls.suggest._load_candidates()
        cls.route_sheet = cls.env["service.dispatch.route.sheet"].create(
            {"user_ids": [Command.set(cls.tech_ada.ids)], "date": "2027-03-01"}
        )

    # -- portal (docs/SECURITY.md case 2) -------------------------------------

    def test_portal_cannot_call_public_methods(self):
        records = {
            "service.order": self.order,
            "service.location": self.location,
            "service.device.model": self.model_phone,
            "res.partner": self.customer,
            "res.users": self.portal_user,
            "service.skill": self.skill_screen,
            "service.zone": self.zone_north,
            "service.dispatch.suggest": self.suggest,
            "service.dispatch.suggest.line": self.suggest.line_ids[:1],
            "service.dispatch.route.sheet": self.route_sheet,
        }
        checked = 0
        for model_name, record in records.items():
            record = record.with_user(self.portal_user)
            methods = public_methods(record, "odoo.addons.service_dispatch")
            for method in sorted(methods - ORM_METHODS):
                if (model_name, method) in PORTAL_ALLOWED_METHODS:
                    continue
                checked += 1
                with self.subTest(model=model_name, method=method):
                    self.assertTrue(
                        call_is_refused(self.cr, record, method, record.id),
                        f"{model_name}.{method}() did not refuse a portal user",
                    )
        self.assertGreaterEqual(checked, 5)
        self.assertFalse(self.order.user_id)
        self.assertFalse(self.order.date_planned_start)

    def test_portal_cannot_write(self):
        with self.assertRaises(AccessError):
            self.order.with_user(self.portal_user).write({"user_id": self.tech_ada.id})
        with self.assertRaises(AccessError):
            self.portal_user.with_user(self.portal_user).write({"service_capacity": 9})
        with self.assertRaises(AccessError):
            self.customer.with_user(self.portal_user).write(
                {"service_zone_id": self.zone_south.id}
            )
        with self.assertRaises(AccessError):
            self.env["service.skill"].with_user(self.portal_user).search([])
        with self.assertRaises(AccessError):
            self.env["service.zone"].with_user(self.portal_user).search([])
        self.assertFalse(self.order.user_id)
        self.assertEqual(self.customer.service_zone_id, self.env["service.zone"])

    def test_portal_reads_no_dispatch_field(self):
        order = self.order.with_user(self.portal_user)
        for fname in ("zone_id", "required_skill_ids", "date_planned_start"):
            with self.assertRaises(AccessError):
                order.read([fname])
        with self.assertRaises(AccessError):
            self.customer.with_user(self.portal_user).read(["service_zone_id"])

    # -- back office ----------------------------------------------------------

    def test_service_user_cannot_configure(self):
        Skill = self.env["service.skill"].with_user(self.user_service)
        Zone = self.env["service.zone"].with_user(self.user_service)
        self.assertIn(self.skill_screen, Skill.search([]))
        self.assertIn(self.zone_north, Zone.search([]))
        with self.assertRaises(AccessError):
            Skill.create({"name": "Welding"})
        with self.assertRaises(AccessError):
            self.skill_screen.with_user(self.user_service).write({"name": "X"})
        with self.assertRaises(AccessError):
            Zone.create({"name": "East", "code": "E"})
        with self.assertRaises(AccessError):
            self.zone_north.with_user(self.user_service).unlink()
        # nor the technicians
        with self.assertRaises(AccessError):
            self.tech_ada.with_user(self.user_service).write({"service_capacity": 9})
        with self.assertRaises(AccessError):
            self.tech_ada.with_user(self.user_service).action_service_time_off()
        self.assertEqual(self.tech_ada.service_capacity, 3)

    def test_employee_without_service_group(self):
        with self.assertRaises(AccessError):
            self.env["service.skill"].with_user(self.user_internal).search([])
        with self.assertRaises(AccessError):
            self.order.with_user(self.user_internal).action_open_dispatch_suggest()

    def test_manager_configures_technicians(self):
        """Service administrators set skills, zones, locations, capacity,
        working hours and time off without the right to change users."""
        manager = self.user_manager
        self.assertFalse(manager.has_group("base.group_erp_manager"))
        self.env["service.skill"].with_user(manager).create({"name": "Welding"})
        self.env["service.zone"].with_user(manager).create(
            {"name": "East", "code": "E"}
        )
        ben = self.tech_ben.with_user(manager)
        calendar = self._create_calendar(self.company, "Short week")
        ben.write(
            {
                "service_skill_ids": [Command.link(self.skill_battery.id)],
                "service_zone_ids": [Command.link(self.zone_north.id)],
                "service_location_ids": [Command.link(self.location_internal.id)],
                "service_capacity": 4,
                "service_calendar_id": calendar.id,
            }
        )
        self.assertEqual(
            self.tech_ben.service_skill_ids, self.skill_screen | self.skill_battery
        )
        self.assertEqual(self.tech_ben.service_capacity, 4)
        self.assertEqual(self.tech_ben.resource_ids.calendar_id, calendar)
        # but nothing else of the user
        with self.assertRaises(AccessError):
            ben.write({"service_capacity": 5, "login": "stolen"})
        with self.assertRaises(AccessError):
            self.portal_user.with_user(manager).write({"service_capacity": 1})
        # a user without a resource gets one with the company's hours
        self.assertFalse(self.user_service.resource_ids)
        self.user_service.with_user(manager).service_calendar_id = calendar
        self.assertEqual(self.user_service.resource_ids.calendar_id, calendar)
        # time off of a technician
        action = ben.action_service_time_off()
        leave = (
            self.env["resource.calendar.leaves"]
            .with_user(manager)
            .with_context(**action["context"])
            .create({"name": "Dentist", "date_from": at(2, 8), "date_to": at(2, 12)})
        )
        self.assertEqual(leave.resource_id.user_id, self.tech_ben)
        self.assertEqual(
            self.env["resource.calendar.leaves"]
            .with_user(manager)
            .search(action["domain"]),
            leave,
        )
        leave.with_user(manager).unlink()

    # -- multi-company (docs/SECURITY.md case 23) ------------------------------

    def test_multi_company(self):
        company_b = self.env["res.company"].create({"name": "Dispatch Company B"})
        zone_b = self.env["service.zone"].create(
            {"name": "B North", "code": "N", "company_id": company_b.id}
        )
        location_b = self.env["service.location"].create(
            {"name": "B workshop", "company_id": company_b.id}
        )
        manager_b = new_test_user(
            self.env,
            login="sd_manager_b",
            groups="service_portal.service_portal_group_manager",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        Zone_b = self.env["service.zone"].with_user(manager_b)
        self.assertEqual(Zone_b.search([]), zone_b)
        with self.assertRaises(AccessError):
            self.zone_north.with_user(manager_b).read(["name"])
        # a manager links only what they can read
        tech_b = self._create_technician(
            "sd_tech_b",
            "Bea B",
            company=company_b,
            calendar=self._create_calendar(company_b),
        )
        with self.assertRaises(AccessError):
            tech_b.with_user(manager_b).write(
                {"service_location_ids": [Command.link(self.location.id)]}
            )
        tech_b.with_user(manager_b).write(
            {"service_location_ids": [Command.link(location_b.id)]}
        )
        self.assertEqual(tech_b.service_location_ids, location_b)
        # technicians of another company are never candidates
        order_b = self.env["service.order"].create(
            {
                "partner_id": self.other_customer.id,
                "company_id": company_b.id,
                "location_id": location_b.id,
            }
        )
        self.tech_ada.service_location_ids |= location_b
        order_b.action_auto_assign()
        self.assertEqual(order_b.user_id, tech_b)
