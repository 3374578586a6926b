from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common_orders import ServiceOrderCommon


@tagged("post_install", "-at_install")
class TestLoan(ServiceOrderCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        LoanItem = cls.env["service.loan.item"]
        cls.loaner_phone = LoanItem.create(
            {
                "name": "Loaner phone",
                "serial_number": "LN-001",
                "device_model_id": cls.model_phone.id,
            }
        )
        cls.loaner_laptop = LoanItem.create(
            {
                "name": "Loaner laptop",
                "serial_number": "LN-002",
                "device_model_id": cls.model_laptop.id,
            }
        )
        cls.order = cls._create_order_with_lines(lines=[])

    @freeze_time("2026-03-02 10:00:00")
    def test_lend_and_return(self):
        loaner = self.loaner_phone.with_user(self.user_service)
        loan = loaner.action_lend(self.order.id, date(2026, 3, 9))
        self.assertEqual(loaner.state, "lent")
        self.assertRecordValues(
            loan,
            [
                {
                    "item_id": loaner.id,
                    "order_id": self.order.id,
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "date_due": date(2026, 3, 9),
                    "state": "open",
                    "date_returned": False,
                }
            ],
        )
        self.assertEqual(loaner.partner_id, self.customer)
        self.assertEqual(loaner.order_id, self.order)
        self.assertEqual(self.order.current_loan_id, loan)
        self.assertEqual(self.order.loan_item_id, loaner)
        loaner.action_return()
        self.assertEqual(loaner.state, "available")
        self.assertEqual(loan.state, "returned")
        self.assertTrue(loan.date_returned)
        self.assertFalse(self.order.current_loan_id)
        # the ledger keeps every loan
        loaner.action_lend(self.order.id)
        self.assertEqual(len(loaner.loan_ids), 2)
        self.assertEqual(loaner.loan_count, 2)

    @freeze_time("2026-03-02 10:00:00")
    def test_due_date_defaults_to_promised_date(self):
        self.order.date_promised = date(2026, 3, 20)
        loan = self.loaner_phone.action_lend(self.order.id)
        self.assertEqual(loan.date_due, date(2026, 3, 20))
        self.assertFalse(loan.is_overdue)
        with freeze_time("2026-03-21"):
            loan.invalidate_recordset(["is_overdue"])
            self.assertTrue(loan.is_overdue)
            self.assertEqual(
                self.env["service.loan"].search([("is_overdue", "=", True)]), loan
            )

    def test_refuse_lending_unavailable_item(self):
        self.loaner_phone.action_lend(self.order.id)
        other_order = self._create_order_with_lines(lines=[])
        with self.assertRaisesRegex(UserError, "in the state “Lent”"):
            self.loaner_phone.action_lend(other_order.id)
        self.loaner_laptop.action_set_unavailable()
        with self.assertRaisesRegex(UserError, "in the state “Unavailable”"):
            self.loaner_laptop.action_lend(other_order.id)
        self.assertEqual(len(self.loaner_phone.loan_ids), 1)
        self.assertFalse(self.loaner_laptop.loan_ids)

    def test_double_click_safe(self):
        """docs/SECURITY.md case 21: lend twice or return twice changes the
        state once."""
        self.loaner_phone.action_lend(self.order.id)
        with self.assertRaises(UserError):
            self.loaner_phone.action_lend(self.order.id)
        # a second loaner for the same order is refused too
        with self.assertRaisesRegex(UserError, "already lent"):
            self.loaner_laptop.action_lend(self.order.id)
        self.loaner_phone.action_return()
        with self.assertRaisesRegex(UserError, "in the state “Available”"):
            self.loaner_phone.action_return()
        self.assertEqual(len(self.loaner_phone.loan_ids), 1)
        self.assertEqual(self.loaner_laptop.state, "available")

    def test_refuse_closed_order_and_unknown_order(self):
        cancelled = self._create_order_with_lines(lines=[])
        cancelled.action_cancel()
        with self.assertRaisesRegex(UserError, "closed"):
            self.loaner_phone.action_lend(cancelled.id)
        with self.assertRaises(UserError):
            self.loaner_phone.action_lend(987654321)
        self.assertEqual(self.loaner_phone.state, "available")

    def test_lend_from_order_form(self):
        """The order offers available loaners of the device's model."""
        field = self.env["service.order"]._fields["loan_item_id"]
        self.assertIn("device_model_id", field.domain)
        order_form = Form(self.order.with_user(self.user_service))
        order_form.loan_item_id = self.loaner_phone
        order = order_form.save()
        order.action_lend_loaner()
        self.assertEqual(self.loaner_phone.state, "lent")
        order.action_return_loaner()
        self.assertEqual(self.loaner_phone.state, "available")
        with self.assertRaisesRegex(UserError, "nothing to return"):
            order.action_return_loaner()
        # the ledger line returns the loaner as well
        loan = self.loaner_phone.action_lend(order.id)
        loan.with_user(self.user_service).action_return()
        self.assertEqual(loan.state, "returned")

    def test_maintenance_is_for_managers(self):
        with self.assertRaises(AccessError):
            self.loaner_phone.with_user(self.user_service).action_set_unavailable()
        with self.assertRaises(AccessError):
            self.loaner_phone.with_user(self.user_service).write({"name": "X"})
        with self.assertRaises(AccessError):
            self.env["service.loan.item"].with_user(self.user_service).create(
                {"name": "X"}
            )
        loaner = self.loaner_phone.with_user(self.user_manager)
        loaner.action_set_unavailable()
        self.assertEqual(loaner.state, "unavailable")
        loaner.action_set_available()
        self.assertEqual(loaner.state, "available")
        # a lent loaner cannot be deleted
        loaner.action_lend(self.order.id)
        with self.assertRaises(UserError):
            loaner.unlink()

    def test_loans_need_service_rights(self):
        with self.assertRaises(AccessError):
            self.loaner_phone.with_user(self.user_internal).action_lend(self.order.id)
        with self.assertRaises(AccessError):
            self.loaner_phone.with_user(self.portal_user).action_lend(self.order.id)
        with self.assertRaises(AccessError):
            self.env["service.loan"].with_user(self.user_service).create(
                {
                    "item_id": self.loaner_phone.id,
                    "order_id": self.order.id,
                    "date_due": "2026-01-01",
                }
            )
        self.assertEqual(self.loaner_phone.state, "available")

    def test_multi_company(self):
        company_2 = self.env["res.company"].create({"name": "Loans B"})
        loaner_b = self.env["service.loan.item"].create(
            {"name": "B loaner", "company_id": company_2.id}
        )
        user_b = new_test_user(
            self.env,
            login="sc_agent_b",
            groups="service_portal.service_portal_group_user",
            company_id=company_2.id,
            company_ids=[Command.set(company_2.ids)],
        )
        Item_b = self.env["service.loan.item"].with_user(user_b)
        self.assertEqual(Item_b.search([]), loaner_b)
        with self.assertRaises(AccessError):
            self.loaner_phone.with_user(user_b).action_lend(self.order.id)
        Item_a = self.env["service.loan.item"].with_user(self.user_service)
        self.assertNotIn(loaner_b, Item_a.search([]))
        # a loaner of company B cannot be lent for an order of company A
        with self.assertRaisesRegex(UserError, "another company"):
            loaner_b.action_lend(self.order.id)
        self.assertEqual(loaner_b.state, "available")
