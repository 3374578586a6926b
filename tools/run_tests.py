#!/usr/bin/env python3
"""Run every test of the project's addons on a fresh, throw-away database.

1. creates a database with the seven languages the addons ship loaded,
   installs all addons of ``addons/`` with Odoo's test runner (at_install
   and post_install tests, HTTP tests and browser tours);
2. upgrades the addons (``-u``) and uninstalls them on the same database;
3. drops the database and prints a closing line ``N passed, N failed, N skipped``.

Exits non-zero on any failing, erroring or skipped test (a tour skipped because
Chromium or websocket-client is missing is a failure), on an error logged while
installing, upgrading or uninstalling, or when no test ran at all.

Usage: tools/run_tests.py [--keep-db] [--tags TAGS] [--no-lifecycle] [addon ...]
"""

import argparse
import ast
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
RESULT_RE = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests")
LOG_RE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) "
    r"(?P<logger>\S+): (?P<msg>.*)$"
)
SKIP_RE = re.compile(r"^skipped (?P<test>\S+) : (?P<reason>.*)")
# The languages the addons ship (tools/po.py LANGS): installed with their
# translations, so that the tests render pages and e-mails in them. English
# first: Odoo makes the first language of --load-language the default one of
# new contacts and of the main company.
LANGUAGES = "en_US,pl_PL,es_ES,bg_BG,it_IT,sv_SE,fi_FI,de_DE"


def project_addons():
    addons = []
    for manifest in sorted((ROOT / "addons").glob("*/__manifest__.py")):
        data = ast.literal_eval(manifest.read_text())
        if data.get("installable", True):
            addons.append(manifest.parent.name)
    return addons


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def odoo_cmd(db, *args):
    odoo_src = (BUILD / "odoo_src").read_text().strip()
    return [
        sys.executable,
        os.path.join(odoo_src, "odoo-bin"),
        "-c",
        str(BUILD / "odoo.conf"),
        "-d",
        db,
        "--http-interface=127.0.0.1",
        f"--http-port={free_port()}",
        "--workers=0",
        "--max-cron-threads=0",
        "--log-level=info",
        *args,
    ]


class LogScan:
    """Reads Odoo's log, keeps what matters and echoes a readable digest."""

    def __init__(self, name):
        self.name = name
        self.errors = []
        self.warnings = []
        self.skipped = []
        self.results = []
        self.tests_started = 0
        self.capture = 0  # lines of a traceback still to echo

    def feed(self, line, echo):
        match = LOG_RE.match(line)
        if not match:
            if self.capture and echo:
                print("    " + line)
            return
        self.capture = 0
        level, logger, msg = match["level"], match["logger"], match["msg"]
        if msg.startswith("Starting ") and ".tests." in logger:
            self.tests_started += 1
        if result := RESULT_RE.search(msg):
            if logger == "odoo.tests.result":
                self.results.append(tuple(int(x) for x in result.groups()))
        if skip := SKIP_RE.match(msg):
            self.skipped.append(f"{skip['test']}: {skip['reason']}")
            if echo:
                print(f"SKIPPED {skip['test']}: {skip['reason']}")
        if level in ("ERROR", "CRITICAL"):
            self.errors.append(f"{logger}: {msg}")
            self.capture = 1
            if echo:
                print(f"{level} {logger}: {msg}")
        elif level == "WARNING":
            warning = f"{logger}: {msg}"
            if echo and warning not in self.warnings:
                print(f"WARNING {warning}")
            self.warnings.append(warning)


def run_odoo(db, args, log_name, echo=True):
    log_path = BUILD / log_name
    scan = LogScan(log_name)
    cmd = odoo_cmd(db, *args)
    print("$ " + " ".join(cmd[1:]), flush=True)
    started = time.time()
    with (
        open(log_path, "w") as log,
        subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=ROOT,
        ) as proc,
    ):
        for line in proc.stdout:
            log.write(line)
            scan.feed(line.rstrip("\n"), echo)
    scan.returncode = proc.returncode
    print(f"  ({time.time() - started:.0f}s, full log in {log_path})", flush=True)
    return scan


