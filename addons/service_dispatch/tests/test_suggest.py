from odoo.exceptions import UserError
from odoo.tests import freeze_time, tagged

from .common import MONDAY, ServiceDispatchCommon, at


@tagged("post_install", "-at_install")
@freeze_time(MONDAY)
class TestSuggestWizard(ServiceDispatchCommon):
    def _open(self, order):
        action = order.with_user(self.user_service).action_open_dispatch_suggest()
        self.assertEqual(action["res_model"], "service.dispatch.suggest")
        return (
            self.env["service.dispatch.suggest"]
            .with_user(self.user_service)
            .browse(action["res_id"])
        )

    def test_ranking_with_reasons(self):
        self._create_open_orders(self.tech_ada, 1)
        self._create_leave(self.tech_ben, at(0, 0), at(0, 23, 59))
        order = self._create_order()
        wizard = self._open(order)
        self.assertFalse(wizard.message)
        lines = wizard.line_ids
        self.assertEqual(lines.user_id, self.tech_ada | self.tech_ben)
        ada, ben = lines.sorted("rank")
        self.assertEqual((ada.rank, ada.user_id), (1, self.tech_ada))
        self.assertTrue(ada.in_zone)
        self.assertEqual(ada.date_start, at(0, 8))
        self.assertEqual(ada.load_display, "1 / 3")
        self.assertIn("has the skills Screen replacement", ada.reason)
        self.assertIn("covers [N] North", ada.reason)
        self.assertEqual((ben.rank, ben.user_id), (2, self.tech_ben))
        self.assertFalse(ben.in_zone)
        self.assertEqual(ben.date_start, at(1, 8), "off today")
        self.assertIn("outside [N] North", ben.reason)
        # the dispatcher picks the second one: same checks, fresh slot
        ben.action_pick()
        self.assertEqual(order.user_id, self.tech_ben)
        self.assertEqual(order.date_planned_start, at(1, 8))
        self.assertEqual(order.date_planned_end, at(1, 9))

    def test_pick_checks_again(self):
        order = self._create_order()
        wizard = self._open(order)
        line = wizard.line_ids.filtered(lambda line: line.user_id == self.tech_ben)
        self.tech_ben.service_skill_ids = self.skill_battery
        with self.assertRaisesRegex(UserError, "lack the skill"):
            line.action_pick()
        self.assertFalse(order.user_id)

    def test_nobody_qualifies(self):
        order = self._create_order(device_model_id=self.model_laptop.id)
        wizard = self._open(order)
        self.assertFalse(wizard.line_ids)
        self.assertIn("Micro-soldering", wizard.message)
