from datetime import date, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import Form, tagged

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


@tagged("post_install", "-at_install")
class TestContractChosenByHand(ServiceOrderCommon):
    """Issue 13, defect 2: a contract chosen by a person stays until a person
    changes it or the device or the customer changes; the covering contract
    applies when nobody chose one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.item = cls.env["service.item"].create(
            {
                "partner_id": cls.customer.id,
                "device_model_id": cls.model_phone.id,
                "serial_number": "HAND-1",
            }
        )
        # two active contracts cover the phone: the newest one is the default
        cls.fleet = cls._create_active_contract("2026-01-01", cls.model_phone)
        cls.newest = cls._create_active_contract("2026-02-01", cls.model_phone)

    @classmethod
    def _create_active_contract(cls, date_start, device_model):
        contract = cls.env["service.contract"].create(
            {
                "partner_id": cls.customer_company.id,
                "date_start": date_start,
                "invoicing_period": "month",
                "line_ids": [
                    Command.create(
                        {
                            "name": "Phone cover",
                            "price_unit": 10.0,
                            "device_model_id": device_model.id,
                        }
                    )
                ],
            }
        )
        contract.action_accept()
        return contract

    @freeze_time("2026-03-02 10:00:00")
    def test_contract_given_on_create_is_kept_when_submitted(self):
        """As an integrator does over the API: the serial number of a
        registered device and a contract, then the submission."""
        order = self._create_order(serial_number="HAND-1", contract_id=self.fleet.id)
        self.assertEqual(order.contract_id, self.fleet)
        order.action_submit()
        self.assertEqual(order.contract_id, self.fleet)
        self.assertEqual(order.coverage, "contract")
        order.action_confirm()
        self.assertEqual(order.contract_id, self.fleet)
        # the default would have been the newest covering contract
        self.assertEqual(order._find_covering_contract(), self.newest)

    @freeze_time("2026-03-02 10:00:00")
    def test_contract_chosen_in_the_back_office_is_kept(self):
        order = self._create_order(service_item_id=self.item.id)
        self.assertEqual(order.contract_id, self.newest)
        order.contract_id = self.fleet
        order.action_submit()
        self.assertEqual(order.contract_id, self.fleet)
        # no contract at all is a choice too
        order.contract_id = False
        order.action_confirm()
        self.assertFalse(order.contract_id)
        self.assertEqual(order.coverage, "none")
        # choosing the covering one again makes it the default again
        order.contract_id = self.newest
        self.assertFalse(order.is_contract_manual)

    @freeze_time("2026-03-02 10:00:00")
    def test_new_device_or_customer_looks_for_coverage_again(self):
        order = self._create_order(serial_number="HAND-1", contract_id=self.fleet.id)
        order.action_submit()
        self.assertEqual(order.contract_id, self.fleet)
        # linking the registered item of its serial number: the same device
        order.service_item_id = self.item
        self.assertEqual(order.contract_id, self.fleet)
        # another device: its covering contract (none for the laptop)
        order.device_model_id = self.model_laptop
        self.assertFalse(order.contract_id)
        order.contract_id = self.fleet
        order.device_model_id = self.model_phone
        self.assertEqual(order.contract_id, self.newest)
        # another serial number
        order.contract_id = self.fleet
        order.write({"service_item_id": False, "serial_number": "OTHER-2"})
        self.assertEqual(order.contract_id, self.newest)
        # another customer
        order.contract_id = self.fleet
        order.partner_id = self.other_customer
        self.assertFalse(order.contract_id)

    @freeze_time("2026-03-02 10:00:00")
    def test_form_shows_the_covering_contract_of_a_new_device(self):
        order = self._create_order(contract_id=self.fleet.id)
        with Form(order) as form:
            form.device_model_id = self.model_laptop
            self.assertFalse(form.contract_id)
            # back to the saved device: the contract chosen for it
            form.device_model_id = self.model_phone
            self.assertEqual(form.contract_id, self.fleet)
            form.device_model_id = self.model_laptop
        self.assertFalse(order.contract_id)
        self.assertFalse(order.is_contract_manual)
        with Form(order) as form:
            form.device_model_id = self.model_phone
            self.assertEqual(form.contract_id, self.newest)
        self.assertEqual(order.contract_id, self.newest)

    def test_default_follows_the_submission_date(self):
        """Nobody chose: the covering contract on the day of submission."""
        today = fields.Date.today()  # the order's creation date (not frozen)
        laptops = self._create_active_contract(
            today + timedelta(days=10), self.model_laptop
        )
        order = self._create_order(device_model_id=self.model_laptop.id)
        self.assertFalse(order.contract_id)
        with freeze_time(today + timedelta(days=15)):
            order.action_submit()
        self.assertEqual(order.contract_id, laptops)
        self.assertEqual(order.coverage, "contract")
