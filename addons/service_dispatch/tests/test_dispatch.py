from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, freeze_time, tagged

from .common import MONDAY, ServiceDispatchCommon, at


@tagged("post_install", "-at_install")
@freeze_time(MONDAY)
class TestAutoAssign(ServiceDispatchCommon):
    """action_auto_assign(): skills and location, then zone, then the soonest
    free slot in working hours, then the load against capacity."""

    def _assign(self, order, user=None):
        order.with_user(user or self.user_service).action_auto_assign()
        return order

    def assertPlanned(self, order, user, start, end):
        self.assertEqual(order.user_id, user)
        self.assertEqual(order.date_planned_start, start)
        self.assertEqual(order.date_planned_end, end)

    # -- defaults -------------------------------------------------------------

    def test_required_skills_and_zone_defaults(self):
        order = self._create_order()
        self.assertEqual(order.required_skill_ids, self.skill_screen)
        # the contact has no zone: her company's
        self.assertEqual(order.zone_id, self.zone_north)
        self.assertEqual(order.planned_hours, 1.0)
        # editable, and recomputed when the device model changes
        order.required_skill_ids = self.skill_battery
        self.assertEqual(order.required_skill_ids, self.skill_battery)
        order.zone_id = self.zone_south
        self.assertEqual(order.zone_id, self.zone_south)
        order.device_model_id = self.model_laptop
        self.assertEqual(order.required_skill_ids, self.skill_board)
        with Form(self.env["service.order"].with_user(self.user_service)) as form:
            form.partner_id = self.other_customer
            form.device_model_id = self.model_phone
            self.assertEqual(form.zone_id, self.zone_south)
            self.assertEqual(form.required_skill_ids[:], self.skill_screen)

    # -- ranking --------------------------------------------------------------

    def test_customer_zone_first(self):
        order = self._assign(self._create_order())
        self.assertPlanned(order, self.tech_ada, at(0, 8), at(0, 9))
        order_south = self._assign(self._create_order(partner=self.other_customer))
        self.assertPlanned(order_south, self.tech_ben, at(0, 8), at(0, 9))

    def test_zone_before_load(self):
        self._create_open_orders(self.tech_ada, 2)
        order = self._assign(self._create_order())
        self.assertEqual(order.user_id, self.tech_ada, "in the customer's zone")

    def test_load_balancing(self):
        """Equal zone and slot: the lowest load against capacity wins."""
        self.tech_ben.service_capacity = 4
        self._create_open_orders(self.tech_ada, 2)  # 2 / 3
        self._create_open_orders(self.tech_ben, 1)  # 1 / 4
        order = self._create_order(partner=self.reseller_contact)  # no zone
        self.assertFalse(order.zone_id)
        self._assign(order)
        self.assertEqual(order.user_id, self.tech_ben)
        self._create_open_orders(self.tech_ben, 2)  # 3 / 4 against 2 / 3
        order_2 = self._assign(self._create_order(partner=self.reseller_contact))
        self.assertEqual(order_2.user_id, self.tech_ada)

    def test_capacity_full(self):
        self._create_open_orders(self.tech_ada, 3)  # 3 / 3: full
        order = self._assign(self._create_order(state="confirmed"))
        self.assertEqual(order.user_id, self.tech_ben, "Ada is full")
        # orders that are ready (or done, or drafts) do not count
        self._create_open_orders(self.tech_ben, 2, state="ready")
        self.tech_ben.service_capacity = 2
        order_2 = self._assign(self._create_order(state="confirmed"))
        self.assertEqual(order_2.user_id, self.tech_ben)
        # now everybody is full: refused, nothing written
        order_3 = self._create_order()
        with self.assertRaisesRegex(UserError, "full capacity: Ada Lovelace, Ben"):
            self._assign(order_3)
        self.assertFalse(order_3.user_id)
        self.assertFalse(order_3.date_planned_start)

    def test_time_off_today_next_technician(self):
        """Same zone for both (none): Ada is off today, Ben free now."""
        self._create_leave(self.tech_ada, at(0, 0), at(0, 23, 59))
        order = self._assign(self._create_order(partner=self.reseller_contact))
        self.assertPlanned(order, self.tech_ben, at(0, 8), at(0, 9))

    def test_time_off_today_later_slot(self):
        """Only Ada has the battery skill: her next working day."""
        self._create_leave(self.tech_ada, at(0, 0), at(0, 23, 59))
        order = self._create_order(
            required_skill_ids=[Command.set(self.skill_battery.ids)]
        )
        self._assign(order)
        self.assertPlanned(order, self.tech_ada, at(1, 8), at(1, 9))

    def test_planned_orders_and_lunch_respected(self):
        order_1 = self._create_order(
            required_skill_ids=[Command.set(self.skill_battery.ids)], planned_hours=2
        )
        self._assign(order_1)
        self.assertPlanned(order_1, self.tech_ada, at(0, 8), at(0, 10))
        # four hours: two before lunch, two after
        order_2 = self._create_order(
            required_skill_ids=[Command.set(self.skill_battery.ids)], planned_hours=4
        )
        self._assign(order_2)
        self.assertPlanned(order_2, self.tech_ada, at(0, 10), at(0, 15))
        order_3 = self._create_order(
            required_skill_ids=[Command.set(self.skill_battery.ids)],
            planned_hours=1,
        )
        self._assign(order_3)
        self.assertPlanned(order_3, self.tech_ada, at(0, 15), at(0, 16))
        # never across another planned order: 4 h from Monday 16:00 would
        # run into Ada's Tuesday 10:00 order, so after it
        self._create_order(
            user_id=self.tech_ada.id,
            date_planned_start=at(1, 10),
            date_planned_end=at(1, 11),
            state="confirmed",
        )
        order_4 = self._create_order(
            required_skill_ids=[Command.set(self.skill_battery.ids)],
            planned_hours=4,
        )
        self._assign(order_4)
        self.assertPlanned(order_4, self.tech_ada, at(1, 11), at(1, 16))
        # 3 h fit from Monday 16:00 to Tuesday 10:00 (over the night)
        order_5 = self._create_order(
            required_skill_ids=[Command.set(self.skill_battery.ids)],
            planned_hours=3,
        )
        self._assign(order_5)
        self.assertPlanned(order_5, self.tech_ada, at(0, 16), at(1, 10))

    def test_batch_counts_previous_orders(self):
        orders = self._create_order(
            required_skill_ids=[Command.set(self.skill_battery.ids)]
        ) | self._create_order(
            required_skill_ids=[Command.set(self.skill_battery.ids)], priority="1"
        )
        orders.with_user(self.user_service).action_auto_assign()
        urgent, normal = orders[1], orders[0]
        self.assertPlanned(urgent, self.tech_ada, at(0, 8), at(0, 9))
        self.assertPlanned(normal, self.tech_ada, at(0, 9), at(0, 10))

    # -- nobody qualifies -----------------------------------------------------

    def test_missing_skill(self):
        order = self._create_order(device_model_id=self.model_laptop.id)
        with self.assertRaisesRegex(
            UserError,
            "no technician of Main Workshop has the skill\\(s\\) Micro-soldering",
        ):
            self._assign(order)
        self.assertFalse(order.user_id)
        self.assertFalse(order.date_planned_start)

    def test_missing_skills_together(self):
        self.tech_ada.service_location_ids |= self.location_internal
        order = self._create_order(
            location_id=self.location_internal.id,
            required_skill_ids=[
                Command.set((self.skill_battery | self.skill_board).ids)
            ],
        )
        with self.assertRaisesRegex(UserError, "all the required skills together"):
            self._assign(order)
        self.assertFalse(order.user_id)

    def test_missing_location(self):
        location = self.env["service.location"].create({"name": "Harbour Kiosk"})
        order = self._create_order(location_id=location.id)
        with self.assertRaisesRegex(
            UserError, "no technician works for the location Harbour Kiosk"
        ):
            self._assign(order)
        self.assertFalse(order.user_id)

    def test_nothing_written_when_one_order_fails(self):
        good = self._create_order()
        bad = self._create_order(device_model_id=self.model_laptop.id)
        with self.assertRaises(UserError):
            (good | bad).with_user(self.user_service).action_auto_assign()
        self.assertFalse(good.user_id)
        self.assertFalse(good.date_planned_start)

    def test_no_free_slot(self):
        self._create_leave(self.tech_ada, at(0, 0), at(20, 0))
        order = self._create_order(
            required_skill_ids=[Command.set(self.skill_battery.ids)]
        )
        with self.assertRaisesRegex(
            UserError, "no 1 free working hour\\(s\\) in the next 14 days: Ada"
        ):
            self._assign(order)

    # -- rights and states ----------------------------------------------------

    def test_rights_and_states(self):
        order = self._create_order()
        with self.assertRaises(AccessError):
            order.with_user(self.user_internal).action_auto_assign()
        order.write({"state": "done"})
        with self.assertRaisesRegex(UserError, "“Assign” is not possible"):
            self._assign(order)
        self.assertFalse(order.user_id)


