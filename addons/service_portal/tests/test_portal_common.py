from odoo import http
from odoo.tests import HttpCase

from .common import ServicePortalCommon


class ServicePortalHttpCommon(ServicePortalCommon, HttpCase):
    """Data and helpers of the portal HTTP tests (no test of its own)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.task_water = cls._create_task(
            "Has the device been in contact with water?",
            "boolean",
            required_in_portal=True,
            sequence=1,
        )
        cls.task_cycles = cls._create_task(
            "Battery cycle count",
            "number",
            device_model_ids=[cls.model_laptop.id],
            sequence=2,
        )
        cls.task_backup = cls._create_task("What about your data?", "selection")
        cls.task_since = cls._create_task("Since when?", "date")
        cls.task_staff = cls._create_task("Diagnosis code", filled_by_customer=False)

    def _login(self, user):
        self.authenticate(user.login, user.login)

    def _csrf(self):
        return http.Request.csrf_token(self)

    def _form_data(self, **values):
        data = {
            "device_model_id": str(self.model_phone.id),
            "serial_number": "SN-PORTAL-1",
            "device_description": "Blue phone",
            "problem_description": "The screen stays black.",
            "request_type_id": str(
                self.env.ref("service_portal.service_request_type_repair").id
            ),
            "location_id": str(self.location.id),
            f"task_{self.task_water.id}": "no",
        }
        data.update(values)
        return data

    def _post(self, url, data=None, send_csrf=True, **kwargs):
        data = dict(data or {})
        if send_csrf is True:  # None: no token at all
            data["csrf_token"] = self._csrf()
        elif send_csrf:
            data["csrf_token"] = send_csrf
        return self.url_open(
            url, data=data, allow_redirects=False, method="POST", **kwargs
        )

    def _get(self, url, **kwargs):
        return self.url_open(url, allow_redirects=False, **kwargs)

    def _assert_redirect_home(self, response):
        self.assertIn(response.status_code, (302, 303))
        self.assertTrue(response.headers["Location"].endswith("/my"))
