import json
import os
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from unittest.mock import patch

from dateutil.relativedelta import relativedelta
from psycopg2.errors import SerializationFailure

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.orm.environments import Transaction
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, config

from ..models.service_contract import INVOICING_LOCK

# One "server": loads the registry of the database, waits for the test's go
# (a shared advisory lock, granted when the test releases its exclusive one),
# then runs the invoicing as the scheduled action does.
SERVER_SCRIPT = """
import json, sys
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import SQL, config

options = json.loads(sys.argv[1])
config.parse_config(options["args"], setup_logging=True)
registry = Registry(options["db"])
with registry.cursor() as cr:
    cr.execute(SQL("SELECT pg_advisory_lock_shared(%s)", options["key"]))
    cr.execute(SQL("SELECT pg_advisory_unlock_shared(%s)", options["key"]))
with registry.cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["service.contract"]._cron_invoice_contracts()
print("invoicing ran", flush=True)
"""


@tagged("post_install", "-at_install")
class TestContractCronConcurrency(TransactionCase):
    """Two Odoo servers on one database run the invoicing scheduled action at
    the same moment (issue 14 §4): every due period is invoiced exactly once,
    and the server that comes second skips the contracts the first is
    invoicing without an error.

    A "server" is either a thread with a cursor of its own that commits, as
    the scheduled action does (the order of the two is then set by the test),
    or an Odoo process of its own. The data must be committed for both to see
    it, so the test commits its own accounting (a sale journal and two
    accounts of the main company), customer and contracts, and deletes them
    afterwards."""

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
            cr.execute(SQL("SELECT COALESCE(max(id), 0) FROM ir_cron_trigger"))
            self.ids["last_trigger"] = cr.fetchone()[0]
            self.due = {
                contract.id: len(contract._get_due_periods(date.today()))
                for contract in contracts
            }

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            if "last_trigger" in self.ids:
                env["ir.cron.trigger"].search(
                    [("id", ">", self.ids["last_trigger"])]
                ).unlink()
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

    def _assert_each_period_invoiced_once(self):
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

    def _planned_retries(self):
        """The runs of the invoicing planned since the test began."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            cron = env.ref("service_contracts.ir_cron_service_contract_invoice")
            return env["ir.cron.trigger"].search_count(
                [("id", ">", self.ids["last_trigger"]), ("cron_id", "=", cron.id)]
            )

    def _run_cron(self):
        """One run of the invoicing on a cursor of its own, committed."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["service.contract"]._cron_invoice_contracts()

    def _invoiced(self):
        """The test's contracts that have an invoiced period."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            contracts = env["service.contract"].browse(self.ids["contracts"])
            return set(contracts.filtered("period_ids").ids)

    def test_two_servers_at_once_invoice_each_period_once(self):
        """Two "servers" (threads with committing cursors) start the invoicing
        at the same moment: each period is invoiced once and nothing is
        logged as an error, whichever of them gets the invoicing's lock."""
        self.assertEqual(set(self.due.values()), {3})
        barrier = threading.Barrier(2, timeout=30)
        errors = []

        def server():
            try:
                with self.registry.cursor() as cr:
                    # the test runner holds the lock of Registry(db) while the
                    # tests run: hand the registry to the thread's transaction
                    cr.transaction = Transaction(self.registry)
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    barrier.wait()
                    env["service.contract"]._cron_invoice_contracts()
            except Exception as error:  # noqa: BLE001 - reported by the test
                errors.append(error)

        with self.assertNoLogs(level="ERROR"):
            threads = [threading.Thread(target=server) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=90)
        self.assertFalse(errors)
        self.assertFalse(any(thread.is_alive() for thread in threads))
        self._assert_each_period_invoiced_once()

    def test_cron_stops_while_another_run_holds_the_lock(self):
        """While another transaction holds the invoicing's lock (a batch of
        another server in progress), a run invoices nothing, logs no error
        and plans a run a few minutes later, which invoices everything."""
        with self.registry.cursor() as elsewhere:
            elsewhere.execute(SQL("SELECT pg_advisory_xact_lock(%s)", INVOICING_LOCK))
            with self.assertNoLogs(level="ERROR"):
                self._run_cron()
            elsewhere.rollback()  # the other batch ends
        self.assertEqual(self._invoiced(), set())
        self.assertEqual(self._planned_retries(), 1)
        self._run_cron()
        self._assert_each_period_invoiced_once()

    def test_cron_skips_contracts_changed_since_its_snapshot(self):
        """A contract changed and committed by another transaction after the
        run's transaction began (another server's batch that ended just
        before) cannot be locked under repeatable read: the batch is skipped
        without an error and a run is planned, which invoices it."""
        changed = self.ids["contracts"][0]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            Contract = env["service.contract"]
            # the run's snapshot: the due contracts as they are now
            self.assertTrue(
                Contract.search_count([("id", "in", self.ids["contracts"])])
            )
            with self.registry.cursor() as elsewhere:
                elsewhere.execute(
                    SQL(
                        "UPDATE service_contract SET write_date = now() "
                        "WHERE id = %s",
                        changed,
                    )
                )
            with self.assertNoLogs(level="ERROR"):
                Contract._cron_invoice_contracts()
        self.assertEqual(self._invoiced(), set())
        self.assertEqual(self._planned_retries(), 1)
        self._run_cron()
        self._assert_each_period_invoiced_once()

    def test_concurrent_update_is_retried_quietly(self):
        """A contract whose invoice meets a concurrent update of a row it
        touches (PostgreSQL's serialization failure: the customer's rank, the
        journal's sequence) is left for a run in a few minutes, as
        information, not as an error; the others are invoiced."""
        unlucky, *others = self.ids["contracts"]
        Contract = self.registry["service.contract"]
        invoice_due_periods = Contract._invoice_due_periods

        def colliding(contracts, today, date_key="due_date"):
            if unlucky in contracts.ids:
                raise SerializationFailure("could not serialize access")
            return invoice_due_periods(contracts, today, date_key)

        with (
            patch.object(Contract, "_invoice_due_periods", colliding),
            self.assertNoLogs(level="ERROR"),
        ):
            self._run_cron()
        self.assertEqual(self._invoiced(), set(others))
        self.assertEqual(self._planned_retries(), 1)
        self._run_cron()
        self._assert_each_period_invoiced_once()

    def _lock_elsewhere(self, cr, contract_id):
        """Lock a contract in the transaction of ``cr``, as an invoicing or a
        price revision in progress does."""
        cr.execute(
            SQL(
                "SELECT id FROM service_contract WHERE id = %s FOR NO KEY UPDATE",
                contract_id,
            )
        )

    def _fail_rather_than_wait(self, cr):
        """The lock held elsewhere is held by this very thread: code that
        waited for it would wait forever; make it fail instead."""
        cr.execute(SQL("SET LOCAL lock_timeout = '10s'"))

    def test_cron_skips_contract_locked_elsewhere(self):
        """A contract another transaction holds is skipped without an error
        and invoiced by the run planned a few minutes later; the others are
        invoiced now."""
        busy, *others = self.ids["contracts"]
        with self.registry.cursor() as elsewhere:
            self._lock_elsewhere(elsewhere, busy)
            with self.assertNoLogs(level="ERROR"), self.registry.cursor() as cr:
                self._fail_rather_than_wait(cr)
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["service.contract"]._cron_invoice_contracts()
            elsewhere.rollback()
        self.assertEqual(self._planned_retries(), 1)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            contracts = env["service.contract"].browse(self.ids["contracts"])
            invoiced = contracts.filtered("period_ids")
            self.assertEqual(sorted(invoiced.ids), sorted(others))
            # the planned run
            env["service.contract"]._cron_invoice_contracts()
        self._assert_each_period_invoiced_once()

    def test_invoice_now_while_invoicing_elsewhere(self):
        """ "Invoice Now" on a contract being invoiced or revised elsewhere
        answers at once that someone else is on it, instead of waiting for
        the other transaction and failing on the ledger."""
        busy = self.ids["contracts"][0]
        with self.registry.cursor() as elsewhere:
            self._lock_elsewhere(elsewhere, busy)
            with self.registry.cursor() as cr:
                self._fail_rather_than_wait(cr)
                env = api.Environment(cr, SUPERUSER_ID, {})
                with self.assertRaisesRegex(
                    UserError, "being invoiced or revised by someone else"
                ):
                    env["service.contract"].browse(busy).action_invoice_now()
                cr.rollback()
            elsewhere.rollback()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertFalse(env["service.contract"].browse(busy).period_ids)

    def test_price_revision_while_invoicing_elsewhere(self):
        """A price revision of a contract being invoiced elsewhere is refused
        at once with the same answer, and changes no price (no period is
        invoiced at prices its log does not tell)."""
        busy = self.ids["contracts"][0]
        with self.registry.cursor() as elsewhere:
            self._lock_elsewhere(elsewhere, busy)
            with self.registry.cursor() as cr:
                self._fail_rather_than_wait(cr)
                env = api.Environment(cr, SUPERUSER_ID, {})
                contract = env["service.contract"].browse(busy)
                with self.assertRaisesRegex(
                    UserError, "being invoiced or revised by someone else"
                ):
                    contract.action_revise_prices(10)
                cr.rollback()
            elsewhere.rollback()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self.assertEqual(
                env["service.contract"].browse(busy).line_ids.price_unit, 10.0
            )

    def test_two_server_processes_invoice_each_period_once(self):
        """Two Odoo processes on the test database run the invoicing at the
        same moment (both wait on an advisory lock the test releases once
        both are waiting): each period is invoiced once, and neither logs an
        error."""
        key = 1_400_014
        odoo_path = str(Path(list(odoo.__path__)[0]).parent)
        args = [
            f"--addons-path={','.join(config['addons_path'])}",
            f"--data-dir={config['data_dir']}",
            "--log-level=warn",
            "--max-cron-threads=0",
        ]
        for option in ("db_host", "db_port", "db_user", "db_password"):
            if config[option]:
                args.append(f"--{option}={config[option]}")
        options = json.dumps({"args": args, "db": self.env.cr.dbname, "key": key})
        environ = dict(os.environ)
        environ["PYTHONPATH"] = os.pathsep.join(
            filter(None, [odoo_path, environ.get("PYTHONPATH")])
        )
        with self.registry.cursor() as gate:
            gate.execute(SQL("SELECT pg_advisory_lock(%s)", key))
            servers = [
                subprocess.Popen(  # noqa: S603 - our own script, no user input
                    [sys.executable, "-c", SERVER_SCRIPT, options],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    env=environ,
                    text=True,
                )
                for _ in range(2)
            ]
            try:
                deadline = time.monotonic() + 180
                waiting = 0
                while waiting < 2 and time.monotonic() < deadline:
                    if any(server.poll() is not None for server in servers):
                        break
                    time.sleep(0.2)
                    gate.execute(
                        SQL(
                            "SELECT count(*) FROM pg_locks WHERE locktype = "
                            "'advisory' AND objid = %s AND NOT granted",
                            key,
                        )
                    )
                    waiting = gate.fetchone()[0]
            finally:
                gate.execute(SQL("SELECT pg_advisory_unlock(%s)", key))
            outputs = []
            for server in servers:
                try:
                    outputs.append(server.communicate(timeout=180)[0])
                except subprocess.TimeoutExpired:
                    server.kill()
                    outputs.append(server.communicate()[0])
        self.assertEqual(
            waiting, 2, "both servers waited for the go:\n" + "\n".join(outputs)
        )
        for server, output in zip(servers, outputs, strict=True):
            self.assertEqual(server.returncode, 0, output)
            self.assertIn("invoicing ran", output)
            self.assertNotRegex(output, r" (ERROR|CRITICAL) ", output)
        self._assert_each_period_invoiced_once()
