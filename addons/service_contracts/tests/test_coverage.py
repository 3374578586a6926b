from datetime import date

from freezegun import freeze_time

from odoo import Command
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

    @freeze_time("2026-03-02 10:00:00")
    def test_invoiced_order_keeps_its_coverage(self):
        order = self._create_order_with_lines(service_item_id=self.item.id)
        order.line_ids[0].is_covered = False
        order.action_create_invoice()
        self.item.warranty_end_date = date(2026, 1, 1)
        self.assertEqual(order.coverage, "warranty")
        self.assertTrue(order.line_ids[1].is_covered)
        self.assertEqual(order.amount_untaxed, order.invoice_ids.amount_untaxed)


@tagged("post_install", "-at_install")
class TestContractCoverage(ServiceOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product_cover = cls._create_product(
            name="Repair cover", type="service", lst_price=50.0
        )
        cls.item = cls.env["service.item"].create(
            {
                "partner_id": cls.customer.id,
                "device_model_id": cls.model_phone.id,
                "serial_number": "CON-1",
            }
        )

    @classmethod
    def _create_contract(cls, partner=None, accept=True, **line_values):
        contract = cls.env["service.contract"].create(
            {
                "partner_id": (partner or cls.customer).id,
                "date_start": "2026-01-01",
                "date_end": "2026-12-31",
                "invoicing_period": "month",
                "response_time_hours": 8,
                "line_ids": [
                    Command.create(
                        {
                            "product_id": cls.product_cover.id,
                            "name": "Repair cover",
                            "price_unit": 50.0,
                            **line_values,
                        }
                    )
                ],
            }
        )
        if accept:
            contract.action_accept()
        return contract

    @freeze_time("2026-03-02 10:00:00")
    def test_contract_covers_service_item(self):
        contract = self._create_contract(service_item_id=self.item.id)
        order = self._create_order_with_lines(service_item_id=self.item.id)
        self.assertEqual(order.contract_id, contract)
        self.assertEqual(order.coverage, "contract")
        self.assertTrue(all(order.line_ids.mapped("is_covered")))
        self.assertEqual(order.amount_untaxed, 0.0)
        # the labour is charged (e.g. the contract covers parts only here)
        labour = order.line_ids.filtered(lambda line: line.line_type == "labour")
        labour.is_covered = False
        order.action_create_invoice()
        part_line = order.invoice_ids.invoice_line_ids.filtered(
            lambda line: line.product_id == self.product_screen
        )
        self.assertEqual(part_line.price_unit, 0.0)
        self.assertIn(f"Covered by contract {contract.name}", part_line.name)
        self.assertEqual(order.invoice_ids.amount_untaxed, 160.0)
        # the contract of an invoiced order does not change any more
        contract.action_cancel()
        order.invalidate_recordset()
        order.service_item_id = False
        self.assertEqual(order.contract_id, contract)

    @freeze_time("2026-03-02 10:00:00")
    def test_contract_covers_device_model(self):
        contract = self._create_contract(device_model_id=self.model_phone.id)
        phone = self._create_order_with_lines(device_model_id=self.model_phone.id)
        laptop = self._create_order_with_lines(device_model_id=self.model_laptop.id)
        other = self._create_order_with_lines(
            partner=self.other_customer, device_model_id=self.model_phone.id
        )
        colleague = self._create_order_with_lines(
            partner=self.colleague, device_model_id=self.model_phone.id
        )
        self.assertEqual(phone.contract_id, contract)
        self.assertEqual(colleague.contract_id, contract)
        self.assertFalse(laptop.contract_id)
        self.assertFalse(other.contract_id)
        self.assertEqual(laptop.coverage, "none")

    def test_contract_must_be_active_on_the_order_date(self):
        with freeze_time("2026-03-02 10:00:00"):
            quote = self._create_contract(
                accept=False, device_model_id=self.model_phone.id
            )
            order = self._create_order_with_lines(device_model_id=self.model_phone.id)
            self.assertFalse(order.contract_id)
            quote.action_accept()
            # a new device on the order looks for coverage again
            order.service_item_id = self.item
            self.assertEqual(order.contract_id, quote)
        with freeze_time("2027-02-01 10:00:00"):
            late = self._create_order_with_lines(device_model_id=self.model_phone.id)
            self.assertFalse(late.contract_id)
            self.assertEqual(late.coverage, "none")

    @freeze_time("2026-03-02 10:00:00")
    def test_warranty_comes_before_contract(self):
        self._create_contract(service_item_id=self.item.id)
        self.item.warranty_end_date = date(2026, 6, 30)
        order = self._create_order_with_lines(service_item_id=self.item.id)
        self.assertTrue(order.contract_id)
        self.assertEqual(order.coverage, "warranty")
