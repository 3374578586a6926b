#!/usr/bin/env python3
"""Do the portal's reads go to the read replica? (issue 14 §4)

Needs the replica of tools/replica.sh running (127.0.0.1:5433). Creates a
throw-away database with the addons and their demo data (or uses --db),
starts Odoo with ``--db_replica_host=127.0.0.1 --db_replica_port=5433``, logs
in as the demo customer ``anna``, requests the portal lists, an order page,
the contracts list, the help centre and the tracking form, then creates and
approves an order through the portal form. Prints, for the database, the
transactions and rows read on the replica and on the primary during each
phase (``pg_stat_database``: each server counts its own sessions only), and
checks that the order was written on the primary and replayed on the replica.

Usage: tools/replica_check.py [--db DB] [--keep-db] [--requests N]
"""

import argparse
import re
import sys
import time

import requests
from portal_client import (
    create_demo_db,
    csrf,
    free_port,
    login,
    order_form_data,
    psql,
    start_server,
    stop_server,
)

REPLICA = {"host": "127.0.0.1", "port": 5433}
STATS = "SELECT xact_commit + xact_rollback, tup_returned, tup_fetched, tup_inserted"


def stats(db, replica):
    where = {"host": REPLICA["host"], "port": REPLICA["port"]} if replica else {}
    time.sleep(1.5)  # backends flush their statistics about once a second
    out = psql(f"{STATS} FROM pg_stat_database WHERE datname = '{db}'", **where)
    return [int(v) for v in out.split("|")]


def primary_stats_with_inserts(db, before):
    """The primary's statistics once they count new inserts: a backend that
    went idle reports its statistics up to 10 s later (PostgreSQL's
    PGSTAT_IDLE_INTERVAL), so wait for them, at most 15 s."""
    deadline = time.time() + 15
    current = stats(db, False)
    while current[3] <= before[3] and time.time() < deadline:
        current = stats(db, False)
    return current


def delta(before, after):
    return [b - a for a, b in zip(before, after, strict=True)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--db", help="an existing database with the addons and demo data"
    )
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--requests", type=int, default=20, help="GETs per page")
    options = parser.parse_args()
    try:
        psql("SELECT pg_is_in_recovery()", **REPLICA)
    except Exception:  # noqa: BLE001
        sys.exit("No replica on 127.0.0.1:5433: run tools/replica.sh first.")

    db = options.db or "perf_replica_check"
    run = int(time.time())
    if not options.db:
        print(f"Creating {db} (addons + demo data) ...", flush=True)
        create_demo_db(db, "replica_check_install.log")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(
        db,
        port,
        "replica_check_odoo.log",
        "--workers=2",
        f"--db_replica_host={REPLICA['host']}",
        f"--db_replica_port={REPLICA['port']}",
    )
    try:
        session = requests.Session()
        login(session, base, "anna", "anna", db)
        order_path = session.get(base + "/my/service-orders")
        order_id = re.search(r"/my/service-orders/(\d+)", order_path.text).group(1)
        pages = [
            "/my/service-orders",
            "/my/service-orders?filterby=all",
            f"/my/service-orders/{order_id}",
            "/my/service-contracts",
            "/service/help",
            "/service/track",
        ]
        for path in pages:  # warm: assets, caches, tokens
            session.get(base + path)

        rows = []
        after = stats(db, False), stats(db, True)
        for label, paths in (
            (f"{options.requests} GETs of 5 read-only pages", pages[:2] + pages[3:]),
            (f"{options.requests} GETs of the order page (read/write)", pages[2:3]),
        ):
            before = after
            for path in paths:
                for _ in range(options.requests):
                    response = session.get(base + path)
                    if response.status_code != 200:
                        raise RuntimeError(f"{path}: {response.status_code}")
            after = stats(db, False), stats(db, True)
            rows.append((label, delta(before[0], after[0]), delta(before[1], after[1])))

        before = after
        form = session.get(base + "/my/service-orders/new")
        data = order_form_data(
            form.text, f"REPLICA-{run}", "Created during the replica check"
        )
        summary = session.post(base + "/my/service-orders/new", data=data)
        if "/summary" not in summary.url:
            errors = re.findall(r"invalid-feedback[^>]*>([^<]+)", summary.text)
            raise RuntimeError(f"the order form was refused: {errors}")
        approved = session.post(
            summary.url.replace("/summary", "/approve"),
            data={"csrf_token": csrf(summary.text)},
        )
        approved.raise_for_status()
        after = primary_stats_with_inserts(db, before[0]), stats(db, True)
        rows.append(
            (
                "create + approve one order (form, summary, approve)",
                delta(before[0], after[0]),
                delta(before[1], after[1]),
            )
        )
    finally:
        stop_server(server)

    print(f"\npg_stat_database of {db}, change during each phase")
    print(
        "(transactions = xact_commit + xact_rollback;"
        " rows = tup_returned + tup_fetched)\n"
    )
    print(
        "| phase | primary: transactions / rows read / inserted"
        " | replica: transactions / rows read |"
    )
    print("|---|---|---|")
    for name, primary, replica in rows:
        print(
            f"| {name} | {primary[0]} / {primary[1] + primary[2]} / {primary[3]}"
            f" | {replica[0]} / {replica[1] + replica[2]} |"
        )
    count_sql = (
        f"SELECT count(*) FROM service_order WHERE serial_number = 'REPLICA-{run}'"
    )
    on_primary = int(psql(count_sql, db=db))
    time.sleep(1)
    on_replica = int(psql(count_sql, db=db, **REPLICA))
    print(
        f"\norder REPLICA-{run}: {on_primary} on the primary,"
        f" {on_replica} on the replica (replayed)"
    )

    reads, _order_page, writes = rows
    ok = (
        reads[2][0] > 0  # reads served by the replica
        and reads[2][0] >= reads[1][0]  # ... more than by the primary
        and writes[1][3] > 0  # the order inserted on the primary
        and on_primary == 1
        and on_replica == 1
    )
    if not options.db and not options.keep_db:
        psql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
    print("replica check " + ("passed" if ok else "FAILED"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
