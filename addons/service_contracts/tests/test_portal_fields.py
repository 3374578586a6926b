from odoo.exceptions import AccessError
from odoo.models import MAGIC_COLUMNS
from odoo.tests import tagged

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
    # added to service_portal's orders: the coverage the order pages show
    "service.order": {"contract_id", "coverage"},
    # added to Odoo's invoices, which customers read on their portal
    "account.move": {"service_contract_id"},
}


@tagged("post_install", "-at_install")
class TestPortalFields(ServiceContractsCommon):
    """docs/SECURITY.md case 25: a portal user's ``fields_get`` and ``read``
    (what XML-RPC and JSON-2 call) give only the allow-list."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract = cls._create_active_contract(note="<p>Staff terms</p>")

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

    def test_portal_user_gets_only_the_allow_list(self):
        framework = self._framework_fields()
        readable = {}
        for model_name, names in self._addon_fields().items():
            Model = self.env[model_name].with_user(self.portal_user)
            if not Model.has_access("read"):
                continue
            readable[model_name] = (set(Model.fields_get()) & names) - framework
        self.assertEqual(
            set(readable),
            set(PORTAL_FIELDS),
            "the models of this addon a portal user reads changed",
        )
        for model_name, allowed in PORTAL_FIELDS.items():
            with self.subTest(model=model_name):
                self.assertEqual(readable[model_name], allowed)

    def test_portal_user_reads_allowed_fields_not_staff_ones(self):
        contract = self.contract.with_user(self.portal_user)
        [values] = contract.read(sorted(PORTAL_FIELDS["service.contract"]))
        self.assertEqual(values["name"], self.contract.name)
        contract.line_ids.read(sorted(PORTAL_FIELDS["service.contract.line"]))
        for name in ("note", "user_id", "journal_id", "period_ids", "cancel_reason"):
            with self.subTest(field=name), self.assertRaises(AccessError):
                contract.read([name])
        # nor can they search on them (e.g. the terms' wording)
        Contract = self.env["service.contract"].with_user(self.portal_user)
        with self.assertRaises(AccessError):
            Contract.search([("note", "ilike", "staff")])
        with self.assertRaises(AccessError):
            contract.line_ids.read(["product_id"])
        # the staff read them all
        self.contract.with_user(self.user_service).read(["note", "journal_id"])
