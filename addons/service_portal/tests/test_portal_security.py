from odoo.tests import tagged
from odoo.tools import mute_logger

from .test_portal_common import ServicePortalHttpCommon


@tagged("post_install", "-at_install")
class TestPortalSecurity(ServicePortalHttpCommon):
    """docs/SECURITY.md cases 1 and 3 to 8 on the customer portal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order_alice = cls._create_order(serial_number="SN-ALICE")
        cls.order_oscar = cls._create_order(
            partner=cls.other_customer,
            serial_number="SN-OSCAR",
            problem_description="Oscar's secret problem",
        )
        cls.other_company = cls.env["res.company"].create({"name": "Other Co"})

    def _orders(self, partner):
        return self.env["service.order"].search([("partner_id", "=", partner.id)])

    # -- 1: JSON-RPC ------------------------------------------------------

    @mute_logger("odoo.http")
    def test_jsonrpc_read_of_another_order(self):
        self._login(self.portal_user)
        response = self.url_open(
            "/web/dataset/call_kw",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "id": 1,
                "params": {
                    "model": "service.order",
                    "method": "read",
                    "args": [[self.order_oscar.id], ["name", "problem_description"]],
                    "kwargs": {},
                },
            },
        )
        payload = response.json()
        self.assertIn("error", payload)
        self.assertEqual(
            payload["error"]["data"]["name"], "odoo.exceptions.AccessError"
        )
        self.assertNotIn("Oscar's secret problem", response.text)

    # -- 3: other customer's order, foreign token -------------------------

    def test_other_order_routes_redirect(self):
        self._login(self.portal_user)
        token = self.order_alice._portal_ensure_token()
        for url in (
            f"/my/service-orders/{self.order_oscar.id}",
            f"/my/service-orders/{self.order_oscar.id}?access_token={token}",
            f"/my/service-orders/{self.order_oscar.id}/edit",
            f"/my/service-orders/{self.order_oscar.id}/summary",
        ):
            with self.subTest(url=url):
                response = self._get(url)
                self._assert_redirect_home(response)
                self.assertNotIn("SN-OSCAR", response.text)
        response = self._post(f"/my/service-orders/{self.order_oscar.id}/approve")
        self._assert_redirect_home(response)
        response = self._post(
            f"/my/service-orders/{self.order_oscar.id}/edit",
            self._form_data(problem_description="hacked"),
        )
        self._assert_redirect_home(response)
        self.assertEqual(self.order_oscar.state, "draft")
        self.assertEqual(self.order_oscar.problem_description, "Oscar's secret problem")

    def test_colleague_cannot_edit_or_approve_a_draft(self):
        self._login(self.portal_colleague)
        response = self._get(f"/my/service-orders/{self.order_alice.id}")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(
            f"/my/service-orders/{self.order_alice.id}/edit", response.text
        )
        response = self._post(f"/my/service-orders/{self.order_alice.id}/approve")
        self.assertIn(response.status_code, (302, 303))
        self.assertEqual(self.order_alice.state, "draft")

    # -- 4: mass assignment -----------------------------------------------

    def test_mass_assignment_is_ignored(self):
        self._login(self.portal_user)
        data = self._form_data(
            state="done",
            partner_id=str(self.other_customer.id),
            company_id=str(self.other_company.id),
            user_id=str(self.user_service.id),
            is_reseller="1",
            is_reseller_order="1",
            date_submitted="2020-01-01 00:00:00",
            date_promised="2020-01-02",
            name="HACKED-1",
            commercial_partner_id=str(self.reseller.id),
            priority="1",
        )
        response = self._post("/my/service-orders/new", data)
        self.assertEqual(response.status_code, 303)
        order = self._orders(self.customer) - self.order_alice
        self.assertEqual(len(order), 1)
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.partner_id, self.customer)
        self.assertEqual(order.company_id, self.company)
        self.assertFalse(order.user_id)
        self.assertFalse(order.date_submitted)
        self.assertFalse(order.date_promised)
        self.assertNotEqual(order.name, "HACKED-1")
        self.assertEqual(order.priority, "0")
        self.assertFalse(self.customer.is_reseller)
        self.assertFalse(self.customer_company.is_reseller)
        self.assertFalse(self._orders(self.other_customer) - self.order_oscar)
        # approving as a non-reseller only submits
        response = self._post(
            f"/my/service-orders/{order.id}/approve",
            {"state": "confirmed", "is_reseller": "1"},
        )
        self.assertEqual(order.state, "submitted")
        self.assertFalse(order.date_confirmed)

    # -- 5: bad parameters ------------------------------------------------

    def test_bad_parameters_never_fail(self):
        self._login(self.portal_user)
        for url in (
            "/my/service-orders?sortby=__class__",
            "/my/service-orders?page=-5",
            "/my/service-orders?page=abc",
            "/my/service-orders?filterby=x",
            "/my/service-orders?scope=__init__",
            "/my/service-orders?search_in=__dict__&search=x",
            "/my/service-orders?search=" + "x" * 5000,
            "/my/service-orders?search=%00",
            "/my/service-orders/page/99999",
            "/my/service-orders/page/0",
            "/my/service-orders/page/-5",
        ):
            with self.subTest(url=url):
                response = self._get(url)
                self.assertEqual(response.status_code, 200)
                self.assertIn(
                    "SN-ALICE" if "search" not in url else "o_portal", response.text
                )
        for url in (
            "/my/service-orders/abc",
            "/my/service-orders/1.5",
        ):
            with self.subTest(url=url):
                self.assertEqual(self._get(url).status_code, 404)
        for url in (
            "/my/service-orders/0",
            "/my/service-orders/-1",
            "/my/service-orders/99999999999999999999",
            "/my/service-orders/2147483648",
            "/my/service-orders/99999999999999999999/edit",
            "/my/service-orders/0/summary",
        ):
            with self.subTest(url=url):
                response = self._get(url)
                self.assertIn(response.status_code, (302, 303, 404))

    def test_bad_form_values_are_errors(self):
        self._login(self.portal_user)
        before = self._orders(self.customer)
        for values in (
            {"location_id": "abc"},
            {"location_id": "99999999999999999999"},
            {"device_model_id": "-1"},
            {"service_item_id": "1e99"},
            {"request_type_id": "__class__"},
            {"request_type_id": "99999999999999999999"},
            {f"task_{self.task_since.id}": "2024-13-45"},
            {f"task_{self.task_backup.id}": "abc"},
        ):
            with self.subTest(values=values):
                response = self._post(
                    "/my/service-orders/new", self._form_data(**values)
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn("o_service_order_error", response.text)
        self.assertEqual(self._orders(self.customer), before)

    # -- 6: CSRF and methods ----------------------------------------------

    @mute_logger("odoo.http")
    def test_csrf_and_methods(self):
        self._login(self.portal_user)
        before = self._orders(self.customer)
        response = self._post(
            "/my/service-orders/new", self._form_data(), send_csrf=None
        )
        self.assertEqual(response.status_code, 400)
        response = self._post(
            "/my/service-orders/new",
            self._form_data(),
            send_csrf="0" * 40 + "o9999999999",
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._orders(self.customer), before)
        order_id = self.order_alice.id
        response = self._post(f"/my/service-orders/{order_id}/approve", send_csrf=None)
        self.assertEqual(response.status_code, 400)
        response = self._post(
            f"/my/service-orders/{order_id}/edit",
            self._form_data(problem_description="changed"),
            send_csrf=None,
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.order_alice.state, "draft")
        self.assertEqual(self.order_alice.problem_description, "Does not start")
        for url in (
            f"/my/service-orders/{order_id}/approve",
            f"/my/service-orders/{order_id}/attachments",
        ):
            with self.subTest(url=url):
                self.assertEqual(self._get(url).status_code, 405)

    # -- 7: internal notes, posting on another order ----------------------

    def test_internal_notes_never_on_portal(self):
        self.order_alice.internal_note = "<p>Internal field secret</p>"
        self.order_alice.message_post(
            body="Internal note secret", subtype_xmlid="mail.mt_note"
        )
        self.order_alice.message_post(
            body="Public answer for you",
            subtype_xmlid="mail.mt_comment",
            message_type="comment",
        )
        self._login(self.portal_user)
        response = self._get(f"/my/service-orders/{self.order_alice.id}")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("Internal field secret", response.text)
        self.assertNotIn("Internal note secret", response.text)
        token = self.order_alice._portal_ensure_token()
        result = self.make_jsonrpc_request(
            "/mail/chatter_fetch",
            {
                "thread_model": "service.order",
                "thread_id": self.order_alice.id,
                "token": token,
            },
        )
        bodies = " ".join(
            str(message["body"]) for message in result["data"]["mail.message"]
        )
        self.assertIn("Public answer for you", bodies)
        self.assertNotIn("Internal note secret", bodies)

    @mute_logger("odoo.http")
    def test_cannot_post_on_another_order(self):
        self._login(self.portal_user)
        messages_before = self.order_oscar.message_ids
        for token in (None, "wrong", self.order_alice._portal_ensure_token()):
            params = {
                "thread_model": "service.order",
                "thread_id": self.order_oscar.id,
                "post_data": {
                    "body": "Hacked message",
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                },
            }
            if token:
                params["token"] = token
            with self.subTest(token=token):
                response = self.url_open(
                    "/mail/message/post",
                    json={
                        "jsonrpc": "2.0",
                        "method": "call",
                        "id": 1,
                        "params": params,
                    },
                )
                self.assertTrue(
                    response.status_code == 404 or "error" in response.json()
                )
        self.order_oscar.invalidate_recordset(["message_ids"])
        self.assertEqual(self.order_oscar.message_ids, messages_before)

    def test_customer_posts_on_own_order_with_page_token(self):
        self._login(self.portal_user)
        response = self._get(f"/my/service-orders/{self.order_alice.id}")
        token = self.order_alice.access_token
        self.assertIn(f'data-token="{token}"', response.text)
        result = self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "service.order",
                "thread_id": self.order_alice.id,
                "token": token,
                "post_data": {
                    "body": "When will it be ready?",
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                },
            },
        )
        message = self.env["mail.message"].browse(result["message_id"])
        self.assertEqual(message.res_id, self.order_alice.id)
        self.assertEqual(message.author_id, self.customer)

    # -- 8: escaping ------------------------------------------------------

    def test_script_comes_back_escaped(self):
        script = '<script>alert("xss")</script>'
        self._login(self.portal_user)
        response = self._post(
            "/my/service-orders/new",
            self._form_data(
                problem_description=script,
                serial_number="<b>SN</b>",
                device_description="<img src=x onerror=alert(1)>",
                **{f"task_{self.task_backup.id}": "", f"task_{self.task_since.id}": ""},
            ),
        )
        order = self._orders(self.customer) - self.order_alice
        self.assertEqual(order.problem_description, script)
        text_task = self._create_task("Anything else?", "text")
        order.answer_ids = [
            (0, 0, {"task_id": text_task.id, "value_text": "<svg onload=alert(2)>"})
        ]
        for url in (
            f"/my/service-orders/{order.id}/summary",
            f"/my/service-orders/{order.id}/edit",
            f"/my/service-orders/{order.id}",
            "/my/service-orders",
        ):
            with self.subTest(url=url):
                body = self._get(url).text
                self.assertNotIn(script, body)
                self.assertNotIn("<b>SN</b>", body)
                self.assertNotIn("<img src=x onerror", body)
                self.assertNotIn("<svg onload", body)
                if "service-orders/" in url:
                    self.assertIn("&lt;script&gt;", body)
        # on a form error, the typed values come back escaped too
        response = self._post(
            "/my/service-orders/new",
            self._form_data(problem_description=script, location_id=""),
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(script, response.text)
        self.assertIn("&lt;script&gt;", response.text)

    # -- 10: search wildcards ---------------------------------------------

    def test_search_matches_literally_and_stays_in_scope(self):
        percent = self._create_order(serial_number="AB%12")
        underscore = self._create_order(serial_number="AB_34")
        plain = self._create_order(serial_number="ABX12")
        quote = self._create_order(device_description='O\'Brien "blue" [case]')
        self._create_order(partner=self.other_customer, serial_number="AB%99")
        self._login(self.portal_user)

        def found(term, search_in="all"):
            response = self._get(
                "/my/service-orders",
                params={"search": term, "search_in": search_in, "filterby": "all"},
            )
            self.assertEqual(response.status_code, 200)
            return {
                order
                for order in (percent, underscore, plain, quote, self.order_alice)
                if f">{order.name}<" in response.text
            }, response.text

        self.assertEqual(found("%")[0], {percent})
        self.assertEqual(found("_", "serial")[0], {underscore})
        self.assertEqual(found("AB%1")[0], {percent})
        self.assertEqual(found('\'Brien "blue" [')[0], {quote})
        self.assertEqual(found("[case]", "device")[0], {quote})
        orders, body = found("AB%9")
        self.assertEqual(orders, set())
        self.assertNotIn("AB%99", body)
        self.assertEqual(found(percent.name, "name")[0], {percent})
