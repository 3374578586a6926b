#!/usr/bin/env python3
"""Benchmark of the portal pages, the public tracking look-up, the knowledge
base's search and suggestions, the dispatch's ``action_auto_assign()`` and the
contract invoicing, on a throw-away database (``make bench``; CI does not run
it).

1. creates a database and installs the five addons (no demo data);
2. builds the data: customers with portal accounts and 20, 500 and 10,000
   service orders (batched ORM creates), then 200,000 orders in all for the
   tracking look-up (the ORM would take about ten minutes for those: they are
   copies of one order made with ``INSERT ... SELECT generate_series``);
3. starts one Odoo server (``--workers=0``, a free loopback port,
   ``--log-level=info``) and measures, as a logged-in portal user, the median
   of 20 warm requests (3 warm-up rounds first): milliseconds seen by the
   client, and the SQL queries and SQL time of each request, read from the
   werkzeug access log line Odoo writes at the info level
   (``... "GET /my HTTP/1.1" 200 - <queries> <sql s> <other s>``). The pages
   compared in a ratio are requested in rounds, one request each a round
   (the portal home, the lists and the order pages; the reseller's home and
   lists; the tracking look-up and its empty form), so that a busier moment
   of the machine slows them alike;
   then, on the same server, the help centre's search and the new-order
   form's suggestions at 20 and 2,000 published articles; then
   ``action_auto_assign()`` as tools/bench_dispatch.py measures it (5
   technicians and 100 open orders, 200 and 10,000), in companies of its own;
4. invoices 1,000 monthly contracts in advance, one line each, with our
   scheduled action, then the same with OCA's ``contract`` 19.0: installed
   into this environment if missing (``pip install --no-deps``, it is not a
   requirement of the project) and into the bench database only; its cron
   creates the drafts, which are then posted. Each side first invoices 20
   contracts to warm its caches; each has its own new sales journal.

Prints one Markdown table (pasted in docs/PERFORMANCE.md). Logs are in
build/bench/. The database is dropped at the end unless ``--keep-db``.

With ``--profile``, the two invoicing runs are profiled with cProfile
(build/bench/contracts_*.prof and the 40 costliest calls in
build/bench/contracts_*.txt): their times are then inflated.

To bench another version of the addons (e.g. before a change), point
BENCH_ODOO_CONF to a copy of build/odoo.conf whose addons_path lists it
first. On a shared machine, BENCH_HTTP_PORT fixes the server's port and
BENCH_DB_PREFIX the database's name (``<prefix>_<pid>``).

Usage: tools/bench.py [--keep-db] [--no-oca] [--quick] [--profile] [--portal-only]
                      [--contracts-only] [--contracts N]
"""

import argparse
import contextlib
import importlib.metadata
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
LOGS = BUILD / "bench"
CONF = Path(os.environ.get("BENCH_ODOO_CONF") or BUILD / "odoo.conf")
ADDONS = [
    "service_portal",
    "service_shipping",
    "service_contracts",
    "service_dispatch",
    "service_knowledge",
]
# Found with `pip index versions odoo-addon-contract` (latest 19.0 release).
OCA_CONTRACT = "odoo-addon-contract==19.0.1.2.1.2"
WARM_REQUESTS = 3
MEASURED_REQUESTS = 20
ORDERS_PER_PAGE = 80  # portal's _items_per_page
# the contracts list shows 80 a page, the shipments list 20
DOCUMENTS = {"contracts": 100, "shipments": 30}
ACCESS_LOG_RE = re.compile(
    r'werkzeug: \S+ - - \[[^\]]*\] "(?P<method>[A-Z]+) (?P<path>\S+) [^"]*" '
    r"(?P<status>\d+) \S+ (?P<queries>\d+|-) (?P<sql>[\d.]+|-) (?P<other>[\d.]+|-)"
)
RESULT_PREFIX = "BENCH-RESULT "
# Knowledge base: published articles at each size; the first
# KNOWLEDGE_MATCHES are about a battery draining (general: every device
# model), the others filler text of made-up words that match no search.
KNOWLEDGE_SIZES = (20, 2_000)
KNOWLEDGE_MATCHES = 10
HELP_SEARCH = "battery drain"
SUGGEST_TEXT = "The battery drains overnight since the last update"
SIZES = {"full": (20, 500, 10_000, 1_000, 200_000, 1_000)}
SIZES["quick"] = (20, 500, 2_000, 1_000, 20_000, 100)


def odoo_bin():
    return os.path.join((BUILD / "odoo_src").read_text().strip(), "odoo-bin")


