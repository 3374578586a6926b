"""Read-only routes (issue 14 §4): which routes Odoo may serve on a read-only
cursor, i.e. on the replica when ``db_replica_host`` is set, and proof that
they answer on one (the test cursor of a read-only route refuses writes, as a
replica does)."""

from unittest.mock import patch

from odoo.service import model as service_model
from odoo.tests import tagged

from .test_portal_common import ServicePortalHttpCommon


def route_readonly_modes(env, prefixes):
    """``{url: True | False | "callable"}`` of the routes under ``prefixes``."""
    modes = {}
    for rule in env["ir.http"].routing_map().iter_rules():
        if rule.rule.startswith(prefixes):
            readonly = rule.endpoint.routing["readonly"]
            modes[rule.rule] = "callable" if callable(readonly) else bool(readonly)
    return modes


class ReadonlyRoutesMixin:
    """``_get_readonly(url)``: the answer to a GET, asserting that Odoo served
    it on a read-only cursor, without falling back to a read/write one (a
    write on the replica raises; Odoo then logs a warning and retries)."""

    def _get_served(self, url, **kwargs):
        """The answer and the cursor modes Odoo served it with (one entry per
        attempt: ``True`` read-only, ``False`` read/write)."""
        modes = []
        retrying = service_model.retrying

        def spy(func, env):
            modes.append(bool(env.cr.readonly))
            return retrying(func, env)

        with patch.object(service_model, "retrying", spy):
            response = self.url_open(url, allow_redirects=False, **kwargs)
        return response, modes

    def _get_readonly(self, url, status=200):
        with self.assertNoLogs("odoo.http", "WARNING"):
            response, modes = self._get_served(url)
        self.assertEqual(response.status_code, status, url)
        self.assertEqual(modes, [True], f"{url} not served on a read-only cursor")
        return response

    def _get_read_write(self, url, status=200):
        response, modes = self._get_served(url)
        self.assertEqual(response.status_code, status, url)
        self.assertEqual(modes, [False], f"{url} not served on a read/write cursor")
        return response


@tagged("post_install", "-at_install")
class TestPortalReadonlyRoutes(ReadonlyRoutesMixin, ServicePortalHttpCommon):
    def test_readonly_route_list(self):
        """The guard: a route changing mode is a decision, made here too.
        ``callable``: read-only for a GET of the forms and of the tracking
        page. The order page writes: it creates missing access tokens (the
        order's, its files', the previous and next orders' of the pager)."""
        self.assertEqual(
            route_readonly_modes(self.env, ("/my/service-orders", "/service/track")),
            {
                "/my/service-orders": True,
                "/my/service-orders/page/<int:page>": True,
                "/my/service-orders/<int:order_id>": False,
                "/my/service-orders/<int:order_id>/summary": True,
                "/my/service-orders/new": "callable",
                "/my/service-orders/<int:order_id>/edit": "callable",
                "/my/service-orders/<int:order_id>/approve": False,
                "/my/service-orders/<int:order_id>/attachments": False,
                "/my/service-orders/<int:order_id>/handover": False,
                "/service/track": "callable",
            }
            | self._other_addons_order_routes(),
        )

    def _other_addons_order_routes(self):
        """Routes of the other addons under /my/service-orders (all read/write:
        estimate decisions), when they are installed."""
        routes = {}
        if "service.contract" in self.env:
            for decision in ("approve", "reject"):
                url = f"/my/service-orders/<int:order_id>/estimate/{decision}"
                routes[url] = False
        return routes

    def test_pages_answer_on_a_readonly_cursor(self):
        order = self._create_order(serial_number="SN-RO-1")
        draft = self._create_order(serial_number="SN-RO-DRAFT", state="draft")
        self._login(self.portal_user)
        self._get_readonly("/my/service-orders")
        self._get_readonly("/my/service-orders/page/2")
        self._get_readonly("/my/service-orders?scope=mine&filterby=all")
        self._get_readonly("/my/service-orders/new")
        self._get_readonly(f"/my/service-orders/{draft.id}/edit")
        self._get_readonly(f"/my/service-orders/{draft.id}/summary")
        # the order page creates missing access tokens: on the primary
        order.access_token = False
        self._get_read_write(f"/my/service-orders/{order.id}")
        self.assertTrue(order.access_token)
        self.authenticate(None, None)
        self._get_readonly("/service/track")

    def test_writes_stay_read_write(self):
        """The forms' POST, the tracking look-up (its rate limit logs
        failures), on a read/write cursor."""
        self._login(self.portal_user)
        _response, modes = self._get_served(
            "/my/service-orders/new",
            data={"csrf_token": self._csrf(), **self._form_data()},
        )
        self.assertEqual(modes, [False])
        self.authenticate(None, None)
        _response, modes = self._get_served(
            "/service/track",
            data={
                "csrf_token": self._csrf(),
                "order_number": "SO-NONE",
                "last_name": "Nobody",
            },
        )
        self.assertEqual(modes, [False])
