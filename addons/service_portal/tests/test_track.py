from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ServicePortalCommon

IP_A = "192.0.2.10"
IP_B = "192.0.2.20"


@tagged("post_install", "-at_install")
class TestServiceTrack(ServicePortalCommon):
    """Matching and database-backed rate limit of the public tracking page
    (SECURITY 12-14), at model level."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Attempt = cls.env["service.track.attempt"]
        # own partners: the common ones are renamed after their portal users
        cls.track_customer = cls.env["res.partner"].create(
            {
                "name": "Carla Contoso",
                "parent_id": cls.customer_company.id,
                "email": "carla@contoso.example.com",
            }
        )
        cls.track_other = cls.env["res.partner"].create({"name": "Otto Other"})
        cls.order = cls._create_order(
            partner=cls.track_customer,
            user_id=cls.user_service.id,
            device_description="Black, cracked screen",
        )
        cls.order.action_confirm()
        cls.order.action_start()
        cls.other_order = cls._create_order(partner=cls.track_other)
        cls.env["ir.config_parameter"].set_param("service_portal.track_limit_ip", 10)
        cls.env["ir.config_parameter"].set_param("service_portal.track_limit_order", 5)
        cls.env["ir.config_parameter"].set_param(
            "service_portal.track_window_minutes", 60
        )

    def _set_limits(self, ip=None, order=None, window=None):
        ICP = self.env["ir.config_parameter"]
        if ip is not None:
            ICP.set_param("service_portal.track_limit_ip", ip)
        if order is not None:
            ICP.set_param("service_portal.track_limit_order", order)
        if window is not None:
            ICP.set_param("service_portal.track_window_minutes", window)

    # -- matching (SECURITY 12, 13) ----------------------------------------------

    def test_match_any_case_and_spaces(self):
        name = self.order.name
        for number, last_name in [
            (name, "Contoso"),
            (name.lower(), "contoso"),
            (f"  {name.swapcase()}  ", "  CONTOSO "),
            (f"\t{name}\n", "\u00a0Contoso\u00a0"),
        ]:
            with self.subTest(number=number, last_name=last_name):
                self.assertEqual(
                    self.Attempt._find_tracked_order(number, last_name), self.order
                )

    def test_last_name_is_exact_last_word(self):
        for last_name in [
            "Carla",
            "Carla Contoso",
            "Contos",
            "Contosoo",
            "Clinics",  # the company's name, not the contact's
            "Other",  # another customer
        ]:
            with self.subTest(last_name=last_name):
                self.assertFalse(
                    self.Attempt._find_tracked_order(self.order.name, last_name)
                )
        # the other customer's name does not open this order, but its own
        self.assertEqual(
            self.Attempt._find_tracked_order(self.other_order.name, "other"),
            self.other_order,
        )

    def test_unicode_last_name(self):
        partner = self.env["res.partner"].create({"name": "Jürgen Müller"})
        order = self._create_order(partner=partner)
        self.assertEqual(self.Attempt._find_tracked_order(order.name, "MÜLLER"), order)
        # composed and decomposed forms are the same name
        self.assertEqual(
            self.Attempt._find_tracked_order(order.name, "mu\u0308ller"), order
        )
        self.assertFalse(self.Attempt._find_tracked_order(order.name, "Muller"))

    def test_wildcards_empty_and_huge_never_match(self):
        name = self.order.name
        hostile = [
            (name, "%"),
            (name, "_"),
            (name, "Contos_"),
            (name, "C%"),
            (name, "%o%"),
            (name, ""),
            (name, "   "),
            (name, None),
            (name, ["Contoso"]),
            ("%", "Contoso"),
            (name[:-1] + "_", "Contoso"),
            (name[:4] + "%", "Contoso"),
            ("", "Contoso"),
            (None, "Contoso"),
            ("", ""),
            ("%", "%"),
            (name, "Contoso" * 10000),
            (name + " " * 1000 + "x", "Contoso"),  # no match on a prefix
            (name + " " * 300, "Contoso" + "\u200b" * 1000),
            (name + " " * 100000 + "x", "Contoso"),
            ("x" * 1_000_000, "y" * 1_000_000),
            (name, "<script>alert(1)</script>"),
            ("'; DROP TABLE service_order; --", "Contoso"),
            ("\x00", "\x00"),
            (name + "\x00", "Contoso\x00x"),
            ("\ud800", "\udfff"),
        ]
        for number, last_name in hostile:
            with self.subTest(number=str(number)[:40], last_name=str(last_name)[:40]):
                self.assertFalse(
                    self.Attempt._find_tracked_order(number, last_name),
                    "hostile input matched an order",
                )
                outcome, values = self.Attempt._track_order(IP_A, number, last_name)
                self.assertEqual((outcome, values), ("not_found", {}))
                self.Attempt.search([]).unlink()

    def test_partner_without_usable_name_never_matches(self):
        partner = self.env["res.partner"].create({"name": "   "})
        order = self._create_order(partner=partner)
        for last_name in ("", " ", "%"):
            self.assertFalse(self.Attempt._find_tracked_order(order.name, last_name))

    def test_company_scope(self):
        company_b = self.env["res.company"].create({"name": "Track Company B"})
        order_b = self.env["service.order"].create(
            {
                "partner_id": self.track_other.id,
                "company_id": company_b.id,
                "name": "TRACK-B-0001",
            }
        )
        self.assertEqual(
            self.Attempt._find_tracked_order("track-b-0001", "Other", company_b),
            order_b,
        )
        self.assertFalse(
            self.Attempt._find_tracked_order("track-b-0001", "Other", self.company)
        )

    def test_values_are_whitelisted_strings(self):
        outcome, values = self.Attempt._track_order(
            IP_A, self.order.name, "contoso", company=self.company
        )
        self.assertEqual(outcome, "found")
        self.assertEqual(
            values,
            {
                "number": self.order.name,
                "status": "In repair",
                "device": "Testbrand Phone T1 – Black, cracked screen",
                "agent": "Sam Agent",
                "location": "Main Workshop",
            },
        )
        self.assertTrue(all(isinstance(value, str) for value in values.values()))
        self.assertFalse(self.Attempt.search([]), "a success is not logged")
        # an order without agent, device or location gives empty strings
        bare = self.env["service.order"].create({"partner_id": self.track_customer.id})
        values = self.Attempt._get_track_values(bare)
        self.assertEqual(
            values,
            {
                "number": bare.name,
                "status": "Draft",
                "device": "",
                "agent": "",
                "location": "",
            },
        )

    # -- rate limit (SECURITY 14) -------------------------------------------------

    def test_failures_are_logged_normalised(self):
        self.Attempt._track_order(IP_A, f"  {self.order.name}  ", "Wrong")
        self.Attempt._track_order(IP_A, "x" * 500, "Wrong")
        attempts = self.Attempt.search([], order="id")
        self.assertEqual(attempts.mapped("ip"), [IP_A, IP_A])
        self.assertEqual(
            attempts.mapped("order_number"), [self.order.name.lower(), "x" * 64]
        )

    def test_limit_per_client_address(self):
        self._set_limits(ip=3, order=100)
        for i in range(3):
            outcome, __ = self.Attempt._track_order(IP_A, f"NOPE-{i}", "Contoso")
            self.assertEqual(outcome, "not_found")
        # blocked, even for a right guess, and the block is not logged
        self.assertEqual(
            self.Attempt._track_order(IP_A, self.order.name, "Contoso"),
            ("blocked", {}),
        )
        self.assertEqual(self.Attempt.search_count([]), 3)
        # another client address is not blocked
        outcome, values = self.Attempt._track_order(IP_B, self.order.name, "Contoso")
        self.assertEqual(outcome, "found")
        self.assertEqual(values["status"], "In repair")

    def test_client_address_normalisation(self):
        normalize = self.Attempt._normalize_ip
        self.assertEqual(normalize("192.0.2.10"), "192.0.2.10")
        self.assertEqual(normalize(" 192.0.2.10 "), "192.0.2.10")
        self.assertEqual(normalize("::ffff:192.0.2.10"), "192.0.2.10")
        self.assertEqual(
            normalize("2001:DB8:0:1:aaaa:bbbb:cccc:dddd"), "2001:db8:0:1::/64"
        )
        self.assertEqual(normalize("fe80::1%eth0"), "fe80::/64")
        self.assertEqual(normalize("unix-socket"), "unix-socket")
        self.assertEqual(normalize(None), "")
        self.assertEqual(normalize("x" * 500), "x" * 64)

    def test_limit_per_ipv6_network(self):
        """An IPv6 client holds a whole /64: changing the address within it
        does not escape the limit."""
        self._set_limits(ip=2, order=100)
        self.Attempt._track_order("2001:db8:0:1::1", "NOPE-1", "x")
        self.Attempt._track_order("2001:db8:0:1::2", "NOPE-2", "x")
        self.assertEqual(
            self.Attempt._track_order("2001:db8:0:1::3", self.order.name, "Contoso")[0],
            "blocked",
        )
        self.assertEqual(
            self.Attempt._track_order("2001:db8:0:2::1", self.order.name, "Contoso")[0],
            "found",
        )

    def test_limit_per_order_number(self):
        self._set_limits(ip=100, order=2)
        # two addresses guess names of the same order (number typed differently)
        self.Attempt._track_order(IP_A, self.order.name, "Smith")
        self.Attempt._track_order("198.51.100.7", self.order.name.lower(), "Jones")
        # a third address with the right name is blocked for this order number
        self.assertEqual(
            self.Attempt._track_order(IP_B, f" {self.order.name} ", "Contoso")[0],
            "blocked",
        )
        # other order numbers still work from that address
        self.assertEqual(
            self.Attempt._track_order(IP_B, self.other_order.name, "Other")[0],
            "found",
        )

    def test_empty_numbers_are_limited_per_address_only(self):
        self._set_limits(ip=100, order=1)
        self.Attempt._track_order(IP_A, "", "x")
        self.Attempt._track_order(IP_B, "   ", "y")
        self.assertEqual(
            self.Attempt._track_order(IP_B, self.order.name, "contoso")[0], "found"
        )

    def test_works_again_after_the_window(self):
        self._set_limits(ip=2, order=2, window=30)
        self.Attempt._track_order(IP_A, self.order.name, "Wrong")
        self.Attempt._track_order(IP_A, self.order.name, "Wrong")
        self.assertEqual(
            self.Attempt._track_order(IP_A, self.order.name, "Contoso")[0], "blocked"
        )
        now = fields.Datetime.now()
        with freeze_time(now + timedelta(minutes=29)):
            self.assertEqual(
                self.Attempt._track_order(IP_A, self.order.name, "Contoso")[0],
                "blocked",
            )
        with freeze_time(now + timedelta(minutes=31)):
            self.assertEqual(
                self.Attempt._track_order(IP_A, self.order.name, "Contoso")[0],
                "found",
            )

    def test_bad_parameters_fall_back_to_defaults(self):
        self._set_limits(ip="abc", order="-3", window="0")
        self.assertEqual(
            self.Attempt._get_track_limits(), (10, 5, timedelta(minutes=60))
        )
        self.env["ir.config_parameter"].search(
            [("key", "like", "service_portal.track_")]
        ).unlink()
        self.assertEqual(
            self.Attempt._get_track_limits(), (10, 5, timedelta(minutes=60))
        )
        self._set_limits(ip="25", order="7", window="15")
        self.assertEqual(
            self.Attempt._get_track_limits(), (25, 7, timedelta(minutes=15))
        )

    def test_autovacuum_removes_old_attempts(self):
        self._set_limits(window=60)
        old = self.Attempt._log_track_failure(IP_A, "OLD")
        recent = self.Attempt._log_track_failure(IP_A, "RECENT")
        self.env.cr.execute(
            "UPDATE service_track_attempt SET create_date = create_date - "
            "interval '2 hours' WHERE id = %s",
            [old.id],
        )
        self.Attempt._gc_track_attempts()
        self.assertFalse(old.exists())
        self.assertTrue(recent.exists())

    # -- access ----------------------------------------------------------------------

    def test_attempts_hidden_from_portal_public_and_agents(self):
        self.Attempt._log_track_failure(IP_A, "X")
        public = self.env.ref("base.public_user")
        for user in (self.portal_user, public, self.user_service):
            with self.subTest(user=user.login):
                Attempt = self.env["service.track.attempt"].with_user(user)
                with self.assertRaises(AccessError):
                    Attempt.search([])
                with self.assertRaises(AccessError):
                    Attempt.create({"ip": "1.2.3.4"})
        # managers see them and may delete them to lift a block early
        manager_attempts = self.env["service.track.attempt"].with_user(
            self.user_manager
        )
        self.assertEqual(manager_attempts.search_count([]), 1)
        manager_attempts.search([]).unlink()
        with self.assertRaises(AccessError):
            manager_attempts.create({"ip": "1.2.3.4"})
