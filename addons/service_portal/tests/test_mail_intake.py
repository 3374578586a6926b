"""E-mail intake: mails to the alias of a location, through Odoo's mail
gateway (``message_process``) as the incoming mail server hands them over
(docs/SECURITY.md case 29)."""

import base64
import logging

from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.service_portal.models.service_order import (
    MAIL_BODY_MAX_CHARS,
    MAIL_PROBLEM_MAX_CHARS,
    UPLOAD_MAX_FILES_PER_REQUEST,
)

from .common import ServicePortalCommon

ALIAS_DOMAIN = "intake.example.com"
ALIAS = f"repairs@{ALIAS_DOMAIN}"
BOUNDARY = "=_service_intake_boundary"

PLAIN_MAIL = """\
From: {email_from}
To: {to}
Subject: {subject}
Date: Mon, 02 Mar 2026 09:15:00 +0000
Message-ID: {msg_id}
MIME-Version: 1.0
{extra}Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

{body}
"""

MULTIPART_HEAD = """\
From: {email_from}
To: {to}
Subject: {subject}
Date: Mon, 02 Mar 2026 09:15:00 +0000
Message-ID: {msg_id}
MIME-Version: 1.0
{extra}Content-Type: multipart/mixed; boundary="{boundary}"

This is a multi-part message in MIME format.
"""

HTML_PART = """\
--{boundary}
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: 8bit

{html}
"""

FILE_PART = """\
--{boundary}
Content-Type: {mimetype}; name="{name}"
Content-Disposition: attachment; filename="{name}"
Content-Transfer-Encoding: base64

{data}
"""

BOUNCE_MAIL = """\
From: Mail Delivery System <MAILER-DAEMON@mx.contoso.example.com>
To: {to}
Subject: Undelivered Mail Returned to Sender
Date: Mon, 02 Mar 2026 09:15:00 +0000
Message-ID: {msg_id}
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
    boundary="{boundary}"

--{boundary}
Content-Type: text/plain; charset=utf-8

This is the mail system. Your message could not be delivered.

--{boundary}
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.contoso.example.com

Final-Recipient: rfc822; nobody@contoso.example.com
Action: failed
Status: 5.1.1

--{boundary}--
"""

PNG_BYTES = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAcCBlCwAAAABJRU5ErkJggg=="
)
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


