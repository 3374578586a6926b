from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.service_portal.tests.portal_rpc import (
    call_is_refused,
    public_methods,
)

from .common_orders import ServiceOrderCommon


@tagged("post_install", "-at_install")
class TestOrderInvoicing(ServiceOrderCommon):
    def test_lines_amounts_and_cost(self):
        order = self._create_order_with_lines()
        screen, labour = order.line_ids
        self.assertEqual(screen.line_type, "part")
        self.assertEqual(labour.line_type, "labour")
        self.assertEqual(labour.product_uom_id, self.env.ref("uom.product_uom_hour"))
        self.assertEqual(screen.price_unit, 100.0)
        self.assertEqual(screen.tax_ids, self.tax_sale_a)
        self.assertEqual(labour.price_subtotal, 160.0)
        self.assertEqual(order.amount_untaxed, 260.0)
        taxes = self.tax_sale_a.compute_all(260.0, currency=order.currency_id)
        self.assertAlmostEqual(order.amount_total, taxes["total_included"])
        # cost: part cost x quantity, labour cost per hour x hours
        self.assertEqual(screen.cost_amount, 60.0)
        self.assertEqual(labour.cost_amount, 60.0)
        self.assertEqual(order.cost_total, 120.0)
        self.assertEqual(order.invoice_state, "to_invoice")

    def test_one_invoice_per_order_batched(self):
        order_1 = self._create_order_with_lines()
        order_2 = self._create_order_with_lines(
            partner=self.other_customer, lines=[(self.product_battery, 3)]
        )
        orders = (order_1 | order_2).with_user(self.user_billing)
        action = orders.action_create_invoice()
        invoices = order_1.invoice_ids | order_2.invoice_ids
        self.assertEqual(len(order_1.invoice_ids), 1)
        self.assertEqual(len(order_2.invoice_ids), 1)
        self.assertEqual(action["domain"], [("id", "in", invoices.ids)])
        invoice = order_1.invoice_ids
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(invoice.partner_id, self.customer)
        self.assertEqual(invoice.invoice_origin, order_1.name)
        self.assertEqual(invoice.company_id, self.company)
        self.assertEqual(invoice.journal_id.type, "sale")
        self.assertEqual(invoice.journal_id.company_id, self.company)
        self.assertEqual(invoice.currency_id, self.company.currency_id)
        self.assertRecordValues(
            invoice.invoice_line_ids,
            [
                {
                    "product_id": self.product_screen.id,
                    "quantity": 1.0,
                    "price_unit": 100.0,
                    "tax_ids": self.tax_sale_a.ids,
                    "price_subtotal": 100.0,
                },
                {
                    "product_id": self.product_labour.id,
                    "quantity": 2.0,
                    "price_unit": 80.0,
                    "tax_ids": self.tax_sale_a.ids,
                    "price_subtotal": 160.0,
                },
            ],
        )
        self.assertAlmostEqual(invoice.amount_untaxed, order_1.amount_untaxed)
        self.assertAlmostEqual(invoice.amount_total, order_1.amount_total)
        self.assertEqual(order_2.invoice_ids.amount_untaxed, 120.0)
        self.assertEqual(order_1.invoice_count, 1)
        self.assertEqual(order_1.invoice_state, "invoiced")
        # the invoice posts like any other
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")

    def test_fiscal_position_and_payment_terms_from_partner(self):
        self.other_customer.write(
            {
                "property_account_position_id": self.fiscal_pos_a.id,
                "property_payment_term_id": self.pay_terms_b.id,
            }
        )
        order = self._create_order_with_lines(partner=self.other_customer)
        self.assertEqual(order.fiscal_position_id, self.fiscal_pos_a)
        self.assertEqual(order.line_ids.tax_ids, self.tax_sale_b)
        order.with_user(self.user_billing).action_create_invoice()
        invoice = order.invoice_ids
        self.assertEqual(invoice.fiscal_position_id, self.fiscal_pos_a)
        self.assertEqual(invoice.invoice_payment_term_id, self.pay_terms_b)
        self.assertEqual(invoice.invoice_line_ids.tax_ids, self.tax_sale_b)

    def test_refuses_nothing_to_invoice(self):
        empty = self._create_order_with_lines(lines=[])
        with self.assertRaisesRegex(UserError, "nothing to invoice"):
            empty.action_create_invoice()
        zero = self._create_order_with_lines(lines=[(self.product_screen, 0)])
        with self.assertRaisesRegex(UserError, "nothing to invoice"):
            zero.action_create_invoice()
        draft = self._create_order_with_lines(state="draft")
        with self.assertRaises(UserError):
            draft.action_create_invoice()
        self.assertFalse((empty | zero | draft).invoice_ids)

    def test_double_click_creates_one_invoice(self):
        """docs/SECURITY.md case 21: a second click is refused, one invoice
        exists."""
        order = self._create_order_with_lines().with_user(self.user_billing)
        order.action_create_invoice()
        with self.assertRaisesRegex(UserError, "already invoiced"):
            order.action_create_invoice()
        with self.assertRaisesRegex(UserError, "already invoiced"):
            (order | order).action_create_invoice()
        self.assertEqual(len(order.invoice_ids), 1)
        self.assertEqual(
            self.env["account.move"].search_count(
                [("invoice_origin", "=", order.name)]
            ),
            1,
        )

    def test_batch_with_a_bad_order_creates_nothing(self):
        good = self._create_order_with_lines()
        empty = self._create_order_with_lines(lines=[])
        with self.assertRaises(UserError):
            (good | empty).action_create_invoice()
        self.assertFalse(good.invoice_ids)

    def test_invoiced_lines_are_locked_until_invoice_cancelled(self):
        order = self._create_order_with_lines()
        order.action_create_invoice()
        with self.assertRaisesRegex(UserError, "invoiced"):
            order.line_ids[0].quantity = 5
        with self.assertRaisesRegex(UserError, "invoiced"):
            order.line_ids = [Command.create({"product_id": self.product_battery.id})]
        with self.assertRaisesRegex(UserError, "invoiced"):
            order.line_ids.unlink()
        # a cancelled invoice frees the order: it can be invoiced again
        order.invoice_ids.button_cancel()
        self.assertEqual(order.invoice_state, "to_invoice")
        order.line_ids[0].quantity = 2
        order.action_create_invoice()
        self.assertEqual(len(order.invoice_ids), 2)
        self.assertEqual(order.invoice_state, "invoiced")

    def test_view_invoices(self):
        order = self._create_order_with_lines()
        order.action_create_invoice()
        action = order.with_user(self.user_billing).action_view_invoices()
        self.assertEqual(action["res_id"], order.invoice_ids.id)

    # -- rights -----------------------------------------------------------

    def test_portal_user_cannot_invoice(self):
        order = self._create_order_with_lines()
        with self.assertRaises(AccessError):
            order.with_user(self.portal_user).action_create_invoice()
        with self.assertRaises(AccessError):
            order.with_user(self.portal_user).read(["line_ids"])
        with self.assertRaises(AccessError):
            self.env["service.order.line"].with_user(self.portal_user).search([])
        self.assertFalse(order.invoice_ids)

    def test_service_user_without_billing_right_cannot_invoice(self):
        """Documented decision: invoicing needs Odoo's invoicing rights
        (Accounting / Invoicing, once called Billing): the refusal names them."""
        order = self._create_order_with_lines()
        with self.assertRaisesRegex(AccessError, "reserved to Accounting / Invoicing"):
            order.with_user(self.user_service).action_create_invoice()
        with self.assertRaises(AccessError):
            order.with_user(self.user_internal).action_create_invoice()
        self.assertFalse(order.invoice_ids)
        # but the service agent adds parts and labour
        order.with_user(self.user_service).line_ids = [
            Command.create({"product_id": self.product_battery.id})
        ]
        self.assertEqual(len(order.line_ids), 3)

    def test_multi_company_invoice_uses_order_company(self):
        company_2 = self.setup_other_company(name="Service B")["company"]
        self.env.user.company_ids += company_2
        location_2 = self.env["service.location"].create(
            {"name": "B workshop", "company_id": company_2.id}
        )
        order_2 = self._create_order_with_lines(
            partner=self.other_customer,
            company_id=company_2.id,
            location_id=location_2.id,
        )
        order_1 = self._create_order_with_lines()
        (order_1 | order_2).action_create_invoice()
        self.assertEqual(order_2.invoice_ids.company_id, company_2)
        self.assertEqual(order_2.invoice_ids.journal_id.company_id, company_2)
        self.assertEqual(order_1.invoice_ids.company_id, self.company)
        # a service agent of company A sees neither the lines nor the order of B
        Line = self.env["service.order.line"].with_user(self.user_service)
        self.assertFalse(Line.search([("order_id", "=", order_2.id)]))
        self.assertTrue(Line.search([("order_id", "=", order_1.id)]))


