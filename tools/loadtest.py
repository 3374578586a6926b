#!/usr/bin/env python3
"""Load test (issue 14 §4): ``make loadtest``.

Run as a script, it creates a throw-away database with the addons and their
demo data, adds 50 portal customers and 5 service agents with API keys, starts
Odoo with ``--workers=4`` (and ``--proxy-mode``, so that each simulated client
has its own address in X-Forwarded-For, as behind a proxy) on a free loopback
port, runs this file as a Locust locustfile, headless, for 60 s:

- 50 customers: portal home, order list, one of their order pages, the new-
  order form, create (answers to every question) and approve, then track
  their order on /service/track;
- 5 agents over JSON-2 with API keys: confirm, start, ready, done of the
  submitted orders;
- 1 client brute-forcing /service/track with wrong names (3 connections,
  one address).

Then it prints throughput and p50/p95 per step and checks: no 5xx, every order
a customer approved exists exactly once with its answers, the brute-forcing
client got 429 during the run. Exits non-zero on failure; drops the database.

Usage: tools/loadtest.py [--users 50] [--staff 5] [--time 60] [--spawn-rate 5]
                         [--keep-db]
Locust is installed by ``make loadtest`` (``pip install locust``); it is not a
requirement of the project.
"""

import csv
import itertools
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from portal_client import (  # noqa: E402
    BUILD,
    CSRF_RE,
    create_demo_db,
    csrf,
    free_port,
    odoo_shell,
    order_form_data,
    psql,
    start_server,
    stop_server,
)

DB = os.environ.get("LOADTEST_DB", "perf_loadtest")
SETUP_FILE = BUILD / "loadtest_setup.json"
RESULT_DIR = BUILD / "loadtest"

SETUP_CODE = r"""
import json
from datetime import datetime, timedelta
users = []
group_portal = env.ref("base.group_portal")
env["service.location"].search([]).write(
    {"require_resolution_code": False, "require_handover_signature": False}
)
for n in range(1, %(users)d + 1):
    login = f"lt_cust{n:02d}"
    partner = env["res.partner"].create(
        {"name": f"Load Tester{n:02d}", "email": f"{login}@example.com"}
    )
    env["res.users"].with_context(no_reset_password=True).create(
        {"login": login, "password": login, "partner_id": partner.id,
         "group_ids": [(6, 0, group_portal.ids)]}
    )
    users.append({"login": login, "last_name": f"Tester{n:02d}"})
keys = []
group_user = env.ref("service_portal.service_portal_group_user")
for n in range(1, %(staff)d + 1):
    agent = env["res.users"].with_context(no_reset_password=True).create(
        {"login": f"lt_agent{n}", "name": f"Load Agent {n}", "password": f"lt_agent{n}",
         "group_ids": [(6, 0, (env.ref("base.group_user") | group_user).ids)]}
    )
    keys.append(
        env["res.users.apikeys"].with_user(agent)._generate(
            "rpc", "load test", datetime.now() + timedelta(days=1)
        )
    )
print("SETUP=" + json.dumps({"customers": users, "keys": keys}))
"""


# --------------------------------------------------------------------------
# The locustfile (imported by Locust)
# --------------------------------------------------------------------------

