from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common_orders import ServiceOrderCommon


@tagged("post_install", "-at_install")
class TestCoverage(ServiceOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.item = cls.env["service.item"].create(
            {
                "partner_id": cls.customer.id,
                "device_model_id": cls.model_phone.id,
                "serial_number": "WAR-1",
                "warranty_end_date": date(2026, 6, 30),
            }
        )

    @freeze_time("2026-03-02 10:00:00")
    def test_warranty_covers_order_lines(self):
        order = self._create_order_with_lines(service_item_id=self.item.id)
        self.assertEqual(order.coverage, "warranty")
        self.assertTrue(all(order.line_ids.mapped("is_covered")))
        self.assertEqual(order.amount_untaxed, 0.0)
        # the cost of the work is still known
        self.assertEqual(order.cost_total, 120.0)
        # everything is covered: nothing to charge
        self.assertEqual(order.invoice_state, "no")

    @freeze_time("2026-03-02 10:00:00")
    def test_partly_covered_order_invoice(self):
        """Covered lines go on the invoice at no charge, with a label."""
        order = self._create_order_with_lines(service_item_id=self.item.id)
        order.line_ids.filtered(
            lambda line: line.line_type == "part"
        ).is_covered = False
        self.assertEqual(order.amount_untaxed, 100.0)
        order.action_create_invoice()
        invoice = order.invoice_ids
        part_line, labour_line = invoice.invoice_line_ids
        self.assertEqual(part_line.price_unit, 100.0)
        self.assertEqual(labour_line.price_unit, 0.0)
        self.assertEqual(labour_line.price_subtotal, 0.0)
        self.assertIn("Covered by warranty", labour_line.name)
        self.assertNotIn("Covered", part_line.name)
        self.assertEqual(invoice.amount_untaxed, 100.0)

    @freeze_time("2026-08-01 10:00:00")
    def test_expired_warranty_is_charged(self):
        order = self._create_order_with_lines(service_item_id=self.item.id)
        self.assertEqual(order.coverage, "none")
        self.assertFalse(any(order.line_ids.mapped("is_covered")))
        self.assertEqual(order.amount_untaxed, 260.0)

    def test_warranty_judged_on_submission_date(self):
        with freeze_time("2026-06-29 10:00:00"):
            order = self._create_order_with_lines(service_item_id=self.item.id)
        self.assertEqual(order.coverage, "warranty")
        # the warranty ending later does not uncover an order submitted in time
        with freeze_time("2026-07-15 10:00:00"):
            order.invalidate_recordset(["coverage"])
            self.assertEqual(order.coverage, "warranty")
            self.item.warranty_end_date = date(2026, 6, 1)
            self.assertEqual(order.coverage, "none")
