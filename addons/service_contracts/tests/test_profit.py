from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common_orders import ServiceOrderCommon


@tagged("post_install", "-at_install")
class TestContractProfit(ServiceOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product_cover = cls._create_product(
            name="Repair cover",
            type="service",
            lst_price=300.0,
            taxes_id=[Command.set(cls.tax_sale_a.ids)],
        )
        with freeze_time("2026-03-02 10:00:00"):
            cls.contract = cls.env["service.contract"].create(
                {
                    "partner_id": cls.customer.id,
                    "date_start": "2026-03-01",
                    "invoicing_period": "month",
                    "line_ids": [
                        Command.create(
                            {
                                "product_id": cls.product_cover.id,
                                "name": "Repair cover",
                                "price_unit": 300.0,
                                "device_model_id": cls.model_phone.id,
                            }
                        )
                    ],
                }
            )
            cls.contract.action_accept()

    def _report(self, contract):
        rows = self.env["service.contract.profit.report"]._read_group(
            [("contract_id", "=", contract.id)],
            [],
            ["revenue:sum", "cost:sum", "margin:sum", "order_count:sum"],
        )
        return rows[0]

    @freeze_time("2026-03-02 10:00:00")
    def test_profit_and_loss(self):
        self.contract.action_invoice_now()
        invoice = self.contract.invoice_ids
        self.assertEqual(invoice.state, "posted")
        order_1 = self._create_order_with_lines()  # cost 60 + 2 x 30
        order_2 = self._create_order_with_lines(lines=[(self.product_battery, 2)])
        cancelled = self._create_order_with_lines(lines=[(self.product_screen, 1)])
        cancelled.action_cancel()
        other = self._create_order_with_lines(partner=self.other_customer)
        self.assertEqual((order_1 | order_2 | cancelled).contract_id, self.contract)
        self.assertFalse(other.contract_id)
        self.assertEqual(order_1.cost_total, 120.0)
        self.assertEqual(order_2.cost_total, 30.0)
        contract = self.contract
        contract.invalidate_recordset()
        self.assertEqual(contract.profit_revenue, 300.0)
        self.assertEqual(contract.profit_cost, 150.0)
        self.assertEqual(contract.profit_margin, 150.0)
        self.assertAlmostEqual(contract.profit_margin_percent, 50.0)
        self.assertEqual(contract.covered_order_count, 2)
        self.assertEqual(self._report(contract), (300.0, 150.0, 150.0, 2))
        action = contract.action_view_covered_orders()
        self.assertEqual(
            self.env["service.order"].search(action["domain"]), order_1 | order_2
        )

    @freeze_time("2026-03-02 10:00:00")
    def test_only_posted_revenue_counts(self):
        self.contract.action_invoice_now()
        invoice = self.contract.invoice_ids
        # a credit note of half the period lowers the revenue
        reversal = invoice._reverse_moves(
            [{"invoice_date": "2026-03-02", "ref": "Half refund"}]
        )
        reversal.invoice_line_ids.price_unit = 150.0
        self.contract.invalidate_recordset()
        self.assertEqual(self.contract.profit_revenue, 300.0)  # draft: not counted
        reversal.action_post()
        self.contract.invalidate_recordset()
        self.assertEqual(self.contract.profit_revenue, 150.0)
        self.assertEqual(self._report(self.contract)[0], 150.0)

    def test_profit_is_for_managers_and_accountants(self):
        contract = self.contract.with_user(self.user_service)
        with self.assertRaises(AccessError):
            contract.read(["profit_margin"])
        self.assertEqual(
            contract.read(["covered_order_count"])[0]["covered_order_count"], 0
        )
        with self.assertRaises(AccessError):
            self.env["service.contract.profit.report"].with_user(
                self.user_service
            ).search([])
        self.assertEqual(
            self.contract.with_user(self.user_billing).read(["profit_margin"])[0][
                "profit_margin"
            ],
            0.0,
        )
        with self.assertRaises(AccessError):
            self.contract.with_user(self.portal_user).action_view_covered_orders()

    def test_multi_company_report(self):
        company_2 = self.env["res.company"].create({"name": "Profit B"})
        user_b = self.env["res.users"].create(
            {
                "name": "B accountant",
                "login": "sc_profit_b",
                "company_id": company_2.id,
                "company_ids": [Command.set(company_2.ids)],
                "group_ids": [
                    Command.set(
                        [
                            self.env.ref("account.group_account_invoice").id,
                            self.env.ref("service_portal.service_portal_group_user").id,
                        ]
                    )
                ],
            }
        )
        Report = self.env["service.contract.profit.report"]
        with freeze_time("2026-03-02 10:00:00"):
            self._create_order_with_lines()
        self.assertTrue(Report.search([("contract_id", "=", self.contract.id)]))
        self.assertFalse(Report.with_user(user_b).search([]))
