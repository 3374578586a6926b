from lxml import etree

from odoo import Command
from odoo.tests import TransactionCase, new_test_user
from odoo.tests import common as odoo_test_common

# Odoo gives headless Chromium 10 s to start, then skips the tour, and CI fails
# on any skipped test. On a busy two-core machine one start took longer (the
# first tour of a run, with another process beside the suite): give it 30 s.
# Every addon's tests import this module (directly or through their common).
CHROMIUM_START_SECONDS = 30
odoo_test_common.CHECK_BROWSER_ITERATIONS = max(
    odoo_test_common.CHECK_BROWSER_ITERATIONS,
    int(CHROMIUM_START_SECONDS / odoo_test_common.CHECK_BROWSER_SLEEP),
)
odoo_test_common.BROWSER_WAIT = (
    odoo_test_common.CHECK_BROWSER_SLEEP * odoo_test_common.CHECK_BROWSER_ITERATIONS
)


def render_as_user(env, user, template, values):
    """``template`` (an xml id, or an arch such as ``<span t-field=.../>``)
    rendered by QWeb as ``user`` sees it (their language and time zone),
    stripped: what a portal page shows for ``values``."""
    if template.startswith("<"):
        template = etree.fromstring(template)
    qweb = env(user=user, context={"lang": user.lang, "tz": user.tz})["ir.qweb"]
    return str(qweb._render(template, values)).strip()


class ServiceCustomersMixin:
    """The customers every service test needs, created once for all addons:
    a company with two contacts, another customer, a reseller with a contact,
    and a portal account (password = login) for each contact."""

    @classmethod
    def _create_service_customers(cls, prefix, company=None):
        company = company or cls.env.company
        Partner = cls.env["res.partner"]
        cls.customer_company = Partner.create(
            {
                "name": "Contoso Clinics",
                "is_company": True,
                "email": "office@contoso.example.com",
            }
        )
        cls.customer = Partner.create(
            {
                "name": "Alice Contoso",
                "parent_id": cls.customer_company.id,
                "email": "alice@contoso.example.com",
            }
        )
        cls.colleague = Partner.create(
            {
                "name": "Bob Contoso",
                "parent_id": cls.customer_company.id,
                "email": "bob@contoso.example.com",
            }
        )
        cls.other_customer = Partner.create(
            {"name": "Oscar Other", "email": "oscar@other.example.com"}
        )
        cls.reseller = Partner.create(
            {"name": "Resell Corp", "is_company": True, "is_reseller": True}
        )
        cls.reseller_contact = Partner.create(
            {
                "name": "Rita Resell",
                "parent_id": cls.reseller.id,
                "email": "rita@resell.example.com",
            }
        )
        for attr, name, partner in (
            ("portal_user", "alice", cls.customer),
            ("portal_colleague", "bob", cls.colleague),
            ("portal_other", "oscar", cls.other_customer),
            ("portal_reseller", "rita", cls.reseller_contact),
        ):
            login = f"{prefix}_portal_{name}"
            user = new_test_user(
                cls.env,
                login=login,
                password=login,
                groups="base.group_portal",
                partner_id=partner.id,
                company_id=company.id,
            )
            setattr(cls, attr, user)


class ServiceLanguageMixin:
    """Polish and Swedish installed and offered by the website (with English,
    and only those), with the addons' translations loaded (as
    ``--load-language`` does)."""

    @classmethod
    def _setup_service_languages(cls, codes=("pl_PL", "sv_SE"), addons=None):
        langs = cls.env["res.lang"]
        for code in codes:
            langs |= cls.env["res.lang"]._activate_lang(code)
        cls.env["ir.module.module"]._load_module_terms(
            addons or ["service_portal"], list(codes), overwrite=True
        )
        cls.website = cls.env["website"].get_current_website()
        cls.website.language_ids = langs | cls.env.ref("base.lang_en")
        return langs


class ServicePortalCommon(ServiceCustomersMixin, TransactionCase):
    """Data shared by the service_portal tests (no demo data)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.company = cls.env.company
        cls.user_service = new_test_user(
            cls.env,
            login="sp_agent",
            name="Sam Agent",
            email="sam.agent@example.com",
            groups="service_portal.service_portal_group_user",
        )
        cls.user_manager = new_test_user(
            cls.env,
            login="sp_manager",
            name="Mia Manager",
            groups="service_portal.service_portal_group_manager",
        )
        cls.user_internal = new_test_user(
            cls.env, login="sp_employee", name="Eve Employee", groups="base.group_user"
        )
        cls._create_service_customers("sp")
        cls.location = cls.env["service.location"].create(
            {"name": "Main Workshop", "tat_days": 5, "is_public": True}
        )
        cls.location_internal = cls.env["service.location"].create(
            {"name": "Internal Lab", "tat_days": 10, "is_public": False}
        )
        cls.model_phone = cls.env["service.device.model"].create(
            {"brand": "Testbrand", "name": "Phone T1"}
        )
        cls.model_laptop = cls.env["service.device.model"].create(
            {"brand": "Testbrand", "name": "Book T2"}
        )

    @classmethod
    def _create_order(cls, partner=None, **values):
        vals = {
            "partner_id": (partner or cls.customer).id,
            "device_model_id": cls.model_phone.id,
            "serial_number": "SN-0001",
            "device_description": "Black phone",
            "problem_description": "Does not start",
            "location_id": cls.location.id,
        }
        vals.update(values)
        return cls.env["service.order"].create(vals)

    @classmethod
    def _create_task(cls, name, answer_type="text", **values):
        vals = {"name": name, "answer_type": answer_type}
        if answer_type == "selection" and "option_ids" not in values:
            vals["option_ids"] = [
                Command.create({"name": "Keep", "sequence": 1}),
                Command.create({"name": "Wipe", "sequence": 2}),
            ]
        vals.update(values)
        return cls.env["service.task"].create(vals)

    def _customer_mails(self, order, partner=None):
        """Outgoing e-mails of the order addressed to the customer."""
        partner = partner or order.partner_id
        return self.env["mail.mail"].search(
            [
                ("model", "=", "service.order"),
                ("res_id", "=", order.id),
                ("recipient_ids", "in", partner.ids),
            ]
        )