if __name__ != "__main__":  # imported by Locust
    from locust import HttpUser, between, events, task
    from locust.exception import StopUser
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    # Odoo's prefork workers close a kept-alive connection after 2 s without a
    # request (ODOO_HTTP_SOCKET_TIMEOUT); a client that sends its next request
    # just then gets "RemoteDisconnected". Browsers send such a GET again on a
    # new connection; so do the simulated clients (GETs only: a POST is never
    # sent twice, so no order can be created twice by the client).
    RETRY_GET = Retry(
        total=2,
        connect=2,
        read=2,
        status=0,
        other=0,
        allowed_methods=frozenset({"GET"}),
        raise_on_status=False,
    )

    def retry_idle_gets(client):
        client.mount("http://", HTTPAdapter(max_retries=RETRY_GET))

    # Odoo's --proxy-mode trusts X-Forwarded-For only on requests that carry
    # X-Forwarded-Host: each simulated client gets an address of its own.
    RUN = os.environ.get("LOADTEST_RUN", "0")
    FORWARDED = {"X-Forwarded-Host": os.environ.get("LOADTEST_HOST", "127.0.0.1")}

    SETUP = json.loads(SETUP_FILE.read_text())
    customer_ids = itertools.count()
    agent_ids = itertools.count()
    lock = threading.Lock()
    RESULTS = {
        "approved": [],
        "server_errors": [],
        "brute_codes": {},
        "staff": {},
        "logins": [],
        "login_failures": [],
    }

    @events.request.add_listener
    def _count_5xx(name, response, exception, **kwargs):
        code = getattr(response, "status_code", 0) or 0
        if code >= 500:
            with lock:
                RESULTS["server_errors"].append([name, code])

    @events.quitting.add_listener
    def _dump(environment, **kwargs):
        (RESULT_DIR / "results.json").write_text(json.dumps(RESULTS))

    class Customer(HttpUser):
        fixed_count = int(os.environ.get("LOADTEST_USERS", "50"))
        wait_time = between(1, 3)

        def on_start(self):
            number = next(customer_ids)
            self.me = SETUP["customers"][number % len(SETUP["customers"])]
            self.ip = f"10.1.{number // 200}.{number % 200 + 1}"
            self.client.headers.update(FORWARDED, **{"X-Forwarded-For": self.ip})
            self.serials = itertools.count(1)
            self.orders = []  # (name, serial) approved
            retry_idle_gets(self.client)
            page = self.client.get("/web/login", name="login")
            token = CSRF_RE.search(page.text or "")
            logged_in = token and self.client.post(
                "/web/login",
                data={
                    "login": self.me["login"],
                    "password": self.me["login"],
                    "csrf_token": token.group(1),
                },
                name="login",
            )
            with lock:
                if logged_in and "/web/login" not in logged_in.url:
                    RESULTS["logins"].append(self.me["login"])
                else:
                    RESULTS["login_failures"].append(self.me["login"])
            if not logged_in or "/web/login" in logged_in.url:
                raise StopUser()

        @task
        def visit_and_order(self):
            self.client.get("/my", name="home /my")
            listing = self.client.get(
                "/my/service-orders", name="list /my/service-orders"
            )
            ids = re.findall(r"/my/service-orders/(\d+)", listing.text)
            ids = [i for i in ids if i.isdigit()]
            if ids:
                self.client.get(
                    f"/my/service-orders/{random.choice(ids)}",
                    name="order page /my/service-orders/<id>",
                )
            form = self.client.get("/my/service-orders/new", name="form GET /new")
            serial = f"LT-{RUN}-{self.me['login']}-{next(self.serials):03d}"
            data = order_form_data(form.text, serial, f"Load test order {serial}")
            summary = self.client.post(
                "/my/service-orders/new", data=data, name="create POST /new"
            )
            if "/summary" not in summary.url:
                return
            approved = self.client.post(
                summary.url.replace("/summary", "/approve"),
                data={"csrf_token": csrf(summary.text)},
                name="approve POST /approve",
            )
            match = re.search(r"SRV/\d+/\d+", approved.text)
            if approved.ok and "message=approved" in approved.url and match:
                answers = {k: v for k, v in data.items() if k.startswith("task_")}
                with lock:
                    RESULTS["approved"].append(
                        {"serial": serial, "name": match.group(0), "answers": answers}
                    )
                self.orders.append(match.group(0))
            if self.orders:
                page = self.client.get("/service/track", name="track GET")
                self.client.post(
                    "/service/track",
                    data={
                        "csrf_token": csrf(page.text),
                        "order_number": random.choice(self.orders),
                        "last_name": self.me["last_name"],
                    },
                    name="track POST (own order)",
                )

    class Agent(HttpUser):
        fixed_count = int(os.environ.get("LOADTEST_STAFF", "5"))
        wait_time = between(0.5, 1.5)
        STEPS = (
            ("submitted", "action_confirm"),
            ("confirmed", "action_start"),
            ("in_progress", "action_ready"),
            ("ready", "action_done"),
        )

        def on_start(self):
            key = SETUP["keys"][next(agent_ids) % len(SETUP["keys"])]
            retry_idle_gets(self.client)
            self.client.headers.update(
                {"Authorization": f"Bearer {key}", "X-Odoo-Database": DB}
            )

        def _call(self, model, method, name, **params):
            with self.client.post(
                f"/json/2/{model}/{method}", json=params, name=name, catch_response=True
            ) as response:
                if 400 <= response.status_code < 500:
                    # another agent moved the order first: a refusal, not a fault
                    response.success()
                    with lock:
                        RESULTS["staff"][f"{name} {response.status_code}"] = (
                            RESULTS["staff"].get(f"{name} {response.status_code}", 0)
                            + 1
                        )
                    return None
                return response.json() if response.ok else None

        @task
        def advance(self):
            state, method = random.choice(self.STEPS)
            found = self._call(
                "service.order",
                "search",
                "staff search (JSON-2)",
                domain=[["state", "=", state], ["serial_number", "=like", "LT-%"]],
                limit=5,
            )
            if found:
                self._call(
                    "service.order",
                    method,
                    f"staff {method} (JSON-2)",
                    ids=[random.choice(found)],
                )

    class BruteForcer(HttpUser):
        """One client guessing order numbers over three connections."""

        fixed_count = 3
        wait_time = between(0, 0.1)

        def on_start(self):
            self.client.headers.update(FORWARDED, **{"X-Forwarded-For": "10.66.0.1"})
            self.tries = itertools.count()
            retry_idle_gets(self.client)
            page = self.client.get("/service/track", name="brute track GET")
            self.token = csrf(page.text)

        @task
        def guess(self):
            with self.client.post(
                "/service/track",
                data={
                    "csrf_token": self.token,
                    "order_number": f"SRV/2026/{next(self.tries) % 5:05d}",
                    "last_name": "Guess",
                },
                name="brute track POST",
                catch_response=True,
            ) as response:
                code = response.status_code
                with lock:
                    RESULTS["brute_codes"][str(code)] = (
                        RESULTS["brute_codes"].get(str(code), 0) + 1
                    )
                if code in (200, 429):
                    response.success()


