from datetime import datetime

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.service_portal.tests.common import ServicePortalCommon

SERVICE_USER = "service_portal.service_portal_group_user"
# A Monday: the tests freeze the time here (07:30 UTC, before work starts).
MONDAY = datetime(2027, 3, 1, 7, 30)


def at(day, hour, minute=0):
    """A datetime of the frozen week: ``day`` 0 = Monday, UTC."""
    return datetime(2027, 3, 1 + day, hour, minute)


class ServiceDispatchCommon(ServicePortalCommon):
    """Skills, zones, a UTC working week and three technicians (no demo
    data): Ada (screen, battery; North; Main Workshop; capacity 3), Ben
    (screen; South; Main Workshop; no limit) and Cleo (screen, board;
    North; Internal Lab; capacity 2)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls._create_calendar(cls.company)
        Skill = cls.env["service.skill"]
        cls.skill_screen = Skill.create({"name": "Screen replacement"})
        cls.skill_battery = Skill.create({"name": "Battery swap"})
        cls.skill_board = Skill.create({"name": "Micro-soldering"})
        Zone = cls.env["service.zone"]
        cls.zone_north = Zone.create({"name": "North", "code": "N"})
        cls.zone_south = Zone.create({"name": "South", "code": "S"})
        cls.model_phone.skill_ids = cls.skill_screen
        cls.model_laptop.skill_ids = cls.skill_board
        cls.customer_company.service_zone_id = cls.zone_north
        cls.other_customer.service_zone_id = cls.zone_south
        cls.tech_ada = cls._create_technician(
            "sd_ada",
            "Ada Lovelace",
            skills=cls.skill_screen | cls.skill_battery,
            zones=cls.zone_north,
            locations=cls.location,
            capacity=3,
        )
        cls.tech_ben = cls._create_technician(
            "sd_ben",
            "Ben Bitdiddle",
            skills=cls.skill_screen,
            zones=cls.zone_south,
            locations=cls.location,
        )
        cls.tech_cleo = cls._create_technician(
            "sd_cleo",
            "Cleo Circuit",
            skills=cls.skill_screen | cls.skill_board,
            zones=cls.zone_north,
            locations=cls.location_internal,
            capacity=2,
        )

    @classmethod
    def _create_calendar(cls, company, name="Dispatch week (UTC)"):
        """Monday to Friday, 08:00-12:00 and 13:00-17:00 UTC."""
        return cls.env["resource.calendar"].create(
            {
                "name": name,
                "tz": "UTC",
                "company_id": company.id,
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"Day {day} {period}",
                            "dayofweek": str(day),
                            "hour_from": start,
                            "hour_to": end,
                            "day_period": period,
                        }
                    )
                    for day in range(5)
                    for start, end, period in (
                        (8, 12, "morning"),
                        (13, 17, "afternoon"),
                    )
                ],
            }
        )

    @classmethod
    def _create_technician(
        cls,
        login,
        name,
        skills=None,
        zones=None,
        locations=None,
        capacity=0,
        company=None,
        calendar=None,
    ):
        company = company or cls.company
        user = new_test_user(
            cls.env,
            login=login,
            name=name,
            groups=SERVICE_USER,
            tz="UTC",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )
        user.write(
            {
                "service_skill_ids": [
                    Command.set((skills or cls.env["service.skill"]).ids)
                ],
                "service_zone_ids": [
                    Command.set((zones or cls.env["service.zone"]).ids)
                ],
                "service_location_ids": [
                    Command.set((locations or cls.env["service.location"]).ids)
                ],
                "service_capacity": capacity,
            }
        )
        cls.env["resource.resource"].create(
            {
                "name": name,
                "user_id": user.id,
                "company_id": company.id,
                "calendar_id": (calendar or cls.calendar).id,
                "tz": "UTC",
            }
        )
        return user

    @classmethod
    def _create_leave(cls, user, start, end, name="Time off"):
        resource = user._service_get_resource()
        return cls.env["resource.calendar.leaves"].create(
            {
                "name": name,
                "resource_id": resource.id,
                "calendar_id": resource.calendar_id.id,
                "company_id": resource.company_id.id,
                "date_from": start,
                "date_to": end,
                "time_type": "leave",
            }
        )

    @classmethod
    def _create_open_orders(cls, user, count, **values):
        """``count`` confirmed orders of ``user`` (not planned)."""
        orders = cls.env["service.order"].create(
            [
                {
                    "partner_id": cls.other_customer.id,
                    "serial_number": f"LOAD-{user.id}-{index}",
                    "location_id": cls.location.id,
                    "user_id": user.id,
                    "state": "confirmed",
                    **values,
                }
                for index in range(count)
            ]
        )
        return orders
