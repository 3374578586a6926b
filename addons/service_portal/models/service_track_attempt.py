import ipaddress
import unicodedata
from contextlib import contextmanager
from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain

from ..tools import (
    advisory_lock_key,
    get_positive_int_param,
    read_committed_env,
    take_advisory_locks,
)

# Defaults of the system parameters that tune the public tracking page.
DEFAULT_LIMIT_IP = 10
DEFAULT_LIMIT_ORDER = 5
DEFAULT_WINDOW_MINUTES = 60
PARAM_LIMIT_IP = "service_portal.track_limit_ip"
PARAM_LIMIT_ORDER = "service_portal.track_limit_order"
PARAM_WINDOW_MINUTES = "service_portal.track_window_minutes"

# Longer inputs cannot be an order number or a last name: they never match
# and are stored truncated.
MAX_ORDER_NUMBER_LENGTH = 64
MAX_LAST_NAME_LENGTH = 128
MAX_IP_LENGTH = 64
# Orders one look-up compares the name with: numbers are unique per company,
# so one per company of the website's company tree.
MAX_TRACK_CANDIDATES = 20

# What ``_check_track_limits`` allows.
TRACK_OPEN = "open"  # a look-up like any other
TRACK_BLOCKED = "blocked"  # refused (429), even a right name
# The order number used up its failed look-ups, but not from this client
# address: only the right last name is answered, a wrong one gets the 429.
TRACK_RIGHT_NAME_ONLY = "right_name_only"

# First key of the transaction-level advisory locks (pg_advisory_xact_lock
# with two int4 keys), so that ours never collide with another module's.
LOCK_CLIENT_ADDRESS = 0x53505431  # "SPT1"
LOCK_ORDER_NUMBER = 0x53505432  # "SPT2"
# A look-up holds its locks a few milliseconds; waiting longer means something
# is stuck: the request fails with LockNotAvailable and Odoo retries it.
LOCK_TIMEOUT = "10s"


def clean_track_input(value, max_length=None):
    """Unicode-normalised text without control or invisible characters
    (NUL bytes would make PostgreSQL fail), surrounding spaces trimmed.
    With ``max_length``, only a bounded prefix of a huge value is cleaned."""
    if not isinstance(value, str):
        return ""
    if max_length:
        value = value[: max_length * 4]
    value = unicodedata.normalize("NFKC", value)
    return "".join(ch for ch in value if unicodedata.category(ch)[0] != "C").strip()


def track_order_number(value):
    """The order number to look up (compared with ``lower(name)``), or ""
    when the input cannot be one. Never truncated: a longer input must not
    match its prefix."""
    if not isinstance(value, str) or len(value) > MAX_ORDER_NUMBER_LENGTH * 4:
        return ""
    number = clean_track_input(value).lower()
    return number if len(number) <= MAX_ORDER_NUMBER_LENGTH else ""


def track_last_name(value):
    """The last name to compare (case-insensitive), or "" when the input
    cannot be one."""
    if not isinstance(value, str) or len(value) > MAX_LAST_NAME_LENGTH * 4:
        return ""
    name = clean_track_input(value).casefold()
    return name if len(name) <= MAX_LAST_NAME_LENGTH else ""


def partner_last_name(name):
    """Last word of a customer's name, normalised like the input."""
    words = clean_track_input(name or "").split()
    return words[-1].casefold() if words else ""


