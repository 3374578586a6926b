from datetime import date, datetime

from odoo import Command
from odoo.tests import freeze_time, tagged

from .common_orders import ServiceOrderCommon

# 2026-03-06 is a Friday, 2026-03-09 the Monday after it.
FRIDAY_16H = "2026-03-06 16:00:00"


@tagged("post_install", "-at_install")
class TestContractServiceLevel(ServiceOrderCommon):
    """A covering contract's response time and service hours win over the
    location's (Mon-Fri 08:00-17:00 with lunch, UTC, 4 hours, 2 days)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.office_hours = cls._create_calendar(
            "Office hours",
            [
                (day, hour_from, hour_to)
                for day in "01234"
                for hour_from, hour_to in ((8, 12), (13, 17))
            ],
        )
        cls.round_the_clock = cls._create_calendar(
            "24/7", [(day, 0, 24) for day in "0123456"]
        )
        cls.location.write(
            {
                "resource_calendar_id": cls.office_hours.id,
                "response_time_hours": 4,
                "tat_days": 2,
            }
        )

    @classmethod
    def _create_calendar(cls, name, attendances):
        return cls.env["resource.calendar"].create(
            {
                "name": name,
                "tz": "UTC",
                "attendance_ids": [
                    Command.create(
                        {
                            "name": f"{day} {hour_from}-{hour_to}",
                            "dayofweek": day,
                            "hour_from": hour_from,
                            "hour_to": hour_to,
                        }
                    )
                    for day, hour_from, hour_to in attendances
                ],
            }
        )

    @classmethod
    def _create_contract(cls, partner=None, **values):
        contract = cls.env["service.contract"].create(
            {
                "partner_id": (partner or cls.customer).id,
                "date_start": "2026-01-01",
                "invoicing_period": "month",
                "line_ids": [
                    Command.create(
                        {"device_model_id": cls.model_phone.id, "price_unit": 20.0}
                    )
                ],
                **values,
            }
        )
        contract.action_accept()
        return contract

    def _submit(self, partner=None, when=FRIDAY_16H):
        order = self._create_order(partner=partner).with_user(self.user_service)
        with freeze_time(when):
            order.action_submit()
        return order

    def test_contract_terms_win_over_the_location(self):
        contract = self._create_contract(
            response_time_hours=2, resource_calendar_id=self.round_the_clock.id
        )
        covered = self._submit()
        self.assertEqual(covered.contract_id, contract)
        # two hours on the clock, on a Friday evening
        self.assertEqual(covered.date_response_deadline, datetime(2026, 3, 6, 18, 0))
        # two days of the contract's hours: the weekend counts
        self.assertEqual(covered.date_promised, date(2026, 3, 8))
        # without contract: the location's hours, one on Friday, three on Monday
        other = self._submit(partner=self.other_customer)
        self.assertFalse(other.contract_id)
        self.assertEqual(other.date_response_deadline, datetime(2026, 3, 9, 11, 0))
        self.assertEqual(other.date_promised, date(2026, 3, 10))

    def test_contract_terms_win_only_where_set(self):
        # a response time without service hours: counted in the location's
        self._create_contract(response_time_hours=2)
        order = self._submit()
        self.assertEqual(order.date_response_deadline, datetime(2026, 3, 9, 9, 0))
        # service hours without response time: the location's 4 hours in them
        self._create_contract(
            partner=self.other_customer,
            resource_calendar_id=self.round_the_clock.id,
        )
        other = self._submit(partner=self.other_customer)
        self.assertEqual(other.date_response_deadline, datetime(2026, 3, 6, 20, 0))

    def test_deadlines_follow_the_contract(self):
        contract = self._create_contract(response_time_hours=8)
        order = self._submit()
        self.assertEqual(order.date_response_deadline, datetime(2026, 3, 9, 16, 0))
        contract.write(
            {"response_time_hours": 2, "resource_calendar_id": self.round_the_clock.id}
        )
        # the terms of a submitted order do not move with the contract's
        self.assertEqual(order.date_response_deadline, datetime(2026, 3, 9, 16, 0))
        # another contract chosen by hand on the submitted order
        other = self._create_contract(response_time_hours=1)
        order.sudo().contract_id = other
        self.assertEqual(order.date_response_deadline, datetime(2026, 3, 6, 17, 0))
        # no contract any more: the location's terms again
        order.sudo().contract_id = False
        self.assertEqual(order.date_response_deadline, datetime(2026, 3, 9, 11, 0))
