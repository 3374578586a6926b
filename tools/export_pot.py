#!/usr/bin/env python3
"""Regenerate addons/<addon>/i18n/<addon>.pot for the given addons.

Creates a throw-away database with the addons installed (no demo data),
exports the templates with ``odoo-bin i18n export`` and drops the database.

Usage: tools/export_pot.py addon [addon ...]
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"


def main(addons):
    if not addons:
        sys.exit(__doc__)
    odoo_bin = os.path.join((BUILD / "odoo_src").read_text().strip(), "odoo-bin")
    conf = str(BUILD / "odoo.conf")
    db = f"service_pot_{os.getpid()}"
    base = [sys.executable, odoo_bin]
    try:
        subprocess.run(
            [
                *base,
                "-c",
                conf,
                "-d",
                db,
                "-i",
                ",".join(addons),
                "--stop-after-init",
                "--no-http",
                "--log-level=warn",
            ],
            check=True,
        )
        for addon in addons:
            (ROOT / "addons" / addon / "i18n").mkdir(exist_ok=True)
        subprocess.run(
            # modules before -l: -l takes one or more values
            [*base, "i18n", "export", "-c", conf, "-d", db, *addons, "-l", "pot"],
            check=True,
        )
    finally:
        subprocess.run(["dropdb", "--if-exists", db], check=False)


if __name__ == "__main__":
    main(sys.argv[1:])
