#!/usr/bin/env bash
# Prepare a local environment: find Odoo 19, create .venv with the Python
# requirements, write build/odoo.conf. Idempotent; safe to run again.
#
# Odoo is found, in this order: $ODOO_SRC, `import odoo` of python3, ./.odoo-src
# (a previous clone), else a shallow clone of the official 19.0 branch (needs
# internet access).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PYTHON=${PYTHON:-python3}
VENV=${VENV:-$ROOT/.venv}
ODOO_REPO=${ODOO_REPO:-https://github.com/odoo/odoo.git}

find_odoo() {
    if [ -n "${ODOO_SRC:-}" ] && [ -f "$ODOO_SRC/odoo-bin" ]; then
        echo "$ODOO_SRC"; return
    fi
    local found
    found=$("$PYTHON" -c 'import os, odoo.release as r; print(os.path.dirname(os.path.dirname(os.path.abspath(r.__file__))))' 2>/dev/null || true)
    if [ -n "$found" ] && [ -f "$found/odoo-bin" ]; then
        echo "$found"; return
    fi
    if [ -f "$ROOT/.odoo-src/odoo-bin" ]; then
        echo "$ROOT/.odoo-src"; return
    fi
    echo "Odoo 19 not found: cloning the official 19.0 branch into .odoo-src" >&2
    git clone --depth 1 --branch 19.0 "$ODOO_REPO" "$ROOT/.odoo-src" >&2
    echo "$ROOT/.odoo-src"
}

ODOO=$(find_odoo)
echo "Odoo source: $ODOO"

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.requirements.sha"
want=$(cat requirements.txt requirements-test.txt | sha1sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r requirements-test.txt
    echo "$want" > "$stamp"
fi
site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
echo "$ODOO" > "$site/odoo19.pth"
"$VENV/bin/python" -c 'import odoo.release as r; assert r.version_info[0] == 19, r.version' \
    || { echo "Odoo at $ODOO is not 19.0" >&2; exit 1; }

mkdir -p build
sed "s#^addons_path *=.*#addons_path = $ODOO/addons,$ROOT/addons#" odoo.conf > build/odoo.conf
echo "$ODOO" > build/odoo_src
echo "Environment ready: $VENV, build/odoo.conf"