# --------------------------------------------------------------------------
# The orchestrator
# --------------------------------------------------------------------------


def check_orders(approved, run):
    """Every approved order exists exactly once, submitted or further, with
    its answers (the text answers hold the order's own serial)."""
    problems = []
    if not approved:
        return ["no order was approved"]
    serials = [order["serial"] for order in approved]
    if len(set(serials)) != len(serials):
        problems.append("a serial was recorded twice by the load test itself")
    rows = psql(
        "SELECT o.serial_number, count(DISTINCT o.id), min(o.state),"
        " count(a.id) FILTER (WHERE a.is_answered),"
        " count(a.id) FILTER (WHERE a.value_text IS NOT NULL"
        "   AND a.value_text <> 'answer ' || o.serial_number)"
        " FROM service_order o LEFT JOIN service_order_answer a ON a.order_id = o.id"
        f" WHERE o.serial_number LIKE 'LT-{run}-%' GROUP BY o.serial_number",
        db=DB,
    )
    found = {}
    for line in rows.splitlines():
        serial, count, state, answered, foreign = line.split("|")
        found[serial] = (int(count), state, int(answered), int(foreign))
    for order in approved:
        count, state, answered, foreign = found.get(order["serial"], (0, None, 0, 0))
        if count != 1:
            problems.append(f"{order['serial']}: {count} orders")
        elif state == "draft":
            problems.append(f"{order['serial']}: still a draft")
        elif not answered or foreign:
            problems.append(f"{order['serial']}: answers {answered}, foreign {foreign}")
    counts = psql(
        "SELECT count(*) FROM (SELECT serial_number FROM service_order"
        f" WHERE serial_number LIKE 'LT-{run}-%' GROUP BY serial_number"
        " HAVING count(*) > 1) dup",
        db=DB,
    )
    if int(counts):
        problems.append(f"{counts} serials saved more than once")
    return problems