def free_port():
    if os.environ.get("BENCH_HTTP_PORT"):  # a port of your own on a shared machine
        return int(os.environ["BENCH_HTTP_PORT"])
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def psql_admin(sql):
    subprocess.run(
        ["psql", "-X", "-q", "-d", "postgres", "-c", sql],
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def vacuum_orders(db):
    """``VACUUM ANALYZE service_order``, as autovacuum does on a live database
    after many changes: statistics, and the visibility map that index-only
    scans (the list's filter counts) need. Outside a transaction: psql."""
    subprocess.run(
        ["psql", "-X", "-q", "-d", db, "-c", "VACUUM ANALYZE service_order"],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def step(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def run_odoo(db, args, log_name):
    """Run odoo-bin to completion (install, update), its log in build/bench."""
    cmd = [
        sys.executable,
        odoo_bin(),
        "-c",
        str(CONF),
        "-d",
        db,
        "--workers=0",
        "--max-cron-threads=0",
        "--log-level=warn",
        "--stop-after-init",
        *args,
    ]
    with open(LOGS / log_name, "w") as log:
        proc = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    if proc.returncode:
        sys.exit(f"odoo-bin {' '.join(args)} failed: see {LOGS / log_name}")


def run_worker(db, name, **kwargs):
    """Run ``work_<name>`` in a new Python process with its own registry and
    return what it returns (JSON)."""
    cmd = [sys.executable, __file__, "--worker", name, "--db", db]
    cmd += ["--args", json.dumps(kwargs)]
    with open(LOGS / f"{name}.log", "w") as log:
        proc = subprocess.run(
            cmd, stdout=subprocess.PIPE, stderr=log, text=True, cwd=ROOT
        )
    result = None
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            result = json.loads(line[len(RESULT_PREFIX) :])
    if proc.returncode or result is None:
        sys.exit(f"bench step {name} failed: see {LOGS / name}.log")
    return result


# ----------------------------------------------------------------------
# Workers: run inside Odoo (python tools/bench.py --worker NAME)
# ----------------------------------------------------------------------


@contextlib.contextmanager
def odoo_env(db):
    """An environment as superuser on ``db``, committed at the end."""
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(["-c", str(CONF), "-d", db, "--log-level=warn"])
    registry = Registry(db)
    with registry.cursor() as cr:
        yield api.Environment(cr, SUPERUSER_ID, {})


QUIET = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_notrack": True,
    "no_reset_password": True,
}

OPEN_FLOW = [
    ("submitted", "date_submitted"),
    ("confirmed", "date_confirmed"),
    ("in_progress", "date_started"),
    ("ready", "date_ready"),
]


def create_orders(env, partner, count, location, device_models, all_open=False):
    """``count`` orders of ``partner`` by batched creates, moved along the
    workflow by batched writes: a tenth done unless ``all_open``, the others
    spread over the open states."""
    from odoo import fields

    Order = env["service.order"].with_context(**QUIET)
    now = fields.Datetime.now()
    orders = Order.browse()
    for start in range(0, count, 1000):
        orders |= Order.create(
            [
                {
                    "partner_id": partner.id,
                    "location_id": location.id,
                    "device_model_id": device_models[i % len(device_models)].id,
                    "serial_number": f"SN-{partner.id}-{i:06d}",
                    "device_description": "Black, small scratch on the back",
                    "problem_description": "Does not start after an update.",
                    "request_type": "repair",
                }
                for i in range(start, min(count, start + 1000))
            ]
        )
    done = orders.browse() if all_open else orders[: count // 10]
    still_open = (orders - done).ids
    for reached, (state, date_field) in enumerate(OPEN_FLOW):
        # a quarter of the open orders stops at each open state
        moving = done | orders.browse(
            [order_id for n, order_id in enumerate(still_open) if n % 4 >= reached]
        )
        moving.write({"state": state, date_field: now})
    if done:
        done.write({"state": "done", "date_done": now})
    env.flush_all()
    return orders


def portal_customer(env, name, login):
    partner = env["res.partner"].create(
        {"name": name, "email": f"{login}@example.com", "phone": "+1 555 0100"}
    )
    env["res.users"].with_context(**QUIET).create(
        {
            "login": login,
            "password": login + "-Bench-2026",
            "partner_id": partner.id,
            "group_ids": [(6, 0, [env.ref("base.group_portal").id])],
        }
    )
    return partner, {"login": login, "password": login + "-Bench-2026"}


def work_portal_data(env, small, medium, total):
    """Two portal customers with ``small`` and ``medium`` orders, another
    customer's orders up to ``total`` orders in all."""
    company = env.company
    location = env["service.location"].create(
        {"name": "Bench Workshop", "company_id": company.id}
    )
    device_models = env["service.device.model"].create(
        [{"brand": "Benchbrand", "name": f"Model {i}"} for i in range(5)]
    )
    users = {}
    first_orders = {}
    for key, count, name in (
        ("small", small, "Ada Lovelace"),
        ("medium", medium, "Grace Hopper"),
    ):
        partner, users[key] = portal_customer(env, name, f"bench_{key}")
        orders = create_orders(
            env, partner, count, location, device_models, all_open=key == "small"
        )
        first_orders[key] = orders[-1].id
    filler = env["res.partner"].create({"name": "Walk-in Customer Filler"})
    filler_orders = create_orders(
        env, filler, max(total - small - medium, 1), location, device_models
    )
    tracked = filler_orders[0]
    env.cr.commit()  # allowed: a script on its throw-away database
    env.cr.execute("ANALYZE service_order")
    return {
        "users": users,
        "orders": first_orders,
        "track": {"order_number": tracked.name, "last_name": "Filler"},
        "location_id": location.id,
        "device_model_ids": device_models.ids,
        "prototype_id": filler_orders[-1].id,
        "total": env["service.order"].search_count([]),
    }


def work_portal_large(env, large, location_id, device_model_ids):
    """A third portal customer with ``large`` orders."""
    partner, user = portal_customer(env, "Alan Turing", "bench_large")
    orders = create_orders(
        env,
        partner,
        large,
        env["service.location"].browse(location_id),
        env["service.device.model"].browse(device_model_ids),
    )
    env.cr.commit()  # allowed: a script on its throw-away database
    env.cr.execute("ANALYZE service_order")
    return {
        "user": user,
        "order": orders[-1].id,
        "total": env["service.order"].search_count([]),
    }


def made_up_words(count, seed):
    """``count`` words of three syllables that no English search matches."""
    import random

    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ne", "su", "ta", "ri", "vo", "pe", "zu"]
    return ["".join(rng.choice(syllables) for _ in range(3)) for _ in range(count)]


def work_knowledge_data(env, total, device_model_ids):
    """Published public articles up to ``total`` in all (batched ORM
    creates), the suggestion limits raised for the bench's requests."""
    from odoo import Command

    params = env["ir.config_parameter"]
    params.set_param("service_knowledge.suggest_limit_user", "100000")
    params.set_param("service_knowledge.suggest_limit_ip", "100000")
    Article = env["service.article"].with_context(**QUIET)
    existing = Article.search_count([])
    values = []
    for index in range(existing, total):
        if index < KNOWLEDGE_MATCHES:
            values.append(
                {
                    "name": f"Battery drain after an update ({index + 1})",
                    "body": "<p>When the battery drains overnight after a system "
                    "update, restart the device and check which apps run in "
                    f"the background. Case {index + 1}.</p>",
                    "is_published": True,
                    "visibility": "public",
                }
            )
            continue
        words = made_up_words(40, index)
        values.append(
            {
                "name": " ".join(words[:4]).capitalize(),
                "body": f"<p>{' '.join(words[4:])}</p>",
                "is_published": True,
                "visibility": "public",
                "device_model_ids": [
                    Command.set([device_model_ids[index % len(device_model_ids)]])
                ],
            }
        )
    for start in range(0, len(values), 500):
        Article.create(values[start : start + 500])
    env.flush_all()
    env.cr.execute("ANALYZE service_article")
    return {"total": Article.search_count([])}


def work_portal_documents(env, location_id, contracts, shipments):
    """A reseller company and its portal contact with ``contracts`` contracts
    (two lines each, a quarter quotes, the rest active) and ``shipments``
    shipments (a third each draft, confirmed, received), for the contracts
    and shipments lists."""
    from odoo import Command, fields

    partner, user = portal_customer(env, "Bench Reseller", "bench_docs")
    partner.write({"is_company": True, "is_reseller": True})
    product = env.ref("service_contracts.product_service_contract")
    journal = sale_journal(env, "BDOC")
    today = fields.Date.context_today(partner)
    records = (
        env["service.contract"]
        .with_context(**QUIET)
        .create(
            [
                {
                    "partner_id": partner.id,
                    "date_start": today,
                    "date_end": fields.Date.add(today, years=1),
                    "invoicing_period": "month",
                    "journal_id": journal.id,
                    "line_ids": [
                        Command.create(
                            {"product_id": product.id, "name": name, "price_unit": 40.0}
                        )
                        for name in ("Laptop cover", "Phone cover")
                    ],
                }
                for _i in range(contracts)
            ]
        )
    )
    records[contracts // 4 :].action_accept()
    location = env["service.location"].browse(location_id)
    carrier_product = env["product.product"].create(
        {"name": "Bench shipping", "type": "service"}
    )
    carrier = env["delivery.carrier"].create(
        {
            "name": "Bench Courier",
            "delivery_type": "fixed",
            "product_id": carrier_product.id,
        }
    )
    location.carrier_ids = [Command.link(carrier.id)]
    sent = (
        env["service.shipment"]
        .with_context(**QUIET)
        .create(
            [
                {
                    "partner_id": partner.id,
                    "location_id": location.id,
                    "carrier_id": carrier.id,
                }
                for _i in range(shipments)
            ]
        )
    )
    now = fields.Datetime.now()
    sent[shipments // 3 :].write({"state": "confirmed", "date_confirmed": now})
    sent[2 * shipments // 3 :].write({"state": "received", "date_received": now})
    env.cr.commit()  # allowed: a script on its throw-away database
    return {"user": user}


def work_sql_orders(env, total, prototype_id):
    """Copies of one order with SQL until there are ``total`` orders (the
    ORM would take minutes): new numbers, no access token."""
    from odoo.tools import SQL

    env.cr.execute("SELECT count(*) FROM service_order")
    missing = total - env.cr.fetchone()[0]
    if missing > 0:
        env.cr.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'service_order' "
            "AND column_name NOT IN ('id', 'name', 'access_token')"
        )
        columns = [SQL.identifier(row[0]) for row in env.cr.fetchall()]
        env.cr.execute(
            SQL(
                "INSERT INTO service_order (name, %(columns)s) "
                "SELECT 'BENCH/' || lpad(g::text, 7, '0'), %(values)s "
                "FROM service_order AS proto, generate_series(1, %(missing)s) AS g "
                "WHERE proto.id = %(prototype)s",
                columns=SQL(", ").join(columns),
                values=SQL(", ").join(SQL("proto.%s", column) for column in columns),
                missing=missing,
                prototype=prototype_id,
            )
        )
    env.cr.commit()  # allowed: a script on its throw-away database
    env.cr.execute("ANALYZE service_order")
    env.cr.execute("SELECT count(*) FROM service_order")
    return {"total": env.cr.fetchone()[0], "inserted": max(missing, 0)}


class QueryCounter:
    """SQL queries and time of this thread (Odoo's cursor counts them when
    the thread has these attributes, as it does for HTTP requests); with
    ``profile``, a cProfile of the block in build/bench/<profile>.prof/.txt."""

    def __init__(self, profile=None):
        self.profile = profile

    def __enter__(self):
        import threading

        self.thread = threading.current_thread()
        self.thread.query_count = 0
        self.thread.query_time = 0.0
        if self.profile:
            import cProfile

            self.profiler = cProfile.Profile()
            self.profiler.enable()
        self.started = time.perf_counter()
        self.cpu_started = time.process_time()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.started
        self.cpu_seconds = time.process_time() - self.cpu_started
        self.queries = self.thread.query_count
        self.sql_seconds = self.thread.query_time
        del self.thread.query_count, self.thread.query_time
        if self.profile:
            import pstats

            self.profiler.disable()
            self.profiler.dump_stats(LOGS / f"{self.profile}.prof")
            with open(LOGS / f"{self.profile}.txt", "w") as out:
                stats = pstats.Stats(self.profiler, stream=out)
                stats.sort_stats("cumulative").print_stats(40)


def contract_customers(env, prefix):
    return env["res.partner"].create(
        [
            {"name": f"{prefix} Customer {i}", "email": f"{prefix.lower()}{i}@ex.com"}
            for i in range(20)
        ]
    )


def sale_journal(env, code):
    return env["account.journal"].create(
        {"name": f"Bench {code}", "code": code, "type": "sale"}
    )


def work_contracts_ours(env, count, warmup, profile=False):
    """Our scheduled action on ``count`` monthly contracts in advance, one
    line each, after ``warmup`` contracts to warm the caches."""
    from odoo import Command, fields

    Contract = env["service.contract"]
    customers = contract_customers(env, "Ours")
    journal = sale_journal(env, "BOUR")
    product = env.ref("service_contracts.product_service_contract")
    today = fields.Date.context_today(Contract)

    def make(n):
        contracts = Contract.with_context(**QUIET).create(
            [
                {
                    "partner_id": customers[i % len(customers)].id,
                    "date_start": today,
                    "invoicing_period": "month",
                    "journal_id": journal.id,
                    "line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "name": "Repair cover",
                                "price_unit": 100.0,
                            }
                        )
                    ],
                }
                for i in range(n)
            ]
        )
        contracts.action_accept()
        env.cr.commit()  # allowed: a script on its throw-away database
        return contracts

    make(warmup)
    Contract._cron_invoice_contracts()
    contracts = make(count)
    env.invalidate_all()
    with QueryCounter(profile and "contracts_ours") as counter:
        Contract._cron_invoice_contracts()
    moves = env["account.move"].search(
        [("service_contract_id", "in", contracts.ids), ("state", "=", "posted")]
    )
    return {
        "invoices": len(moves),
        "contracts_invoiced": len(moves.service_contract_id),
        "seconds": counter.seconds,
        "queries": counter.queries,
        "sql_seconds": counter.sql_seconds,
        "cpu_seconds": counter.cpu_seconds,
    }


def work_contracts_oca(env, count, warmup, profile=False):
    """OCA's cron on ``count`` monthly contracts in advance (one line each),
    then the posting of its drafts, after ``warmup`` contracts."""
    from odoo import Command, fields

    Contract = env["contract.contract"]
    customers = contract_customers(env, "OCA")
    journal = sale_journal(env, "BOCA")
    product = env.ref("service_contracts.product_service_contract")
    today = fields.Date.context_today(Contract)
    Move = env["account.move"]

    def make(n):
        contracts = Contract.with_context(**QUIET).create(
            [
                {
                    "name": f"OCA contract {i}",
                    "partner_id": customers[i % len(customers)].id,
                    "journal_id": journal.id,
                    "line_recurrence": True,
                    "contract_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "name": "Repair cover",
                                "quantity": 1,
                                "price_unit": 100.0,
                                "recurring_rule_type": "monthly",
                                "recurring_interval": 1,
                                "recurring_invoicing_type": "pre-paid",
                                "date_start": today,
                            }
                        )
                    ],
                }
                for i in range(n)
            ]
        )
        env.cr.commit()  # allowed: a script on its throw-away database
        return contracts

    def invoice():
        Contract.cron_recurring_create_invoice()
        env.cr.commit()  # allowed: a script on its throw-away database
        drafts = Move.search([("journal_id", "=", journal.id), ("state", "=", "draft")])
        created = time.perf_counter()
        drafts.action_post()
        env.cr.commit()  # allowed: a script on its throw-away database
        return drafts, created

    make(warmup)
    invoice()
    make(count)
    env.invalidate_all()
    with QueryCounter(profile and "contracts_oca") as counter:
        drafts, created = invoice()
    return {
        "invoices": len(drafts.filtered(lambda m: m.state == "posted")),
        "seconds": counter.seconds,
        "create_seconds": created - counter.started,
        "queries": counter.queries,
        "sql_seconds": counter.sql_seconds,
        "cpu_seconds": counter.cpu_seconds,
        "version": importlib.metadata.version("odoo-addon-contract"),
    }


