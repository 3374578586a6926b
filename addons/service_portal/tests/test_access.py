from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import ServicePortalCommon
from .portal_rpc import call_is_refused, public_methods

# Public methods of our models that portal users may call (none today).
# ORM reads that our models override: the record rules scope them like any
# search_read (the kanban's folded columns come from this one).
PORTAL_ALLOWED_METHODS = {("service.order", "formatted_read_group")}
OUR_MODELS = [
    "service.order",
    "service.order.answer",
    "service.order.report",
    "service.location",
    "service.device.model",
    "service.item",
    "service.task",
    "service.task.option",
    "service.request.type",
    "service.code",
    "service.troubleshooting",
    "service.order.handover",
    "res.partner",
]


@tagged("post_install", "-at_install")
class TestServiceAccess(ServicePortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order_alice = cls._create_order()
        cls.order_bob = cls._create_order(partner=cls.colleague)
        cls.order_oscar = cls._create_order(partner=cls.other_customer)

    # -- portal (SECURITY 1, 2) ------------------------------------------

    def test_portal_reads_own_company_orders_only(self):
        Order = self.env["service.order"].with_user(self.portal_user)
        self.assertEqual(Order.search([]), self.order_alice | self.order_bob)
        self.order_alice.with_user(self.portal_user).check_access("read")
        self.order_bob.with_user(self.portal_user).check_access("read")
        with self.assertRaises(AccessError):
            self.order_oscar.with_user(self.portal_user).check_access("read")
        with self.assertRaises(AccessError):
            self.order_oscar.with_user(self.portal_user).read(["name"])
        # the colleague of the same company sees the company's orders too
        Order_bob = self.env["service.order"].with_user(self.portal_colleague)
        self.assertEqual(Order_bob.search([]), self.order_alice | self.order_bob)
        # another customer only their own
        Order_oscar = self.env["service.order"].with_user(self.portal_other)
        self.assertEqual(Order_oscar.search([]), self.order_oscar)

    def test_portal_cannot_write(self):
        order = self.order_alice.with_user(self.portal_user)
        with self.assertRaises(AccessError):
            order.write({"problem_description": "hacked"})
        with self.assertRaises(AccessError):
            self.env["service.order"].with_user(self.portal_user).create(
                {"partner_id": self.customer.id}
            )
        with self.assertRaises(AccessError):
            order.unlink()
        with self.assertRaises(AccessError):
            self.location.with_user(self.portal_user).write({"tat_days": 0})
        with self.assertRaises(AccessError):
            self.customer.with_user(self.portal_user).write({"is_reseller": True})
        self.assertFalse(self.customer.is_reseller)

    def test_portal_cannot_call_public_methods(self):
        """Every public method our addon defines refuses a portal user."""
        records = {
            "service.order": self.order_alice,
            "service.order.answer": self.env["service.order.answer"].create(
                {
                    "order_id": self.order_alice.id,
                    "task_id": self._create_task("Q").id,
                    "value_text": "x",
                }
            ),
            "service.order.report": self.env["service.order.report"],
            "service.location": self.location,
            "service.device.model": self.model_phone,
            "service.item": self.env["service.item"].create(
                {"partner_id": self.customer.id, "device_model_id": self.model_phone.id}
            ),
            "service.task": self._create_task("Q2"),
            "service.task.option": self._create_task("Q3", "selection").option_ids[:1],
            "service.request.type": self.env.ref(
                "service_portal.service_request_type_repair"
            ),
            "service.code": self.env["service.code"].create(
                {"name": "C", "code": "C1", "code_type": "fault"}
            ),
            "service.troubleshooting": self.env["service.troubleshooting"].create(
                {"name": "G"}
            ),
            "service.order.handover": self.env["service.order.handover"].create(
                {
                    "order_id": self.order_alice.id,
                    "signed_by": "x",
                    "signature": "iVBORw0KGgo=",
                }
            ),
            "res.partner": self.customer,
        }
        prefixes = ("odoo.addons.service_",)
        checked = 0
        for model_name in OUR_MODELS:
            record = records[model_name].with_user(self.portal_user)
            for method in sorted(public_methods(record, prefixes)):
                if (model_name, method) in PORTAL_ALLOWED_METHODS:
                    continue
                checked += 1
                with self.subTest(model=model_name, method=method):
                    self.assertTrue(
                        call_is_refused(self.cr, record, method, self.order_alice.id),
                        f"{model_name}.{method}() did not refuse a portal user",
                    )
        self.assertGreater(checked, 8)
        self.assertEqual(self.order_alice.state, "draft")

    def test_portal_cannot_call_public_methods_over_rpc(self):
        with self.assertRaises(AccessError):
            self.order_alice.with_user(self.portal_user).action_submit()
        self.assertEqual(self.order_alice.state, "draft")

    def test_portal_answer_rule_hides_staff_answers(self):
        staff_task = self._create_task("Diagnosis", filled_by_customer=False)
        answer = self.env["service.order.answer"].create(
            {
                "order_id": self.order_alice.id,
                "task_id": staff_task.id,
                "value_text": "internal",
            }
        )
        Answer = self.env["service.order.answer"].with_user(self.portal_user)
        self.assertNotIn(answer, Answer.search([]))

    def test_portal_service_items(self):
        item_alice = self.env["service.item"].create(
            {"partner_id": self.customer.id, "device_model_id": self.model_phone.id}
        )
        item_oscar = self.env["service.item"].create(
            {
                "partner_id": self.other_customer.id,
                "device_model_id": self.model_phone.id,
            }
        )
        Item = self.env["service.item"].with_user(self.portal_colleague)
        self.assertIn(item_alice, Item.search([]))
        self.assertNotIn(item_oscar, Item.search([]))

    def test_portal_sees_public_locations_only(self):
        Location = self.env["service.location"].with_user(self.portal_user)
        self.assertIn(self.location, Location.search([]))
        self.assertNotIn(self.location_internal, Location.search([]))

    # -- back office groups --------------------------------------------------

    def test_employee_without_service_group(self):
        with self.assertRaises(AccessError):
            self.env["service.order"].with_user(self.user_internal).search([])
        with self.assertRaises(AccessError):
            self.order_alice.with_user(self.user_internal).action_confirm()

    def test_user_runs_desk_but_not_configuration(self):
        order = self._create_order().with_user(self.user_service)
        order.action_confirm()
        self.env["service.item"].with_user(self.user_service).create(
            {"partner_id": self.customer.id, "device_model_id": self.model_phone.id}
        )
        with self.assertRaises(AccessError):
            self.env["service.location"].with_user(self.user_service).create(
                {"name": "X"}
            )
        with self.assertRaises(AccessError):
            self.env["service.task"].with_user(self.user_service).create({"name": "X"})
        with self.assertRaises(AccessError):
            self.model_phone.with_user(self.user_service).write({"name": "Y"})
        # manager configures
        self.env["service.location"].with_user(self.user_manager).create(
            {"name": "New"}
        )
        self.env["service.task"].with_user(self.user_manager).create({"name": "New?"})
        self.env["service.device.model"].with_user(self.user_manager).create(
            {"brand": "B", "name": "N"}
        )

    def test_user_needs_no_other_app(self):
        groups = self.user_service.all_group_ids
        for xmlid in (
            "sales_team.group_sale_salesman",
            "stock.group_stock_user",
            "account.group_account_invoice",
        ):
            group = self.env.ref(xmlid, raise_if_not_found=False)
            if group:
                self.assertNotIn(group, groups)

    # -- multi-company (SECURITY 23) -------------------------------------------

    def test_multi_company(self):
        company_b = self.env["res.company"].create({"name": "Service Company B"})
        location_b = self.env["service.location"].create(
            {"name": "B workshop", "company_id": company_b.id}
        )
        order_b = self.env["service.order"].create(
            {
                "partner_id": self.other_customer.id,
                "company_id": company_b.id,
                "location_id": location_b.id,
            }
        )
        user_b = new_test_user(
            self.env,
            login="sp_agent_b",
            groups="service_portal.service_portal_group_user",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        Order_b = self.env["service.order"].with_user(user_b)
        self.assertEqual(Order_b.search([]), order_b)
        with self.assertRaises(AccessError):
            self.order_alice.with_user(user_b).read(["name"])
        with self.assertRaises(AccessError):
            self.order_alice.with_user(user_b).action_confirm()
        Order_a = self.env["service.order"].with_user(self.user_service)
        self.assertNotIn(order_b, Order_a.search([]))
        self.assertNotIn(
            location_b,
            self.env["service.location"].with_user(self.user_service).search([]),
        )
        # an order cannot use a location of another company
        with self.assertRaises(UserError):
            self.env["service.order"].create(
                {"partner_id": self.customer.id, "location_id": location_b.id}
            )
