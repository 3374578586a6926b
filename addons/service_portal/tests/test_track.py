import threading
import time
from datetime import timedelta
from unittest.mock import patch

import psycopg2.errors
from freezegun import freeze_time

from odoo import fields, sql_db
from odoo.exceptions import AccessError
from odoo.modules.registry import DummyRLock, Registry
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from odoo.addons.http_routing.tests.common import MockRequest

from ..controllers.track import ServiceTrack
from ..models.service_track_attempt import (
    LOCK_CLIENT_ADDRESS,
    LOCK_ORDER_NUMBER,
    TRACK_BLOCKED,
    TRACK_OPEN,
)
from ..tools import advisory_lock_key as _lock_key
from .common import ServicePortalCommon

IP_A = "192.0.2.10"
IP_B = "192.0.2.20"
ATTACKERS = [f"198.51.100.{i}" for i in range(1, 6)]


def held_advisory_locks(cr):
    """(namespace, key) of the advisory locks held by ``cr``'s connection."""
    cr.execute(
        "SELECT classid::bigint, objid::bigint FROM pg_locks "
        "WHERE locktype = 'advisory' AND objsubid = 2 AND granted "
        "AND pid = pg_backend_pid()"
    )
    # objid is an unsigned oid: back to the signed int4 of the key
    return {(ns, key - 2**32 if key >= 2**31 else key) for ns, key in cr.fetchall()}


