from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from ..models.service_track_attempt import (
    MAX_ORDER_NUMBER_LENGTH,
    TRACK_BLOCKED,
    TRACK_RIGHT_NAME_ONLY,
    clean_track_input,
)
from ..tools import readonly_on_get

TRACK_CAPTCHA_ACTION = "service_track"
# The form is a few fields and a captcha token: larger bodies get a 413.
TRACK_MAX_CONTENT_LENGTH = 64 * 1024


class ServiceTrack(http.Controller):
    """Public tracking page: an order number and the customer's last name
    give the status of one service order, nothing personal."""

    @http.route(
        "/service/track",
        type="http",
        auth="public",
        website=True,
        methods=["GET", "POST"],
        sitemap=False,
        readonly=readonly_on_get,  # the look-up (POST) logs failures
        max_content_length=TRACK_MAX_CONTENT_LENGTH,
    )
    def service_track(self, **post):
        if request.httprequest.method != "POST":
            # GET only shows the empty form: look-ups need a POST with CSRF.
            return self._service_track_render()
        order_number = post.get("order_number")
        last_name = post.get("last_name")
        # Only the number is typed in again: the name is never sent back.
        values = {
            "order_number": self._service_track_echo(
                order_number, MAX_ORDER_NUMBER_LENGTH
            ),
        }
        try:
            # A no-op unless a captcha module (google_recaptcha,
            # website_cf_turnstile) is installed and configured.
            request.env["ir.http"]._verify_request_recaptcha_token(TRACK_CAPTCHA_ACTION)
        except (UserError, ValidationError) as error:
            values["error"] = error.args[0]
            return self._service_track_render(values, status=400)

        outcome, result = self._service_track_lookup(order_number, last_name)
        values["searched"] = True
        if outcome == "blocked":
            window = request.env["service.track.attempt"].sudo()._get_track_limits()[2]
            values["blocked"] = True
            values["retry_message"] = request.env._(
                "Please try again in %(minutes)s minutes.",
                minutes=int(window.total_seconds() // 60),
            )
            response = self._service_track_render(values, status=429)
            response.headers["Retry-After"] = str(int(window.total_seconds()))
            return response
        values["result"] = result
        return self._service_track_render(values)

    def _service_track_lookup(self, order_number, last_name):
        """Look an order up for the visitor's address, within the limits.

        Returns ``(outcome, values)``: ``"blocked"`` (too many failed look-ups:
        answered 429, a right name too, unless only the order number used up
        its failures and this address never failed on it), ``"not_found"``
        (unknown number and wrong name alike, logged as a failure) or
        ``"found"`` with the whitelisted values of ``_get_track_values()``.
        Counting and logging run under the locks of ``_track_gate``, so
        parallel requests cannot exceed the limits; the look-up itself needs
        no lock and runs before, so that the locks are held shortly.
        """
        ip = request.httprequest.remote_addr
        order = request.env["service.order"]._find_tracked_order(
            order_number, last_name, company=request.website.company_id
        )
        Attempt = request.env["service.track.attempt"].sudo()
        with Attempt._track_gate(ip, order_number) as gate:
            allowed = gate._check_track_limits(ip, order_number)
            if allowed != TRACK_BLOCKED and not order:
                gate._log_track_failure(ip, order_number)
        if allowed == TRACK_BLOCKED or (allowed == TRACK_RIGHT_NAME_ONLY and not order):
            return "blocked", {}
        if not order:
            return "not_found", {}
        return "found", order._get_track_values()

    @staticmethod
    def _service_track_echo(value, max_length):
        """What the visitor typed, without control characters, to fill the
        form again (QWeb escapes it)."""
        return clean_track_input(value, max_length)[:max_length]

    def _service_track_render(self, values=None, status=200):
        response = request.render(
            "service_portal.service_track_page", values or {}, status=status
        )
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
        # no framing by other sites (clickjacking), as portal's pages do
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
        return response
