from unittest.mock import patch

from lxml import html

from odoo import http
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import ServicePortalCommon

TRACK_URL = "/service/track"


@tagged("post_install", "-at_install")
class TestServiceTrackHttp(ServicePortalCommon, HttpCase):
    """The public tracking page over HTTP (docs/SECURITY.md cases 12-15, 26-28)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.private_partner = cls.env["res.partner"].create(
            {
                "name": "Pia Privatperson",
                "email": "pia.private@example.com",
                "phone": "+49 30 1234567",
                "street": "Geheimweg 42",
                "city": "Berlin",
            }
        )
        cls.agent = new_test_user(
            cls.env,
            login="sp_track_agent",
            name="Theo Tech",
            groups="service_portal.service_portal_group_user",
        )
        cls.order = cls._create_order(
            partner=cls.private_partner,
            user_id=cls.agent.id,
            device_description="Silver, dented",
            problem_description="Secret problem text",
            internal_note="<p>Internal note: customer is rude</p>",
        )
        cls.order.action_confirm()
        cls.order.action_start()
        cls.order._portal_ensure_token()
        cls.ICP = cls.env["ir.config_parameter"]
        cls.ICP.set_param("service_portal.track_limit_ip", 10)
        cls.ICP.set_param("service_portal.track_limit_order", 5)
        cls.ICP.set_param("service_portal.track_window_minutes", 60)

    def setUp(self):
        super().setUp()
        self.authenticate(None, None)

    def _post(self, order_number, last_name, with_token=True, **extra):
        data = {"order_number": order_number, "last_name": last_name, **extra}
        if with_token:
            data["csrf_token"] = http.Request.csrf_token(self)
        return self.url_open(TRACK_URL, data=data)

    def _result_section(self, response):
        """The result part of the page, serialised (the rest of the page holds
        per-request values such as the CSRF token)."""
        tree = html.fromstring(response.content)
        sections = tree.xpath("//section[@id='service_track_result']")
        self.assertEqual(len(sections), 1, "the page has one result section")
        return html.tostring(sections[0])

    def _assert_private(self, response):
        self.assertEqual(response.headers.get("Cache-Control"), "no-store")
        self.assertIn("noindex", response.headers.get("X-Robots-Tag", ""))
        # other sites may not frame the page (clickjacking)
        self.assertEqual(
            response.headers.get("Content-Security-Policy"), "frame-ancestors 'self'"
        )
        self.assertEqual(response.headers.get("X-Frame-Options"), "SAMEORIGIN")
        tree = html.fromstring(response.content)
        self.assertTrue(
            tree.xpath("//head/meta[@name='robots'][contains(@content, 'noindex')]")
        )

    # -- docs/SECURITY.md case 12 ------------------------------------------------

    def test_get_shows_empty_form(self):
        response = self.url_open(
            f"{TRACK_URL}?order_number={self.order.name}&last_name=Privatperson"
        )
        self.assertEqual(response.status_code, 200)
        self._assert_private(response)
        tree = html.fromstring(response.content)
        self.assertTrue(tree.xpath("//form[@id='service_track_form'][@method='post']"))
        self.assertTrue(tree.xpath("//form//input[@name='csrf_token']"))
        self.assertTrue(tree.xpath("//form//input[@name='order_number']"))
        self.assertTrue(tree.xpath("//form//input[@name='last_name']"))
        # a GET never looks anything up
        self.assertFalse(tree.xpath("//section[@id='service_track_result']"))
        self.assertNotIn("In repair", response.text)

    def test_right_number_and_name_shows_only_whitelisted_data(self):
        for number, last_name in [
            (self.order.name, "Privatperson"),
            (f"  {self.order.name.lower()}  ", "  PRIVATPERSON "),
        ]:
            with self.subTest(number=number, last_name=last_name):
                response = self._post(number, last_name)
                self.assertEqual(response.status_code, 200)
                self._assert_private(response)
                result = self._result_section(response).decode()
                self.assertIn("In repair", result)
                self.assertIn("Testbrand Phone T1", result)
                self.assertIn("Silver, dented", result)
                self.assertIn("Theo Tech", result)
                self.assertIn("Main Workshop", result)
                self.assertIn(self.order.name, result)
                body = response.text
                for secret in (
                    "Pia",
                    "Privatperson",
                    "pia.private@example.com",
                    "1234567",
                    "Geheimweg",
                    "Berlin",
                    "Secret problem text",
                    "Internal note",
                    "SN-0001",
                    self.order.access_token,
                ):
                    self.assertNotIn(secret, body)
        self.assertFalse(self.env["service.track.attempt"].search([]))

    def test_order_at_a_non_public_location(self):
        """The page is rendered for the public user, who may read neither the
        internal location nor the agent: their names are still shown
        (docs/SECURITY.md case 26)."""
        self.order.location_id = self.location_internal
        self.assertFalse(self.location_internal.is_public)
        response = self._post(self.order.name, "Privatperson")
        self.assertEqual(response.status_code, 200)
        tree = html.fromstring(self._result_section(response))
        location = tree.xpath("//*[hasclass('o_service_track_location')]")
        self.assertEqual(location[0].text_content().strip(), "Internal Lab")
        agent = tree.xpath("//*[hasclass('o_service_track_agent')]")
        self.assertEqual(agent[0].text_content().strip(), "Theo Tech")

    def test_framing_refused_on_every_answer(self):
        """No framing by other sites (docs/SECURITY.md case 27): form, result,
        not found and 429 alike (a refused captcha: see
        test_captcha_failure_is_answered)."""
        self._assert_private(self.url_open(TRACK_URL))
        self._assert_private(self._post(self.order.name, "Privatperson"))
        self._assert_private(self._post(self.order.name, "Wrong"))
        self.ICP.set_param("service_portal.track_limit_ip", 1)
        response = self._post(self.order.name, "Privatperson")
        self.assertEqual(response.status_code, 429)
        self._assert_private(response)

    def test_hostile_input_is_escaped(self):
        script = "<script>alert('x')</script>"
        response = self._post(script, script)
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(script, response.text)
        self.assertIn("&lt;script&gt;", response.text)
        # hostile data stored on the order comes back escaped too
        self.order.device_description = "<img src=x onerror=alert(1)>"
        response = self._post(self.order.name, "privatperson")
        result = self._result_section(response).decode()
        self.assertNotIn("<img", result)
        self.assertIn("&lt;img src=x onerror=alert(1)&gt;", result)

    # -- docs/SECURITY.md case 13 ------------------------------------------------

    def test_unknown_number_and_wrong_name_look_the_same(self):
        unknown = self._post("SRV/1999/99999", "Privatperson")
        wrong_name = self._post(self.order.name, "Mustermann")
        self.assertEqual(unknown.status_code, wrong_name.status_code)
        self.assertEqual(unknown.status_code, 200)
        self.assertEqual(
            self._result_section(unknown), self._result_section(wrong_name)
        )
        self.assertIn(b"could not find", self._result_section(unknown))
        self.assertNotIn("In repair", wrong_name.text)
        self.assertEqual(self.env["service.track.attempt"].search_count([]), 2)

    def test_wildcards_empty_and_huge_inputs(self):
        self.ICP.set_param("service_portal.track_limit_ip", 1000)
        self.ICP.set_param("service_portal.track_limit_order", 1000)
        expected = self._result_section(self._post("SRV/1999/99999", "Nobody"))
        for number, last_name in [
            (self.order.name, "%"),
            (self.order.name, "_"),
            (self.order.name, "Privatperso_"),
            (self.order.name, "%person"),
            (self.order.name, ""),
            ("%", "Privatperson"),
            (self.order.name[:-1] + "_", "Privatperson"),
            ("", ""),
            ("x" * 20_000, "y" * 20_000),
            (self.order.name, "Privatperson" * 5000),
            ("\u202e\u0000\ufeff", "𝔓𝔯𝔦𝔳𝔞𝔱"),
        ]:
            with self.subTest(number=number[:30], last_name=last_name[:30]):
                response = self._post(number, last_name)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(self._result_section(response), expected)
        # a body larger than the form can be is refused before parsing
        response = self._post("x" * 200_000, "y" * 200_000)
        self.assertEqual(response.status_code, 413)
        self.assertNotIn("Traceback", response.text)
        # missing fields altogether
        response = self.url_open(
            TRACK_URL, data={"csrf_token": http.Request.csrf_token(self)}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self._result_section(response), expected)

    # -- docs/SECURITY.md case 14 ------------------------------------------------

    def test_limit_per_client_address(self):
        self.ICP.set_param("service_portal.track_limit_ip", 3)
        for i in range(3):
            self.assertEqual(self._post(f"NOPE-{i}", "x").status_code, 200)
        response = self._post(self.order.name, "Privatperson")
        self.assertEqual(response.status_code, 429)
        self._assert_private(response)
        self.assertTrue(response.headers.get("Retry-After"))
        result = self._result_section(response).decode()
        self.assertIn("Too many unsuccessful attempts", result)
        self.assertIn("Please try again in 60 minutes.", result)
        self.assertEqual(response.headers["Retry-After"], "3600")
        self.assertNotIn("In repair", response.text)
        self.assertNotIn("Theo Tech", response.text)
        # the GET form is still served
        self.assertEqual(self.url_open(TRACK_URL).status_code, 200)

    def test_limit_per_order_number(self):
        Attempt = self.env["service.track.attempt"]
        # other workers or servers logged failures for this number
        Attempt._log_track_failure("198.51.100.1", self.order.name)
        Attempt._log_track_failure("198.51.100.2", self.order.name.lower())
        self.ICP.set_param("service_portal.track_limit_order", 3)
        # others' failures do not lock this address out of the right name...
        Attempt._log_track_failure("198.51.100.3", self.order.name)
        response = self._post(self.order.name, "Privatperson")
        self.assertEqual(response.status_code, 200)
        self.assertIn("In repair", self._result_section(response).decode())
        # ...but a wrong guess is answered 429, and then the right name too
        response = self._post(self.order.name, "Wrong")
        self.assertEqual(response.status_code, 429)
        self.assertIn("Too many unsuccessful attempts", response.text)
        response = self._post(self.order.name, "Privatperson")
        self.assertEqual(response.status_code, 429)
        self.assertNotIn("In repair", response.text)

    def test_works_again_after_the_window(self):
        self.ICP.set_param("service_portal.track_limit_ip", 2)
        self._post(self.order.name, "Wrong")
        self._post(self.order.name, "Wrong")
        self.assertEqual(self._post(self.order.name, "Privatperson").status_code, 429)
        # the logged failures get older than the window
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE service_track_attempt SET create_date = create_date - "
            "interval '61 minutes'"
        )
        response = self._post(self.order.name, "Privatperson")
        self.assertEqual(response.status_code, 200)
        self.assertIn("In repair", self._result_section(response).decode())

    def test_query_count_does_not_grow(self):
        """The look-up costs the same whatever the number of orders,
        customers and logged failures."""
        self.ICP.set_param("service_portal.track_limit_ip", 1000)
        self.ICP.set_param("service_portal.track_limit_order", 1000)

        def queries(number, last_name):
            self.env.flush_all()
            before = self.cr.sql_log_count
            response = self._post(number, last_name)
            self.env.flush_all()
            self.assertEqual(response.status_code, 200)
            return self.cr.sql_log_count - before

        for __ in range(2):  # warm the caches
            queries(self.order.name, "Privatperson")
            queries("NOPE-1", "Nobody")
        found = queries(self.order.name, "Privatperson")
        missing = queries("NOPE-1", "Nobody")
        self.assertGreater(found, 0, "the server's queries are counted")
        Attempt = self.env["service.track.attempt"]
        for i in range(20):
            partner = self.env["res.partner"].create({"name": f"Extra Person{i}"})
            self._create_order(partner=partner)
            Attempt._log_track_failure(f"198.51.100.{i}", f"NOPE-{i}")
        self.assertEqual(queries(self.order.name, "Privatperson"), found)
        self.assertEqual(queries("NOPE-1", "Nobody"), missing)

    # -- docs/SECURITY.md cases 6, 15 --------------------------------------------

    def test_csrf_required(self):
        response = self._post(self.order.name, "Privatperson", with_token=False)
        self.assertEqual(response.status_code, 400)
        self.assertNotIn("In repair", response.text)
        response = self._post(
            self.order.name, "Privatperson", with_token=False, csrf_token="forged"
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.env["service.track.attempt"].search([]))

    def test_bad_method(self):
        response = self.url_open(TRACK_URL, method="PUT")
        self.assertEqual(response.status_code, 405)

    def test_menu_and_sitemap(self):
        menus = self.env["website.menu"].search([("url", "=", TRACK_URL)])
        self.assertTrue(menus.filtered("website_id"), "linked from the website menu")
        response = self.url_open("/sitemap.xml")
        self.assertNotIn(TRACK_URL, response.text)

    def test_captcha_failure_is_answered(self):
        """With a captcha module configured, a failed check gives the form
        back with the reason, not an error page."""

        def refuse(self, action):
            raise UserError("Suspicious activity detected.")  # pylint: disable=translation-required

        with patch.object(
            self.registry["ir.http"], "_verify_request_recaptcha_token", refuse
        ):
            response = self._post(self.order.name, "Privatperson")
        self.assertEqual(response.status_code, 400)
        self._assert_private(response)
        self.assertIn("Suspicious activity detected.", response.text)
        self.assertNotIn("In repair", response.text)

    # -- tour -----------------------------------------------------------------------

    def test_tour_anonymous_visitor_tracks_an_order(self):
        partner = self.env["res.partner"].create(
            {"name": "Tina Tourist", "email": "tina@tour.example.com"}
        )
        model = self.env["service.device.model"].create(
            {"brand": "Tourbrand", "name": "Phone X"}
        )
        location = self.env["service.location"].create(
            {"name": "Tour Workshop", "tat_days": 3}
        )
        order = self.env["service.order"].create(
            {
                "name": "TRK-TOUR-0001",
                "partner_id": partner.id,
                "device_model_id": model.id,
                "location_id": location.id,
                "user_id": self.agent.id,
            }
        )
        order.action_confirm()
        order.action_start()
        self.start_tour(TRACK_URL, "service_track_tour")
