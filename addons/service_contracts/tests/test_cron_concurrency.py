import threading
from datetime import date
from unittest.mock import patch

from dateutil.relativedelta import relativedelta

from odoo import SUPERUSER_ID, Command, api
from odoo.orm.environments import Transaction
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, mute_logger


@tagged("post_install", "-at_install")
class TestContractCronConcurrency(TransactionCase):
    """Two Odoo servers on one database run the invoicing scheduled action at
    the same moment (issue 14 §4): every due period is invoiced exactly once.

    Each "server" is a thread with a cursor of its own that commits, as the
    scheduled action does: the data must be committed for both to see it, so
    the test commits its own accounting (a sale journal and two accounts of
    the main company), customer and contracts, and deletes them afterwards."""

    CONTRACTS = 3

    def setUp(self):
        super().setUp()
        self.ids = {}
        self.addCleanup(self._cleanup)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            company = env.company
            Account = env["account.account"].with_company(company)
            income = Account.create(
                {
                    "name": "Concurrency Income",
                    "code": "SCC400",
                    "account_type": "income",
                }
            )
            receivable = Account.create(
                {
                    "name": "Concurrency Receivable",
                    "code": "SCC120",
                    "account_type": "asset_receivable",
                    "reconcile": True,
                }
            )
            self.ids["accounts"] = (income | receivable).ids
            journal = env["account.journal"].create(
                {
                    "name": "Concurrency Sales",
                    "code": "SCCX",
                    "type": "sale",
                    "company_id": company.id,
                    "default_account_id": income.id,
                    "restrict_mode_hash_table": False,
                }
            )
            self.ids["journal"] = journal.id
            partner = (
                env["res.partner"]
                .with_company(company)
                .create(
                    {
                        "name": "Concurrent Contracts Customer",
                        "is_company": True,
                        "property_account_receivable_id": receivable.id,
                    }
                )
            )
            self.ids["partner"] = partner.id
            product = (
                env["product.product"]
                .with_company(company)
                .create(
                    {
                        "name": "Concurrency Cover",
                        "type": "service",
                        "property_account_income_id": income.id,
                        "taxes_id": [Command.clear()],
                    }
                )
            )
            self.ids["product"] = product.id
            device_model = env["service.device.model"].create(
                {"brand": "Concurrency", "name": "Phone C1"}
            )
            self.ids["device_model"] = device_model.id
            # started two months ago, monthly in advance: 3 periods due each
            date_start = date.today().replace(day=1) - relativedelta(months=2)
            contracts = env["service.contract"].create(
                [
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "journal_id": journal.id,
                        "date_start": date_start,
                        "invoicing_period": "month",
                        "line_ids": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "name": "Concurrency cover",
                                    "price_unit": 10.0 * (index + 1),
                                    "device_model_id": device_model.id,
                                }
                            )
                        ],
                    }
                    for index in range(self.CONTRACTS)
                ]
            )
            contracts.action_accept()
            self.ids["contracts"] = contracts.ids
            self.due = {
                contract.id: len(contract._get_due_periods(date.today()))
                for contract in contracts
            }

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            contract_ids = self.ids.get("contracts") or []
            moves = env["account.move"].search(
                [("service_contract_id", "in", contract_ids)]
            )
            moves.button_draft()
            moves.with_context(force_delete=True).unlink()
            if contract_ids:
                cr.execute(
                    SQL(
                        "DELETE FROM service_contract_period WHERE contract_id IN %s;"
                        " DELETE FROM service_contract WHERE id IN %s",
                        tuple(contract_ids),
                        tuple(contract_ids),
                    )
                )
            env.invalidate_all()
            for model, key in (
                ("account.journal", "journal"),
                ("service.device.model", "device_model"),
                ("product.product", "product"),
                ("res.partner", "partner"),
                ("account.account", "accounts"),
            ):
                if self.ids.get(key):
                    env[model].browse(self.ids[key]).unlink()

    def _run_cron_in_two_servers(self):
        """Both threads search the due contracts, wait for each other, then
        invoice: the second finds the periods invoiced by the first."""
        barrier = threading.Barrier(2, timeout=30)
        Contract = self.registry["service.contract"]
        invoice_batch = Contract._invoice_batch
        errors = []

        def waiting_invoice_batch(contracts, today):
            mine = contracts.filtered(lambda c: c.id in self.ids["contracts"])
            if mine:
                barrier.wait()
            return invoice_batch(contracts, today)

        def server():
            try:
                with self.registry.cursor() as cr:
                    # the test runner holds the lock of Registry(db) while the
                    # tests run: hand the registry to the thread's transaction
                    cr.transaction = Transaction(self.registry)
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    env["service.contract"]._cron_invoice_contracts()
            except Exception as error:  # noqa: BLE001 - reported by the test
                errors.append(error)

        with patch.object(Contract, "_invoice_batch", waiting_invoice_batch):
            threads = [threading.Thread(target=server) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=90)
        self.assertFalse(errors)
        self.assertFalse(any(thread.is_alive() for thread in threads))

    # the server that comes second fails on the ledger's unique index (logged
    # by odoo.sql_db) and logs the contracts it could not invoice
    @mute_logger("odoo.sql_db", "odoo.addons.service_contracts.models.service_contract")
    def test_two_servers_invoice_each_period_once(self):
        self.assertEqual(set(self.due.values()), {3})
        self._run_cron_in_two_servers()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            for contract in env["service.contract"].browse(self.ids["contracts"]):
                moves = env["account.move"].search(
                    [("service_contract_id", "=", contract.id)]
                )
                with self.subTest(contract=contract.name):
                    self.assertEqual(len(contract.period_ids), self.due[contract.id])
                    self.assertEqual(len(moves), self.due[contract.id])
                    self.assertEqual(set(moves.mapped("state")), {"posted"})
                    self.assertEqual(
                        moves, contract.period_ids.invoice_id, "one invoice a period"
                    )
                    self.assertEqual(
                        len(set(contract.period_ids.mapped("date_start"))),
                        self.due[contract.id],
                    )
                    self.assertFalse(contract._get_due_periods(date.today()))
