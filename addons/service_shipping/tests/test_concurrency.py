import psycopg2

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import LockError, UserError
from odoo.service.model import retrying
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestShipmentConcurrency(TransactionCase):
    """Two transactions put the same order in two shipments at the same time
    (docs/SECURITY.md case 19). The data must be committed for the second
    transaction to see it, so this test works in cursors of its own and
    cleans up after itself."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            product = env["product.product"].create(
                {"name": "Concurrency Courier", "type": "service"}
            )
            carrier = env["delivery.carrier"].create(
                {
                    "name": "Concurrency Courier",
                    "delivery_type": "fixed",
                    "product_id": product.id,
                }
            )
            location = env["service.location"].create(
                {"name": "Concurrency Lab", "carrier_ids": [Command.set(carrier.ids)]}
            )
            reseller = env["res.partner"].create(
                {"name": "Concurrent Reseller", "is_company": True, "is_reseller": True}
            )
            order = env["service.order"].create(
                {
                    "name": "CONC/0001",
                    "partner_id": reseller.id,
                    "location_id": location.id,
                    "carrier_id": carrier.id,
                    "serial_number": "CONC-1",
                }
            )
            order.write({"state": "confirmed"})
            self.ids = {
                "product": product.id,
                "carrier": carrier.id,
                "location": location.id,
                "reseller": reseller.id,
                "order": order.id,
            }
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            order = env["service.order"].browse(self.ids["order"])
            shipments = env["service.shipment"].search(
                [("partner_id", "=", self.ids["reseller"])]
            )
            shipments.write({"state": "cancelled"})
            order.write({"shipment_id": False, "state": "cancelled"})
            shipments.unlink()
            order.unlink()
            env["service.location"].browse(self.ids["location"]).unlink()
            env["delivery.carrier"].browse(self.ids["carrier"]).unlink()
            env["product.product"].browse(self.ids["product"]).unlink()
            env["res.partner"].browse(self.ids["reseller"]).unlink()

    def _create_shipment(self, env):
        order = env["service.order"].browse(self.ids["order"])
        partner = env["res.partner"].browse(self.ids["reseller"])
        shipment = env["service.shipment"]._create_for_reseller(partner, order)
        env.flush_all()
        return shipment

    @mute_logger("odoo.sql_db", "odoo.service.model")
    def test_two_transactions_one_shipment(self):
        with self.registry.cursor() as cr2:
            env2 = api.Environment(cr2, SUPERUSER_ID, {})
            # the second transaction starts (and takes its snapshot) first
            self.assertTrue(
                env2["service.order"].browse(self.ids["order"]).is_shippable
            )
            with self.registry.cursor() as cr1:
                env1 = api.Environment(cr1, SUPERUSER_ID, {})
                shipment = self._create_shipment(env1)
                # while the first one runs, the second cannot lock the order:
                # refused at once, with a message for the user
                with self.assertRaisesRegex(LockError, "Another request is shipping"):
                    with cr2.savepoint(flush=False):
                        self._create_shipment(env2)
                env2.invalidate_all(flush=False)
            # the first transaction has committed: the second one's snapshot
            # is stale, the database refuses to lock the changed row ...
            with self.assertRaises(psycopg2.errors.SerializationFailure):
                with cr2.savepoint(flush=False):
                    self._create_shipment(env2)
            env2.invalidate_all(flush=False)
            # ... and the retry the server does ends with a clear message
            with self.assertRaisesRegex(UserError, "already in shipment"):
                retrying(lambda: self._create_shipment(env2), env2)

        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            order = env["service.order"].browse(self.ids["order"])
            self.assertEqual(order.shipment_id.id, shipment.id)
            shipments = env["service.shipment"].search(
                [("partner_id", "=", self.ids["reseller"])]
            )
            self.assertEqual(len(shipments), 1)
            self.assertEqual(shipments.order_ids, order)