def psql_admin(sql):
    subprocess.run(
        ["psql", "-X", "-q", "-d", "postgres", "-c", sql],
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("addons", nargs="*", help="addons to test (default: all)")
    parser.add_argument("--tags", help="extra --test-tags filter, e.g. :TestClass")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument(
        "--no-lifecycle",
        action="store_true",
        help="skip the upgrade and uninstall checks",
    )
    options = parser.parse_args()

    if not (BUILD / "odoo_src").exists():
        sys.exit("Run tools/setup.sh (or make setup) first.")
    addons = options.addons or project_addons()
    db = os.environ.get("TEST_DB") or f"service_test_{os.getpid()}"
    psql_admin(f'DROP DATABASE IF EXISTS "{db}"')
    tags = ",".join(f"/{addon}{options.tags or ''}" for addon in addons)

    problems = []
    try:
        scan = run_odoo(
            db,
            [
                "-i",
                ",".join(addons),
                f"--load-language={LANGUAGES}",
                "--test-enable",
                f"--test-tags={tags}",
                "--stop-after-init",
            ],
            "test.log",
        )
        failed = errors = total = 0
        if scan.results:
            failed, errors, total = scan.results[-1]
        skipped = len(scan.skipped)
        if scan.returncode:
            problems.append(f"Odoo exited with code {scan.returncode}")
        if not scan.results:
            problems.append("Odoo printed no test result")
        if total == 0:
            problems.append("no test ran")
        if skipped:
            problems.append(f"{skipped} test(s) skipped")
        logged_errors = [e for e in scan.errors if not RESULT_RE.search(e)]
        if logged_errors and not (failed or errors):
            problems.append(f"{len(logged_errors)} error(s) logged outside tests")

        if not options.no_lifecycle and not problems:
            upgrade = run_odoo(
                db, ["-u", ",".join(addons), "--stop-after-init"], "upgrade.log"
            )
            ours = [
                w
                for w in upgrade.warnings + upgrade.errors
                if any(a in w for a in addons)
            ]
            if upgrade.returncode or upgrade.errors or ours:
                problems.append(
                    "upgrade (-u) logged errors or warnings: "
                    + "; ".join((upgrade.errors + ours)[:5])
                )
            script = (
                f"mods = env['ir.module.module'].search([('name', 'in', {addons!r})])\n"
                "mods.button_immediate_uninstall()\n"
                "env.cr.commit()\n"
                "left = env['ir.module.module'].search_count("
                f"[('name', 'in', {addons!r}), ('state', '!=', 'uninstalled')])\n"
                "print('UNINSTALL-LEFT', left)\n"
            )
            cmd = odoo_cmd(db, "--no-http")
            cmd.insert(2, "shell")
            print("$ odoo-bin shell (uninstall " + ",".join(addons) + ")", flush=True)
            proc = subprocess.run(
                cmd, input=script, text=True, capture_output=True, cwd=ROOT, check=False
            )
            (BUILD / "uninstall.log").write_text(proc.stdout + proc.stderr)
            un = LogScan("uninstall.log")
            for line in (proc.stdout + proc.stderr).splitlines():
                un.feed(line, echo=True)
            if proc.returncode or un.errors or "UNINSTALL-LEFT 0" not in proc.stdout:
                problems.append("uninstall failed (see build/uninstall.log)")
    finally:
        if not options.keep_db:
            psql_admin(f'DROP DATABASE IF EXISTS "{db}"')

    passed = max(total - failed - errors - skipped, 0)
    print()
    for problem in problems:
        print(f"PROBLEM: {problem}")
    for skip in scan.skipped:
        print(f"SKIPPED: {skip}")
    print(f"{passed} passed, {failed + errors} failed, {skipped} skipped")
    return 1 if (problems or failed or errors) else 0


if __name__ == "__main__":
    sys.exit(main())