def worker(name, db, args):
    with odoo_env(db) as env:
        result = globals()[f"work_{name}"](env, **args)
        env.cr.commit()  # allowed: a script on its throw-away database
    print(RESULT_PREFIX + json.dumps(result), flush=True)


# ----------------------------------------------------------------------
# HTTP measures
# ----------------------------------------------------------------------


class JsonRpc(dict):
    """The parameters of a JSON-RPC request (``type="jsonrpc"`` routes)."""


class Server:
    """One Odoo server on a free loopback port; reads its access log."""

    def __init__(self, db):
        self.db = db
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = LOGS / "server.log"
        self.counter = 0
        self.access = {}

    def __enter__(self):
        import requests

        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                odoo_bin(),
                "-c",
                str(CONF),
                "-d",
                self.db,
                f"--db-filter=^{self.db}$",
                "--http-interface=127.0.0.1",
                f"--http-port={self.port}",
                "--workers=0",
                "--max-cron-threads=0",
                "--log-level=info",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        self.reader = open(self.log_path)
        deadline = time.time() + 180
        while time.time() < deadline:
            if self.proc.poll() is not None:
                sys.exit(f"the Odoo server stopped: see {self.log_path}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.url + "/web/login", timeout=30).ok:
                    return self
            time.sleep(1)
        sys.exit(f"the Odoo server did not answer: see {self.log_path}")

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.reader.close()
        self.log.close()

    def session(self, user=None):
        import requests

        session = requests.Session()
        if user:
            page = session.get(self.url + "/web/login", timeout=60)
            response = session.post(
                self.url + "/web/login",
                data={**user, "csrf_token": csrf_token(page.text), "redirect": "/my"},
                timeout=60,
            )
            if "/web/login" in response.url:
                sys.exit(f"cannot log in as {user['login']}")
        return session

    def _access_line(self, marker):
        """(queries, SQL ms) of the request whose URL holds ``marker``."""
        deadline = time.time() + 10
        while marker not in self.access and time.time() < deadline:
            line = self.reader.readline()
            if not line:
                time.sleep(0.01)
                continue
            match = ACCESS_LOG_RE.search(line)
            if match and "bench=" in match["path"]:
                key = match["path"].rsplit("bench=", 1)[1].split("&")[0]
                queries = match["queries"]
                self.access[key] = (
                    int(queries) if queries != "-" else None,
                    float(match["sql"]) * 1000 if match["sql"] != "-" else None,
                )
        return self.access.get(marker, (None, None))

    def measure_rounds(self, specs):
        """Median ms (client), queries and SQL ms of each page of ``specs``
        (``{key: (session, path, data, check, row_marker)}``), requested in
        ``WARM_REQUESTS + MEASURED_REQUESTS`` rounds of one request per page,
        the order of the pages turned by one each round: pages compared in a
        ratio are measured side by side, so that a moment when the machine is
        busier slows them alike instead of one of them."""
        keys = list(specs)
        samples = {key: [] for key in keys}
        for index in range(WARM_REQUESTS + MEASURED_REQUESTS):
            shift = index % len(keys)
            for key in keys[shift:] + keys[:shift]:
                sample = self._request(*specs[key])
                if index >= WARM_REQUESTS:
                    samples[key].append(sample)
        results = {}
        for key, (*_spec, row_marker) in specs.items():
            taken = samples[key]
            queries = [s[1] for s in taken if s[1] is not None]
            sql = [s[2] for s in taken if s[2] is not None]
            results[key] = {
                "ms": statistics.median(s[0] for s in taken),
                "queries": statistics.median(queries) if queries else None,
                "queries_range": (min(queries), max(queries)) if queries else None,
                "sql_ms": statistics.median(sql) if sql else None,
                "rows": taken[-1][3].count(row_marker) if row_marker else 0,
            }
        return results

    def _request(self, session, path, data, check, row_marker):
        """One request: (client ms, queries, SQL ms, page text)."""
        self.counter += 1
        marker = str(self.counter)
        separator = "&" if "?" in path else "?"
        url = f"{self.url}{path}{separator}bench={marker}"
        started = time.perf_counter()
        if data is None:
            response = session.get(url, timeout=120, allow_redirects=False)
        elif isinstance(data, JsonRpc):
            response = session.post(
                url,
                json={"jsonrpc": "2.0", "method": "call", "params": dict(data)},
                timeout=120,
            )
        else:
            response = session.post(url, data=data, timeout=120)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            sys.exit(f"{path}: HTTP {response.status_code}")
        if check and not check(response.text):
            sys.exit(f"{path}: unexpected page (see {self.log_path})")
        return (elapsed, *self._access_line(marker), response.text)


def track_found(html):
    """Whether the tracking page shows an order."""
    return "o_service_track_number" in html


def csrf_token(html):
    match = re.search(r'name="csrf_token"\s+value="([^"]+)"', html)
    if not match:
        sys.exit("no CSRF token in the page")
    return match[1]


# ----------------------------------------------------------------------
# Orchestration
# ----------------------------------------------------------------------


def machine():
    cpu = platform.processor() or "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = "?"
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
        ram = f"{kb / 1024 / 1024:.0f} GB"
    return f"{len(os.sched_getaffinity(0))} CPUs (nproc), {cpu}, {ram} RAM"


def ensure_oca_contract():
    """OCA's contract 19.0 in this environment (not a project requirement)."""
    with contextlib.suppress(importlib.metadata.PackageNotFoundError):
        version = importlib.metadata.version("odoo-addon-contract")
        if version.startswith("19.0."):
            return version
    step(f"pip install --no-deps {OCA_CONTRACT} (into {sys.prefix} only)")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            OCA_CONTRACT,
        ],
        check=True,
    )
    importlib.invalidate_caches()
    return importlib.metadata.version("odoo-addon-contract")


