import base64

from odoo.tests import tagged
from odoo.tools import mute_logger
from odoo.tools.convert import convert_file

from .portal_rpc import XmlRpcCaseMixin
from .test_portal_common import ServicePortalHttpCommon

# A 1x1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)

# What a portal user may get over XML-RPC / JSON-2 of the fields service_portal
# defines (docs/SECURITY.md case 25). A new field that is not meant for
# customers needs ``groups=``; one that is meant for them goes here.
PORTAL_FIELDS = {
    "service.order": {
        "answer_ids",
        "cancel_reason",
        "commercial_partner_id",
        "company_id",
        "date_cancelled",
        "date_confirmed",
        "date_done",
        "date_handover",
        "date_promised",
        "date_ready",
        "date_started",
        "date_submitted",
        "device_description",
        "device_model_id",
        "handover_signed_by",
        "is_late",
        "is_reseller_order",
        "location_id",
        "name",
        "partner_id",
        "priority",
        "problem_description",
        "request_type",
        "request_type_id",
        "serial_number",
        "service_item_id",
        "state",
        "user_id",
    },
    "service.order.answer": {
        "answer_type",
        "company_id",
        "filled_by_customer",
        "is_answered",
        "order_id",
        "sequence",
        "task_id",
        "value_boolean",
        "value_date",
        "value_display",
        "value_number",
        "value_number_set",
        "value_option_id",
        "value_text",
    },
    "service.location": {
        "active",
        "company_id",
        "is_public",
        "name",
        "note",
        "partner_id",
        "sequence",
        "tat_days",
        "user_id",
    },
    "service.device.model": {"active", "brand", "company_id", "description", "name"},
    "service.request.type": {
        "active",
        "code",
        "company_id",
        "description",
        "name",
        "sequence",
    },
    "service.item": {
        "active",
        "commercial_partner_id",
        "company_id",
        "device_model_id",
        "partner_id",
        "purchase_date",
        "serial_number",
        "under_warranty",
        "warranty_end_date",
    },
    "res.partner": {"is_reseller", "service_order_ids"},
}
MAGIC_FIELDS = {"create_date", "create_uid", "write_date", "write_uid"}


