from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.service_portal.controllers.portal import ServicePortal

from .test_portal_common import ServicePortalHttpCommon


@tagged("post_install", "-at_install")
class TestPortalPages(ServicePortalHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order_alice = cls._create_order(serial_number="SN-ALICE")
        cls.order_bob = cls._create_order(partner=cls.colleague, serial_number="SN-BOB")
        cls.order_oscar = cls._create_order(
            partner=cls.other_customer,
            serial_number="SN-OSCAR",
            problem_description="Oscar's secret problem",
        )
        cls.order_done = cls._create_order(serial_number="SN-DONE")
        cls.order_done.state = "done"

    def test_home_counter(self):
        self._login(self.portal_user)
        response = self._get("/my")
        self.assertEqual(response.status_code, 200)
        self.assertIn('data-placeholder_count="service_order_count"', response.text)
        result = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["service_order_count"]}
        )
        self.assertEqual(result["service_order_count"], 3)
        self._login(self.portal_other)
        result = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["service_order_count"]}
        )
        self.assertEqual(result["service_order_count"], 1)

    def test_list_company_and_mine(self):
        self._login(self.portal_user)
        response = self._get("/my/service-orders")
        self.assertEqual(response.status_code, 200)
        # company view by default for a company contact, open orders
        self.assertIn(self.order_alice.name, response.text)
        self.assertIn(self.order_bob.name, response.text)
        self.assertNotIn(self.order_done.name, response.text)
        self.assertNotIn(self.order_oscar.name, response.text)
        self.assertIn("/my/service-orders/new", response.text)
        response = self._get("/my/service-orders?scope=mine&filterby=all")
        self.assertIn(self.order_alice.name, response.text)
        self.assertIn(self.order_done.name, response.text)
        self.assertNotIn(self.order_bob.name, response.text)
        response = self._get("/my/service-orders?filterby=closed")
        self.assertIn(self.order_done.name, response.text)
        self.assertNotIn(self.order_alice.name, response.text)

    def test_detail_own_and_colleague(self):
        self._login(self.portal_user)
        for order in (self.order_alice, self.order_bob):
            response = self._get(f"/my/service-orders/{order.id}")
            self.assertEqual(response.status_code, 200)
            self.assertIn(order.name, response.text)
            self.assertIn(order.serial_number, response.text)
            self.assertIn("o_portal_chatter", response.text)
            self.assertIn('id="service_order_portal_extra"', response.text)

    def test_detail_other_customer_redirects(self):
        self._login(self.portal_user)
        response = self._get(f"/my/service-orders/{self.order_oscar.id}")
        self._assert_redirect_home(response)
        self.assertNotIn("SN-OSCAR", response.text)
        response = self._get(
            f"/my/service-orders/{self.order_oscar.id}?access_token=wrong"
        )
        self._assert_redirect_home(response)
        token = self.order_alice._portal_ensure_token()
        response = self._get(
            f"/my/service-orders/{self.order_oscar.id}?access_token={token}"
        )
        self._assert_redirect_home(response)

    def test_detail_with_token_logged_out(self):
        self.authenticate(None, None)
        token = self.order_oscar._portal_ensure_token()
        response = self._get(
            f"/my/service-orders/{self.order_oscar.id}?access_token={token}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("SN-OSCAR", response.text)
        response = self._get(f"/my/service-orders/{self.order_oscar.id}")
        self.assertIn(response.status_code, (302, 303))
        self.assertNotIn("SN-OSCAR", response.text)

    def test_list_sort_and_pager(self):
        orders = self.order_alice | self.order_bob
        for i in range(3):
            orders |= self._create_order(serial_number=f"SN-PAGE-{i}")
        self._login(self.portal_user)
        response = self._get("/my/service-orders?sortby=name")
        body = response.text
        positions = [body.index(f">{order.name}<") for order in orders]
        # newest number first
        self.assertEqual(positions, sorted(positions, reverse=True))
        with patch.object(ServicePortal, "_items_per_page", 2):
            response = self._get("/my/service-orders/page/2?sortby=name")
            shown = orders.filtered(lambda o: f">{o.name}<" in response.text)
            self.assertEqual(shown, orders.sorted("name", reverse=True)[2:4])
            # the pager keeps the sort, the filter and the scope
            self.assertIn(
                "/my/service-orders/page/3?sortby=name&amp;filterby=open&amp;scope=company",
                response.text,
            )
        response = self._get("/my/service-orders?sortby=state&filterby=all")
        self.assertEqual(response.status_code, 200)
        body = response.text
        self.assertLess(
            body.index(f">{self.order_done.name}<"),
            body.index(f">{self.order_alice.name}<"),
        )