@tagged("post_install", "-at_install")
class TestMailIntake(ServicePortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alias_domain = cls.env["mail.alias.domain"].create(
            {
                "name": ALIAS_DOMAIN,
                "bounce_alias": "bounce",
                "catchall_alias": "catchall",
                "sequence": 1,
            }
        )
        cls.company.alias_domain_id = cls.alias_domain
        cls.location.write(
            {
                "alias_name": "repairs",
                "alias_domain_id": cls.alias_domain.id,
                "user_id": cls.user_service.id,
            }
        )
        # a contact of the customer's company, without a portal account
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Carla Contoso",
                "parent_id": cls.customer_company.id,
                "email": "carla@contoso.example.com",
            }
        )
        cls.tag_email = cls.env.ref("service_portal.service_order_tag_email")
        cls.msg_counter = 0

    # ------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------

    def _msg_id(self):
        type(self).msg_counter += 1
        return f"<intake-{self.msg_counter}-{self._testMethodName}@contoso.example.com>"

    def _process(self, raw):
        """Hand a raw message to the gateway as the incoming mail server does
        (superuser, no fallback model)."""
        return self.env["mail.thread"].sudo().message_process(None, raw)

    def _send_plain(self, body, email_from="Carla <carla@contoso.example.com>",
                    subject="Phone does not charge", to=ALIAS, extra="",
                    msg_id=None):  # fmt: skip
        msg_id = msg_id or self._msg_id()
        self._process(
            PLAIN_MAIL.format(
                email_from=email_from,
                to=to,
                subject=subject,
                msg_id=msg_id,
                extra=extra,
                body=body,
            )
        )
        return msg_id

    def _send_multipart(self, html, files=(), email_from="carla@contoso.example.com",
                        subject="Photos of the broken screen", to=ALIAS, extra="",
                        msg_id=None):  # fmt: skip
        msg_id = msg_id or self._msg_id()
        parts = [
            MULTIPART_HEAD.format(
                email_from=email_from,
                to=to,
                subject=subject,
                msg_id=msg_id,
                extra=extra,
                boundary=BOUNDARY,
            ),
            HTML_PART.format(boundary=BOUNDARY, html=html),
        ]
        parts.extend(
            FILE_PART.format(
                boundary=BOUNDARY,
                mimetype=mimetype,
                name=name,
                data=base64.encodebytes(data).decode(),
            )
            for name, mimetype, data in files
        )
        parts.append(f"--{BOUNDARY}--\n")
        self._process("".join(parts))
        return msg_id

    def _orders(self):
        return self.env["service.order"].search(
            [("location_id", "=", self.location.id)]
        )

    def _order_attachments(self, order):
        return self.env["ir.attachment"].search(
            [("res_model", "=", "service.order"), ("res_id", "=", order.id)]
        )

    # ------------------------------------------------------------
    # Who the customer is
    # ------------------------------------------------------------

    def test_known_sender_case_insensitive(self):
        """A contact of a company writes with her address in other case: the
        order is hers, of her company, draft, tagged, with an activity for
        the location's agent; no contact is created."""
        partner_count = self.env["res.partner"].search_count([])
        self._send_plain(
            "The phone stopped charging yesterday.\nIt is an ABC model.",
            email_from="Carla C. <CARLA@Contoso.Example.COM>",
        )
        order = self._orders()
        self.assertEqual(len(order), 1)
        self.assertEqual(order.partner_id, self.contact)
        self.assertEqual(order.commercial_partner_id, self.customer_company)
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.company_id, self.location.company_id)
        self.assertEqual(order.tag_ids, self.tag_email)
        self.assertEqual(order.user_id, self.user_service)
        self.assertIn("Phone does not charge", order.problem_description)
        self.assertIn("stopped charging yesterday", order.problem_description)
        self.assertEqual(self.env["res.partner"].search_count([]), partner_count)
        activity = order.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_service)
        message = order.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(len(message), 1)
        self.assertEqual(message.author_id, self.contact)
        self.assertIn("stopped charging yesterday", message.body)
        self.assertIn(self.contact, order.message_partner_ids)
        # the company's portal users see it
        self.assertTrue(
            order.with_user(self.portal_colleague).has_access("read"),
            "the order belongs to the customer's company",
        )

    def test_unknown_sender_creates_contact_to_review(self):
        """An unknown sender gets a new contact flagged for review, without a
        user account."""
        users_count = (
            self.env["res.users"].with_context(active_test=False).search_count([])
        )
        self._send_plain(
            "My laptop fan is very loud.",
            email_from='"Nina Newcomer" <Nina.Newcomer@Example.org>',
        )
        order = self._orders()
        self.assertEqual(len(order), 1)
        partner = order.partner_id
        self.assertEqual(partner.name, "Nina Newcomer")
        self.assertEqual(partner.email_normalized, "nina.newcomer@example.org")
        self.assertTrue(partner.service_to_review)
        self.assertFalse(partner.with_context(active_test=False).user_ids)
        self.assertEqual(
            self.env["res.users"].with_context(active_test=False).search_count([]),
            users_count,
        )
        self.assertFalse(self.contact.service_to_review)
        # a second mail from her finds the same contact
        self._send_plain("Still loud.", email_from="nina.newcomer@example.org")
        self.assertEqual(self._orders().partner_id, partner)

    # ------------------------------------------------------------
    # Threads
    # ------------------------------------------------------------

    def test_reply_threads_into_order_chatter(self):
        """Replies to the customer's mail or to a mail of the order land in
        its chatter; no new order."""
        first_id = self._send_plain("The screen flickers.")
        order = self._orders()
        self.assertEqual(len(order), 1)
        self._send_plain(
            "It also gets hot.",
            subject="Re: Phone does not charge",
            extra=f"In-Reply-To: {first_id}\nReferences: {first_id}\n",
        )
        agent_message = order.with_user(self.user_service).message_post(
            body="Please bring the charger.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=self.contact.ids,
        )
        self._send_plain(
            "I will bring it tomorrow.",
            subject="Re: Please bring the charger",
            to=f"catchall@{ALIAS_DOMAIN}",
            extra=f"In-Reply-To: {agent_message.message_id}\n",
        )
        self.assertEqual(self._orders(), order)
        bodies = order.message_ids.filtered(lambda m: m.message_type == "email").mapped(
            "body"
        )
        self.assertEqual(len(bodies), 3)
        self.assertTrue(any("gets hot" in body for body in bodies))
        self.assertTrue(any("bring it tomorrow" in body for body in bodies))
        self.assertIn("flickers", order.problem_description)
        self.assertNotIn("gets hot", order.problem_description)

    # ------------------------------------------------------------
    # Mails that open no order
    # ------------------------------------------------------------

    def test_auto_reply_opens_no_order(self):
        """Out-of-office replies and bulk mail to the alias open no order, with
        a log line."""
        for extra in (
            "Auto-Submitted: auto-replied\n",
            "Auto-Submitted: auto-generated\n",
            "X-Autoreply: yes\n",
            "X-Autorespond: Out of office\n",
            "Precedence: bulk\n",
            "Precedence: auto_reply\n",
        ):
            with (
                self.subTest(header=extra.strip()),
                # logging.INFO: Odoo maps the name "INFO" to its own level 25
                self.assertLogs(
                    "odoo.addons.service_portal.models.service_order", logging.INFO
                ) as logs,
            ):
                self._send_plain("I am out of the office.", extra=extra)
                self.assertFalse(self._orders())
                self.assertIn("no service order opened", logs.output[0])
        # an explicit "no" is a person's mail
        self._send_plain("A real request.", extra="Auto-Submitted: no\n")
        self.assertEqual(len(self._orders()), 1)

    def test_bounce_opens_no_order(self):
        """A delivery failure report to the alias opens no order and creates
        no contact."""
        partner_count = self.env["res.partner"].search_count([])
        self._process(
            BOUNCE_MAIL.format(to=ALIAS, msg_id=self._msg_id(), boundary=BOUNDARY)
        )
        self._process(
            BOUNCE_MAIL.format(
                to=f"bounce@{ALIAS_DOMAIN}", msg_id=self._msg_id(), boundary=BOUNDARY
            )
        )
        self.assertFalse(self._orders())
        self.assertEqual(self.env["res.partner"].search_count([]), partner_count)

    def test_own_address_or_no_address_opens_no_order(self):
        """A mail from one of our own addresses (a loop between aliases) or
        without a valid sender opens no order."""
        with mute_logger("odoo.addons.service_portal.models.service_order"):
            self._send_plain("Loop?", email_from=f"catchall@{ALIAS_DOMAIN}")
            self._send_plain("Loop?", email_from=f"bounce@{ALIAS_DOMAIN}")
            self._send_plain("Who am I?", email_from="not an address")
        self.assertFalse(self._orders())

    def test_sender_loop_stops_opening_orders(self):
        """Odoo's loop detection counts the orders a sender opened by mail:
        past the threshold the sender's mails open no more orders."""
        self.env["ir.config_parameter"].sudo().set_param(
            "mail.gateway.loop.threshold", 3
        )
        with mute_logger("odoo.addons.mail.models.mail_thread"):
            for index in range(5):
                self._send_plain(f"Request {index}", subject=f"Request {index}")
        self.assertEqual(len(self._orders()), 3)
        # another sender is not affected
        self._send_plain("Mine", email_from="oscar@other.example.com")
        self.assertEqual(len(self._orders()), 4)

    # ------------------------------------------------------------
    # Content
    # ------------------------------------------------------------

    def test_attachments_kept_on_order(self):
        """The files of the mail are kept on the order and shown to the
        customer on the portal."""
        self._send_multipart(
            "<p>See the photo and the invoice.</p>",
            files=[
                ("screen.png", "image/png", PNG_BYTES),
                ("invoice.pdf", "application/pdf", PDF_BYTES),
            ],
        )
        order = self._orders()
        self.assertEqual(len(order), 1)
        attachments = self._order_attachments(order)
        self.assertEqual(
            sorted(attachments.mapped("name")), ["invoice.pdf", "screen.png"]
        )
        self.assertEqual(
            attachments.filtered(lambda a: a.name == "screen.png").raw, PNG_BYTES
        )
        self.assertEqual(order._get_portal_attachments(), attachments.sorted("id"))

    def test_quotes_and_signature_trimmed(self):
        """Quoted replies and the signature stay in the chatter message but
        not in the problem description."""
        self._send_plain(
            "The battery swells.\n"
            "\n"
            "> On Monday the shop wrote:\n"
            "> Your order is ready.\n"
            "\n"
            "-- \n"
            "Alice Contoso\n"
            "Head of IT, Contoso Clinics"
        )
        order = self._orders()
        self.assertIn("The battery swells.", order.problem_description)
        self.assertNotIn("Your order is ready", order.problem_description)
        self.assertNotIn("Head of IT", order.problem_description)

    # ------------------------------------------------------------
    # Hostile mail (docs/SECURITY.md case 29)
    # ------------------------------------------------------------

    def test_hostile_html_is_sanitized(self):
        """Scripts, event handlers and javascript links are removed from the
        chatter message and never reach the problem description."""
        self._send_multipart(
            "<p>Broken hinge</p>"
            "<script>alert('pwned')</script>"
            '<img src="x" onerror="alert(1)"/>'
            '<a href="javascript:alert(2)">click</a>'
            "<iframe src='https://evil.example.com'></iframe>"
            "<style>body{display:none}</style>",
            subject="<script>alert('subject')</script> Hinge",
        )
        order = self._orders()
        self.assertEqual(len(order), 1)
        self.assertIn("Broken hinge", order.problem_description)
        self.assertNotIn("alert(", order.problem_description.split("\n", 1)[1])
        self.assertNotIn("display:none", order.problem_description)
        body = order.message_ids.filtered(lambda m: m.message_type == "email").body
        self.assertIn("Broken hinge", body)
        for forbidden in ("<script", "onerror", "javascript:", "<iframe", "<style"):
            self.assertNotIn(forbidden, body)

    def test_huge_body_is_cut(self):
        """A body of several megabytes opens the order with the body cut, and
        a log line."""
        huge = "<p>" + "The device beeps. " * 200_000 + "</p>"
        self.assertGreater(len(huge), 3_000_000)
        with self.assertLogs(
            "odoo.addons.service_portal.models.service_order", "WARNING"
        ) as logs:
            self._send_multipart(huge)
        order = self._orders()
        self.assertEqual(len(order), 1)
        self.assertLessEqual(len(order.problem_description), MAIL_PROBLEM_MAX_CHARS + 5)
        self.assertTrue(order.problem_description.startswith("Photos of the broken"))
        message = order.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertLess(len(message.body), MAIL_BODY_MAX_CHARS + 1000)
        self.assertIn("The message was cut", message.body)
        self.assertTrue(any("characters cut" in line for line in logs.output))

    def test_thousand_attachments_capped(self):
        """A thousand files: the order keeps as many as one portal upload
        takes, files over the size limit are dropped, the message and the log
        say so."""
        self.env["ir.config_parameter"].sudo().set_param(
            "service_portal.portal_upload_max_size", 1024
        )
        files = [("too-big.pdf", "application/pdf", PDF_BYTES * 40)]
        files += [
            (f"photo-{index:04d}.png", "image/png", PNG_BYTES) for index in range(1000)
        ]
        with self.assertLogs(
            "odoo.addons.service_portal.models.service_order", "WARNING"
        ) as logs:
            self._send_multipart("<p>Many photos</p>", files=files)
        order = self._orders()
        self.assertEqual(len(order), 1)
        attachments = self._order_attachments(order)
        self.assertEqual(len(attachments), UPLOAD_MAX_FILES_PER_REQUEST)
        self.assertNotIn("too-big.pdf", attachments.mapped("name"))
        self.assertEqual(attachments.sorted("id")[0].name, "photo-0000.png")
        self.assertTrue(
            any("991 of 1001 attachments dropped" in line for line in logs.output)
        )
        message = order.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertIn("991 of the 1001 attached files were not kept", message.body)

    def test_reply_files_capped_by_order_limit(self):
        """Replies obey the files-per-order limit of portal uploads."""
        self.env["ir.config_parameter"].sudo().set_param(
            "service_portal.portal_upload_max_files", 3
        )
        first_id = self._send_multipart(
            "<p>Two photos</p>",
            files=[(f"a{index}.png", "image/png", PNG_BYTES) for index in range(2)],
        )
        order = self._orders()
        with mute_logger("odoo.addons.service_portal.models.service_order"):
            self._send_multipart(
                "<p>Three more</p>",
                files=[(f"b{index}.png", "image/png", PNG_BYTES) for index in range(3)],
                subject="Re: Photos of the broken screen",
                extra=f"In-Reply-To: {first_id}\n",
            )
        self.assertEqual(self._orders(), order)
        self.assertEqual(
            sorted(self._order_attachments(order).mapped("name")),
            ["a0.png", "a1.png", "b0.png"],
        )