@tagged("post_install", "-at_install")
class TestPortalStructure(XmlRpcCaseMixin, ServicePortalHttpCommon):
    """Defects 4 to 7 of issue 13 on the customer portal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order_alice = cls._create_order(serial_number="SN-ALICE")
        cls.order_bob_lab = cls._create_order(
            partner=cls.colleague,
            serial_number="SN-BOB-LAB",
            location_id=cls.location_internal.id,
            internal_note="<p>Suspected fraud</p>",
            user_id=cls.user_service.id,
        )
        cls.order_bob_lab.write(
            {"state": "submitted", "date_submitted": "2026-01-05 10:00:00"}
        )
        cls.order_oscar = cls._create_order(partner=cls.other_customer)

    def _rpc(self, user, model, method, *args, **kwargs):
        return self._xmlrpc(user.login, user.login, model, method, *args, **kwargs)

    # -- defect 4: impossible or unknown ids answer 404 -------------------

    @mute_logger("odoo.http")
    def test_impossible_ids_answer_404(self):
        self._login(self.portal_user)
        missing = self.env["service.order"].search([], order="id desc", limit=1).id + 1
        for order_id in ("-1", "0", "99999999999", str(missing)):
            for suffix in ("", "/edit", "/summary"):
                response = self._get(f"/my/service-orders/{order_id}{suffix}")
                self.assertEqual(response.status_code, 404, order_id + suffix)
        # an order that exists but is not hers: back to /my, nothing shown
        response = self._get(f"/my/service-orders/{self.order_oscar.id}")
        self._assert_redirect_home(response)

    # -- defect 5: an order at a non-public location ----------------------

    def test_company_pages_with_order_at_internal_location(self):
        self._login(self.portal_user)
        response = self._get("/my/service-orders?filterby=all")
        self.assertEqual(response.status_code, 200)
        self.assertIn("SN-BOB-LAB", response.text)
        self.assertIn("Internal Lab", response.text)
        response = self._get(f"/my/service-orders/{self.order_bob_lab.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Internal Lab", response.text)
        self.assertIn("Sam Agent", response.text)
        self.assertNotIn("Suspected fraud", response.text)
        # the home counter counts it too
        response = self._get("/my")
        self.assertEqual(response.status_code, 200)

    def test_internal_user_sees_own_partner_orders_only(self):
        self.user_service.partner_id.email = "sam.agent@example.com"
        own = self._create_order(
            partner=self.user_service.partner_id, serial_number="SN-OWN-AGENT"
        )
        self.authenticate(self.user_service.login, self.user_service.login)
        response = self._get("/my/service-orders?filterby=all")
        self.assertEqual(response.status_code, 200)
        self.assertIn(own.name, response.text)
        self.assertNotIn("SN-ALICE", response.text)
        self.assertNotIn("SN-BOB-LAB", response.text)

    # -- defect 6: staff fields over the external API ---------------------

    def test_portal_fields_over_rpc_are_allow_listed(self):
        for model, allowed in PORTAL_FIELDS.items():
            fields = self._rpc(self.portal_user, model, "fields_get", [], ["type"])
            ours = {
                name
                for name in fields
                if getattr(self.env[model]._fields[name], "_module", "")
                == "service_portal"
            }
            self.assertEqual(ours - MAGIC_FIELDS, allowed, model)

    @mute_logger("odoo.addons.rpc.controllers.xmlrpc", "odoo.http")
    def test_staff_notes_not_readable_nor_searchable(self):
        item = self.env["service.item"].create(
            {
                "partner_id": self.customer.id,
                "device_model_id": self.model_phone.id,
                "note": "Customer shouted at the counter",
            }
        )
        for model, record, field in (
            ("service.order", self.order_bob_lab, "internal_note"),
            ("service.item", item, "note"),
            ("service.order", self.order_bob_lab, "color"),
        ):
            with self.assertRaisesRegex(Exception, "enough rights"):
                self._rpc(self.portal_user, model, "read", [record.id], [field])
            with self.assertRaisesRegex(Exception, "enough rights"):
                self._rpc(
                    self.portal_user, model, "search", [(field, "ilike", "fraud")]
                )
        records = self._rpc(
            self.portal_user,
            "service.order",
            "search_read",
            [("id", "=", self.order_bob_lab.id)],
            fields=sorted(PORTAL_FIELDS["service.order"]),
        )
        self.assertEqual(len(records), 1)
        self.assertNotIn("internal_note", records[0])
        self.assertNotIn("Suspected fraud", str(records))

    # -- defect 7: framing and upload caps --------------------------------

    def test_portal_pages_cannot_be_framed(self):
        self._login(self.portal_user)
        draft = self._create_order(partner=self.customer, serial_number="SN-DRAFT")
        for url in (
            "/my/service-orders",
            f"/my/service-orders/{self.order_alice.id}",
            "/my/service-orders/new",
            f"/my/service-orders/{draft.id}/edit",
            f"/my/service-orders/{draft.id}/summary",
        ):
            response = self._get(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertEqual(
                response.headers.get("Content-Security-Policy"),
                "frame-ancestors 'self'",
                url,
            )
            self.assertEqual(response.headers.get("X-Frame-Options"), "SAMEORIGIN")

    def _attachments(self, order):
        return self.env["ir.attachment"].search(
            [("res_model", "=", "service.order"), ("res_id", "=", order.id)]
        )

    def test_too_many_files_in_one_request(self):
        self._login(self.portal_user)
        files = [("attachment", (f"p{i}.png", PNG, "image/png")) for i in range(11)]
        response = self._post(
            f"/my/service-orders/{self.order_alice.id}/attachments", files=files
        )
        self.assertEqual(response.status_code, 422)
        self.assertIn("Add at most 10 files at once.", response.text)
        self.assertFalse(self._attachments(self.order_alice))

    def test_files_per_order_cap(self):
        self.env["ir.config_parameter"].set_param(
            "service_portal.portal_upload_max_files", "3"
        )
        self._login(self.portal_user)
        url = f"/my/service-orders/{self.order_alice.id}/attachments"
        files = [("attachment", (f"p{i}.png", PNG, "image/png")) for i in range(3)]
        self.assertEqual(self._post(url, files=files).status_code, 303)
        response = self._post(url, files=[("attachment", ("x.png", PNG, "image/png"))])
        self.assertEqual(response.status_code, 422)
        self.assertIn("at most 3 files", response.text)
        self.assertEqual(len(self._attachments(self.order_alice)), 3)

    def test_chatter_upload_follows_the_same_rules(self):
        self.env["ir.config_parameter"].set_param(
            "service_portal.portal_upload_max_size", "100"
        )
        self._login(self.portal_user)
        token = self.order_alice._portal_ensure_token()
        data = {
            "thread_id": str(self.order_alice.id),
            "thread_model": "service.order",
            "token": token,
            "is_pending": "true",
        }
        response = self._post(
            "/mail/attachment/upload",
            data,
            files=[("ufile", ("big.png", b"x" * 101, "image/png"))],
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("too large", response.json()["error"])
        response = self._post(
            "/mail/attachment/upload",
            data,
            files=[("ufile", ("small.png", PNG, "image/png"))],
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment_id", response.json()["data"])


@tagged("post_install", "-at_install")
class TestPortalDemoTour(ServicePortalHttpCommon):
    """The demo data as a new user sees it: Anna's company list and order
    page, with an order at the non-public "Board Repair Lab (internal)"."""

    def test_demo_company_list_with_internal_location(self):
        if not self.env.ref(
            "service_portal.user_northwind_anna_demo", raise_if_not_found=False
        ):
            # tests run without demo data: load service_portal's own demo file
            convert_file(
                self.env,
                "service_portal",
                "demo/service_portal_demo.xml",
                {},
                mode="init",
                noupdate=True,
            )
        self.start_tour(
            "/my/service-orders?filterby=all",
            "service_order_demo_company_tour",
            login="anna",
        )
