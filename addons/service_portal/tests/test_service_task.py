from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import ServicePortalCommon


@tagged("post_install", "-at_install")
class TestServiceTask(ServicePortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Task = cls.env["service.task"]
        Task.search([]).active = False  # ignore questions of other modules' data
        cls.task_all = cls._create_task("All")
        cls.task_phone = cls._create_task(
            "Phone only", device_model_ids=[(6, 0, cls.model_phone.ids)]
        )
        cls.task_company = cls._create_task(
            "Contoso only", partner_ids=[(6, 0, cls.customer_company.ids)]
        )
        cls.task_colleague = cls._create_task(
            "Bob only", partner_ids=[(6, 0, cls.colleague.ids)]
        )
        cls.task_both = cls._create_task(
            "Contoso laptops",
            partner_ids=[(6, 0, cls.customer_company.ids)],
            device_model_ids=[(6, 0, cls.model_laptop.ids)],
        )
        cls.task_staff = cls._create_task("Diagnosis", filled_by_customer=False)

    def _applicable(self, partner, model, portal=False):
        return self.env["service.task"]._get_applicable_tasks(
            partner, model, portal=portal
        )

    def test_scope_all(self):
        tasks = self._applicable(self.other_customer, self.model_laptop)
        self.assertEqual(tasks, self.task_all | self.task_staff)

    def test_scope_device_model(self):
        tasks = self._applicable(self.other_customer, self.model_phone)
        self.assertEqual(tasks, self.task_all | self.task_phone | self.task_staff)

    def test_scope_company_contacts(self):
        tasks = self._applicable(self.customer, self.model_phone)
        self.assertEqual(
            tasks, self.task_all | self.task_phone | self.task_company | self.task_staff
        )
        tasks = self._applicable(self.colleague, self.model_laptop)
        self.assertEqual(
            tasks,
            self.task_all
            | self.task_company
            | self.task_colleague
            | self.task_both
            | self.task_staff,
        )

    def test_scope_no_device(self):
        tasks = self._applicable(self.customer, self.env["service.device.model"])
        self.assertEqual(tasks, self.task_all | self.task_company | self.task_staff)

    def test_portal_only_customer_questions(self):
        tasks = self._applicable(self.customer, self.model_phone, portal=True)
        self.assertNotIn(self.task_staff, tasks)
        self.assertIn(self.task_all, tasks)

    def test_other_company_question_not_applicable(self):
        company_b = self.env["res.company"].create({"name": "Company B"})
        task_b = self._create_task("B only", company_id=company_b.id)
        self.assertNotIn(task_b, self._applicable(self.customer, self.model_phone))

    def test_selection_needs_choices(self):
        with self.assertRaises(ValidationError):
            self.env["service.task"].create(
                {"name": "Pick", "answer_type": "selection", "option_ids": []}
            )

    def test_staff_question_cannot_be_required_in_portal(self):
        with self.assertRaises(ValidationError):
            self._create_task(
                "Staff", filled_by_customer=False, required_in_portal=True
            )

    def test_answer_display(self):
        order = self._create_order()
        tasks = {
            "text": self._create_task("T"),
            "boolean": self._create_task("B", "boolean"),
            "number": self._create_task("N", "number"),
            "selection": self._create_task("S", "selection"),
            "date": self._create_task("D", "date"),
        }
        Answer = self.env["service.order.answer"]
        values = {
            "text": {"value_text": "  hello "},
            "boolean": {"value_boolean": "yes"},
            "number": {"value_number": 2.5},
            "selection": {"value_option_id": tasks["selection"].option_ids[1].id},
            "date": {"value_date": "2026-01-31"},
        }
        expected = {
            "text": "hello",
            "boolean": "Yes",
            "number": "2.5",
            "selection": "Wipe",
            "date": "2026-01-31",
        }
        for answer_type, task in tasks.items():
            answer = Answer.create(
                {"order_id": order.id, "task_id": task.id, **values[answer_type]}
            )
            self.assertEqual(answer.value_display, expected[answer_type], answer_type)
            self.assertTrue(answer.is_answered)
        empty = Answer.create(
            {"order_id": self._create_order().id, "task_id": tasks["text"].id}
        )
        self.assertFalse(empty.is_answered)
        # answers are searchable per question and value
        self.assertEqual(
            Answer.search_count(
                [("task_id", "=", tasks["boolean"].id), ("value_display", "=", "Yes")]
            ),
            1,
        )