@tagged("post_install", "-at_install")
class TestServiceTrack(ServicePortalCommon):
    """Matching and database-backed rate limit of the public tracking page
    (docs/SECURITY.md cases 12-14, 26, 28), without HTTP: the controller's look-up
    runs in a mocked request, from any client address."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the rate limit counts in a cursor of its own: the test's, here
        cls.registry_enter_test_mode_cls()
        cls.Attempt = cls.env["service.track.attempt"]
        cls.Order = cls.env["service.order"]
        cls.website = cls.env.ref("website.default_website")
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

    def setUp(self):
        super().setUp()
        # the look-up opens a (test) cursor from a mocked request
        self.http_request_allow_all = True

    def _lookup(self, ip, order_number, last_name):
        """What the tracking page does with one POST from ``ip``."""
        # the limits are counted in another cursor: it must see our changes
        self.env.flush_all()
        with MockRequest(self.env, website=self.website, remote_addr=ip):
            return ServiceTrack()._service_track_lookup(order_number, last_name)

    def _set_limits(self, ip=None, order=None, window=None):
        ICP = self.env["ir.config_parameter"]
        if ip is not None:
            ICP.set_param("service_portal.track_limit_ip", ip)
        if order is not None:
            ICP.set_param("service_portal.track_limit_order", order)
        if window is not None:
            ICP.set_param("service_portal.track_window_minutes", window)

    # -- matching (docs/SECURITY.md cases 12, 13) ----------------------------

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
                    self.Order._find_tracked_order(number, last_name), self.order
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
                    self.Order._find_tracked_order(self.order.name, last_name)
                )
        # the other customer's name does not open this order, but its own
        self.assertEqual(
            self.Order._find_tracked_order(self.other_order.name, "other"),
            self.other_order,
        )

    def test_unicode_last_name(self):
        partner = self.env["res.partner"].create({"name": "Jürgen Müller"})
        order = self._create_order(partner=partner)
        self.assertEqual(self.Order._find_tracked_order(order.name, "MÜLLER"), order)
        # composed and decomposed forms are the same name
        self.assertEqual(
            self.Order._find_tracked_order(order.name, "mu\u0308ller"), order
        )
        self.assertFalse(self.Order._find_tracked_order(order.name, "Muller"))

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
                    self.Order._find_tracked_order(number, last_name),
                    "hostile input matched an order",
                )
                outcome, values = self._lookup(IP_A, number, last_name)
                self.assertEqual((outcome, values), ("not_found", {}))
                self.Attempt.search([]).unlink()

    def test_partner_without_usable_name_never_matches(self):
        partner = self.env["res.partner"].create({"name": "   "})
        order = self._create_order(partner=partner)
        for last_name in ("", " ", "%"):
            self.assertFalse(self.Order._find_tracked_order(order.name, last_name))

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
            self.Order._find_tracked_order("track-b-0001", "Other", company_b),
            order_b,
        )
        self.assertFalse(
            self.Order._find_tracked_order("track-b-0001", "Other", self.company)
        )

    def test_values_are_whitelisted_strings(self):
        outcome, values = self._lookup(IP_A, self.order.name, "contoso")
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
        values = bare._get_track_values()
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

    def test_values_of_an_order_at_a_non_public_location(self):
        """The page is rendered for the public user, who may read no location
        and no user: their names are read through the order (docs/SECURITY.md
        case 26)."""
        self.order.location_id = self.location_internal
        public = self.env.ref("base.public_user")
        with self.assertRaises(AccessError):
            self.location_internal.with_user(public).check_access("read")
        values = self.order.with_user(public)._get_track_values()
        self.assertEqual(values["location"], "Internal Lab")
        self.assertEqual(values["agent"], "Sam Agent")
        outcome, values = self._lookup(IP_A, self.order.name, "Contoso")
        self.assertEqual(outcome, "found")
        self.assertEqual(values["location"], "Internal Lab")

    # -- rate limit (docs/SECURITY.md case 14) -------------------------------

    def test_failures_are_logged_normalised(self):
        self._lookup(IP_A, f"  {self.order.name}  ", "Wrong")
        self._lookup(IP_A, "x" * 500, "Wrong")
        attempts = self.Attempt.search([], order="id")
        self.assertEqual(attempts.mapped("ip"), [IP_A, IP_A])
        self.assertEqual(
            attempts.mapped("order_number"), [self.order.name.lower(), "x" * 64]
        )

    def test_limit_per_client_address(self):
        self._set_limits(ip=3, order=100)
        for i in range(3):
            outcome, __ = self._lookup(IP_A, f"NOPE-{i}", "Contoso")
            self.assertEqual(outcome, "not_found")
        # blocked, even for a right guess, and the block is not logged
        self.assertEqual(
            self._lookup(IP_A, self.order.name, "Contoso"),
            ("blocked", {}),
        )
        self.assertEqual(self.Attempt.search_count([]), 3)
        # another client address is not blocked
        outcome, values = self._lookup(IP_B, self.order.name, "Contoso")
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
        self._lookup("2001:db8:0:1::1", "NOPE-1", "x")
        self._lookup("2001:db8:0:1::2", "NOPE-2", "x")
        self.assertEqual(
            self._lookup("2001:db8:0:1::3", self.order.name, "Contoso")[0],
            "blocked",
        )
        self.assertEqual(
            self._lookup("2001:db8:0:2::1", self.order.name, "Contoso")[0],
            "found",
        )

    def test_limit_per_order_number(self):
        self._set_limits(ip=100, order=2)
        # two addresses guess names of the same order (number typed differently)
        self._lookup(IP_A, self.order.name, "Smith")
        self._lookup("198.51.100.7", self.order.name.lower(), "Jones")
        # the number used up its failures: a third address's guess is blocked
        self.assertEqual(
            self._lookup(IP_B, f" {self.order.name} ", "Doe"), ("blocked", {})
        )
        self.assertEqual(self.Attempt.search_count([("ip", "=", IP_B)]), 1)
        # and so are the addresses that failed on it, even with the right name
        self.assertEqual(self._lookup(IP_A, self.order.name, "Contoso")[0], "blocked")
        # other order numbers still work from these addresses
        self.assertEqual(self._lookup(IP_A, self.other_order.name, "Other")[0], "found")

    def test_others_cannot_lock_the_customer_out(self):
        """An attacker exhausts the per-number limit from five addresses: the
        customer, from an address that never failed on the number, still gets
        the order with the right name; guesses stay blocked (docs/SECURITY.md
        case 28)."""
        self._set_limits(ip=10, order=5)
        number = self.order.name
        for ip in ATTACKERS:
            self.assertEqual(self._lookup(ip, number, "Smith"), ("not_found", {}))
        # each attacker address stays blocked on this number
        for ip in ATTACKERS:
            with self.subTest(ip=ip):
                self.assertEqual(self._lookup(ip, number, "Jones"), ("blocked", {}))
                self.assertEqual(self._lookup(ip, number, "Contoso")[0], "blocked")
        # a new address gets one guess: blocked and logged, then blocked on it
        self.assertEqual(self._lookup("203.0.113.9", number, "Brown"), ("blocked", {}))
        self.assertEqual(self._lookup("203.0.113.9", number, "Contoso")[0], "blocked")
        # the customer, from a clean address, gets the order with the right name
        outcome, values = self._lookup(IP_B, number, "Contoso")
        self.assertEqual(outcome, "found")
        self.assertEqual(values["status"], "In repair")
        # neither successes nor the requests refused before a look-up are logged
        self.assertEqual(self.Attempt.search_count([("order_number", "!=", False)]), 6)
        self.assertFalse(self.Attempt.search_count([("ip", "=", IP_B)]))
        # an address over its own limit is blocked whatever the name
        self._set_limits(ip=1)
        self.assertEqual(
            self._lookup(ATTACKERS[0], self.other_order.name, "Other")[0], "blocked"
        )

    def test_empty_numbers_are_limited_per_address_only(self):
        self._set_limits(ip=100, order=1)
        self._lookup(IP_A, "", "x")
        self._lookup(IP_B, "   ", "y")
        self.assertEqual(self._lookup(IP_B, self.order.name, "contoso")[0], "found")

    def test_works_again_after_the_window(self):
        self._set_limits(ip=2, order=2, window=30)
        self._lookup(IP_A, self.order.name, "Wrong")
        self._lookup(IP_A, self.order.name, "Wrong")
        self.assertEqual(self._lookup(IP_A, self.order.name, "Contoso")[0], "blocked")
        now = fields.Datetime.now()
        with freeze_time(now + timedelta(minutes=29)):
            self.assertEqual(
                self._lookup(IP_A, self.order.name, "Contoso")[0],
                "blocked",
            )
        with freeze_time(now + timedelta(minutes=31)):
            self.assertEqual(
                self._lookup(IP_A, self.order.name, "Contoso")[0],
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

    # -- atomic count (docs/SECURITY.md case 28) -------------------------------

    def test_counted_and_logged_under_the_locks(self):
        """The address's and the number's locks are held from before the
        count until the end of the transaction that logs the failure."""
        Attempt = self.registry["service.track.attempt"]
        expected = {
            (LOCK_CLIENT_ADDRESS, _lock_key(IP_A)),
            (LOCK_ORDER_NUMBER, _lock_key(self.order.name.lower())),
        }
        seen = {}
        check, log = Attempt._check_track_limits, Attempt._log_track_failure

        def spy_check(model, ip, number):
            seen["check"] = held_advisory_locks(model.env.cr)
            return check(model, ip, number)

        def spy_log(model, ip, number):
            seen["log"] = held_advisory_locks(model.env.cr)
            return log(model, ip, number)

        with (
            patch.object(Attempt, "_check_track_limits", spy_check),
            patch.object(Attempt, "_log_track_failure", spy_log),
        ):
            self.assertEqual(
                self._lookup(IP_A, f" {self.order.name} ", "x")[0], "not_found"
            )
        self.assertLessEqual(expected, seen["check"])
        self.assertLessEqual(expected, seen["log"])
        # an empty number locks the address only
        self._lookup(IP_B, "  ", "x")
        self.assertIn(
            (LOCK_CLIENT_ADDRESS, _lock_key(IP_B)), held_advisory_locks(self.env.cr)
        )

    @mute_logger("odoo.sql_db")
    def test_another_transaction_waits_for_the_locks(self):
        """While a look-up's transaction is open (here the test's), another
        transaction cannot count for the same address or the same number."""
        self._lookup(IP_A, self.order.name, "Wrong")
        Attempt = self.env["service.track.attempt"]
        with sql_db.db_connect(self.env.cr.dbname).cursor() as other_cr:
            other_cr.execute("SET lock_timeout = '200ms'")
            other = Attempt.with_env(Attempt.env(cr=other_cr))
            for ip, number in [
                (IP_A, "ANY-OTHER-NUMBER"),  # same address
                (IP_B, self.order.name.lower()),  # same number
            ]:
                with self.subTest(ip=ip, number=number):
                    with (
                        self.assertRaises(psycopg2.errors.LockNotAvailable),
                        other_cr.savepoint(flush=False),
                    ):
                        other._lock_track_keys(ip, number)
            # other addresses and numbers do not wait
            other._lock_track_keys(IP_B, self.other_order.name)
            other_cr.rollback()

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


@tagged("post_install", "-at_install")
class TestServiceTrackConcurrency(TransactionCase):
    """Two workers count failures of the same address at the same time
    (docs/SECURITY.md case 28). Each runs in a real transaction of its own,
    as on a server, and the failure must be committed for the other to see
    it: this test commits and cleans up after itself."""

    IP = "203.0.113.77"
    NUMBER = "TRACK-CONCURRENCY-1"

    def setUp(self):
        super().setUp()
        Attempt = self.registry["service.track.attempt"]
        # one failure per address (ir.config_parameter is the test's, uncommitted)
        limits = patch.object(
            Attempt,
            "_get_track_limits",
            lambda model: (1, 100, timedelta(minutes=60)),
        )
        limits.start()
        self.addCleanup(limits.stop)
        # the test runner holds the registry lock that a new transaction's
        # environment takes: the workers' threads would wait for it forever
        registry_lock = patch.object(Registry, "_lock", DummyRLock())
        registry_lock.start()
        self.addCleanup(registry_lock.stop)
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM service_track_attempt WHERE ip = %s", [self.IP])

    def _waiting_for_lock(self, cr):
        cr.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
            "AND NOT granted AND classid = %s",
            [LOCK_CLIENT_ADDRESS],
        )
        return cr.fetchone()[0]

    def test_second_worker_counts_the_first_ones_failure(self):
        Attempt = self.env["service.track.attempt"]
        logged = threading.Event()
        results, errors = {}, []

        def first():
            try:
                with Attempt._track_gate(self.IP, self.NUMBER) as gate:
                    gate.env.cr.execute("SHOW transaction_isolation")
                    results["isolation"] = gate.env.cr.fetchone()[0]
                    results["first"] = gate._check_track_limits(self.IP, self.NUMBER)
                    gate._log_track_failure(self.IP, self.NUMBER)
                    gate.env.flush_all()
                    logged.set()
                    # commit only once the second one waits for the lock
                    deadline = time.monotonic() + 10
                    while not self._waiting_for_lock(gate.env.cr):
                        if time.monotonic() > deadline:
                            raise AssertionError("the second worker never waited")
                        time.sleep(0.01)
            except Exception as error:  # reported by the test
                logged.set()
                errors.append(error)

        def second():
            try:
                logged.wait(10)
                with Attempt._track_gate(self.IP, "ANOTHER-NUMBER") as gate:
                    results["second"] = gate._check_track_limits(
                        self.IP, "ANOTHER-NUMBER"
                    )
            except Exception as error:  # reported by the test
                errors.append(error)

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        self.assertFalse(errors)
        self.assertEqual(results["first"], TRACK_OPEN)
        # the second waited for the first's commit, then counted its failure
        self.assertEqual(results["second"], TRACK_BLOCKED)
        self.assertEqual(results["isolation"], "read committed")
