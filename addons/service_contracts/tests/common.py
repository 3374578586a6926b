from contextlib import contextmanager
from unittest.mock import patch

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.service_portal.tests.common import ServiceCustomersMixin


class ServiceContractsCommon(ServiceCustomersMixin, AccountTestInvoicingCommon):
    """Data shared by the service_contracts tests: a company with a chart of
    accounts (from AccountTestInvoicingCommon), service users, customers with
    portal accounts, device models and service items. No demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        group_manager = cls.env.ref("service_portal.service_portal_group_manager")
        # the test user of AccountTestInvoicingCommon is an accountant: make
        # it a service manager too so it can run the whole flow
        cls.env.user.group_ids |= group_manager
        cls.user_contract_manager = new_test_user(
            cls.env,
            login="sc_manager",
            name="Carla Contracts",
            email="carla@example.com",
            groups="service_portal.service_portal_group_manager,"
            "account.group_account_invoice",
            company_id=cls.company.id,
        )
        cls.user_manager_no_billing = new_test_user(
            cls.env,
            login="sc_manager_nobill",
            name="Nate NoBilling",
            groups="service_portal.service_portal_group_manager",
            company_id=cls.company.id,
        )
        cls.user_service = new_test_user(
            cls.env,
            login="sc_agent",
            name="Sam Agent",
            groups="service_portal.service_portal_group_user",
            company_id=cls.company.id,
        )
        cls._create_service_customers("sc", cls.company)
        cls.model_phone = cls.env["service.device.model"].create(
            {"brand": "Testbrand", "name": "Phone T1"}
        )
        cls.model_laptop = cls.env["service.device.model"].create(
            {"brand": "Testbrand", "name": "Book T2"}
        )
        cls.item_phone = cls.env["service.item"].create(
            {
                "partner_id": cls.customer.id,
                "device_model_id": cls.model_phone.id,
                "serial_number": "SN-PHONE-1",
            }
        )
        cls.product_cover = cls.env["product.product"].create(
            {
                "name": "Repair cover",
                "type": "service",
                "property_account_income_id": cls.company_data[
                    "default_account_revenue"
                ].id,
                "taxes_id": [Command.set(cls.tax_sale_a.ids)],
            }
        )

    @classmethod
    def _create_contract(cls, partner=None, price=100.0, lines=None, **values):
        partner = partner or cls.customer
        line_vals = {
            "product_id": cls.product_cover.id,
            "name": "Repair cover",
            "price_unit": price,
        }
        if partner.commercial_partner_id == cls.item_phone.commercial_partner_id:
            line_vals["service_item_id"] = cls.item_phone.id
        else:
            line_vals["device_model_id"] = cls.model_phone.id
        vals = {
            "partner_id": partner.id,
            "date_start": "2026-01-01",
            "invoicing_period": "month",
            "line_ids": lines or [Command.create(line_vals)],
        }
        vals.update(values)
        return cls.env["service.contract"].create(vals)

    @classmethod
    def _create_active_contract(cls, **values):
        contract = cls._create_contract(**values)
        contract.action_accept()
        return contract

    @contextmanager
    def _patch_commit_progress(self):
        """Scheduled actions commit their progress; tests cannot commit: the
        commits are replaced by a list of (processed, remaining) calls."""
        calls = []

        def fake_commit_progress(cron, processed=0, *, remaining=None, **kwargs):
            calls.append((processed, remaining))
            return float("inf")

        IrCron = self.env.registry["ir.cron"]
        with patch.object(IrCron, "_commit_progress", fake_commit_progress):
            yield calls

    def _run_invoice_cron(self, **kwargs):
        """Run the invoicing scheduled action as the cron does (superuser);
        returns the progress calls."""
        with self._patch_commit_progress() as calls:
            self.env["service.contract"].sudo()._cron_invoice_contracts(**kwargs)
        return calls

    def _run_expire_cron(self):
        with self._patch_commit_progress() as calls:
            self.env["service.contract"].sudo()._cron_expire_contracts()
        return calls
