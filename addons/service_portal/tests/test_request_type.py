import importlib.util

from psycopg2 import IntegrityError

from odoo.tests import tagged
from odoo.tools import mute_logger
from odoo.tools.misc import file_path

from .common import ServicePortalCommon
from .test_portal_common import ServicePortalHttpCommon


def _load_migration(version, name):
    path = file_path(f"service_portal/migrations/{version}/{name}.py")
    spec = importlib.util.spec_from_file_location(f"service_portal_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestRequestType(ServicePortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.type_repair = cls.env.ref("service_portal.service_request_type_repair")
        cls.type_warranty = cls.env.ref("service_portal.service_request_type_warranty")
        cls.type_consulting = cls.env.ref(
            "service_portal.service_request_type_consulting"
        )

    def test_default_and_legacy_code(self):
        order = self._create_order()
        self.assertEqual(order.request_type_id, self.type_repair)
        self.assertEqual(order.request_type, "repair")
        # integrations of 19.0.1.1.0 still write and search the code
        legacy = self._create_order(request_type="warranty")
        self.assertEqual(legacy.request_type_id, self.type_warranty)
        found = self.env["service.order"].search(
            [("request_type", "=", "warranty"), ("id", "in", (order | legacy).ids)]
        )
        self.assertEqual(found, legacy)

    def test_code_unique_per_company(self):
        other_company = self.env["res.company"].create({"name": "Other Service Co"})
        Type = self.env["service.request.type"]
        Type.create({"name": "Rental", "code": "rental", "company_id": self.company.id})
        Type.create(
            {"name": "Rental", "code": "rental", "company_id": other_company.id}
        )
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                Type.create(
                    {"name": "Rent", "code": "RENTAL", "company_id": self.company.id}
                )
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                Type.create({"name": "Repair again", "code": "repair"})

    def test_questions_scoped_to_request_types(self):
        Task = self.env["service.task"]
        Task.search([]).active = False
        task_all = self._create_task("Always")
        task_warranty = self._create_task(
            "Proof of purchase?", request_type_ids=[self.type_warranty.id]
        )
        applicable = Task._get_applicable_tasks(
            self.customer, self.model_phone, request_type=self.type_repair
        )
        self.assertEqual(applicable, task_all)
        applicable = Task._get_applicable_tasks(
            self.customer, self.model_phone, request_type=self.type_warranty
        )
        self.assertEqual(applicable, task_all | task_warranty)
        order = self._create_order(request_type_id=self.type_warranty.id)
        order.action_load_questions()
        self.assertEqual(order.answer_ids.task_id, task_all | task_warranty)
        repair = self._create_order()
        repair.action_load_questions()
        self.assertEqual(repair.answer_ids.task_id, task_all)

    def test_migration_keeps_each_order_type(self):
        """The data shape of 19.0.1.1.0: a ``request_type`` selection column,
        renamed by pre-migrate and mapped by post-migrate."""
        cr = self.env.cr
        pre = _load_migration("19.0.1.2.0", "pre-migrate")
        post = _load_migration("19.0.1.2.0", "post-migrate")
        values = ("repair", "warranty", "maintenance", "other", "rental")
        orders = {value: self._create_order(serial_number=value) for value in values}
        self.env.flush_all()
        cr.execute("ALTER TABLE service_order ADD COLUMN request_type varchar")
        for value, order in orders.items():
            cr.execute(
                "UPDATE service_order SET request_type = %s, request_type_id = NULL "
                "WHERE id = %s",
                (value, order.id),
            )
        pre.migrate(cr, "19.0.1.1.0")
        post.migrate(cr, "19.0.1.1.0")
        self.env.invalidate_all()
        expected = {
            "repair": "repair",
            "warranty": "warranty",
            "maintenance": "maintenance",
            "other": "consulting",
            "rental": "rental",
        }
        for value, order in orders.items():
            self.assertEqual(order.request_type_id.code, expected[value], value)
        self.assertEqual(orders["other"].request_type_id, self.type_consulting)
        cr.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = "
            "'service_order' AND column_name IN ('request_type', "
            "'request_type_legacy')"
        )
        self.assertFalse(cr.fetchall(), "the former column is dropped")

    def test_report_groups_by_request_type(self):
        order = self._create_order(request_type_id=self.type_warranty.id)
        order.action_submit()
        self.env.flush_all()
        line = self.env["service.order.report"].search([("order_id", "=", order.id)])
        self.assertEqual(line.request_type_id, self.type_warranty)


@tagged("post_install", "-at_install")
class TestRequestTypePortal(ServicePortalHttpCommon):
    def _new_orders(self):
        return self.env["service.order"].search([("partner_id", "=", self.customer.id)])

    def test_form_offers_active_types_of_the_company(self):
        Type = self.env["service.request.type"]
        archived = Type.create({"name": "Archived Kind", "code": "archived"})
        archived.active = False
        other_company = self.env["res.company"].create({"name": "Other Service Co"})
        Type.create(
            {"name": "Foreign Kind", "code": "foreign", "company_id": other_company.id}
        )
        self._login(self.portal_user)
        response = self._get("/my/service-orders/new")
        self.assertEqual(response.status_code, 200)
        self.assertIn('name="request_type_id"', response.text)
        self.assertIn("Warranty Claim", response.text)
        self.assertNotIn("Archived Kind", response.text)
        self.assertNotIn("Foreign Kind", response.text)
        before = self._new_orders()
        response = self._post(
            "/my/service-orders/new", self._form_data(request_type_id=str(archived.id))
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_service_order_error", response.text)
        self.assertEqual(self._new_orders(), before)

    def test_form_posts_request_type(self):
        warranty = self.env.ref("service_portal.service_request_type_warranty")
        task_warranty = self._create_task(
            "Proof of purchase number", request_type_ids=[warranty.id]
        )
        self._login(self.portal_user)
        response = self._get("/my/service-orders/new")
        # the question is on the form, hidden until warranty is chosen
        self.assertIn(f'data-request-type-ids="{warranty.id}"', response.text)
        data = self._form_data(request_type_id=str(warranty.id))
        data[f"task_{task_warranty.id}"] = "PO-123"
        response = self._post("/my/service-orders/new", data)
        self.assertEqual(response.status_code, 303, response.text[:500])
        order = self._new_orders()[:1]
        self.assertEqual(order.request_type_id, warranty)
        self.assertIn(task_warranty, order.answer_ids.task_id)
        # a repair ignores the warranty question's answer
        data = self._form_data()
        data[f"task_{task_warranty.id}"] = "PO-456"
        self._post("/my/service-orders/new", data)
        order = self._new_orders()[:1]
        self.assertEqual(order.request_type, "repair")
        self.assertNotIn(task_warranty, order.answer_ids.task_id)

    def test_form_accepts_former_request_type_code(self):
        data = self._form_data()
        del data["request_type_id"]
        data["request_type"] = "other"
        self._login(self.portal_user)
        response = self._post("/my/service-orders/new", data)
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self._new_orders()[:1].request_type, "consulting")