def fmt(value, pattern="{:.1f}"):
    return "–" if value is None else pattern.format(value)


def queries_cell(result):
    low, high = result["queries_range"] or (None, None)
    if low is None:
        return "–"
    return f"{low:.0f}" if low == high else f"{low:.0f}–{high:.0f}"


def ratio(a, b):
    return f"{a / b:.2f}×" if a and b else "–"


def measure_portal(db, sizes, results):
    """The portal pages and the tracking look-up, into ``results``."""
    small, medium, large, track_small, track_large = sizes
    step(
        f"portal customers with {small} and {medium} orders, "
        f"{track_small:,} orders in all (batched ORM creates)"
    )
    data = run_worker(db, "portal_data", small=small, medium=medium, total=track_small)
    vacuum_orders(db)
    with Server(db) as server:
        step(f"server on {server.url}: tracking at {data['total']:,} orders")
        public = server.session()
        form = public.get(server.url + "/service/track", timeout=60)
        track_post = {**data["track"], "csrf_token": csrf_token(form.text)}
        tracking = {
            "track": (public, "/service/track", track_post, track_found, None),
            "form": (public, "/service/track", None, None, None),
        }
        measured = server.measure_rounds(tracking)
        results["track_small"] = measured["track"]
        results["track_small"]["total"] = data["total"]
        results["track_form_small"] = measured["form"]

        step(f"a portal customer with {large:,} orders (batched ORM creates)")
        large_data = run_worker(
            db,
            "portal_large",
            large=large,
            location_id=data["location_id"],
            device_model_ids=data["device_model_ids"],
        )
        vacuum_orders(db)
        users = {**data["users"], "large": large_data["user"]}
        order_ids = {**data["orders"], "large": large_data["order"]}
        step(f"portal pages at {large_data['total']:,} orders in all")
        sessions = {key: server.session(user) for key, user in users.items()}
        pages = {"home": (sessions["medium"], "/my", None, None, None)}
        for key in ("small", "medium", "large"):
            pages[f"list_{key}"] = (
                sessions[key],
                "/my/service-orders",
                None,
                None,
                "o_service_order_row",
            )
            pages[f"order_{key}"] = (
                sessions[key],
                f"/my/service-orders/{order_ids[key]}",
                None,
                None,
                None,
            )
        results.update(server.measure_rounds(pages))
        step(
            f"a reseller with {DOCUMENTS['contracts']} contracts and "
            f"{DOCUMENTS['shipments']} shipments"
        )
        docs = run_worker(
            db, "portal_documents", location_id=data["location_id"], **DOCUMENTS
        )
        docs_session = server.session(docs["user"])
        results.update(
            server.measure_rounds(
                {
                    "home_docs": (docs_session, "/my", None, None, None),
                    "contracts_list": (
                        docs_session,
                        "/my/service-contracts",
                        None,
                        None,
                        "o_service_contract_row",
                    ),
                    "shipments_list": (
                        docs_session,
                        "/my/shipments",
                        None,
                        None,
                        "o_shipment_row",
                    ),
                }
            )
        )

        measure_knowledge(db, server, sessions["medium"], data, results)

        step(f"{track_large:,} orders in all (SQL INSERT ... generate_series)")
        sql_data = run_worker(
            db, "sql_orders", total=track_large, prototype_id=data["prototype_id"]
        )
        step(f"tracking at {sql_data['total']:,} orders")
        measured = server.measure_rounds(tracking)
        results["track_large"] = measured["track"]
        results["track_large"]["total"] = sql_data["total"]
        results["track_form_large"] = measured["form"]
        results["sql_inserted"] = sql_data["inserted"]