def print_stats(seconds):
    print("\n| step | requests | failures | req/s | p50 ms | p95 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    with open(RESULT_DIR / "stats_stats.csv") as handle:
        for row in csv.DictReader(handle):
            print(
                f"| {row['Type']} {row['Name']} | {row['Request Count']}"
                f" | {row['Failure Count']}"
                f" | {float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} |"
            )


def main():
    import argparse  # noqa: PLC0415

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--staff", type=int, default=5)
    parser.add_argument("--time", type=int, default=60, help="seconds")
    parser.add_argument(
        "--spawn-rate",
        type=float,
        default=5,
        help="clients started per second (5: the 58 clients in 12 s)",
    )
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument(
        "--reuse-db",
        action="store_true",
        help="use $LOADTEST_DB as it is (addons and demo data installed)",
    )
    options = parser.parse_args()
    RESULT_DIR.mkdir(parents=True, exist_ok=True)
    if not options.reuse_db:
        print(f"Creating {DB} (addons + demo data) ...", flush=True)
        create_demo_db(DB, "loadtest_install.log")
    if not options.reuse_db or not SETUP_FILE.exists():
        out = odoo_shell(
            DB, SETUP_CODE % {"users": options.users, "staff": options.staff}
        )
        setup = re.search(r"^SETUP=(.*)$", out, re.M).group(1)
        SETUP_FILE.write_text(setup)
    run = int(time.time())
    port = free_port()
    server = start_server(
        DB,
        port,
        "loadtest_odoo.log",
        "--workers=4",
        "--proxy-mode",
        "--limit-time-real=120",
    )
    env = dict(
        os.environ,
        LOADTEST_USERS=str(options.users),
        LOADTEST_STAFF=str(options.staff),
        LOADTEST_DB=DB,
        LOADTEST_HOST=f"127.0.0.1:{port}",
        LOADTEST_RUN=str(run),
    )
    total = options.users + options.staff + 3
    try:
        print(
            f"Locust: {total} users for {options.time} s on port {port} ...", flush=True
        )
        subprocess.run(
            [
                str(Path(sys.executable).parent / "locust"),
                "-f",
                __file__,
                "--headless",
                "--host",
                f"http://127.0.0.1:{port}",
                "-u",
                str(total),
                "-r",
                str(options.spawn_rate),
                "-t",
                f"{options.time}s",
                "--csv",
                str(RESULT_DIR / "stats"),
                "--only-summary",
                "--exit-code-on-error",
                "0",
            ],
            env=env,
            check=True,
            cwd=BUILD,
        )
    finally:
        stop_server(server)
    results = json.loads((RESULT_DIR / "results.json").read_text())
    print_stats(options.time)
    problems = []
    if results["server_errors"]:
        problems.append(
            f"{len(results['server_errors'])} answers 5xx:"
            f" {results['server_errors'][:5]}"
        )
    problems += check_orders(results["approved"], run)
    if results["login_failures"]:
        problems.append(
            f"{len(results['login_failures'])} customers could not log in:"
            f" {results['login_failures'][:5]}"
        )
    if not results["brute_codes"].get("429"):
        problems.append(
            f"the brute-forcing client never got 429: {results['brute_codes']}"
        )
    print(
        f"\napproved orders: {len(results['approved'])}, all found once with answers: "
        f"{'yes' if not any('LT-' in p for p in problems) else 'no'}"
    )
    print(
        f"customers logged in: {len(results['logins'])}"
        f" (failed: {len(results['login_failures'])})"
    )
    print(f"5xx answers: {len(results['server_errors'])}")
    print(f"brute-forcing client, status codes: {results['brute_codes']}")
    print(
        f"agents' refusals (an order moved by another agent first): {results['staff']}"
    )
    if not options.keep_db:
        psql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    if problems:
        print("\nload test FAILED:\n- " + "\n- ".join(problems))
        sys.exit(1)
    print("\nload test passed")


if __name__ == "__main__":
    main()