@tagged("post_install", "-at_install")
class TestServiceContractsPortalAccess(ServiceOrderCommon):
    def test_portal_cannot_call_public_methods(self):
        """docs/SECURITY.md case 2: every public method this addon adds refuses
        portal users."""
        order = self._create_order_with_lines()
        item = self.env["service.loan.item"].create(
            {"name": "Loaner", "device_model_id": self.model_phone.id}
        )
        loaned = self.env["service.loan.item"].create({"name": "Loaner 2"})
        loan = loaned.action_lend(order.id)
        records = {
            "service.order": order,
            "service.order.line": order.line_ids[:1],
            "service.loan.item": item,
            "service.loan": loan,
        }
        prefixes = ("odoo.addons.service_contracts",)
        checked = 0
        for model_name, record in records.items():
            record = record.with_user(self.portal_user)
            for method in sorted(public_methods(record, prefixes)):
                checked += 1
                with self.subTest(model=model_name, method=method):
                    self.assertTrue(
                        call_is_refused(self.cr, record, method, order.id),
                        f"{model_name}.{method}() did not refuse a portal user",
                    )
        self.assertGreaterEqual(checked, 9)
        self.assertIn("action_send_estimate", public_methods(order, prefixes))
        self.assertEqual(order.estimate_state, "none")
        self.assertEqual(item.state, "available")
        self.assertEqual(loaned.state, "lent")
        self.assertFalse(order.invoice_ids)
