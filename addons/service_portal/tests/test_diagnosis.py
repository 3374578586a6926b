from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ServicePortalCommon
from .portal_rpc import XmlRpcCaseMixin
from .test_portal_common import ServicePortalHttpCommon

GUIDE_TEXT = "Hold the power button for 30 seconds, secret-guide-7731"


class DiagnosisMixin:
    @classmethod
    def _create_diagnosis_data(cls):
        Code = cls.env["service.code"]
        cls.code_area = Code.create(
            {"name": "Display", "code": "T-DSP", "code_type": "fault_area"}
        )
        cls.code_symptom = Code.create(
            {"name": "No image", "code": "T-NOIMG", "code_type": "symptom"}
        )
        cls.code_fault = Code.create(
            {"name": "Cracked panel", "code": "T-CRK", "code_type": "fault"}
        )
        cls.code_resolution = Code.create(
            {"name": "Panel replaced", "code": "T-REPL", "code_type": "resolution"}
        )
        Guide = cls.env["service.troubleshooting"]
        cls.guide_phone = Guide.create(
            {
                "name": "Phone stays black",
                "device_model_ids": [cls.model_phone.id],
                "body": f"<p>{GUIDE_TEXT}</p>",
            }
        )
        cls.guide_laptop = Guide.create(
            {"name": "Laptop fan", "device_model_ids": [cls.model_laptop.id]}
        )


@tagged("post_install", "-at_install")
class TestDiagnosis(DiagnosisMixin, ServicePortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_diagnosis_data()

    def _started_order(self, **values):
        order = self._create_order(**values)
        order.action_confirm()
        order.action_start()
        return order

    def test_guides_of_the_device_model(self):
        order = self._create_order().with_user(self.user_service)
        self.assertIn(self.guide_phone, order.troubleshooting_ids)
        self.assertNotIn(self.guide_laptop, order.troubleshooting_ids)
        order.device_model_id = self.model_laptop
        self.assertIn(self.guide_laptop, order.troubleshooting_ids)
        self.assertNotIn(self.guide_phone, order.troubleshooting_ids)

    def test_codes_limited_to_their_type(self):
        order = self._create_order().with_user(self.user_service)
        order.write(
            {
                "fault_area_id": self.code_area.id,
                "symptom_code_id": self.code_symptom.id,
                "fault_code_id": self.code_fault.id,
                "resolution_code_id": self.code_resolution.id,
            }
        )
        for field_name, wrong in (
            ("fault_area_id", self.code_symptom),
            ("symptom_code_id", self.code_fault),
            ("fault_code_id", self.code_resolution),
            ("resolution_code_id", self.code_area),
        ):
            with self.subTest(field=field_name), self.assertRaises(ValidationError):
                with self.env.cr.savepoint():
                    order.write({field_name: wrong.id})
                    order.flush_recordset()
        for field_name, code_type in (
            ("fault_area_id", "fault_area"),
            ("symptom_code_id", "symptom"),
            ("fault_code_id", "fault"),
            ("resolution_code_id", "resolution"),
        ):
            self.assertEqual(
                order._fields[field_name].domain, [("code_type", "=", code_type)]
            )

    def test_resolution_code_required_before_ready(self):
        order = self._started_order()
        order.action_ready()  # not required by default
        self.location.require_resolution_code = True
        order = self._started_order().with_user(self.user_service)
        with self.assertRaisesRegex(UserError, "resolution code"):
            order.action_ready()
        self.assertEqual(order.state, "in_progress")
        order.resolution_code_id = self.code_resolution
        order.action_ready()
        self.assertEqual(order.state, "ready")

    def test_codes_in_report(self):
        order = self._create_order(
            fault_code_id=self.code_fault.id, resolution_code_id=self.code_resolution.id
        )
        order.action_submit()
        self.env.flush_all()
        line = self.env["service.order.report"].search([("order_id", "=", order.id)])
        self.assertEqual(line.fault_code_id, self.code_fault)
        self.assertEqual(line.resolution_code_id, self.code_resolution)

    def test_configuration_access(self):
        """Service users read codes and guides, managers write them, portal
        users and employees read neither."""
        self.code_area.with_user(self.user_service).read(["name"])
        self.guide_phone.with_user(self.user_service).read(["body"])
        with self.assertRaises(AccessError):
            self.code_area.with_user(self.user_service).name = "Changed"
        with self.assertRaises(AccessError):
            self.guide_phone.with_user(self.user_service).name = "Changed"
        self.guide_phone.with_user(self.user_manager).name = "Changed"
        for user in (self.portal_user, self.user_internal):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.guide_phone.with_user(user).read(["body"])
                with self.assertRaises(AccessError):
                    self.code_area.with_user(user).read(["name"])


@tagged("post_install", "-at_install")
class TestDiagnosisPortal(DiagnosisMixin, XmlRpcCaseMixin, ServicePortalHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_diagnosis_data()

    def test_guides_never_reach_the_portal(self):
        order = self._create_order(
            fault_code_id=self.code_fault.id, resolution_code_id=self.code_resolution.id
        )
        self.assertIn(GUIDE_TEXT, order.troubleshooting_ids.body)
        self._login(self.portal_user)
        for url in (
            "/my",
            "/my/service-orders",
            f"/my/service-orders/{order.id}",
            f"/my/service-orders/{order.id}/summary",
            f"/my/service-orders/{order.id}/edit",
            "/my/service-orders/new",
        ):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertNotIn("secret-guide-7731", response.text)
                self.assertNotIn("Phone stays black", response.text)
                self.assertNotIn("T-CRK", response.text)
        token_url = (
            f"/my/service-orders/{order.id}?access_token={order._portal_ensure_token()}"
        )
        self.authenticate(None, None)
        self.assertNotIn("secret-guide-7731", self.url_open(token_url).text)
        # over RPC: neither the order's staff fields nor the guides
        login = self.portal_user.login
        for field_name in (
            "troubleshooting_ids",
            "fault_code_id",
            "resolution_code_id",
        ):
            with self.subTest(field=field_name):
                self.assertXmlRpcRefused(
                    login, login, "service.order", "read", [order.id], [field_name]
                )
        self.assertXmlRpcRefused(
            login, login, "service.troubleshooting", "search_read", [], ["body"]
        )
        self.assertXmlRpcRefused(login, login, "service.code", "search_read", [])
        fields = self._xmlrpc(login, login, "service.order", "fields_get")
        for field_name in (
            "troubleshooting_ids",
            "fault_area_id",
            "symptom_code_id",
            "fault_code_id",
            "resolution_code_id",
        ):
            self.assertNotIn(field_name, fields)
        result = self._xmlrpc(
            login, login, "service.order", "read", [order.id], ["name", "state"]
        )
        self.assertNotIn("secret-guide-7731", str(result))
