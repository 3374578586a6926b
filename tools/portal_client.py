"""Helpers of the scripts that drive a running Odoo server with the addons and
their demo data over HTTP (tools/replica_check.py, tools/loadtest.py): start a
server on a throw-away database, log in to the portal, fill the new-order form.

Works with a ``requests.Session`` or anything with the same ``get``/``post``
(Locust's HttpSession)."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
ADDONS = sorted(p.name for p in (ROOT / "addons").iterdir() if p.is_dir())
CSRF_RE = re.compile(r'name="csrf_token"\s+value="([^"]+)"')


def odoo_bin():
    return [
        sys.executable,
        str(Path((BUILD / "odoo_src").read_text().strip()) / "odoo-bin"),
    ]


def free_port(first=8360, last=8379):
    """A free loopback port of the range the project's scripts use."""
    for port in range(first, last + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {first}-{last}")


def psql(sql, db="postgres", port=None, host=None):
    cmd = ["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", sql]
    if port:
        cmd += ["-p", str(port)]
    if host:
        cmd += ["-h", host]
    return subprocess.run(
        cmd, check=True, capture_output=True, text=True
    ).stdout.strip()


def create_demo_db(db, log_name):
    """A fresh database with every addon and the demo data."""
    psql(f'DROP DATABASE IF EXISTS "{db}"')
    with open(BUILD / log_name, "w") as log:
        subprocess.run(
            [
                *odoo_bin(),
                "-c",
                str(BUILD / "odoo.conf"),
                "-d",
                db,
                "-i",
                ",".join(ADDONS),
                "--with-demo",
                "--stop-after-init",
                f"--http-port={free_port()}",
                "--workers=0",
                "--max-cron-threads=0",
                "--log-level=warn",
            ],
            check=True,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def odoo_shell(db, code):
    """Run ``code`` in ``odoo-bin shell`` on ``db`` (committed at the end);
    returns what it printed."""
    result = subprocess.run(
        [*odoo_bin(), "shell", "-c", str(BUILD / "odoo.conf"), "-d", db, "--no-http"],
        input=code + "\nenv.cr.commit()\n",
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def start_server(db, port, log_name, *args):
    """An Odoo server on 127.0.0.1:port serving only ``db``; returns the
    process once it answers."""
    log = open(BUILD / log_name, "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(
        [
            *odoo_bin(),
            "-c",
            str(BUILD / "odoo.conf"),
            "-d",
            db,
            f"--db-filter=^{db}$",
            "--http-interface=127.0.0.1",
            f"--http-port={port}",
            "--max-cron-threads=0",
            *args,
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    proc.log_file = log
    import requests  # noqa: PLC0415 - the venv's

    deadline = time.time() + 180
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"Odoo exited, see build/{log_name}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/web/login", timeout=5).ok:
                return proc
        except requests.RequestException:
            pass
        time.sleep(1)
    stop_server(proc)
    raise RuntimeError(f"Odoo did not answer in time, see build/{log_name}")


def stop_server(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, 15)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()
    proc.log_file.close()


def csrf(html):
    return CSRF_RE.search(html).group(1)


def login(session, base, login_, password, db=None):
    page = session.get(base + "/web/login" + (f"?db={db}" if db else ""))
    response = session.post(
        base + "/web/login",
        data={"login": login_, "password": password, "csrf_token": csrf(page.text)},
    )
    if "/web/login" in response.url:
        raise RuntimeError(f"login {login_} refused")
    return response


def order_form_data(html, serial, problem):
    """The new-order form's fields filled in, every question answered with a
    value of its type (``task_N``), as a customer would."""
    loc = re.search(r'name="location_id".*?<option value="(\d+)"', html, re.S)
    model = re.search(r'name="device_model_id".*?<option value="(\d+)"', html, re.S)
    data = {
        "csrf_token": csrf(html),
        "device_model_id": model.group(1),
        "serial_number": serial,
        "problem_description": problem,
        "location_id": loc.group(1),
    }
    request_type = re.search(
        r'name="request_type_id".*?<option value="(\d+)"', html, re.S
    )
    if request_type:
        data["request_type_id"] = request_type.group(1)
    for name in sorted(set(re.findall(r'name="(task_\d+)"', html))):
        at = html.index(f'name="{name}"')
        block = html[max(at - 400, 0) : at + 400]
        if 'type="radio"' in block:
            data[name] = "yes"
        elif 'type="date"' in block:
            data[name] = "2026-11-01"
        elif 'type="number"' in block:
            data[name] = "1"
        elif "<select" in block:
            data[name] = re.search(r'<option value="(\d+)"', html[at:]).group(1)
        else:
            data[name] = f"answer {serial}"
    return data