@tagged("post_install", "-at_install")
@freeze_time(MONDAY)
class TestConfirmationAndReassign(ServiceDispatchCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.location.write({"auto_assign": True, "user_id": cls.user_manager.id})

    def test_auto_assign_at_confirmation(self):
        order = self._create_order()
        self.assertFalse(order.user_id, "no default agent at an auto-assign location")
        order.with_user(self.user_service).action_confirm()
        self.assertEqual(order.state, "confirmed")
        self.assertEqual(order.user_id, self.tech_ada)
        self.assertEqual(order.date_planned_start, at(0, 8))
        self.assertFalse(order.activity_ids)

    def test_auto_assign_failure_never_blocks_confirmation(self):
        order = self._create_order(device_model_id=self.model_laptop.id)
        order.with_user(self.user_service).action_confirm()
        self.assertEqual(order.state, "confirmed")
        self.assertFalse(order.user_id)
        self.assertFalse(order.date_planned_start)
        activity = order.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_manager, "the location's agent")
        self.assertIn("Micro-soldering", str(activity.note))

    def test_reseller_order_confirmed_on_submit(self):
        """Resellers' orders are confirmed by the portal's approval (as
        superuser): assigned too."""
        order = self._create_order(partner=self.reseller_contact)
        order.with_user(self.portal_reseller).sudo().action_submit()
        self.assertEqual(order.state, "confirmed")
        self.assertIn(order.user_id, self.tech_ada | self.tech_ben)

    def test_manual_locations_keep_default_agent(self):
        self.location_internal.user_id = self.user_service
        order = self._create_order(location_id=self.location_internal.id)
        self.assertEqual(order.user_id, self.user_service)

    def test_reassign_checks_skills_and_location(self):
        order = self._create_order(
            required_skill_ids=[Command.set(self.skill_battery.ids)], state="confirmed"
        )
        dispatcher_order = order.with_user(self.user_service)
        with self.assertRaisesRegex(
            UserError, "Ben Bitdiddle cannot take .* Battery swap"
        ):
            dispatcher_order.write({"user_id": self.tech_ben.id})
        order.required_skill_ids = self.skill_screen
        with self.assertRaisesRegex(UserError, "do not work for Main Workshop"):
            dispatcher_order.write({"user_id": self.tech_cleo.id})
        self.assertFalse(order.user_id)
        dispatcher_order.write({"user_id": self.tech_ben.id})
        self.assertEqual(order.user_id, self.tech_ben)
        # taking an order oneself (Start Work) is not dispatching
        order.user_id = False
        dispatcher_order.action_start()
        self.assertEqual(order.user_id, self.user_service)


