import logging

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize
from odoo.tools.sql import escape_psql

_logger = logging.getLogger(__name__)


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "service.state.mixin"]

    is_reseller = fields.Boolean(
        string="Reseller",
        tracking=True,
        help="Service orders approved by a reseller are confirmed at once, "
        "without waiting for the service location's approval.",
    )
    service_to_review = fields.Boolean(
        string="To Review",
        groups="service_portal.service_portal_group_user",
        help="Created by the e-mail intake for an unknown sender: check the "
        "name, the company and duplicates, then clear the flag.",
    )
    service_order_ids = fields.One2many(
        "service.order", "partner_id", string="Service Orders"
    )
    service_order_count = fields.Integer(
        compute="_compute_service_order_count",
        groups="service_portal.service_portal_group_user",
    )

    def _compute_service_order_count(self):
        # Count the orders of each partner and of all its contacts.
        self.service_order_count = 0
        all_partners = self.with_context(active_test=False).search_fetch(
            [("id", "child_of", self.ids)], ["parent_id"]
        )
        groups = self.env["service.order"]._read_group(
            [("partner_id", "in", all_partners.ids)],
            ["partner_id"],
            ["__count"],
        )
        self_ids = set(self._ids)
        for partner, count in groups:
            while partner:
                if partner.id in self_ids:
                    partner.service_order_count += count
                partner = partner.parent_id

    def action_view_service_orders(self):
        self.ensure_one()
        self._check_action_rights(operation="read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "service_portal.service_order_action"
        )
        action["domain"] = [("partner_id", "child_of", self.ids)]
        action["context"] = {"default_partner_id": self.id}
        return action

    # ------------------------------------------------------------
    # Portal account
    # ------------------------------------------------------------

    def _check_portal_account_email(self):
        """Return the normalized e-mail of the partner, or raise a UserError
        that tells the user what to fix."""
        self.ensure_one()
        if not self.email:
            raise UserError(
                self.env._(
                    "The customer %(name)s has no e-mail address. Add one to "
                    "the contact, then create the portal account.",
                    name=self.display_name,
                )
            )
        email = email_normalize(self.email, strict=True)
        if not email:
            raise UserError(
                self.env._(
                    "The e-mail address %(email)s of %(name)s is not valid. "
                    "Correct it, then create the portal account.",
                    email=self.email,
                    name=self.display_name,
                )
            )
        other_user = (
            self.env["res.users"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("login", "=ilike", escape_psql(email)),
                    ("partner_id", "!=", self.id),
                ],
                limit=1,
            )
        )
        if other_user:
            raise UserError(
                self.env._(
                    "The e-mail address %(email)s is already the login of "
                    "another customer profile (%(other)s). Use another e-mail "
                    "address or merge the two contacts.",
                    email=email,
                    other=other_user.partner_id.display_name,
                )
            )
        return email

    def action_create_portal_account(self):
        """Grant portal access to the customers and send each of them the
        signup invitation of Odoo (queued, once), through Odoo's portal wizard
        (``portal.wizard.user``; see ``wizard/portal_wizard_user.py`` for what
        differs: clearer refusals, queued e-mail)."""
        # the service desk may invite customers without the right to edit
        # every contact: the group decides, the record rules must let it read
        self._check_action_rights(operation="read")
        for partner in self:
            email = partner._check_portal_account_email()
            user_sudo = partner.sudo().with_context(active_test=False).user_ids[:1]
            if user_sudo and not user_sudo.share:
                raise UserError(
                    self.env._(
                        "%(name)s is an internal user and cannot get a portal "
                        "account.",
                        name=partner.display_name,
                    )
                )
            if user_sudo and user_sudo.active and user_sudo._is_portal():
                raise UserError(
                    self.env._(
                        "%(name)s already has a portal account. The customer can "
                        "reset the password from the login page.",
                        name=partner.display_name,
                    )
                )
            wizard = (
                self.env["portal.wizard"]
                .sudo()
                .create({"partner_ids": [fields.Command.set(partner.ids)]})
            )
            wizard_user = wizard.user_ids[:1].with_context(
                service_portal_queue_invitation=True
            )
            wizard_user.email = email
            if user_sudo and user_sudo._is_portal():
                # an archived portal account: the wizard would call it granted
                user_sudo.active = True
                wizard_user.action_invite_again()
            else:
                wizard_user.action_grant_access()
            partner.sudo().message_post(
                body=self.env._(
                    "Portal account created and invitation sent to %s.", email
                ),
                subtype_xmlid="mail.mt_note",
                author_id=self.env.user.partner_id.id,
            )
            _logger.info("Portal account created for partner %s", partner.id)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("The invitation e-mail is on its way."),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
