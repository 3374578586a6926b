from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from odoo.addons.service_portal.tests.test_portal_common import ServicePortalHttpCommon


@tagged("post_install", "-at_install")
class TestOrderPortal(ServicePortalHttpCommon):
    """The customer sees their loaner and their coverage on the portal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loaner = cls.env["service.loan.item"].create(
            {
                "name": "Loaner phone",
                "serial_number": "LOANER-SN-77",
                "device_model_id": cls.model_phone.id,
            }
        )
        cls.item_warranty = cls.env["service.item"].create(
            {
                "partner_id": cls.customer.id,
                "device_model_id": cls.model_phone.id,
                "serial_number": "WARRANTY-SN-1",
                "warranty_end_date": date(2030, 12, 31),
            }
        )

    def test_order_page_shows_loaner(self):
        order = self._create_order(serial_number="SN-LOAN")
        self.loaner.action_lend(order.id, date(2030, 3, 9))
        self._login(self.portal_user)
        response = self._get(f"/my/service-orders/{order.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_service_order_loaner", response.text)
        self.assertIn("LOANER-SN-77", response.text)
        self.assertIn("03/09/2030", response.text)
        # the colleague of the same company sees it too; another customer is
        # sent home without any of it
        self._login(self.portal_colleague)
        self.assertIn("LOANER-SN-77", self._get(f"/my/service-orders/{order.id}").text)
        self._login(self.portal_other)
        response = self._get(f"/my/service-orders/{order.id}")
        self._assert_redirect_home(response)
        self.assertNotIn("LOANER-SN-77", response.text)
        # once returned the loaner is not shown any more
        self.loaner.action_return()
        self._login(self.portal_user)
        response = self._get(f"/my/service-orders/{order.id}")
        self.assertNotIn("LOANER-SN-77", response.text)

    def _page_queries(self, order):
        url = f"/my/service-orders/{order.id}"
        self._get(url)  # warm the caches
        before = self.cr.sql_log_count
        response = self._get(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("LOANER-SN", response.text)
        return self.cr.sql_log_count - before

    def test_order_page_query_count_with_loaner(self):
        """The loaner section costs the same whatever the number of loans."""
        order_1 = self._create_order(serial_number="SN-LOAN-1")
        self.loaner.action_lend(order_1.id)
        order_2 = self._create_order(serial_number="SN-LOAN-2")
        for index in range(4):
            item = self.env["service.loan.item"].create(
                {"name": f"Old {index}", "serial_number": f"OLD-{index}"}
            )
            item.action_lend(order_2.id)
            item.action_return()
        self.env["service.loan.item"].create(
            {"name": "Current", "serial_number": "LOANER-SN-88"}
        ).action_lend(order_2.id)
        self._login(self.portal_user)
        self.assertEqual(self._page_queries(order_1), self._page_queries(order_2))

    @freeze_time("2030-03-02 10:00:00")
    def test_summary_shows_warranty_coverage(self):
        self._login(self.portal_user)
        data = self._form_data(service_item_id=str(self.item_warranty.id))
        response = self._post("/my/service-orders/new", data)
        self.assertIn(response.status_code, (302, 303))
        summary_url = response.headers["Location"]
        self.assertIn("/summary", summary_url)
        response = self._get(summary_url)
        self.assertEqual(response.status_code, 200)
        self.assertIn('data-coverage="warranty"', response.text)
        self.assertIn("Covered by warranty", response.text)
        # a device without warranty shows no coverage
        response = self._post("/my/service-orders/new", self._form_data())
        response = self._get(response.headers["Location"])
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("data-coverage", response.text)

    @freeze_time("2030-03-02 10:00:00")
    def test_summary_shows_contract_coverage_and_response_time(self):
        contract = self.env["service.contract"].create(
            {
                "partner_id": self.customer_company.id,
                "date_start": "2030-01-01",
                "invoicing_period": "year",
                "response_time_hours": 4,
                "line_ids": [
                    Command.create(
                        {
                            "product_id": self.env.ref(
                                "service_contracts.product_service_contract"
                            ).id,
                            "name": "Laptop cover",
                            "price_unit": 100.0,
                            "device_model_id": self.model_laptop.id,
                        }
                    )
                ],
            }
        )
        contract.action_accept()
        self._login(self.portal_user)
        data = self._form_data(device_model_id=str(self.model_laptop.id))
        response = self._post("/my/service-orders/new", data)
        self.assertIn(response.status_code, (302, 303))
        response = self._get(response.headers["Location"])
        self.assertEqual(response.status_code, 200)
        self.assertIn('data-coverage="contract"', response.text)
        self.assertIn(contract.name, response.text)
        self.assertRegex(
            response.text, r'class="o_service_order_response_time"[^>]*>\s*4\s*<'
        )
        # after approval the order page says it too
        order = self.env["service.order"].search(
            [("partner_id", "=", self.customer.id)], order="id desc", limit=1
        )
        self.assertEqual(order.contract_id, contract)
        response = self._get(f"/my/service-orders/{order.id}")
        self.assertIn(f"Covered by contract {contract.name}", response.text)


@tagged("post_install", "-at_install")
class TestOrderPortalTours(ServicePortalHttpCommon):
    """Browser tours: coverage on the summary, loaner on the order page."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["service.item"].create(
            {
                "partner_id": cls.customer.id,
                "device_model_id": cls.model_phone.id,
                "serial_number": "WARRANTY-SN-1",
                "warranty_end_date": date(2099, 12, 31),
            }
        )

    def test_summary_coverage_tour(self):
        self.start_tour(
            "/my/service-orders/new",
            "service_order_coverage_tour",
            login="sp_portal_alice",
        )
        order = self.env["service.order"].search(
            [("serial_number", "=", "WARRANTY-SN-1")]
        )
        self.assertEqual(order.state, "submitted")
        self.assertEqual(order.coverage, "warranty")

    def test_loaner_tour(self):
        order = self._create_order(serial_number="SN-LOANER-TOUR")
        loaner = self.env["service.loan.item"].create(
            {"name": "Loaner phone", "serial_number": "LOANER-SN-77"}
        )
        loaner.action_lend(order.id, date(2030, 3, 9))
        self.start_tour(
            "/my/service-orders", "service_order_loaner_tour", login="sp_portal_alice"
        )