@tagged("post_install", "-at_install")
@freeze_time(MONDAY)
class TestDispatchBoard(ServiceDispatchCommon):
    def test_columns(self):
        self._create_open_orders(self.tech_ada, 2)
        unassigned = self._create_order(state="confirmed")
        Order = self.env["service.order"].with_user(self.user_service)
        groups = Order.with_context(
            service_dispatch_board=True, read_group_expand=True
        ).formatted_read_group(
            [("state", "in", ("submitted", "confirmed", "in_progress"))],
            ["user_id"],
            ["__count"],
        )
        self.assertEqual(groups[0]["user_id"], (False, "Unassigned"))
        self.assertEqual(groups[0]["__count"], 1)
        labels = {group["user_id"][0]: group["user_id"][1] for group in groups[1:]}
        self.assertEqual(labels[self.tech_ada.id], "Ada Lovelace · 2 / 3")
        self.assertEqual(labels[self.tech_ben.id], "Ben Bitdiddle · 0 / ∞")
        self.assertEqual(labels[self.tech_cleo.id], "Cleo Circuit · 0 / 2")
        # the kanban opens the "Unassigned" column like the others
        result = Order.with_context(
            service_dispatch_board=True, read_group_expand=True
        ).web_read_group(
            [("state", "in", ("submitted", "confirmed", "in_progress"))],
            ["user_id"],
            auto_unfold=True,
            unfold_read_specification={"name": {}},
        )
        first = result["groups"][0]
        self.assertEqual(first["user_id"], (False, "Unassigned"))
        self.assertEqual([r["name"] for r in first["__records"]], [unassigned.name])
        # without the board's context: Odoo's grouping
        groups = Order.formatted_read_group(
            [("id", "=", unassigned.id)], ["user_id"], ["__count"]
        )
        self.assertEqual(len(groups), 1)

    def test_technician_workload(self):
        self._create_leave(self.tech_ada, at(2, 0), at(2, 23, 59))  # Wednesday
        self._create_order(
            user_id=self.tech_ada.id,
            state="confirmed",
            date_planned_start=at(0, 11),
            date_planned_end=at(0, 14),  # 2 working hours around lunch
        )
        self._create_order(
            user_id=self.tech_ada.id,
            state="done",
            date_planned_start=at(3, 9),
            date_planned_end=at(3, 10),
        )
        self._create_order(
            user_id=self.tech_ada.id,
            state="cancelled",
            date_planned_start=at(4, 9),
            date_planned_end=at(4, 10),
        )
        ada = self.tech_ada.with_user(self.user_service)
        self.assertEqual(ada.service_open_order_count, 1)
        self.assertEqual(ada.service_work_hours_today, 8)
        self.assertEqual(ada.service_planned_hours_today, 2)
        self.assertEqual(ada.service_work_hours_week, 32)
        self.assertEqual(ada.service_planned_hours_week, 3)
        # a user without a resource works the company's hours
        self.assertFalse(self.user_service.resource_ids)
        self.user_service.tz = "UTC"
        self.env.company.resource_calendar_id = self.calendar
        self.assertEqual(
            self.user_service.with_user(self.user_service).service_work_hours_week, 40
        )
