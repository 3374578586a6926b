from odoo.models import MAGIC_COLUMNS
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.service_portal.tests.portal_rpc import XmlRpcCaseMixin

from .common import ServiceContractsCommon

# The fields of this addon a customer may read with their portal login (over
# XML-RPC or JSON-2): what the portal pages show them, and the customer,
# company and currency the documents belong to. Every other field of this
# addon on a model a portal user can read carries ``groups=`` (issue 13,
# defect 6): a new field fails this test until it is restricted or added here.
PORTAL_FIELDS = {
    "service.contract": {
        "name",
        "state",
        "partner_id",
        "commercial_partner_id",
        "company_id",
        "currency_id",
        "date_start",
        "date_end",
        "invoicing_period",
        "invoice_in_arrears",
        "next_invoice_date",
        "response_time_hours",
        "resource_calendar_id",
        "amount_untaxed",
        "line_ids",
        "invoice_ids",
    },
    "service.contract.line": {
        "contract_id",
        "sequence",
        "company_id",
        "currency_id",
        "commercial_partner_id",
        "service_item_id",
        "device_model_id",
        "name",
        "quantity",
        "price_unit",
    },
    # added to service_portal's orders: the coverage the order pages show, and
    # the state of the estimate with who decided it and when
    "service.order": {
        "contract_id",
        "coverage",
        "estimate_state",
        "estimate_signed_by",
        "date_estimate_decision",
    },
    # added to Odoo's invoices, which customers read on their portal
    "account.move": {"service_contract_id"},
    # the estimate limit of a customer is for the staff only (res.users
    # shows the fields of its partner)
    "res.partner": set(),
    "res.users": set(),
}


@tagged("post_install", "-at_install")
class TestPortalFields(XmlRpcCaseMixin, ServiceContractsCommon, HttpCase):
    """docs/SECURITY.md case 25: what a customer gets with their portal
    password over XML-RPC (``fields_get``, ``read``, ``search``) is the
    allow-list, for every model of this addon they can read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract = cls._create_active_contract(note="<p>Staff terms</p>")

    def _rpc(self, model, method, *args, **kwargs):
        """``method`` of ``model`` called over XML-RPC as the portal user."""
        user = self.portal_user
        return self._xmlrpc(user.login, user.login, model, method, *args, **kwargs)

    def assertRefused(self, model, method, *args, **kwargs):
        user = self.portal_user
        self.assertXmlRpcRefused(user.login, user.login, model, method, *args, **kwargs)

    def _addon_fields(self):
        """{model: field names} of every field this addon defines or adds."""
        data = self.env["ir.model.data"].search(
            [("module", "=", "service_contracts"), ("model", "=", "ir.model.fields")]
        )
        fields_by_model = {}
        for field in self.env["ir.model.fields"].browse(data.mapped("res_id")):
            fields_by_model.setdefault(field.model, set()).add(field.name)
        return fields_by_model

    def _framework_fields(self):
        """Fields of Odoo's mixins (chatter, activities, portal access) and the
        log fields: Odoo restricts them itself."""
        names = {"display_name", *MAGIC_COLUMNS}
        for mixin in ("mail.thread", "mail.activity.mixin", "portal.mixin"):
            names |= set(self.env[mixin]._fields)
        return names

    @mute_logger("odoo.addons.rpc.controllers.xmlrpc")
    def test_portal_user_gets_only_the_allow_list(self):
        framework = self._framework_fields()
        readable = {}
        for model_name, names in self._addon_fields().items():
            Model = self.env[model_name].with_user(self.portal_user)
            if not Model.has_access("read"):
                continue
            described = self._rpc(model_name, "fields_get", attributes=["type"])
            readable[model_name] = (set(described) & names) - framework
        self.assertEqual(
            set(readable),
            set(PORTAL_FIELDS),
            "the models of this addon a portal user reads changed",
        )
        for model_name, allowed in PORTAL_FIELDS.items():
            with self.subTest(model=model_name):
                self.assertEqual(readable[model_name], allowed)

    @mute_logger("odoo.addons.rpc.controllers.xmlrpc", "odoo.http")
    def test_portal_user_reads_allowed_fields_not_staff_ones(self):
        contract, lines = self.contract, self.contract.line_ids
        [values] = self._rpc(
            "service.contract",
            "read",
            contract.ids,
            sorted(PORTAL_FIELDS["service.contract"]),
        )
        self.assertEqual(values["name"], contract.name)
        self.assertNotIn("Staff terms", str(values))
        self._rpc(
            "service.contract.line",
            "read",
            lines.ids,
            sorted(PORTAL_FIELDS["service.contract.line"]),
        )
        for name in ("note", "user_id", "journal_id", "period_ids", "cancel_reason"):
            with self.subTest(field=name):
                self.assertRefused("service.contract", "read", contract.ids, [name])
        self.assertRefused("service.contract.line", "read", lines.ids, ["product_id"])
        # nor can they search on them (e.g. the wording of the terms)
        self.assertRefused("service.contract", "search", [("note", "ilike", "staff")])
        # the staff read them
        contract.with_user(self.user_service).read(["note", "journal_id"])
