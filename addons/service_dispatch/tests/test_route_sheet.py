from odoo.exceptions import AccessError
from odoo.tests import HttpCase, freeze_time, tagged

from .common import MONDAY, ServiceDispatchCommon, at

REPORT = "service_dispatch.action_report_service_route_sheet"


@tagged("post_install", "-at_install")
@freeze_time(MONDAY)
class TestRouteSheet(HttpCase, ServiceDispatchCommon):
    """One technician's orders of one day in visiting order. An HttpCase:
    wkhtmltopdf fetches the report assets from the test server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.write(
            {
                "street": "7 Lighthouse Lane",
                "city": "Springfield",
                "phone": "+1 555 0142",
            }
        )
        cls.other_customer.write({"street": "99 Dock Street", "city": "Portsmouth"})
        cls.visit_late = cls._create_order(
            user_id=cls.tech_ada.id,
            state="confirmed",
            serial_number="RS-LATE",
            problem_description="Speaker <b>crackles</b>",
            date_planned_start=at(1, 14),
            date_planned_end=at(1, 15, 30),
        )
        cls.visit_early = cls._create_order(
            partner=cls.other_customer,
            user_id=cls.tech_ada.id,
            state="in_progress",
            serial_number="RS-EARLY",
            device_model_id=cls.model_laptop.id,
            device_description="Grey laptop with a dent",
            problem_description="Hinge broken",
            date_planned_start=at(1, 8),
            date_planned_end=at(1, 9),
        )
        # not on Ada's Tuesday sheet: another day, another technician,
        # cancelled
        cls._create_order(
            user_id=cls.tech_ada.id,
            serial_number="RS-MONDAY",
            date_planned_start=at(0, 9),
            date_planned_end=at(0, 10),
        )
        cls._create_order(
            user_id=cls.tech_ben.id,
            serial_number="RS-BEN",
            date_planned_start=at(1, 9),
            date_planned_end=at(1, 10),
        )
        cls._create_order(
            user_id=cls.tech_ada.id,
            state="cancelled",
            serial_number="RS-CANCELLED",
            date_planned_start=at(1, 11),
            date_planned_end=at(1, 12),
        )

    def _html(self, users, day="2027-03-02", user=None):
        Report = self.env["ir.actions.report"].with_user(user or self.user_service)
        return Report._render_qweb_html(REPORT, users.ids, data={"date": day})[
            0
        ].decode()

    def test_content_in_visiting_order(self):
        html = self._html(self.tech_ada)
        self.assertIn("Ada Lovelace", html)
        for expected in (
            "08:00 – 09:00",
            "14:00 – 15:30",
            self.visit_early.name,
            self.visit_late.name,
            self.other_customer.name,
            "99 Dock Street",
            self.customer.name,
            "7 Lighthouse Lane",
            "+1 555 0142",
            "Testbrand Book T2",
            "Grey laptop with a dent",
            "Hinge broken",
            "RS-LATE",
            "Speaker &lt;b&gt;crackles&lt;/b&gt;",
        ):
            self.assertIn(expected, html)
        self.assertLess(html.index("RS-EARLY"), html.index("RS-LATE"))
        for absent in ("RS-MONDAY", "RS-BEN", "RS-CANCELLED", "<b>crackles"):
            self.assertNotIn(absent, html)

    def test_one_sheet_per_technician(self):
        html = self._html(self.tech_ada | self.tech_ben)
        self.assertIn("RS-BEN", html)
        self.assertLess(html.index("Ada Lovelace"), html.index("Ben Bitdiddle"))
        html = self._html(self.tech_cleo)
        self.assertIn("Nothing planned on this day.", html)

    def test_pdf(self):
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, self.tech_ada.ids, data={"date": "2027-03-02"})
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_wizard_from_technicians_and_orders(self):
        Wizard = self.env["service.dispatch.route.sheet"].with_user(self.user_service)
        wizard = Wizard.with_context(
            active_model="res.users", active_ids=self.tech_ben.ids
        ).create({})
        self.assertEqual(wizard.user_ids, self.tech_ben)
        self.assertEqual(str(wizard.date), "2027-03-01")
        wizard = Wizard.with_context(
            active_model="service.order",
            active_ids=(self.visit_late | self.visit_early).ids,
        ).create({})
        self.assertEqual(wizard.user_ids, self.tech_ada)
        self.assertEqual(str(wizard.date), "2027-03-02")
        action = wizard.action_print()
        self.assertEqual(
            action["report_name"], "service_dispatch.report_service_route_sheet"
        )
        self.assertEqual(action["data"], {"date": "2027-03-02"})
        self.assertEqual(action["context"]["active_ids"], self.tech_ada.ids)

    def test_not_for_other_users(self):
        with self.assertRaises(AccessError):
            self._html(self.tech_ada, user=self.user_internal)
        with self.assertRaises(AccessError):
            self._html(self.tech_ada, user=self.portal_user)
