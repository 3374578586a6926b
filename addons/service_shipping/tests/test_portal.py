from unittest.mock import patch
from urllib.parse import urlparse

from odoo.exceptions import LockError
from odoo.http import Request
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ServiceShippingCommon


@tagged("post_install", "-at_install")
class TestShippingPortal(HttpCase, ServiceShippingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order_1 = cls._create_shippable_order(serial_number="RS-PORTAL-1")
        cls.order_2 = cls._create_shippable_order(serial_number="RS-PORTAL-2")
        cls.order_post = cls._create_shippable_order(
            serial_number="RS-PORTAL-3", carrier_id=cls.carrier_post.id
        )
        cls.order_other = cls._create_shippable_order(
            partner=cls.other_reseller_contact, serial_number="RS-OTHER-SECRET"
        )
        cls.shipment_other = cls._create_shipment(cls.order_other)
        cls.shipment_other.action_confirm()

    # -- helpers -----------------------------------------------------------------

    def _login_reseller(self):
        self.authenticate(self.portal_reseller.login, self.portal_reseller.login)

    def _post(self, url, data=None, with_token=True):
        # never empty: requests would send a GET
        data = dict(data or {"submit": "1"})
        if with_token:
            data["csrf_token"] = Request.csrf_token(self)
        return self.url_open(url, data=data, allow_redirects=False)

    def _create(self, orders):
        return self._post(
            "/my/shipments/create", {"order_ids": [str(i) for i in orders.ids]}
        )

    def _shipments(self):
        return self.env["service.shipment"].search(
            [("partner_id", "=", self.reseller.id)]
        )

    def assertRedirectsTo(self, response, path):
        self.assertIn(response.status_code, (302, 303))
        self.assertEqual(urlparse(response.headers["Location"]).path, path)

    # -- tab and list (docs/SECURITY.md case 17) --------------------------------

    def test_home_tile_for_resellers_only(self):
        self._login_reseller()
        response = self.url_open("/my")
        self.assertEqual(response.status_code, 200)
        self.assertIn('href="/my/shipments"', response.text)
        self.authenticate(self.portal_user.login, self.portal_user.login)
        response = self.url_open("/my")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("/my/shipments", response.text)

    def test_non_reseller_has_no_access(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        shipment = self._create_shipment(self.order_1)
        shipment.action_confirm()
        for url in (
            "/my/shipments",
            f"/my/shipments/{shipment.id}",
            f"/my/shipments/{shipment.id}/label",
            f"/my/shipments/{shipment.id}/packing-list",
        ):
            with self.subTest(url=url):
                response = self.url_open(url, allow_redirects=False)
                self.assertRedirectsTo(response, "/my")
        response = self._create(self.order_2)
        self.assertRedirectsTo(response, "/my")
        self.assertEqual(self._shipments(), shipment)
        # and over JSON-RPC
        response = self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {
                "model": "service.shipment",
                "method": "search_read",
                "args": [[]],
                "kwargs": {"fields": ["name"]},
            },
        )
        self.assertEqual(response, [])

    def test_rpc_actions_refused(self):
        self._login_reseller()
        shipment = self._create_shipment(self.order_1)
        for method in ("action_confirm", "action_cancel", "write"):
            args = [[shipment.id]] + (
                [{"state": "received"}] if method == "write" else []
            )
            with self.subTest(method=method), self.assertRaises(Exception) as error:
                self.make_jsonrpc_request(
                    "/web/dataset/call_kw",
                    {
                        "model": "service.shipment",
                        "method": method,
                        "args": args,
                        "kwargs": {},
                    },
                )
            self.assertIn("AccessError", str(error.exception))
        self.assertEqual(shipment.state, "draft")

    def test_list_groups_waiting_orders(self):
        self._login_reseller()
        response = self.url_open("/my/shipments")
        self.assertEqual(response.status_code, 200)
        text = response.text
        for order in (self.order_1, self.order_2, self.order_post):
            self.assertIn(order.name, text)
        self.assertEqual(text.count('class="card mb-3 o_shipment_group"'), 2)
        self.assertIn(self.carrier_courier.name, text)
        self.assertIn(self.carrier_post.name, text)
        self.assertIn(self.location.name, text)
        # nothing of the other reseller
        self.assertNotIn(self.order_other.name, text)
        self.assertNotIn("RS-OTHER-SECRET", text)
        self.assertNotIn(self.shipment_other.name, text)

    def test_list_query_count_is_constant(self):
        self._login_reseller()
        self._create_shipment(self._create_shippable_order(serial_number="RS-Q-0"))
        self.url_open("/my/shipments")  # warm the caches

        def count_queries():
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self.assertEqual(self.url_open("/my/shipments").status_code, 200)
            return self.cr.sql_log_count - before

        few = count_queries()
        for index in range(6):
            order = self._create_shippable_order(serial_number=f"RS-MORE-{index}")
            if index % 2:
                self._create_shipment(order)
        count_queries()  # caches cleared by the new records, warm them again
        self.assertEqual(count_queries(), few)

    def _reseller_employee(self, login, groups):
        """An internal user whose partner is a contact of the reseller."""
        contact = self.env["res.partner"].create(
            {"name": f"Employee {login}", "parent_id": self.reseller.id}
        )
        return new_test_user(
            self.env,
            login=login,
            password=login,
            groups=groups,
            partner_id=contact.id,
        )

    def test_staff_sees_their_own_companys_shipments(self):
        """The list is scoped to the user's reseller, not to what he may
        read: a service desk agent who is a reseller's contact sees that
        reseller's shipments only, though he may read every shipment
        (docs/SECURITY.md case 17)."""
        agent = self._reseller_employee(
            "ss_agent_reseller", "service_portal.service_portal_group_user"
        )
        own = self._create_shipment(self.order_1)
        self.assertTrue(
            self.shipment_other.with_user(agent).has_access("read"),
            "the agent may read the other reseller's shipment",
        )
        self.authenticate(agent.login, agent.login)
        response = self.url_open("/my/shipments")
        self.assertEqual(response.status_code, 200)
        self.assertIn(own.name, response.text)
        self.assertIn(self.order_2.name, response.text)  # waiting to be sent
        self.assertNotIn(self.shipment_other.name, response.text)
        self.assertNotIn(self.order_other.name, response.text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["shipment_count"]}
        )
        self.assertEqual(counters["shipment_count"], 1)
        response = self.url_open(
            f"/my/shipments/{self.shipment_other.id}", allow_redirects=False
        )
        self.assertRedirectsTo(response, "/my")
        response = self._post(f"/my/shipments/{self.shipment_other.id}/cancel")
        self.assertRedirectsTo(response, "/my")
        self.assertEqual(self.shipment_other.state, "confirmed")

    def test_employee_without_service_rights(self):
        """An internal user of a reseller without service rights may read no
        shipment (ACLs): no tab, no list, no error page."""
        employee = self._reseller_employee("ss_employee_reseller", "base.group_user")
        own = self._create_shipment(self.order_1)
        self.authenticate(employee.login, employee.login)
        response = self.url_open("/my")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn('href="/my/shipments"', response.text)
        for url in ("/my/shipments", f"/my/shipments/{own.id}"):
            with self.subTest(url=url):
                response = self.url_open(url, allow_redirects=False)
                self.assertRedirectsTo(response, "/my")
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["shipment_count"]}
        )
        self.assertEqual(counters["shipment_count"], 0)

    def test_pages_cannot_be_framed(self):
        """The pages with one-click actions (create, confirm, cancel) forbid
        other sites to frame them (docs/SECURITY.md case 27)."""
        self._login_reseller()
        shipment = self._create_shipment(self.order_1)
        responses = {
            "list": self.url_open("/my/shipments"),
            "list with an error": self._create(self.order_post | self.order_2),
            "shipment": self.url_open(f"/my/shipments/{shipment.id}"),
            "shipment with an error": self._post(
                f"/my/shipments/{shipment.id}/update", {"parcel_count": "x"}
            ),
        }
        for page, response in responses.items():
            with self.subTest(page=page):
                self.assertEqual(response.status_code, 200)
                self.assertEqual(
                    response.headers.get("Content-Security-Policy"),
                    "frame-ancestors 'self'",
                )
                self.assertEqual(response.headers.get("X-Frame-Options"), "SAMEORIGIN")

    # -- create --------------------------------------------------------------------

    def test_create_shipment(self):
        self._login_reseller()
        response = self._create(self.order_1 | self.order_2)
        shipment = self._shipments()
        self.assertEqual(len(shipment), 1)
        self.assertRedirectsTo(response, f"/my/shipments/{shipment.id}")
        self.assertEqual(shipment.order_ids, self.order_1 | self.order_2)
        self.assertEqual(shipment.partner_id, self.reseller)
        self.assertEqual(shipment.carrier_id, self.carrier_courier)
        page = self.url_open(f"/my/shipments/{shipment.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(shipment.name, page.text)
        self.assertIn("Confirm shipment", page.text)
        self.assertNotIn("o_shipment_label", page.text)

    def test_create_double_submit(self):
        self._login_reseller()
        first = self._create(self.order_1 | self.order_2)
        second = self._create(self.order_1 | self.order_2)
        shipment = self._shipments()
        self.assertEqual(len(shipment), 1)
        self.assertRedirectsTo(first, f"/my/shipments/{shipment.id}")
        self.assertRedirectsTo(second, f"/my/shipments/{shipment.id}")

    def test_create_with_foreign_orders(self):
        """Ids posted are checked again: another reseller's order, or one
        that does not exist, is refused without saying which."""
        self._login_reseller()
        free_other = self._create_shippable_order(
            partner=self.other_reseller_contact, serial_number="RS-OTHER-2"
        )
        customer_order = self._create_order(carrier_id=self.carrier_courier.id)
        customer_order.action_confirm()
        for posted in (
            [self.order_1.id, free_other.id],
            [customer_order.id],
            [self.order_1.id, 2**31 + 5],
            [self.order_1.id, 999999],
            ["abc"],
            [],
        ):
            with self.subTest(posted=posted):
                response = self._post(
                    "/my/shipments/create", {"order_ids": [str(i) for i in posted]}
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn("o_shipment_error", response.text)
                self.assertNotIn("RS-OTHER-2", response.text)
        self.assertFalse(self._shipments())
        self.assertFalse(free_other.shipment_id)
        self.assertFalse(customer_order.shipment_id)

    def test_create_while_another_request_ships_them(self):
        """Two requests ship the same orders at once: the one that cannot
        lock them gets a message, never an error 500 (the concurrency itself
        is in test_concurrency)."""
        self._login_reseller()

        def locked(records, *, allow_referencing=False):
            raise LockError("Cannot grab a lock on records")

        with patch.object(type(self.env["service.order"]), "lock_for_update", locked):
            response = self._create(self.order_1 | self.order_2)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Another request is shipping", response.text)
        self.assertIn("o_shipment_error", response.text)
        self.assertFalse(self._shipments())

    def test_create_mixed_groups_refused(self):
        self._login_reseller()
        response = self._create(self.order_1 | self.order_post)
        self.assertEqual(response.status_code, 200)
        self.assertIn("same reseller, location and shipping method", response.text)
        self.assertFalse(self._shipments())

    def test_csrf_and_methods(self):
        self._login_reseller()
        response = self._post(
            "/my/shipments/create",
            {"order_ids": str(self.order_1.id)},
            with_token=False,
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._shipments())
        response = self.url_open("/my/shipments/create", allow_redirects=False)
        self.assertEqual(response.status_code, 405)
        shipment = self._create_shipment(self.order_1)
        response = self._post(f"/my/shipments/{shipment.id}/confirm", with_token=False)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(shipment.state, "draft")

    # -- detail, update, confirm -------------------------------------------------------

    def test_other_resellers_shipment_and_documents(self):
        self._login_reseller()
        for url in (
            f"/my/shipments/{self.shipment_other.id}",
            f"/my/shipments/{self.shipment_other.id}/label",
            f"/my/shipments/{self.shipment_other.id}/packing-list",
        ):
            with self.subTest(url=url):
                response = self.url_open(url, allow_redirects=False)
                self.assertRedirectsTo(response, "/my")
        for url in (
            f"/my/shipments/{self.shipment_other.id}/update",
            f"/my/shipments/{self.shipment_other.id}/confirm",
            f"/my/shipments/{self.shipment_other.id}/cancel",
        ):
            with self.subTest(url=url):
                response = self._post(url, {"parcel_count": "7"})
                self.assertRedirectsTo(response, "/my")
        self.assertEqual(self.shipment_other.parcel_count, 1)
        self.assertEqual(self.shipment_other.state, "confirmed")

    def test_impossible_and_missing_ids_answer_404(self):
        """An id that cannot exist or does not exist is not found, as sale
        answers for a missing document; an existing one of someone else
        redirects (test_other_resellers_shipment_and_documents).
        docs/SECURITY.md case 5."""
        self._login_reseller()
        self.env["service.shipment"].search([("id", "=", 99999999)]).unlink()
        for shipment_id in ("-1", "0", "99999999", str(2**40), "abc"):
            for suffix in ("", "/label", "/packing-list"):
                url = f"/my/shipments/{shipment_id}{suffix}"
                with self.subTest(url=url):
                    response = self.url_open(url, allow_redirects=False)
                    self.assertEqual(response.status_code, 404)
            with self.subTest(url=f"/my/shipments/{shipment_id}/confirm"):
                response = self._post(f"/my/shipments/{shipment_id}/confirm")
                self.assertEqual(response.status_code, 404)

    def test_update_validates_and_ignores_other_fields(self):
        self._login_reseller()
        shipment = self._create_shipment(self.order_1)
        response = self._post(
            f"/my/shipments/{shipment.id}/update",
            {
                "parcel_count": "3",
                "weight": "2,5",
                "tracking_ref": "<b>TR-9</b>",
                "state": "received",
                "partner_id": str(self.other_reseller.id),
                "carrier_id": str(self.carrier_post.id),
                "company_id": "999",
            },
        )
        self.assertRedirectsTo(response, f"/my/shipments/{shipment.id}")
        self.assertEqual(shipment.parcel_count, 3)
        self.assertEqual(shipment.weight, 2.5)
        self.assertEqual(shipment.state, "draft")
        self.assertEqual(shipment.partner_id, self.reseller)
        self.assertEqual(shipment.carrier_id, self.carrier_courier)
        page = self.url_open(f"/my/shipments/{shipment.id}")
        self.assertNotIn("<b>TR-9</b>", page.text)
        self.assertIn("&lt;b&gt;TR-9&lt;/b&gt;", page.text)
        for bad in (
            {"parcel_count": "-1"},
            {"parcel_count": "x"},
            {"weight": "-3"},
            {"weight": "nan"},
        ):
            with self.subTest(bad=bad):
                response = self._post(f"/my/shipments/{shipment.id}/update", bad)
                self.assertEqual(response.status_code, 200)
                self.assertIn("is-invalid", response.text)
        self.assertEqual(shipment.parcel_count, 3)
        self.assertEqual(shipment.weight, 2.5)

    def test_confirm_then_documents(self):
        self._login_reseller()
        shipment = self._create_shipment(self.order_1 | self.order_2)
        response = self.url_open(
            f"/my/shipments/{shipment.id}/label", allow_redirects=False
        )
        self.assertRedirectsTo(response, f"/my/shipments/{shipment.id}")
        response = self._post(
            f"/my/shipments/{shipment.id}/confirm", {"parcel_count": "2"}
        )
        self.assertRedirectsTo(response, f"/my/shipments/{shipment.id}")
        self.assertEqual(shipment.state, "confirmed")
        self.assertEqual(shipment.parcel_count, 2)
        state_messages = shipment.message_ids.filtered("tracking_value_ids")
        # double click: confirmed once
        response = self._post(
            f"/my/shipments/{shipment.id}/confirm", {"parcel_count": "5"}
        )
        self.assertRedirectsTo(response, f"/my/shipments/{shipment.id}")
        self.assertEqual(shipment.parcel_count, 2)
        self.assertEqual(
            shipment.message_ids.filtered("tracking_value_ids"), state_messages
        )
        page = self.url_open(f"/my/shipments/{shipment.id}")
        self.assertIn(f"/my/shipments/{shipment.id}/packing-list", page.text)
        self.assertIn(f"/my/shipments/{shipment.id}/label", page.text)
        for doc in ("packing-list", "label"):
            with self.subTest(doc=doc):
                response = self.url_open(f"/my/shipments/{shipment.id}/{doc}")
                self.assertEqual(response.status_code, 200)
                self.assertIn(
                    response.headers["Content-Type"],
                    ("application/pdf", "text/html; charset=utf-8"),
                )
                self.assertIn(
                    "attachment",
                    response.headers.get("Content-Disposition", "attachment"),
                )

    def test_cancel_draft_from_portal(self):
        self._login_reseller()
        shipment = self._create_shipment(self.order_1)
        response = self._post(f"/my/shipments/{shipment.id}/cancel")
        self.assertRedirectsTo(response, "/my/shipments")
        self.assertEqual(shipment.state, "cancelled")
        self.assertTrue(self.order_1.is_shippable)

    # -- new service order form: shipping method --------------------------------

    def _new_order_post(self, **values):
        data = {
            "device_model_id": str(self.model_phone.id),
            "serial_number": "FORM-1",
            "problem_description": "Broken screen",
            "request_type_id": str(
                self.env.ref("service_portal.service_request_type_repair").id
            ),
            "location_id": str(self.location.id),
        }
        data.update(values)
        return self._post("/my/service-orders/new", data)

    def _new_orders(self):
        return self.env["service.order"].search(
            [("serial_number", "=", "FORM-1"), ("partner_id", "=", self.customer.id)]
        )

    def test_new_order_form_offers_shipping_methods(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        response = self.url_open("/my/service-orders/new")
        self.assertEqual(response.status_code, 200)
        self.assertIn('name="carrier_id"', response.text)
        self.assertIn(f'data-location-id="{self.location.id}"', response.text)
        self.assertIn(self.carrier_post.name, response.text)
        # a method no public location accepts is not offered
        self.assertNotIn(self.carrier_unused.name, response.text)

    def test_new_order_keeps_shipping_method(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        response = self._new_order_post(
            carrier_id=str(self.carrier_post.id), customer_ref="T-42"
        )
        order = self._new_orders()
        self.assertEqual(len(order), 1)
        self.assertRedirectsTo(response, f"/my/service-orders/{order.id}/summary")
        self.assertEqual(order.carrier_id, self.carrier_post)
        self.assertEqual(order.customer_ref, "T-42")
        summary = self.url_open(f"/my/service-orders/{order.id}/summary")
        self.assertIn(self.carrier_post.name, summary.text)
        edit = self.url_open(f"/my/service-orders/{order.id}/edit")
        self.assertRegex(edit.text, rf'value="{self.carrier_post.id}"[^>]*selected')
        # no method: the customer brings the device
        response = self._new_order_post(serial_number="FORM-1")
        self.assertEqual(len(self._new_orders()), 2)
        self.assertFalse((self._new_orders() - order).carrier_id)

    def test_new_order_refuses_other_shipping_methods(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)
        for carrier_id in (
            str(self.carrier_unused.id),  # accepted by no location
            str(self.carrier_post.id) + "0",  # does not exist
            str(2**40),
            "abc",
        ):
            with self.subTest(carrier_id=carrier_id):
                response = self._new_order_post(carrier_id=carrier_id)
                self.assertEqual(response.status_code, 200)
                self.assertIn('data-field="carrier_id"', response.text)
        # the North Workshop only accepts the courier
        response = self._new_order_post(
            location_id=str(self.location_b.id), carrier_id=str(self.carrier_post.id)
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn('data-field="carrier_id"', response.text)
        self.assertFalse(self._new_orders())