class ServiceTrackAttempt(models.Model):
    """Failed look-ups of the public tracking page (``/service/track``).

    This model only counts and logs, as ``auth_totp``'s rate-limit log does:
    the look-up itself is ``service.order._find_tracked_order``. Stored in the
    database (not in a worker's memory) so that the limits hold across every
    Odoo worker and server; counting and logging run in a transaction of their
    own that holds an advisory lock per client address and order number (see
    ``_track_gate``). Rows older than the window are removed by the autovacuum.
    """

    _name = "service.track.attempt"
    _description = "Failed Service Order Tracking Attempt"
    _order = "id desc"

    ip = fields.Char(
        string="IP Address",
        readonly=True,
        help="IPv4 address, or the /64 network of an IPv6 address.",
    )
    order_number = fields.Char(
        readonly=True, help="Order number as typed, normalized (lower case)."
    )

    _ip_create_date_idx = models.Index("(ip, create_date)")
    _order_number_create_date_idx = models.Index("(order_number, create_date)")

    # ------------------------------------------------------------
    # Keys
    # ------------------------------------------------------------

    @api.model
    def _normalize_order_number(self, order_number):
        """Order number compared case-insensitively, spaces around ignored
        (the key of the per-order-number limit, at most 64 characters)."""
        return clean_track_input(order_number, MAX_ORDER_NUMBER_LENGTH).lower()[
            :MAX_ORDER_NUMBER_LENGTH
        ]

    @api.model
    def _normalize_ip(self, ip):
        """The client key the per-address limit counts. An IPv6 client usually
        holds a whole /64 network: count the network, not each address."""
        ip = clean_track_input(ip, MAX_IP_LENGTH)[:MAX_IP_LENGTH]
        try:
            address = ipaddress.ip_address(ip)
            if address.version == 4:
                return str(address)
            if address.ipv4_mapped:
                return str(address.ipv4_mapped)
            return str(ipaddress.IPv6Network((int(address), 64), strict=False))
        except ValueError:
            return ip

    # ------------------------------------------------------------
    # Limits
    # ------------------------------------------------------------

    @api.model
    def _get_track_limits(self):
        """(limit per client address, limit per order number, window)."""
        env = self.env
        return (
            get_positive_int_param(env, PARAM_LIMIT_IP, DEFAULT_LIMIT_IP),
            get_positive_int_param(env, PARAM_LIMIT_ORDER, DEFAULT_LIMIT_ORDER),
            timedelta(
                minutes=get_positive_int_param(
                    env, PARAM_WINDOW_MINUTES, DEFAULT_WINDOW_MINUTES
                )
            ),
        )

    @api.model
    @contextmanager
    def _track_gate(self, ip, order_number):
        """Count and log the failed look-ups of one request atomically.

        Yields this model (sudo) on a cursor of its own, in a transaction that
        first takes a transaction-level advisory lock on the client address and
        one on the order number, and commits when the block ends: the lock is
        held from before counting until the logged failure is committed, so
        concurrent look-ups of the same address or number (other workers or
        servers) count one after the other.

        Odoo's transactions are REPEATABLE READ: their snapshot is taken at the
        first query of the request, long before the lock is granted, and would
        not show the failures committed in between. This one is READ COMMITTED:
        each count sees everything committed before it.
        """
        with read_committed_env(self.env, LOCK_TIMEOUT) as env:
            gate = self.with_env(env)
            gate._lock_track_keys(ip, order_number)
            yield gate

    @api.model
    def _lock_track_keys(self, ip, order_number):
        """Wait for, then hold until the end of the transaction, the lock of
        the client address and the lock of the order number (if any), always
        in this order (a select list is evaluated from left to right) so that
        two look-ups never deadlock."""
        keys = [(LOCK_CLIENT_ADDRESS, advisory_lock_key(self._normalize_ip(ip)))]
        number = self._normalize_order_number(order_number)
        if number:
            keys.append((LOCK_ORDER_NUMBER, advisory_lock_key(number)))
        take_advisory_locks(self.env.cr, keys)

    @api.model
    def _check_track_limits(self, ip, order_number):
        """What the failed look-ups within the window allow this request:

        - ``TRACK_BLOCKED``: the client address used up its failed look-ups,
          or failed on this order number, which used up its own;
        - ``TRACK_RIGHT_NAME_ONLY``: the order number used up its failed
          look-ups, but not from this address: a right name is answered (the
          customer is not locked out by others' guesses), a wrong one is
          blocked and logged;
        - ``TRACK_OPEN`` otherwise.
        """
        limit_ip, limit_order, window = self._get_track_limits()
        recent = Domain("create_date", ">=", fields.Datetime.now() - window)
        by_ip = recent & Domain("ip", "=", self._normalize_ip(ip))
        Attempt = self.sudo()
        if Attempt.search_count(by_ip, limit=limit_ip) >= limit_ip:
            return TRACK_BLOCKED
        number = self._normalize_order_number(order_number)
        if not number:
            return TRACK_OPEN
        by_number = recent & Domain("order_number", "=", number)
        if Attempt.search_count(by_number, limit=limit_order) < limit_order:
            return TRACK_OPEN
        if Attempt.search_count(by_number & by_ip, limit=1):
            return TRACK_BLOCKED
        return TRACK_RIGHT_NAME_ONLY

    @api.model
    def _log_track_failure(self, ip, order_number):
        """Record a failed look-up. The caller returns a response afterwards
        (raising would roll the record back)."""
        number = self._normalize_order_number(order_number)
        return self.sudo().create(
            {"ip": self._normalize_ip(ip), "order_number": number or False}
        )

    @api.autovacuum
    def _gc_track_attempts(self):
        """Forget failed look-ups older than the window."""
        window = self._get_track_limits()[2]
        self.sudo().search(
            [("create_date", "<", fields.Datetime.now() - window)]
        ).unlink()
