#!/usr/bin/env python3
"""Benchmark of ``service.order.action_auto_assign()`` (service_dispatch,
issue 9 "Performance") on a throw-away database; CI does not run it.

1. creates a database ``bench_dispatch_<pid>`` and installs service_portal
   and service_dispatch (no demo data), as tools/bench.py does;
2. in one Python process with its own registry (``--worker``), for each
   size, a new company (its working hours: the company's calendar), three
   locations, five skills, ten zones, fifty customers in those zones, then
   by batched ORM creates: the technicians (internal users of
   service_portal.service_portal_group_user with skills, zones, locations, a
   capacity of 0 or 1,000, a resource on the company's calendar) and the open
   orders spread over them (submitted, confirmed, in progress; half of them
   with a planned slot of one hour in the next 14 days);
3. as a service manager of that company, times ``action_auto_assign()`` on
   one new unassigned order (two required skills, one location, two hours):
   one warm-up run, then the median of 10 runs, each on a new order created
   (not timed) inside a savepoint that is rolled back afterwards. The cache
   is emptied before each run; the time includes the flush of the writes.
   Queries: ``cr.sql_log_count`` before and after.

Sizes: 5 technicians and 100 orders, then 200 and 10,000 (``--quick``: 200
and 1,000). Prints one Markdown table. Logs in build/bench/. The database is
dropped at the end unless ``--keep-db``.

Usage: tools/bench_dispatch.py [--keep-db] [--quick]
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date, datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench import (  # noqa: E402  (tools/bench.py: same database handling)
    BUILD,
    LOGS,
    QUIET,
    ROOT,
    machine,
    odoo_env,
    odoo_version,
    psql_admin,
    run_odoo,
    step,
)

ADDONS = ["service_portal", "service_dispatch"]
SIZES = {"full": [(5, 100), (200, 10_000)], "quick": [(5, 100), (200, 1_000)]}
RUNS = 10
RESULT_PREFIX = "BENCH-DISPATCH "
SERVICE_USER = "service_portal.service_portal_group_user"
SERVICE_MANAGER = "service_portal.service_portal_group_manager"
OPEN_STATES = ("submitted", "confirmed", "in_progress")


def build(env, technicians, orders):
    """A company with ``technicians`` and ``orders`` open orders; returns
    what the measure needs."""
    from odoo import Command

    tag = f"{technicians}x{orders}"
    company = env["res.company"].create({"name": f"Bench dispatch {tag}"})
    calendar = company.resource_calendar_id
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    locations = env["service.location"].create(
        [{"name": f"Bench {tag} site {i}", "company_id": company.id} for i in range(3)]
    )
    skills = env["service.skill"].create(
        [{"name": f"Bench {tag} skill {i}"} for i in range(5)]
    )
    zones = env["service.zone"].create(
        [
            {"name": f"Zone {i}", "code": f"Z{i}", "company_id": company.id}
            for i in range(10)
        ]
    )
    partners = env["res.partner"].create(
        [
            {
                "name": f"Bench {tag} customer {i}",
                "company_id": company.id,
                "service_zone_id": zones[i % 10].id,
            }
            for i in range(50)
        ]
    )
    group = env.ref(SERVICE_USER)
    users = env["res.users"].with_context(**QUIET)
    techs = users.browse()
    for start in range(0, technicians, 100):
        techs |= users.create(
            [
                {
                    "name": f"Technician {tag} {i:03d}",
                    "login": f"bench_tech_{tag}_{i}",
                    "tz": "UTC",
                    "company_id": company.id,
                    "company_ids": [Command.set(company.ids)],
                    "group_ids": [Command.set(group.ids)],
                    # everyone has skill 0, half skill 1, the others at random
                    "service_skill_ids": [
                        Command.set(
                            [
                                skills[s].id
                                for s in range(5)
                                if s == 0 or (s == 1 and i % 2 == 0) or (i + s) % 3 == 0
                            ]
                        )
                    ],
                    "service_zone_ids": [
                        Command.set([zones[i % 10].id, zones[(i + 3) % 10].id])
                    ],
                    "service_location_ids": [
                        Command.set(
                            list({locations[i % 3].id, locations[0].id})
                            if i % 3 != 2
                            else [locations[i % 3].id]
                        )
                    ],
                    "service_capacity": 0 if i % 3 == 0 else 1000,
                }
                for i in range(start, min(technicians, start + 100))
            ]
        )
    env["resource.resource"].create(
        [
            {
                "name": tech.name,
                "user_id": tech.id,
                "company_id": company.id,
                "calendar_id": calendar.id,
                "tz": "UTC",
            }
            for tech in techs
        ]
    )
    # half of the orders planned: per technician, three one-hour slots a day
    # (09:00, 11:00, 14:00 UTC) from today on, within 14 days
    today = datetime.combine(date.today(), datetime.min.time())
    Order = env["service.order"].with_context(**QUIET)

    def values(i):
        tech_index, nth = i % technicians, i // technicians
        vals = {
            "partner_id": partners[i % 50].id,
            "company_id": company.id,
            "location_id": locations[i % 3].id,
            "user_id": techs[tech_index].id,
            "state": OPEN_STATES[i % 3],
            "required_skill_ids": [Command.set(skills[:1].ids)],
            "serial_number": f"SN-{tag}-{i:06d}",
            "device_description": "Black, small scratch on the back",
            "problem_description": "Does not start after an update.",
            "request_type": "repair",
        }
        if nth % 2 == 0:
            slot = nth // 2
            start = today + timedelta(
                days=(slot // 3) % 14, hours=(9, 11, 14)[slot % 3]
            )
            vals["date_planned_start"] = start
            vals["date_planned_end"] = start + timedelta(hours=1)
        return vals

    for start in range(0, orders, 1000):
        Order.create([values(i) for i in range(start, min(orders, start + 1000))])
    dispatcher = users.create(
        {
            "name": f"Dispatcher {tag}",
            "login": f"bench_dispatcher_{tag}",
            "company_id": company.id,
            "company_ids": [Command.set(company.ids)],
            "group_ids": [Command.set(env.ref(SERVICE_MANAGER).ids)],
        }
    )
    env.flush_all()
    env.cr.commit()  # allowed: a script on its throw-away database
    env.cr.execute("ANALYZE")
    env.cr.execute(
        "SELECT count(*), count(date_planned_start) FROM service_order"
        " WHERE company_id = %s",
        [company.id],
    )
    _total, planned = env.cr.fetchone()
    return {
        "planned": planned,
        "company": company.id,
        "dispatcher": dispatcher.id,
        "location": locations[0].id,
        "partner": partners[0].id,
        "skills": skills[:2].ids,
    }


def measure(env, data):
    """Median ms and queries of ``action_auto_assign()`` on a new order."""
    from odoo import Command

    cr = env.cr
    env = env(
        user=data["dispatcher"],
        context=dict(env.context, allowed_company_ids=[data["company"]]),
    )
    Order = env["service.order"].with_context(**QUIET)
    samples = []
    for run in range(RUNS + 1):
        savepoint = cr.savepoint()
        order = Order.create(
            {
                "partner_id": data["partner"],
                "company_id": data["company"],
                "location_id": data["location"],
                "required_skill_ids": [Command.set(data["skills"])],
                "planned_hours": 2.0,
                "serial_number": f"SN-NEW-{run}",
                "request_type": "repair",
            }
        )
        env.flush_all()
        env.invalidate_all()
        before = cr.sql_log_count
        started = time.perf_counter()
        order.action_auto_assign()
        env.flush_all()
        elapsed = (time.perf_counter() - started) * 1000
        queries = cr.sql_log_count - before
        assigned = bool(order.user_id and order.date_planned_start)
        if not run:
            ranked, _error = order._dispatch_rank()
            candidates = len(ranked)
        savepoint.close(rollback=True)
        env.invalidate_all()
        if not assigned:
            sys.exit("the order was not assigned")
        if run:  # run 0 warms the caches that do not depend on the data
            samples.append((elapsed, queries))
    queries = sorted({q for _ms, q in samples})
    return {
        "ms": statistics.median(ms for ms, _q in samples),
        "queries": queries,
        "candidates": candidates,
    }


def work(env, sizes):
    results = []
    for technicians, orders in sizes:
        started = time.perf_counter()
        data = build(env, technicians, orders)
        seconds = time.perf_counter() - started
        result = measure(env, data)
        result.update(
            technicians=technicians,
            orders=orders,
            planned=data["planned"],
            build_s=seconds,
        )
        print(f"{technicians} x {orders}: {result}", file=sys.stderr, flush=True)
        results.append(result)
    return results


def worker(db, sizes):
    with odoo_env(db) as env:
        results = work(env, sizes)
    print(RESULT_PREFIX + json.dumps(results), flush=True)


def run_worker(db, sizes):
    import subprocess

    cmd = [sys.executable, __file__, "--worker", "--db", db]
    cmd += ["--sizes", json.dumps(sizes)]
    with open(LOGS / "dispatch.log", "w") as log:
        proc = subprocess.run(
            cmd, stdout=subprocess.PIPE, stderr=log, text=True, cwd=ROOT
        )
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX) :])
    sys.exit(f"the measure failed: see {LOGS / 'dispatch.log'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--quick", action="store_true", help="1,000 orders")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--sizes", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        return worker(options.db, json.loads(options.sizes))
    if not (BUILD / "odoo_src").exists():
        sys.exit("Run tools/setup.sh (or make setup) first.")
    LOGS.mkdir(parents=True, exist_ok=True)
    sizes = SIZES["quick" if options.quick else "full"]
    db = f"bench_dispatch_{os.getpid()}"
    started = time.time()
    load = os.getloadavg()
    try:
        step(f"installing {', '.join(ADDONS)} in the new database {db}")
        run_odoo(db, ["-i", ",".join(ADDONS)], "dispatch_install.log")
        step("technicians and orders (batched ORM creates), then the measures")
        results = run_worker(db, sizes)
    finally:
        if not options.keep_db:
            psql_admin(f'DROP DATABASE IF EXISTS "{db}"')
    minutes = (time.time() - started) / 60
    print()
    print(
        f"Bench of {date.today()}: {machine()}; load average {load[0]:.2f} at "
        f"the start; Odoo {odoo_version()}; {minutes:.1f} min in all. "
        f"`action_auto_assign()` on one new order as a service manager: "
        f"median of {RUNS} runs after one warm-up, cache emptied before each."
    )
    print()
    print(
        "| technicians | open orders (planned) | qualified | median ms "
        "| queries | data built in |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for r in results:
        queries = "–".join(str(q) for q in (r["queries"][0], r["queries"][-1]))
        if r["queries"][0] == r["queries"][-1]:
            queries = str(r["queries"][0])
        print(
            f"| {r['technicians']:,} | {r['orders']:,} ({r['planned']:,}) "
            f"| {r['candidates']} | {r['ms']:.1f} "
            f"| {queries} | {r['build_s']:.0f} s |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
