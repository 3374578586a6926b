from datetime import date, datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import ServicePortalCommon
from .portal_rpc import XmlRpcCaseMixin
from .test_portal_common import ServicePortalHttpCommon

# 2026-03-06 is a Friday, 2026-03-09 the Monday after it.
FRIDAY_16H = "2026-03-06 16:00:00"


class ServiceLevelCommon(ServicePortalCommon):
    """A location with service hours Mon-Fri 08:00-17:00 with a lunch break
    12:00-13:00 (Odoo's standard 40-hour week) in UTC, a 4-hour response time
    and a 2-day turnaround."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls._create_calendar("UTC")
        cls.location.write(
            {
                "resource_calendar_id": cls.calendar.id,
                "response_time_hours": 4,
                "tat_days": 2,
            }
        )

    @classmethod
    def _create_calendar(cls, tz):
        attendances = []
        for day in "01234":
            for name, hour_from, hour_to, period in (
                ("Morning", 8, 12, "morning"),
                ("Lunch", 12, 13, "lunch"),
                ("Afternoon", 13, 17, "afternoon"),
            ):
                attendances.append(
                    Command.create(
                        {
                            "name": name,
                            "dayofweek": day,
                            "hour_from": hour_from,
                            "hour_to": hour_to,
                            "day_period": period,
                        }
                    )
                )
        return cls.env["resource.calendar"].create(
            {
                "name": f"Service hours ({tz})",
                "tz": tz,
                "attendance_ids": attendances,
            }
        )

    @classmethod
    def _add_holiday(cls, day, calendar=None, company=None):
        """A public holiday (time off without resource) on ``day`` (UTC)."""
        Leave = cls.env["resource.calendar.leaves"]
        if company:
            Leave = Leave.with_company(company)
        leave = Leave.create(
            {
                "name": "Public holiday",
                "calendar_id": calendar.id if calendar else False,
                "date_from": f"{day} 00:00:00",
                "date_to": f"{day} 23:59:59",
            }
        )
        # its company is computed from the environment that flushes it
        leave.flush_recordset()
        return leave

    def _submit(self, when, **values):
        order = self._create_order(**values).with_user(self.user_service)
        with freeze_time(when):
            order.action_submit()
        return order

    def _run_cron(self, when, **kwargs):
        """Run the scheduled action at ``when`` as the cron does (superuser);
        returns the statuses it wrote as ``{order: status}`` and the
        progress calls (tests cannot commit)."""
        written = {}
        calls = []
        Order = self.env.registry["service.order"]
        write = Order.write

        def spy_write(records, vals):
            if "sla_status" in vals:
                for record in records:
                    self.assertNotIn(record, written, "written twice")
                    written[record] = vals["sla_status"]
            return write(records, vals)

        def fake_commit_progress(cron, processed=0, *, remaining=None, **kw):
            calls.append((processed, remaining))
            return float("inf")

        IrCron = self.env.registry["ir.cron"]
        with (
            freeze_time(when),
            patch.object(Order, "write", spy_write),
            patch.object(IrCron, "_commit_progress", fake_commit_progress),
        ):
            self.env["service.order"].sudo()._cron_update_sla_status(**kwargs)
        return written, calls


@tagged("post_install", "-at_install")
class TestServiceDeadlines(ServiceLevelCommon):
    def test_response_deadline_counts_service_hours(self):
        """Friday 16:00 + 4 h: one hour on Friday, three on Monday."""
        order = self._submit(FRIDAY_16H)
        self.assertEqual(order.date_response_deadline, datetime(2026, 3, 9, 11, 0))
        # at risk once less than a fifth (48 min) is left: 3.2 h of work
        self.assertEqual(order.date_sla_at_risk, datetime(2026, 3, 9, 10, 12))
        # TAT 2 working days after Friday: Monday, Tuesday
        self.assertEqual(order.date_promised, date(2026, 3, 10))
        self.assertEqual(order.sla_status, "on_track")

    def test_public_holiday_is_not_service_time(self):
        self._add_holiday("2026-03-09", calendar=self.calendar)
        order = self._submit(FRIDAY_16H)
        self.assertEqual(order.date_response_deadline, datetime(2026, 3, 10, 11, 0))
        self.assertEqual(order.date_promised, date(2026, 3, 11))

    def test_company_holidays(self):
        """A holiday valid for every calendar counts for its own company only."""
        other_company = self.env["res.company"].create({"name": "Elsewhere Ltd"})
        self._add_holiday("2026-03-09", company=other_company)
        order = self._submit(FRIDAY_16H)
        self.assertEqual(order.date_response_deadline, datetime(2026, 3, 9, 11, 0))
        self._add_holiday("2026-03-09", company=self.env.company)
        order = self._submit(FRIDAY_16H)
        self.assertEqual(order.date_response_deadline, datetime(2026, 3, 10, 11, 0))
        self.assertEqual(order.date_promised, date(2026, 3, 11))

    def test_service_hours_in_their_time_zone(self):
        """Service hours in Warsaw (UTC+1 in March): 08:00-17:00 local time."""
        self.location.resource_calendar_id = self._create_calendar("Europe/Warsaw")
        order = self._submit("2026-03-06 15:00:00")  # Friday 16:00 in Warsaw
        self.assertEqual(order.date_response_deadline, datetime(2026, 3, 9, 10, 0))
        self.assertEqual(order.date_promised, date(2026, 3, 10))
        # Thursday 23:30 UTC is already Friday 00:30 in Warsaw: the day of the
        # submission is the Friday, the deadline Friday 12:00 local time
        order = self._submit("2026-03-05 23:30:00")
        self.assertEqual(order.date_response_deadline, datetime(2026, 3, 6, 11, 0))
        self.assertEqual(order.date_promised, date(2026, 3, 10))

    def test_without_service_hours_on_the_clock(self):
        self.location.resource_calendar_id = False
        order = self._submit(FRIDAY_16H)
        self.assertEqual(order.date_response_deadline, datetime(2026, 3, 6, 20, 0))
        self.assertEqual(order.date_sla_at_risk, datetime(2026, 3, 6, 19, 12))
        # calendar days (the user's time zone: UTC here)
        self.assertEqual(order.date_promised, date(2026, 3, 8))

    def test_no_response_time_no_deadline(self):
        self.location.response_time_hours = 0
        order = self._submit(FRIDAY_16H)
        self.assertFalse(order.date_response_deadline)
        self.assertFalse(order.sla_status)
        self.assertEqual(order.date_promised, date(2026, 3, 10))

    def test_terms_fixed_at_submission(self):
        order = self._submit(FRIDAY_16H)
        self.assertEqual(
            order._get_service_terms(),
            {"response_time_hours": 4.0, "calendar": self.calendar},
        )
        self.location.write({"response_time_hours": 40, "resource_calendar_id": False})
        self.env.flush_all()
        order.invalidate_recordset()
        self.assertEqual(order.date_response_deadline, datetime(2026, 3, 9, 11, 0))
        # a draft submitted again gets the location's new terms
        with freeze_time(FRIDAY_16H):
            order.action_cancel()
            order.action_draft()
        self.assertFalse(order.date_response_deadline)
        self.assertFalse(order.sla_status)
        with freeze_time(FRIDAY_16H):
            order.action_submit()
        self.assertEqual(order.date_response_deadline, datetime(2026, 3, 8, 8, 0))

    def test_promised_date_stays_editable(self):
        order = self._submit(FRIDAY_16H)
        order.date_promised = date(2026, 3, 20)
        self.assertEqual(order.date_promised, date(2026, 3, 20))
        self.assertEqual(order.date_response_deadline, datetime(2026, 3, 9, 11, 0))

    def test_durations_in_service_hours(self):
        order = self._submit(FRIDAY_16H)
        with freeze_time("2026-03-09 10:00:00"):
            order.action_confirm()
            order.action_start()
        self.assertEqual(order.response_hours, 3.0)  # Friday 1 h, Monday 2 h
        self.assertFalse(order.turnaround_days)
        with freeze_time("2026-03-10 11:00:00"):
            order.action_ready()
            order.action_done()
        # Friday 1 h (1/8 day), Monday, Tuesday 3 h (3/8 day)
        self.assertEqual(order.turnaround_days, 1.5)
        self.assertEqual(order.sla_status, "met")


@tagged("post_install", "-at_install")
class TestServiceLevelStatus(ServiceLevelCommon):
    def test_status_over_time(self):
        order = self._submit(FRIDAY_16H)
        self.assertEqual(order.sla_status, "on_track")
        for when, status in (
            ("2026-03-07 12:00:00", "on_track"),  # weekend: no service time
            ("2026-03-09 10:00:00", "on_track"),
            ("2026-03-09 10:30:00", "at_risk"),
            ("2026-03-09 11:30:00", "breached"),
        ):
            self._run_cron(when)
            self.assertEqual(order.sla_status, status, when)
        # started late: still breached
        with freeze_time("2026-03-09 14:00:00"):
            order.action_confirm()
            order.action_start()
        self.assertEqual(order.sla_status, "breached")

    def test_started_before_deadline_is_met(self):
        order = self._submit(FRIDAY_16H)
        with freeze_time(FRIDAY_16H):
            order.action_confirm()
        self._run_cron("2026-03-09 10:30:00")
        self.assertEqual(order.sla_status, "at_risk")
        with freeze_time("2026-03-09 10:45:00"):
            order.action_start()
        self.assertEqual(order.sla_status, "met")
        written, _calls = self._run_cron("2026-03-09 12:00:00")
        self.assertFalse(written)
        self.assertEqual(order.sla_status, "met")

    def test_no_status_for_drafts_and_cancelled(self):
        draft = self._create_order()
        self.assertFalse(draft.sla_status)
        order = self._submit(FRIDAY_16H)
        with freeze_time(FRIDAY_16H):
            order.action_cancel()
        self.assertFalse(order.sla_status)
        self.assertFalse(self._run_cron("2026-03-10 12:00:00")[0])
        self.assertFalse(order.sla_status)

    def test_cron_writes_only_changed_orders(self):
        on_track = self._submit("2026-03-09 09:00:00")  # at risk 13:12, due 14:00
        to_at_risk = self._submit(FRIDAY_16H)  # at risk 10:12, due 11:00
        to_breached = self._submit("2026-03-06 13:00:00")  # due Friday 17:00
        already_breached = self._submit("2026-03-05 09:00:00")
        self._run_cron("2026-03-06 18:00:00")
        self.assertEqual(already_breached.sla_status, "breached")
        started = self._submit("2026-03-06 09:00:00")
        with freeze_time("2026-03-06 10:00:00"):
            started.action_confirm()
            started.action_start()
        draft = self._create_order()
        self.assertEqual(
            (on_track | to_at_risk | to_breached).mapped("sla_status"),
            ["on_track", "on_track", "breached"],
        )
        # move to_breached back to on_track as if the cron had not run on it
        to_breached.sudo().write({"sla_status": "on_track"})
        written, calls = self._run_cron("2026-03-09 10:30:00")
        self.assertEqual(written, {to_at_risk: "at_risk", to_breached: "breached"})
        self.assertEqual(calls, [(2, 0)])
        self.assertEqual(on_track.sla_status, "on_track")
        self.assertEqual(started.sla_status, "met")
        self.assertFalse(draft.sla_status)
        # nothing changed since: nothing written
        self.assertEqual(self._run_cron("2026-03-09 10:40:00"), ({}, []))
        # in batches, each committed
        written, calls = self._run_cron("2026-03-09 13:30:00", batch_size=1)
        self.assertEqual(
            written, {on_track: "at_risk", to_at_risk: "breached"}, "two batches"
        )
        self.assertEqual(calls, [(1, 1), (1, 0)])

    def test_search_and_group_by_status(self):
        at_risk = self._submit(FRIDAY_16H)
        breached = self._submit("2026-03-06 13:00:00")
        self._run_cron("2026-03-09 10:30:00")
        Order = self.env["service.order"].with_user(self.user_service)
        self.assertEqual(Order.search([("sla_status", "=", "at_risk")]), at_risk)
        self.assertEqual(Order.search([("sla_status", "=", "breached")]), breached)
        groups = dict(Order._read_group([], ["sla_status"], ["__count"]))
        self.assertEqual(groups["at_risk"], 1)
        self.assertEqual(groups["breached"], 1)


@tagged("post_install", "-at_install")
class TestServiceOrderReport(ServiceLevelCommon):
    def _report(self, order, user=None):
        self.env.flush_all()
        Report = self.env["service.order.report"]
        if user:
            Report = Report.with_user(user)
        return Report.search([("order_id", "=", order.id)])

    def test_report_lines(self):
        order = self._submit(FRIDAY_16H, request_type="warranty")
        with freeze_time("2026-03-09 12:30:00"):
            order.action_confirm()
            order.action_start()
        with freeze_time("2026-03-10 11:00:00"):
            order.action_ready()
            order.action_done()
        open_order = self._submit(FRIDAY_16H, user_id=self.user_manager.id)
        self._run_cron("2026-03-09 12:00:00")
        line = self._report(order, self.user_service)
        self.assertRecordValues(
            line,
            [
                {
                    "location_id": self.location.id,
                    "user_id": self.user_service.id,
                    "device_model_id": self.model_phone.id,
                    "request_type_id": self.env.ref(
                        "service_portal.service_request_type_warranty"
                    ).id,
                    "date_submitted": datetime(2026, 3, 6, 16, 0),
                    "date_done": datetime(2026, 3, 10, 11, 0),
                    "response_hours": 5.0,  # Friday 1 h, Monday 4 h
                    "turnaround_days": 1.5,
                    "sla_status": "breached",
                    "sla_breached": True,
                    "breach_count": 1,
                    "company_id": self.env.company.id,
                }
            ],
        )
        open_line = self._report(open_order)
        self.assertEqual(open_line.sla_status, "breached")
        self.assertFalse(open_line.turnaround_days)
        self.assertFalse(self._report(self._create_order()), "drafts are left out")
        Report = self.env["service.order.report"].with_user(self.user_service)
        groups = Report._read_group(
            [("location_id", "=", self.location.id)],
            ["date_submitted:month"],
            ["__count", "turnaround_days:avg", "breach_count:sum"],
        )
        self.assertEqual(groups, [(datetime(2026, 3, 1), 2, 1.5, 2)])

    def test_report_access(self):
        order = self._submit(FRIDAY_16H)
        self.assertTrue(self._report(order, self.user_manager))
        for user in (self.portal_user, self.user_internal):
            with self.assertRaises(AccessError):
                self._report(order, user)
        company_b = self.env["res.company"].create({"name": "Service Company B"})
        user_b = new_test_user(
            self.env,
            login="sp_report_b",
            groups="service_portal.service_portal_group_user",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        self.assertFalse(self._report(order, user_b))


@tagged("post_install", "-at_install")
class TestServiceLevelRpc(XmlRpcCaseMixin, ServicePortalHttpCommon):
    """The stable names over XML-RPC; none of it for portal users."""

    @mute_logger("odoo.addons.rpc.controllers.xmlrpc", "odoo.http")
    def test_stable_names_over_xmlrpc(self):
        login = self.user_service.login
        for model, names in {
            "service.location": ["resource_calendar_id", "response_time_hours"],
            "service.order": [
                "date_started",
                "date_response_deadline",
                "sla_status",
            ],
            "service.order.report": [
                "location_id",
                "user_id",
                "device_model_id",
                "date_submitted",
                "turnaround_days",
                "sla_breached",
            ],
        }.items():
            described = self._xmlrpc(login, login, model, "fields_get", [])
            for name in names:
                self.assertIn(name, described, f"{model}.{name}")
        selection = self._xmlrpc(
            login,
            login,
            "service.order",
            "fields_get",
            ["sla_status"],
            attributes=["selection"],
        )
        self.assertEqual(
            [key for key, _label in selection["sla_status"]["selection"]],
            ["on_track", "at_risk", "breached", "met"],
        )

    @mute_logger("odoo.addons.rpc.controllers.xmlrpc", "odoo.http")
    def test_portal_user_gets_nothing(self):
        order = self._create_order()
        login = self.portal_user.login
        for model, method, args in (
            ("service.order", "_cron_update_sla_status", []),
            ("service.order", "_get_service_terms", [[order.id]]),
            ("service.order", "read", [[order.id], ["sla_status"]]),
            ("service.order", "read", [[order.id], ["date_response_deadline"]]),
            ("service.order", "search", [[("sla_status", "=", "breached")]]),
            ("service.location", "read", [[self.location.id], ["response_time_hours"]]),
            ("service.order.report", "search_read", [[]]),
        ):
            with self.subTest(model=model, method=method, args=args):
                self.assertXmlRpcRefused(login, login, model, method, *args)