def help_found(html):
    """Whether the help centre's search shows every matching article."""
    return html.count("Battery drain after an update") >= KNOWLEDGE_MATCHES


def suggestions_found(text):
    """Whether the suggestions hold the battery articles (five at most)."""
    return text.count("Battery drain after an update") >= 5


def measure_knowledge(db, server, customer, data, results):
    """The help centre's search (public) and the new-order form's
    suggestions (the customer of 500 orders) at each number of articles."""
    public = server.session()
    search = HELP_SEARCH.replace(" ", "+")
    pages = {
        "help_search": (
            public,
            f"/service/help?search={search}",
            None,
            help_found,
            None,
        ),
        "help_index": (public, "/service/help", None, None, None),
        "suggest": (
            customer,
            "/service/help/suggest",
            JsonRpc(device_model_id=data["device_model_ids"][0], text=SUGGEST_TEXT),
            suggestions_found,
            None,
        ),
    }
    for size in KNOWLEDGE_SIZES:
        step(f"knowledge base: {size:,} published articles (batched ORM creates)")
        articles = run_worker(
            db, "knowledge_data", total=size, device_model_ids=data["device_model_ids"]
        )
        for key, result in server.measure_rounds(pages).items():
            result["total"] = articles["total"]
            results[f"{key}_{size}"] = result


