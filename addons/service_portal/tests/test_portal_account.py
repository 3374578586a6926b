from unittest.mock import patch

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.base.models.ir_mail_server import IrMail_Server

from .common import ServicePortalCommon


@tagged("post_install", "-at_install")
class TestPortalAccount(ServicePortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.newcomer = cls.env["res.partner"].create(
            {"name": "Nina Newcomer", "email": "  Nina.Newcomer@Example.com "}
        )
        cls.template = cls.env.ref("auth_signup.portal_set_password_email")

    def _invitations(self, user):
        return self.env["mail.mail"].search(
            [("model", "=", "res.users"), ("res_id", "=", user.id)]
        )

    def test_create_portal_account(self):
        self.newcomer.with_user(self.user_service).action_create_portal_account()
        user = self.newcomer.with_context(active_test=False).user_ids
        self.assertEqual(len(user), 1)
        self.assertTrue(user._is_portal())
        self.assertTrue(user.active)
        self.assertEqual(user.login, "nina.newcomer@example.com")
        self.assertEqual(self.newcomer.email, "nina.newcomer@example.com")
        mails = self._invitations(user)
        self.assertEqual(len(mails), 1, "exactly one invitation")
        self.assertEqual(mails.state, "outgoing", "queued, not sent inline")
        self.assertIn("signup", mails.body_html)

    def test_double_click_sends_one_invitation(self):
        partner = self.newcomer.with_user(self.user_service)
        partner.action_create_portal_account()
        with self.assertRaisesRegex(UserError, "already has a portal account"):
            partner.action_create_portal_account()
        user = self.newcomer.user_ids
        self.assertEqual(len(self._invitations(user)), 1)

    def test_missing_email(self):
        partner = self.env["res.partner"].create({"name": "No Mail"})
        with self.assertRaisesRegex(UserError, "has no e-mail address"):
            partner.with_user(self.user_service).action_create_portal_account()
        self.assertFalse(partner.with_context(active_test=False).user_ids)

    def test_invalid_email(self):
        partner = self.env["res.partner"].create(
            {"name": "Bad Mail", "email": "not-an-email"}
        )
        with self.assertRaisesRegex(UserError, "is not valid"):
            partner.with_user(self.user_service).action_create_portal_account()
        self.assertFalse(partner.with_context(active_test=False).user_ids)

    def test_email_used_by_another_login(self):
        # alice's portal user has login sp_portal_alice; give another user this login
        self.portal_other.login = "nina.newcomer@example.com"
        with self.assertRaisesRegex(UserError, "already the login of another customer"):
            self.newcomer.with_user(self.user_service).action_create_portal_account()
        self.assertFalse(self.newcomer.with_context(active_test=False).user_ids)

    def test_email_used_by_archived_login_case_insensitive(self):
        self.portal_other.write({"login": "NINA.newcomer@example.COM", "active": False})
        with self.assertRaises(UserError):
            self.newcomer.with_user(self.user_service).action_create_portal_account()

    def test_wildcards_in_email_do_not_match_other_logins(self):
        self.portal_other.login = "nina_newcomer@example.com"
        partner = self.env["res.partner"].create(
            {"name": "Wild", "email": "nina%newcomer@example.com"}
        )
        partner.with_user(self.user_service).action_create_portal_account()
        self.assertTrue(partner.user_ids)

    def test_internal_user_refused(self):
        partner = self.user_internal.partner_id
        with self.assertRaisesRegex(UserError, "internal user"):
            partner.with_user(self.user_service).action_create_portal_account()

    def test_archived_portal_user_reactivated(self):
        self.portal_other.active = False
        self.other_customer.with_user(self.user_service).action_create_portal_account()
        self.assertTrue(self.portal_other.active)
        self.assertEqual(len(self._invitations(self.portal_other)), 1)

    def test_mail_server_failure_keeps_account(self):
        self.newcomer.with_user(self.user_service).action_create_portal_account()
        user = self.newcomer.user_ids
        mail = self._invitations(user)

        def _fail(*args, **kwargs):
            raise ConnectionRefusedError("SMTP down")

        with (
            patch.object(IrMail_Server, "send_email", _fail),
            patch.object(IrMail_Server, "_connect__", _fail),
            mute_logger("odoo.addons.mail.models.mail_mail"),
        ):
            mail.send(raise_exception=False)
        self.assertTrue(user.exists() and user.active)
        self.assertEqual(mail.state, "exception")
        self.assertTrue(self.newcomer.user_ids)

    def test_rights(self):
        with self.assertRaises(AccessError):
            self.newcomer.with_user(self.user_internal).action_create_portal_account()
        with self.assertRaises(AccessError):
            self.newcomer.with_user(self.portal_user).action_create_portal_account()
        self.assertFalse(self.newcomer.with_context(active_test=False).user_ids)
