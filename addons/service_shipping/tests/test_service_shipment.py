from unittest.mock import patch

import psycopg2

from odoo import Command
from odoo.exceptions import LockError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common import ServiceShippingCommon


@tagged("post_install", "-at_install")
class TestServiceShipment(ServiceShippingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order_1 = cls._create_shippable_order(serial_number="RS-1")
        cls.order_2 = cls._create_shippable_order(serial_number="RS-2")

    def _message_bodies(self, record):
        return " ".join(record.message_ids.mapped("body"))

    # -- shippable orders -----------------------------------------------------

    def test_shippable_orders(self):
        Order = self.env["service.order"]
        self.assertTrue(self.order_1.is_shippable)
        self.assertIn(self.order_1, Order.search([("is_shippable", "=", True)]))
        draft = self._create_order(
            partner=self.reseller_contact, carrier_id=self.carrier_courier.id
        )
        customer_order = self._create_order(carrier_id=self.carrier_courier.id)
        customer_order.action_confirm()
        no_carrier = self._create_order(partner=self.reseller_contact)
        no_carrier.action_confirm()
        for order in (draft, customer_order, no_carrier):
            self.assertFalse(order.is_shippable)
            self.assertNotIn(order, Order.search([("is_shippable", "=", True)]))
            self.assertIn(order, Order.search([("is_shippable", "!=", True)]))

    def test_carrier_must_be_accepted_by_location(self):
        with self.assertRaises(ValidationError):
            self._create_order(
                partner=self.reseller_contact,
                location_id=self.location_b.id,
                carrier_id=self.carrier_post.id,
            )

    # -- creation and grouping rules (docs/SECURITY.md case 18) ----------------

    def test_create_shipment(self):
        shipment = self.env["service.shipment"]._create_for_reseller(
            self.reseller_contact, self.order_1 | self.order_2
        )
        self.assertRegex(shipment.name, r"^SHP/\d{4}/\d{4}$")
        self.assertEqual(shipment.state, "draft")
        self.assertEqual(shipment.partner_id, self.reseller)
        self.assertEqual(shipment.location_id, self.location)
        self.assertEqual(shipment.carrier_id, self.carrier_courier)
        self.assertEqual(shipment.order_ids, self.order_1 | self.order_2)
        self.assertEqual(shipment.order_count, 2)
        self.assertEqual(self.order_1.shipment_id, shipment)
        self.assertFalse(self.order_1.is_shippable)

    def test_refuse_mixed_groups(self):
        other_location = self._create_shippable_order(
            serial_number="RS-3", location_id=self.location_b.id
        )
        other_carrier = self._create_shippable_order(
            serial_number="RS-4", carrier_id=self.carrier_post.id
        )
        other_reseller = self._create_shippable_order(
            partner=self.other_reseller_contact, serial_number="RS-5"
        )
        Shipment = self.env["service.shipment"]
        for intruder in (other_location, other_carrier, other_reseller):
            with self.subTest(order=intruder.name):
                with self.assertRaisesRegex(UserError, "same reseller, location"):
                    Shipment._create_for_reseller(
                        self.reseller, self.order_1 | intruder
                    )
                # the ORM refuses too, whatever the caller
                with self.assertRaises(UserError):
                    self._create_shipment(self.order_1 | intruder)
        self.assertFalse(self.order_1.shipment_id)

    def test_refuse_wrong_state(self):
        draft = self._create_order(
            partner=self.reseller_contact, carrier_id=self.carrier_courier.id
        )
        started = self._create_shippable_order(serial_number="RS-6")
        started.action_start()
        cancelled = self._create_shippable_order(serial_number="RS-7")
        cancelled.action_cancel()
        for order in (draft, started, cancelled):
            with self.subTest(state=order.state):
                with self.assertRaisesRegex(UserError, "only confirmed orders"):
                    self._create_shipment(order)
        self.assertFalse((draft | started | cancelled).shipment_id)

    def test_refuse_non_reseller(self):
        order = self._create_order(carrier_id=self.carrier_courier.id)
        order.action_confirm()
        with self.assertRaises(UserError):
            self._create_shipment(order)
        with self.assertRaisesRegex(UserError, "not a reseller"):
            self.env["service.shipment"]._create_for_reseller(self.customer, order)
        # and a shipment's partner is a reseller company
        with self.assertRaises(ValidationError):
            self.env["service.shipment"].create(
                {
                    "partner_id": self.reseller_contact.id,
                    "location_id": self.location.id,
                    "carrier_id": self.carrier_courier.id,
                }
            )

    def test_refuse_carrier_not_accepted(self):
        with self.assertRaises(ValidationError):
            self.env["service.shipment"].create(
                {
                    "partner_id": self.reseller.id,
                    "location_id": self.location.id,
                    "carrier_id": self.carrier_unused.id,
                }
            )

    def test_order_never_in_two_shipments(self):
        shipment = self._create_shipment(self.order_1)
        with self.assertRaisesRegex(UserError, "cannot be in two shipments"):
            self._create_shipment(self.order_1 | self.order_2)
        with self.assertRaisesRegex(UserError, "already in shipment"):
            self.env["service.shipment"]._create_for_reseller(
                self.reseller, self.order_1 | self.order_2
            )
        other = self._create_shipment(self.order_2)
        with self.assertRaisesRegex(UserError, "cannot be in two shipments"):
            self.order_1.write({"shipment_id": other.id})
        with self.assertRaisesRegex(UserError, "cannot be in two shipments"):
            other.write({"order_ids": [Command.link(self.order_1.id)]})
        self.assertEqual(self.order_1.shipment_id, shipment)
        self.assertEqual(shipment.order_ids, self.order_1)

    def test_add_and_remove_orders_in_draft_only(self):
        shipment = self._create_shipment(self.order_1)
        shipment.write({"order_ids": [Command.link(self.order_2.id)]})
        self.assertEqual(shipment.order_ids, self.order_1 | self.order_2)
        shipment.write({"order_ids": [Command.unlink(self.order_2.id)]})
        self.assertEqual(shipment.order_ids, self.order_1)
        self.assertTrue(self.order_2.is_shippable)
        shipment.action_confirm()
        with self.assertRaisesRegex(UserError, "no longer a draft"):
            shipment.write({"order_ids": [Command.link(self.order_2.id)]})
        with self.assertRaisesRegex(UserError, "cancel the shipment"):
            self.order_1.write({"shipment_id": False})
        with self.assertRaisesRegex(UserError, "no longer a draft"):
            shipment.write({"carrier_id": self.carrier_post.id})

    # -- one group per shipment (docs/SECURITY.md cases 18, 19) ----------------

    def test_order_keeps_its_shipments_group(self):
        """An order in a shipment keeps the shipment's reseller, location and
        method; a shipment with orders keeps its group."""
        shipment = self._create_shipment(self.order_1)
        for vals in (
            {"carrier_id": self.carrier_post.id},
            {"location_id": self.location_b.id},
        ):
            with self.subTest(vals=vals):
                with (
                    self.assertRaisesRegex(ValidationError, "but shipment"),
                    self.cr.savepoint(),
                ):
                    self.order_1.write(vals)
        for vals in (
            {"carrier_id": self.carrier_post.id},
            {"location_id": self.location_b.id},
            {"partner_id": self.other_reseller.id},
        ):
            with self.subTest(vals=vals):
                with self.assertRaisesRegex(UserError, "Remove the service orders"):
                    shipment.write(vals)
        # the same values change nothing and are accepted
        shipment.write({"carrier_id": self.carrier_courier.id})
        # an empty draft can change its group
        shipment.write({"order_ids": [Command.unlink(self.order_1.id)]})
        shipment.write({"carrier_id": self.carrier_post.id})
        self.assertEqual(shipment.carrier_id, self.carrier_post)

    @mute_logger("odoo.sql_db")
    def test_database_refuses_incomplete_order(self):
        """Even raw SQL cannot put an order without a shipping method in a
        shipment."""
        shipment = self._create_shipment(self.order_1)
        customer_order = self._create_order()
        self.env.flush_all()
        with self.assertRaises(psycopg2.errors.CheckViolation):
            with self.cr.savepoint():
                self.cr.execute(
                    SQL(
                        "UPDATE service_order SET shipment_id = %s WHERE id = %s",
                        shipment.id,
                        customer_order.id,
                    )
                )

    def test_order_being_shipped_elsewhere_is_a_message(self):
        """An order locked by another request (shipping it right now) is
        refused with a sentence, not a database error."""
        Order = type(self.env["service.order"])

        def locked(records, *, allow_referencing=False):
            raise LockError("Cannot grab a lock on records")

        with patch.object(Order, "lock_for_update", locked):
            with self.assertRaisesRegex(
                LockError, f"Another request is shipping {self.order_1.name}"
            ):
                self.env["service.shipment"]._create_for_reseller(
                    self.reseller, self.order_1
                )
        self.assertFalse(self.order_1.shipment_id)

    def test_sql_constraints(self):
        shipment = self._create_shipment(self.order_1)
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError):
            with self.cr.savepoint():
                shipment.write({"parcel_count": 0})
                shipment.flush_recordset()
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.IntegrityError):
            with self.cr.savepoint():
                shipment.write({"weight": -1})
                shipment.flush_recordset()

    # -- workflow ---------------------------------------------------------------

    def test_confirm(self):
        shipment = self._create_shipment(self.order_1 | self.order_2)
        shipment.action_confirm()
        self.assertEqual(shipment.state, "confirmed")
        self.assertTrue(shipment.date_confirmed)
        self.assertIn(shipment.name, self._message_bodies(self.order_1))
        # a second click changes nothing (docs/SECURITY.md case 21)
        messages = shipment.message_ids
        with self.assertRaisesRegex(UserError, "“Confirm” is not possible"):
            shipment.action_confirm()
        self.assertEqual(shipment.message_ids, messages)

    def test_confirm_empty_shipment(self):
        shipment = self.env["service.shipment"].create(
            {
                "partner_id": self.reseller.id,
                "location_id": self.location.id,
                "carrier_id": self.carrier_courier.id,
            }
        )
        with self.assertRaisesRegex(UserError, "at least one service order"):
            shipment.action_confirm()

    def test_receive_moves_orders_on(self):
        cancelled = self._create_shippable_order(serial_number="RS-9")
        shipment = self._create_shipment(self.order_1 | self.order_2 | cancelled)
        with self.assertRaisesRegex(UserError, "“Receive” is not possible"):
            shipment.action_receive()
        shipment.action_confirm()
        cancelled.action_cancel()
        self.assertEqual(cancelled.shipment_id, shipment)
        shipment.with_user(self.user_service).action_receive()
        self.assertEqual(shipment.state, "received")
        self.assertTrue(shipment.date_received)
        self.assertEqual(
            (self.order_1 | self.order_2).mapped("state"), ["in_progress"] * 2
        )
        self.assertEqual(cancelled.state, "cancelled")
        self.assertIn("received at", self._message_bodies(self.order_1).lower())
        self.assertIn("2 device(s) moved on", self._message_bodies(shipment))
        self.assertFalse(self.order_1.is_shippable)
        with self.assertRaisesRegex(UserError, "“Receive” is not possible"):
            shipment.action_receive()
        with self.assertRaisesRegex(UserError, "“Cancel” is not possible"):
            shipment.action_cancel()

    def test_ten_devices_in_one_shipment(self):
        """The issue's acceptance case: ten devices, one packing list, one
        label, received in one go."""
        orders = self.env["service.order"]
        for index in range(10):
            orders |= self._create_shippable_order(serial_number=f"TEN-{index:02d}")
        shipment = self._create_shipment(orders, parcel_count=2, weight=6.5)
        shipment.with_user(self.user_service).action_confirm()
        self.assertEqual(len(shipment.order_ids), 10)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(
                "service_shipping.service_shipment_action_report_packing_list",
                shipment.ids,
            )[0]
            .decode()
        )
        for order in orders:
            self.assertIn(order.name, html)
            self.assertIn(order.serial_number, html)
        shipment.with_user(self.user_service).action_receive()
        self.assertEqual(orders.mapped("state"), ["in_progress"] * 10)
        self.assertIn("10 device(s) moved on", self._message_bodies(shipment))

    def test_cancel_makes_orders_shippable_again(self):
        for confirm in (False, True):
            with self.subTest(confirm=confirm):
                shipment = self._create_shipment(self.order_1 | self.order_2)
                if confirm:
                    shipment.action_confirm()
                shipment.action_cancel()
                self.assertEqual(shipment.state, "cancelled")
                self.assertFalse(shipment.order_ids)
                self.assertFalse(self.order_1.shipment_id)
                self.assertTrue(self.order_1.is_shippable)
                self.assertIn(shipment.name, self._message_bodies(self.order_1))
                self.assertIn("can be shipped again", self._message_bodies(shipment))
        # and they can be shipped again
        shipment = self._create_shipment(self.order_1 | self.order_2)
        self.assertEqual(self.order_1.shipment_id, shipment)

    def test_cancelled_order_leaves_draft_shipment(self):
        shipment = self._create_shipment(self.order_1 | self.order_2)
        self.order_2.action_cancel()
        self.assertEqual(shipment.order_ids, self.order_1)

    def test_unlink(self):
        shipment = self._create_shipment(self.order_1)
        shipment.action_confirm()
        with self.assertRaises(UserError):
            shipment.unlink()
        draft = self._create_shipment(self.order_2)
        draft.unlink()
        self.assertTrue(self.order_2.is_shippable)

    def test_draft_again(self):
        shipment = self._create_shipment(self.order_1)
        shipment.action_cancel()
        shipment.action_draft()
        self.assertEqual(shipment.state, "draft")
        self.assertFalse(shipment.order_ids)
        with self.assertRaisesRegex(UserError, "“Set to Draft” is not possible"):
            shipment.action_draft()

    def test_label_qr_is_reference_only(self):
        shipment = self._create_shipment(self.order_1)
        uri = shipment._get_label_qr_data_uri()
        self.assertTrue(uri.startswith("data:image/png;base64,"))

    def test_shipped_back_orders_need_no_pickup_signature(self):
        self.location.require_handover_signature = True
        shipped = self._create_shippable_order(serial_number="RS-SHIP")
        carried_in = self._create_order(serial_number="RS-DESK")
        self.assertFalse(shipped._requires_handover_signature())
        self.assertTrue(carried_in._requires_handover_signature())