def measure_dispatch(db, quick, results):
    """``action_auto_assign()`` (tools/bench_dispatch.py's measure) on the
    bench's database, in companies of its own."""
    import bench_dispatch  # noqa: PLC0415 - it imports this module

    sizes = bench_dispatch.SIZES["quick" if quick else "full"]
    step(
        "dispatch: "
        + " and ".join(f"{t} technicians / {o:,} open orders" for t, o in sizes)
        + " (batched ORM creates), action_auto_assign()"
    )
    results["dispatch"] = bench_dispatch.run_worker(db, sizes)
    results["dispatch_runs"] = bench_dispatch.RUNS


def measure_contracts(db, contracts, options, results):
    """Contract invoicing, ours then OCA's, into ``results``."""
    step(f"contract invoicing, ours: {contracts:,} contracts")
    warmup = min(20, contracts)
    results["ours"] = run_worker(
        db, "contracts_ours", count=contracts, warmup=warmup, profile=options.profile
    )
    if options.no_oca:
        return
    version = ensure_oca_contract()
    step(f"installing OCA contract {version} in {db} only")
    run_odoo(db, ["-i", "contract"], "install_contract.log")
    step(f"contract invoicing, OCA: {contracts:,} contracts")
    results["oca"] = run_worker(
        db, "contracts_oca", count=contracts, warmup=warmup, profile=options.profile
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--no-oca", action="store_true", help="skip OCA contract")
    parser.add_argument(
        "--contracts-only", action="store_true", help="only the contract invoicing"
    )
    parser.add_argument(
        "--contracts", type=int, help="number of contracts (default 1,000)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="smaller data, to try the script"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the invoicing runs"
    )
    parser.add_argument(
        "--portal-only",
        action="store_true",
        help="only the portal pages and the tracking (no contract invoicing)",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--args", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        return worker(options.worker, options.db, json.loads(options.args))
    if not (BUILD / "odoo_src").exists():
        sys.exit("Run tools/setup.sh (or make setup) first.")

    *sizes, contracts = SIZES["quick" if options.quick else "full"]
    contracts = options.contracts or contracts
    LOGS.mkdir(parents=True, exist_ok=True)
    db = f"{os.environ.get('BENCH_DB_PREFIX', 'bench')}_{os.getpid()}"
    started = time.time()
    load_before = os.getloadavg()
    results = {}
    try:
        step(f"installing {', '.join(ADDONS)} in the new database {db}")
        run_odoo(db, ["-i", ",".join(ADDONS)], "install.log")
        if not options.contracts_only:
            measure_portal(db, sizes, results)
        if not (options.contracts_only or options.portal_only):
            measure_dispatch(db, options.quick, results)
        if not options.portal_only:
            measure_contracts(db, contracts, options, results)
    finally:
        if not options.keep_db:
            psql_admin(f'DROP DATABASE IF EXISTS "{db}"')
    results["minutes"] = (time.time() - started) / 60
    print_table(results, sizes[:3], load_before, options.profile)
    return 0


def portal_lines(results, sizes):
    small, medium, large = sizes
    home = results["home"]
    rows = [("`/my` (Odoo's portal home)", home, "")]
    for key, count in (("small", small), ("medium", medium), ("large", large)):
        result = results[f"list_{key}"]
        notes = f"{result['rows']} rows"
        if result["rows"] < min(count, ORDERS_PER_PAGE):
            notes += f" (not a full page of {ORDERS_PER_PAGE}: check the data)"
        rows.append((f"`/my/service-orders`, {count:,} orders", result, notes))
    for key, count in (("small", small), ("medium", medium), ("large", large)):
        rows.append((f"order page, customer of {count:,}", results[f"order_{key}"], ""))
    for size in ("small", "large"):
        result = results[f"track_{size}"]
        form = results[f"track_form_{size}"]
        rows.append(
            (
                f"`/service/track` POST, {result['total']:,} orders",
                result,
                f"found; the empty form (GET) in the same rounds: {fmt(form['ms'])} ms",
            )
        )
    lines = [
        f"| {label} | {fmt(result['ms'])} | {queries_cell(result)} "
        f"| {fmt(result['sql_ms'])} | {notes} |"
        for label, result, notes in rows
    ]
    docs_home = results["home_docs"]
    for key, label, per_page in (
        ("contracts_list", "`/my/service-contracts`", ORDERS_PER_PAGE),
        ("shipments_list", "`/my/shipments`", 20),
    ):
        result = results[key]
        lines.append(
            f"| {label}, reseller | {fmt(result['ms'])} | {queries_cell(result)} "
            f"| {fmt(result['sql_ms'])} | {result['rows']} rows (of {per_page} a "
            f"page); its `/my`: {fmt(docs_home['ms'])} ms |"
        )
    list_medium, list_large = results["list_medium"], results["list_large"]
    look_up = {
        size: results[f"track_{size}"]["ms"] - results[f"track_form_{size}"]["ms"]
        for size in ("small", "large")
    }
    lines += [
        f"| ratio {large:,} ÷ {medium:,} orders (list) "
        f"| {ratio(list_large['ms'], list_medium['ms'])} | | | goal ≤ 1.1× |",
        f"| ratio full page ({medium:,}) ÷ bare `/my` "
        f"| {ratio(list_medium['ms'], home['ms'])} | | | goal ≤ 1.4× |",
        "| ratio contracts list ÷ its bare `/my` "
        f"| {ratio(results['contracts_list']['ms'], docs_home['ms'])} | | "
        "| goal ≤ 1.4× |",
        "| ratio shipments list ÷ its bare `/my` "
        f"| {ratio(results['shipments_list']['ms'], docs_home['ms'])} | | "
        "| goal ≤ 1.4× |",
        "| ratio tracking largest ÷ smallest "
        f"| {ratio(results['track_large']['ms'], results['track_small']['ms'])} "
        "| | | flat; the look-up's own cost (POST − form) "
        f"{fmt(look_up['small'])} → {fmt(look_up['large'])} ms |",
    ]
    return lines


def knowledge_lines(results):
    small, large = KNOWLEDGE_SIZES
    lines = []
    for size in KNOWLEDGE_SIZES:
        search, index = results[f"help_search_{size}"], results[f"help_index_{size}"]
        lines.append(
            f"| help centre search \"{HELP_SEARCH}\", {search['total']:,} articles "
            f"| {fmt(search['ms'])} | {queries_cell(search)} | {fmt(search['sql_ms'])} "
            f"| {KNOWLEDGE_MATCHES} found; `/service/help` in the same rounds: "
            f"{fmt(index['ms'])} ms |"
        )
    for size in KNOWLEDGE_SIZES:
        suggest = results[f"suggest_{size}"]
        lines.append(
            f"| new-order form suggestions (JSON-RPC), {suggest['total']:,} "
            f"articles | {fmt(suggest['ms'])} | {queries_cell(suggest)} "
            f"| {fmt(suggest['sql_ms'])} | 5 suggested |"
        )
    for key, label in (("help_search", "help search"), ("suggest", "suggestions")):
        measured = ratio(
            results[f"{key}_{large}"]["ms"], results[f"{key}_{small}"]["ms"]
        )
        lines.append(
            f"| ratio {label} {large:,} ÷ {small:,} articles | {measured} | | "
            "| no goal yet (PERFORMANCE.md §2) |"
        )
    return lines


def dispatch_lines(results):
    lines = []
    for result in results["dispatch"]:
        low, high = result["queries"][0], result["queries"][-1]
        queries = str(low) if low == high else f"{low}–{high}"
        lines.append(
            f"| `action_auto_assign()`, {result['technicians']:,} technicians, "
            f"{result['orders']:,} open orders ({result['planned']:,} planned) "
            f"| {result['ms']:.1f} | {queries} | | {result['candidates']} "
            f"qualified; median of {results['dispatch_runs']} runs; goal: same "
            "queries at both sizes, under 100 ms |"
        )
    return lines


def contract_lines(results):
    def per_invoice(result, key, factor=1000):
        return result[key] * factor / max(result["invoices"], 1)

    ours = results["ours"]
    lines = [
        "| contract invoicing, ours: ms per posted invoice "
        f"| {per_invoice(ours, 'seconds'):.1f} "
        f"| {per_invoice(ours, 'queries', 1):.1f} per invoice "
        f"| {per_invoice(ours, 'sql_seconds'):.1f} "
        f"| {ours['invoices']:,} invoices of {ours['contracts_invoiced']:,} "
        f"contracts in {ours['seconds']:.1f} s; "
        f"{per_invoice(ours, 'cpu_seconds'):.1f} ms of CPU per invoice |"
    ]
    if "oca" in results:
        oca = results["oca"]
        wall = ratio(per_invoice(ours, "seconds"), per_invoice(oca, "seconds"))
        cpu = ratio(per_invoice(ours, "cpu_seconds"), per_invoice(oca, "cpu_seconds"))
        lines += [
            f"| contract invoicing, OCA `contract` {oca['version']}: drafts "
            f"by its cron, then posted | {per_invoice(oca, 'seconds'):.1f} "
            f"| {per_invoice(oca, 'queries', 1):.1f} per invoice "
            f"| {per_invoice(oca, 'sql_seconds'):.1f} "
            f"| {oca['invoices']:,} invoices in {oca['seconds']:.1f} s "
            f"(drafts {oca['create_seconds']:.1f} s); "
            f"{per_invoice(oca, 'cpu_seconds'):.1f} ms of CPU per invoice |",
            f"| ratio ours ÷ OCA per invoice | {wall} | | "
            f"| goal ≤ 0.67×; CPU only: {cpu} |",
        ]
    return lines


def print_table(results, sizes, load, profiled):
    lines = [
        f"Bench of {date.today()}: {machine()}; load average "
        f"{load[0]:.2f} at the start; Odoo {odoo_version()}; "
        f"{results['minutes']:.1f} min in all."
    ]
    if "home" in results:
        lines.append(
            f"Pages: median of {MEASURED_REQUESTS} warm requests as a logged-in "
            "portal user (tracking: public), the pages compared in a ratio "
            "requested in turn, round by round; one server with --workers=0; ms "
            "seen by the client; queries and SQL ms from Odoo's access log. "
            "Orders: batched ORM creates, then "
            f"{results['sql_inserted']:,} copies by SQL for the tracking at the "
            "largest size."
        )
    if "ours" in results:
        lines.append(
            "Contracts: monthly, in advance, one line each; ms of wall time per "
            "invoice, commits included; queries and SQL ms counted in the process."
            + (" Profiled: times inflated." if profiled else "")
        )
    lines += [
        "",
        "| measure | ms | queries | SQL ms | notes |",
        "|---|---:|---:|---:|---|",
    ]
    if "home" in results:
        lines += portal_lines(results, sizes)
        lines += knowledge_lines(results)
    if "dispatch" in results:
        lines += dispatch_lines(results)
    if "ours" in results:
        lines += contract_lines(results)
    print()
    print("\n".join(lines))


def odoo_version():
    with contextlib.suppress(Exception):
        import odoo.release

        return odoo.release.version
    return "?"


if __name__ == "__main__":
    sys.exit(main())
