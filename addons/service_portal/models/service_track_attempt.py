import ipaddress
import unicodedata
from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL, consteq

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


class ServiceTrackAttempt(models.Model):
    """Failed look-ups of the public tracking page (``/service/track``).

    Stored in the database (not in a worker's memory) so that the limits hold
    across every Odoo worker and server, as ``auth_totp`` does for its codes.
    Rows older than the window are removed by the autovacuum.
    """

    _name = "service.track.attempt"
    _description = "Failed Service Order Tracking Attempt"
    _order = "id desc"

    ip = fields.Char(
        string="Client Address",
        readonly=True,
        help="IPv4 address, or the /64 network of an IPv6 address.",
    )
    order_number = fields.Char(
        readonly=True, help="Order number as typed, normalised (lower case)."
    )

    _ip_create_date_idx = models.Index("(ip, create_date)")
    _order_number_create_date_idx = models.Index("(order_number, create_date)")

    # ------------------------------------------------------------
    # Normalisation
    # ------------------------------------------------------------

    @api.model
    def _normalize_order_number(self, order_number):
        """Order number compared case-insensitively, spaces around ignored
        (the key of the per-order-number limit, at most 64 characters)."""
        return clean_track_input(order_number, MAX_ORDER_NUMBER_LENGTH).lower()[
            :MAX_ORDER_NUMBER_LENGTH
        ]

    @api.model
    def _normalize_last_name(self, last_name):
        return clean_track_input(last_name).casefold()

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

    @api.model
    def _get_partner_last_name(self, partner):
        """Last word of the customer's name, normalised like the input."""
        words = clean_track_input(partner.name or "").split()
        return words[-1].casefold() if words else ""

    # ------------------------------------------------------------
    # Limits
    # ------------------------------------------------------------

    @api.model
    def _get_track_limits(self):
        """(limit per client address, limit per order number, window)."""
        get_param = self.env["ir.config_parameter"].sudo().get_param

        def positive_int(key, default):
            try:
                value = int(get_param(key, default))
            except (TypeError, ValueError):
                return default
            return value if value > 0 else default

        return (
            positive_int(PARAM_LIMIT_IP, DEFAULT_LIMIT_IP),
            positive_int(PARAM_LIMIT_ORDER, DEFAULT_LIMIT_ORDER),
            timedelta(
                minutes=positive_int(PARAM_WINDOW_MINUTES, DEFAULT_WINDOW_MINUTES)
            ),
        )

    @api.model
    def _is_track_blocked(self, ip, order_number):
        """Whether the client address or the order number used up its
        failed look-ups within the window."""
        limit_ip, limit_order, window = self._get_track_limits()
        since = Domain("create_date", ">=", fields.Datetime.now() - window)
        Attempt = self.sudo()
        ip = self._normalize_ip(ip)
        if Attempt.search_count(since & Domain("ip", "=", ip), limit=limit_ip) >= (
            limit_ip
        ):
            return True
        number = self._normalize_order_number(order_number)
        return (
            bool(number)
            and Attempt.search_count(
                since & Domain("order_number", "=", number), limit=limit_order
            )
            >= limit_order
        )

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

    # ------------------------------------------------------------
    # Look-up
    # ------------------------------------------------------------

    @api.model
    def _find_tracked_order(self, order_number, last_name, company=None):
        """The order whose number is ``order_number`` (case-insensitive,
        surrounding spaces ignored) and whose customer's last name (last word of
        the name) is exactly ``last_name`` (case-insensitive); an empty
        recordset otherwise. No pattern matching on the input: ``%``, ``_`` and
        empty values never match. Returns a sudo record: callers only give
        out ``_get_track_values()``."""
        Order = self.env["service.order"].sudo()
        if (
            not isinstance(order_number, str)
            or not isinstance(last_name, str)
            or len(order_number) > MAX_ORDER_NUMBER_LENGTH * 4
            or len(last_name) > MAX_LAST_NAME_LENGTH * 4
        ):
            return Order
        # not truncated: a longer number must not match its prefix
        number = clean_track_input(order_number).lower()
        name = self._normalize_last_name(last_name)
        if (
            not number
            or not name
            or len(number) > MAX_ORDER_NUMBER_LENGTH
            or len(name) > MAX_LAST_NAME_LENGTH
        ):
            return Order
        self.env["service.order"].flush_model(["name"])
        rows = self.env.execute_query(
            SQL(
                "SELECT id FROM service_order WHERE lower(name) = %s ORDER BY id",
                number,
            )
        )
        orders = Order.browse([row[0] for row in rows])
        if company:
            orders = orders.filtered_domain(
                [("company_id", "child_of", company.root_id.id)]
            )
        for order in orders:
            if order.name.lower() != number:
                continue
            expected = self._get_partner_last_name(order.partner_id)
            if expected and consteq(expected.encode(), name.encode()):
                return order
        return Order

    @api.model
    def _get_track_values(self, order):
        """The only data the public page shows about an order, as plain
        strings: never personal data, amounts, tokens or notes."""
        order.ensure_one()
        device = " – ".join(
            part
            for part in (order.device_model_id.display_name, order.device_description)
            if part
        )
        return {
            "number": order.name,
            "status": order._get_customer_status_label(),
            "device": device,
            "agent": order.user_id.name or "",
            "location": order.location_id.name or "",
        }

    @api.model
    def _track_order(self, ip, order_number, last_name, company=None):
        """Run one look-up of the tracking page.

        Returns ``(outcome, values)`` with outcome ``"blocked"`` (too many
        failed look-ups, even for a right guess), ``"not_found"`` (unknown
        number and wrong name alike; the failure is logged) or ``"found"``
        with the whitelisted values of ``_get_track_values()``.
        """
        if self._is_track_blocked(ip, order_number):
            return "blocked", {}
        order = self._find_tracked_order(order_number, last_name, company=company)
        if not order:
            self._log_track_failure(ip, order_number)
            return "not_found", {}
        return "found", self._get_track_values(order)
