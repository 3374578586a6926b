from odoo import Command, http
from odoo.tests import HttpCase, freeze_time, tagged
from odoo.tools import mute_logger

from odoo.addons.service_portal.controllers.portal import ServicePortal

from ..controllers.portal import ServiceContractPortal
from .common import ServiceContractsCommon


@tagged("post_install", "-at_install")
class TestContractPortal(ServiceContractsCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.quote = cls._create_contract(response_time_hours=4)
        cls.active = cls._create_active_contract(date_end="2026-12-31")
        cls.contract_oscar = cls._create_active_contract(partner=cls.other_customer)
        # two invoiced periods (January, February)
        with freeze_time("2026-02-10"):
            cls.active.action_invoice_now()

    def _get(self, url, login=None):
        if login:
            self.authenticate(login, login)
        return self.url_open(url)

    def test_list_page(self):
        response = self._get("/my/service-contracts", "sc_portal_alice")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.quote.name, response.text)
        self.assertIn(self.active.name, response.text)
        self.assertNotIn(self.contract_oscar.name, response.text)
        # bad parameters fall back to defaults
        for query in ("?sortby=__class__&filterby=x", "?filterby=quote"):
            response = self.url_open("/my/service-contracts" + query)
            self.assertEqual(response.status_code, 200)
            self.assertIn(self.quote.name, response.text)
        response = self.url_open("/my/service-contracts?filterby=active")
        self.assertNotIn(self.quote.name, response.text)
        self.assertIn(self.active.name, response.text)

    def test_home_counter(self):
        self.authenticate("sc_portal_alice", "sc_portal_alice")
        result = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["service_contract_count"]}
        )
        self.assertEqual(result["service_contract_count"], 2)

    def test_contract_page_and_invoices(self):
        response = self._get(f"/my/service-contracts/{self.active.id}", "sc_portal_bob")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.active.name, response.text)
        self.assertIn("Repair cover", response.text)
        invoices = self.active.invoice_ids
        self.assertEqual(len(invoices), 2)
        for invoice in invoices:
            self.assertIn(f'href="{invoice.access_url}"', response.text)
            page = self.url_open(invoice.access_url)
            self.assertEqual(page.status_code, 200)
            self.assertIn(invoice.name, page.text)
        # the customer reads the invoice in Odoo's own portal page
        self.assertIn("/my/invoices/", invoices[0].access_url)

    def test_free_text_is_escaped(self):
        self.quote.line_ids.name = "<script>alert('x')</script>"
        response = self._get(
            f"/my/service-contracts/{self.quote.id}", "sc_portal_alice"
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("<script>alert('x')</script>", response.text)
        self.assertIn("&lt;script&gt;", response.text)
        response = self.url_open("/my/service-contracts")
        self.assertNotIn("<script>alert('x')</script>", response.text)

    def test_other_customer_contract_redirects(self):
        self.authenticate("sc_portal_alice", "sc_portal_alice")
        for url in (
            f"/my/service-contracts/{self.contract_oscar.id}",
            f"/my/service-contracts/{self.contract_oscar.id}?access_token=wrong",
            f"/my/service-contracts/{self.contract_oscar.id}"
            f"?access_token={self.quote._portal_ensure_token()}",
        ):
            response = self.url_open(url, allow_redirects=False)
            self.assertEqual(response.status_code, 303, url)
            self.assertTrue(response.headers["Location"].endswith("/my"), url)

    def test_missing_contract_is_not_found(self):
        """docs/SECURITY.md case 5, as sale: 404 for a contract that does not
        (or cannot) exist."""
        self.authenticate("sc_portal_alice", "sc_portal_alice")
        missing = self.env["service.contract"].search([], order="id desc", limit=1)
        for path in (
            f"{missing.id + 1000}",
            "999999999",
            "99999999999",
            "0",
            "abc",
            f"{missing.id + 1000}/accept",
        ):
            url = f"/my/service-contracts/{path}"
            with mute_logger("odoo.http"):
                if path.endswith("/accept"):
                    response = self.url_open(
                        url, data={"csrf_token": http.Request.csrf_token(self)}
                    )
                else:
                    response = self.url_open(url, allow_redirects=False)
            self.assertEqual(response.status_code, 404, url)

    def test_contract_pages_cannot_be_framed(self):
        """docs/SECURITY.md case 27: the quote page has a one-click Accept
        button (clickjacking)."""
        self.authenticate("sc_portal_alice", "sc_portal_alice")
        for url in ("/my/service-contracts", f"/my/service-contracts/{self.quote.id}"):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertEqual(
                response.headers.get("Content-Security-Policy"),
                "frame-ancestors 'self'",
                url,
            )

    def test_staff_see_their_own_contracts_on_the_portal(self):
        """The lists and the counter are scoped to the user's commercial
        partner, not to everything the user may read."""
        self.assertTrue(issubclass(ServiceContractPortal, ServicePortal))
        self.user_contract_manager.password = "sc_manager_pw"
        self.authenticate("sc_manager", "sc_manager_pw")
        response = self.url_open("/my/service-contracts?filterby=all")
        self.assertEqual(response.status_code, 200)
        for contract in (self.quote, self.active, self.contract_oscar):
            self.assertNotIn(contract.name, response.text)
        own = self._create_active_contract(
            partner=self.user_contract_manager.partner_id
        )
        response = self.url_open("/my/service-contracts?filterby=all")
        self.assertIn(own.name, response.text)
        self.assertNotIn(self.active.name, response.text)
        result = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["service_contract_count"]}
        )
        self.assertEqual(result["service_contract_count"], 1)

    def test_token_access_public(self):
        token = self.quote._portal_ensure_token()
        response = self.url_open(
            f"/my/service-contracts/{self.quote.id}?access_token={token}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.quote.name, response.text)
        self.assertIn("Log in to accept", response.text)
        self.assertNotIn("service_contract_accept_button", response.text)

    def test_accept_post(self):
        self.authenticate("sc_portal_alice", "sc_portal_alice")
        url = f"/my/service-contracts/{self.quote.id}/accept"
        # GET is not allowed; POST without CSRF token is refused
        self.assertEqual(self.url_open(url).status_code, 405)
        with mute_logger("odoo.http"):
            response = self.url_open(url, data={"access_token": ""})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.quote.state, "quote")
        # another customer cannot accept it, even with its token
        self.authenticate("sc_portal_oscar", "sc_portal_oscar")
        response = self.url_open(
            url,
            data={
                "csrf_token": http.Request.csrf_token(self),
                "access_token": self.quote._portal_ensure_token(),
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.assertEqual(self.quote.state, "quote")
        # the customer accepts; a second click changes nothing
        self.authenticate("sc_portal_alice", "sc_portal_alice")
        for _attempt in range(2):
            response = self.url_open(
                url,
                data={
                    "csrf_token": http.Request.csrf_token(self),
                    "state": "cancelled",
                },
                allow_redirects=False,
            )
            self.assertEqual(response.status_code, 303)
        self.assertEqual(self.quote.state, "active")
        self.assertEqual(
            len(
                self.quote.message_ids.filtered(
                    lambda m: "Accepted online" in str(m.body)
                )
            ),
            1,
        )

    def _count_queries(self, url):
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return self.cr.sql_log_count - start

    def test_list_query_count_is_constant(self):
        self.authenticate("sc_portal_alice", "sc_portal_alice")
        self._count_queries("/my/service-contracts")  # warm up caches
        queries_2 = self._count_queries("/my/service-contracts")
        with freeze_time("2026-02-10"):
            for _i in range(5):
                self._create_active_contract().action_invoice_now()
        self._count_queries("/my/service-contracts")
        queries_7 = self._count_queries("/my/service-contracts")
        self.assertEqual(queries_2, queries_7)

    def test_page_query_count_is_constant(self):
        self.authenticate("sc_portal_alice", "sc_portal_alice")
        url = f"/my/service-contracts/{self.active.id}"
        self._count_queries(url)
        queries_2 = self._count_queries(url)
        with freeze_time("2026-05-10"):
            self.active.action_invoice_now()  # March to May
        self.active.write(
            {
                "line_ids": [
                    Command.create({"name": f"Extra {i}", "price_unit": 1})
                    for i in range(3)
                ]
            }
        )
        self._count_queries(url)
        queries_5 = self._count_queries(url)
        self.assertEqual(queries_2, queries_5)

    def test_accept_tour(self):
        self.start_tour(
            "/my/service-contracts?filterby=quote",
            "service_contract_accept_tour",
            login="sc_portal_alice",
        )
        self.assertEqual(self.quote.state, "active")
