from odoo import models


class PortalWizardUser(models.TransientModel):
    _inherit = "portal.wizard.user"

    def _send_email(self):
        """The service desk's "Create portal account" queues the invitation
        instead of sending it inline: a retried request must not send it twice
        and a mail server failure must not lose the account (the e-mail stays
        in the queue and is retried)."""
        if not self.env.context.get("service_portal_queue_invitation"):
            return super()._send_email()
        self.ensure_one()
        template = self.env.ref("auth_signup.portal_set_password_email")
        user_sudo = self.user_id.sudo()
        user_sudo.partner_id.signup_prepare()
        template.sudo().with_context(
            dbname=self.env.cr.dbname,
            lang=user_sudo.lang,
            welcome_message=self.wizard_id.welcome_message,
            medium="portalinvite",
        ).send_mail(user_sudo.id, force_send=False)
        return True
