from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from ..models.service_track_attempt import MAX_ORDER_NUMBER_LENGTH, clean_track_input

TRACK_CAPTCHA_ACTION = "service_track"
# The form is a few fields and a captcha token: larger bodies get a 413.
TRACK_MAX_CONTENT_LENGTH = 64 * 1024


class ServiceTrack(http.Controller):
    """Public tracking page: an order number and the customer's last name
    give the status of one service order, nothing personal."""

    def _service_track_readonly(self, rule, args):
        """The form (GET) only reads: serve it on a read-only cursor."""
        return request.httprequest.method == "GET"

    @http.route(
        "/service/track",
        type="http",
        auth="public",
        website=True,
        methods=["GET", "POST"],
        sitemap=False,
        readonly=_service_track_readonly,
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

        Attempt = request.env["service.track.attempt"].sudo()
        outcome, result = Attempt._track_order(
            request.httprequest.remote_addr,
            order_number,
            last_name,
            company=request.website.company_id,
        )
        values["searched"] = True
        if outcome == "blocked":
            window = Attempt._get_track_limits()[2]
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
        return response
