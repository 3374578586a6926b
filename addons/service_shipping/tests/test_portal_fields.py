from odoo.tests import HttpCase, tagged

from odoo.addons.service_portal.tests.portal_rpc import XmlRpcCaseMixin

from .common import ServiceShippingCommon

# What a reseller's contact may read of a shipment over XML-RPC / JSON-RPC
# among the fields our addons define: what the portal shows. The fields of
# the framework (id, dates, mail.thread, mail.activity.mixin) are Odoo's
# choice. A field of ours missing here must carry
# groups="service_portal.service_portal_group_user"; a new field readable by
# customers must be added here on purpose.
SHIPMENT_PORTAL_FIELDS = {
    "name",
    "company_id",
    "partner_id",
    "location_id",
    "location_carrier_ids",
    "carrier_id",
    "order_ids",
    "order_count",
    "parcel_count",
    "weight",
    "weight_uom_name",
    "tracking_ref",
    "state",
    "date_confirmed",
    "date_received",
    # when, not who: the framework's log dates
    "create_date",
    "write_date",
}
SHIPMENT_STAFF_FIELDS = {"note", "color", "create_uid", "write_uid"}

# Fields service_shipping adds to the models customers read.
ADDED_PORTAL_FIELDS = {
    "service.order": {
        "carrier_id",
        "customer_ref",
        "shipment_id",
        "location_carrier_ids",
    },
    "service.location": {"carrier_ids"},
}
ADDED_STAFF_FIELDS = {
    "service.order": {"location_accepts_shipping", "shipment_state", "is_shippable"},
    "service.location": {"accepts_shipping"},
}


@tagged("post_install", "-at_install")
class TestPortalRpcFields(XmlRpcCaseMixin, HttpCase, ServiceShippingCommon):
    """Staff-only fields are not readable by customers over RPC, whatever
    the portal pages show (docs/SECURITY.md case 25)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order_1 = cls._create_shippable_order(serial_number="RS-RPC-1")
        cls.shipment = cls._create_shipment(
            cls.order_1, note="Fragile: reseller disputes every repair"
        )

    def _rpc(self, model, method, *args, **kwargs):
        """``method`` of ``model`` called over XML-RPC with the reseller
        contact's portal password."""
        user = self.portal_reseller
        return self._xmlrpc(user.login, user.login, model, method, *args, **kwargs)

    def assertRefused(self, model, method, *args, **kwargs):
        user = self.portal_reseller
        self.assertXmlRpcRefused(user.login, user.login, model, method, *args, **kwargs)

    def _our_fields(self, model_name, module_prefix="service_"):
        """Fields of ``model_name`` that our addons (or one of them) define."""
        return {
            name
            for name, field in self.env[model_name]._fields.items()
            if any(module.startswith(module_prefix) for module in field._modules)
        }

    def test_shipment_fields_get_and_read(self):
        ours = self._our_fields("service.shipment")
        self.assertEqual(
            ours,
            SHIPMENT_PORTAL_FIELDS | SHIPMENT_STAFF_FIELDS,
            "a field was added: list it as portal or staff",
        )
        fields = set(self._rpc("service.shipment", "fields_get", attributes=["type"]))
        self.assertEqual(fields & ours, SHIPMENT_PORTAL_FIELDS)
        # (read() without a field list is refused to portal users by mail
        # itself: activity_type_icon depends on the staff-only activity_ids)
        [values] = self._rpc(
            "service.shipment",
            "read",
            [self.shipment.id],
            sorted(SHIPMENT_PORTAL_FIELDS),
        )
        self.assertEqual(values["name"], self.shipment.name)
        self.assertNotIn("Fragile", str(values))
        for field in sorted(SHIPMENT_STAFF_FIELDS):
            with self.subTest(field=field):
                self.assertRefused(
                    "service.shipment", "read", [self.shipment.id], [field]
                )
        # nor can they search on them
        self.assertRefused(
            "service.shipment", "search", [("note", "ilike", "disputes")]
        )

    def test_added_fields_of_orders_and_locations(self):
        records = {"service.order": self.order_1, "service.location": self.location}
        for model_name, record in records.items():
            with self.subTest(model=model_name):
                added = self._our_fields(model_name, "service_shipping")
                self.assertEqual(
                    added,
                    ADDED_PORTAL_FIELDS[model_name] | ADDED_STAFF_FIELDS[model_name],
                    "a field was added: list it as portal or staff",
                )
                fields = set(self._rpc(model_name, "fields_get", attributes=["type"]))
                self.assertEqual(fields & added, ADDED_PORTAL_FIELDS[model_name])
                for field in sorted(ADDED_STAFF_FIELDS[model_name]):
                    self.assertRefused(model_name, "read", [record.id], [field])
        [values] = self._rpc(
            "service.order", "read", [self.order_1.id], ["customer_ref", "shipment_id"]
        )
        self.assertEqual(values["shipment_id"][0], self.shipment.id)

    def test_staff_reads_every_field(self):
        values = self.shipment.with_user(self.user_service).read(
            sorted(SHIPMENT_STAFF_FIELDS)
        )[0]
        self.assertEqual(values["note"], "Fragile: reseller disputes every repair")
