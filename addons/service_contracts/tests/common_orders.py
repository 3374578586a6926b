from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.service_portal.tests.common import ServicePortalCommon


class ServiceOrderCommon(ServicePortalCommon, AccountTestInvoicingCommon):
    """service_portal's test data on top of a company with a chart of accounts.

    The environment user is the accounting test user (accountman), made a
    service manager too; ``user_service`` is a service agent without any
    accounting right, ``user_billing`` a service agent who may invoice."""

    @classmethod
    def get_default_groups(cls):
        return (
            super().get_default_groups()
            | cls.env.ref("service_portal.service_portal_group_manager")
            | cls.env.ref("base.group_erp_manager")
            | cls.env.ref("base.group_partner_manager")
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_billing = new_test_user(
            cls.env,
            login="sc_billing_agent",
            name="Bill Agent",
            groups="service_portal.service_portal_group_user,account.group_account_invoice",
        )
        uom_hour = cls.env.ref("uom.product_uom_hour")
        cls.product_screen = cls._create_product(
            name="Screen",
            type="consu",
            lst_price=100.0,
            standard_price=60.0,
            taxes_id=[Command.set(cls.tax_sale_a.ids)],
        )
        cls.product_battery = cls._create_product(
            name="Battery",
            type="consu",
            lst_price=40.0,
            standard_price=15.0,
            taxes_id=[Command.set(cls.tax_sale_a.ids)],
        )
        cls.product_labour = cls._create_product(
            name="Repair labour (hour)",
            type="service",
            uom_id=uom_hour.id,
            lst_price=80.0,
            standard_price=30.0,
            taxes_id=[Command.set(cls.tax_sale_a.ids)],
        )

    @classmethod
    def _create_order_with_lines(
        cls, partner=None, lines=None, state="in_progress", **values
    ):
        """An order taken in (confirmed and started) with parts and labour."""
        order = cls._create_order(partner=partner, **values)
        if lines is None:
            lines = [(cls.product_screen, 1), (cls.product_labour, 2)]
        order.line_ids = [
            Command.create({"product_id": product.id, "quantity": quantity})
            for product, quantity in lines
        ]
        if state != "draft":
            order.action_confirm()
        if state == "in_progress":
            order.action_start()
        return order
