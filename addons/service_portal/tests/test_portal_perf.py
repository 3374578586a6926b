from odoo.tests import tagged

from .common import render_as_user
from .test_portal_common import ServicePortalHttpCommon


@tagged("post_install", "-at_install")
class TestPortalPerformance(ServicePortalHttpCommon):
    """Portal pages run a constant number of queries whatever the number of
    orders: measured with 5 orders, asserted with 50."""

    def _create_orders(self, count):
        items = self.env["service.item"].create(
            [
                {
                    "partner_id": self.customer.id,
                    "device_model_id": self.model_laptop.id,
                    "serial_number": f"ITEM-{i}",
                }
                for i in range(count)
            ]
        )
        orders = self.env["service.order"].create(
            [
                {
                    "partner_id": (self.customer if i % 2 else self.colleague).id,
                    "service_item_id": item.id,
                    "device_description": f"Device {i}",
                    "problem_description": "Broken",
                    "location_id": self.location.id,
                    "user_id": self.user_service.id,
                }
                for i, item in enumerate(items)
            ]
        )
        for order in orders:
            order.answer_ids = [
                (0, 0, {"task_id": self.task_water.id, "value_boolean": "no"})
            ]
        orders[::3].action_confirm()
        return orders

    def _query_count(self, url):
        # warm the caches (templates, assets, routing), then measure
        for _i in range(2):
            self.assertEqual(self._get(url).status_code, 200)
        self.env.flush_all()
        start = self.cr.sql_log_count
        self.assertEqual(self._get(url).status_code, 200)
        return self.cr.sql_log_count - start

    def test_list_and_detail_query_count(self):
        self._login(self.portal_user)
        orders = self._create_orders(5)
        detail = orders[0]
        detail.message_post(body="Hello", subtype_xmlid="mail.mt_comment")
        urls = {
            "list": "/my/service-orders?filterby=all",
            "detail": f"/my/service-orders/{detail.id}",
        }
        counts = {name: self._query_count(url) for name, url in urls.items()}
        self._create_orders(45)
        for name, url in urls.items():
            with self.subTest(page=name):
                for _i in range(2):
                    self._get(url)
                self.env.flush_all()
                with self.assertQueryCount(counts[name]):
                    response = self._get(url)
                self.assertEqual(response.status_code, 200)
        # the list really shows the 50 orders
        response = self._get(urls["list"])
        self.assertEqual(response.text.count("o_service_order_row"), 50)

    def test_list_cells_render_as_field_widgets(self):
        """The list's cells, formatted once per page by the controller, and
        its badges, rendered once per state, are what the ``t-field``
        widgets and the badge template render for each row."""
        self._login(self.portal_user)
        orders = self._create_orders(6)
        orders[1].date_promised = "2026-03-04"
        text = self._get("/my/service-orders?filterby=all").text
        self.assertEqual(text.count("o_service_order_row"), 6)
        # the list's own layout rules (long headers wrap, whole badges)
        self.assertIn('class="table-responsive border-0 o_service_portal_list"', text)

        def render(template, order):
            values = {"order": order}
            return render_as_user(self.env, self.portal_user, template, values)

        for order in orders:
            with self.subTest(order=order.name):
                # twice a row: small screens and the status column
                badge = render("service_portal.portal_service_order_state_badge", order)
                same_state = orders.filtered(lambda o, s=order.state: o.state == s)
                self.assertEqual(text.count(badge), 2 * len(same_state))
                created = render(
                    '<span t-field="order.create_date" '
                    "t-options=\"{'widget': 'date'}\"/>",
                    order,
                )
                self.assertIn(created, text)
                if order.date_promised:
                    promised = render('<span t-field="order.date_promised"/>', order)
                    self.assertIn(promised, text)

    def test_list_layout_rules_in_frontend_assets(self):
        """The rules of ``o_service_portal_list`` (headers that wrap, a status
        column as wide as its badge) are in the website's stylesheet."""
        paths = [
            path
            for _url, path, *_rest in self.env["ir.asset"]._get_asset_paths(
                "web.assets_frontend", {}
            )
        ]
        self.assertTrue(
            any(
                p.endswith("service_portal/static/src/scss/portal_lists.scss")
                for p in paths
            ),
            "portal_lists.scss is not in web.assets_frontend",
        )
