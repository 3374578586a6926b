"""Small helpers shared by the service addons."""

import hashlib
from contextlib import contextmanager

from odoo.http import request
from odoo.sql_db import Cursor
from odoo.tools import SQL


def get_positive_int_param(env, key, default):
    """The positive integer of system parameter ``key``, or ``default`` when it
    is missing, not a number or not positive (a wrong setting must not open a
    limit nor break a page)."""
    try:
        value = int(env["ir.config_parameter"].sudo().get_param(key, default))
    except (TypeError, ValueError):
        return default
    return value if value > 0 else default


def readonly_on_get(controller, rule, args):
    """``readonly=`` of a route whose GET only shows a page and whose POST
    saves: the GET is served on a read-only cursor (the replica with
    ``db_replica_host``), the POST on a read/write one."""
    return request.httprequest.method == "GET"


def advisory_lock_key(value):
    """A signed 32-bit key for ``pg_advisory_xact_lock``, the same in every
    worker and server (unlike ``hash()``)."""
    digest = hashlib.blake2b(str(value).encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


@contextmanager
def read_committed_env(env, lock_timeout):
    """A superuser environment on a transaction of its own, committed when the
    block ends (rolled back on an error), for the database-backed rate limits.

    READ COMMITTED, unlike Odoo's requests (REPEATABLE READ, whose snapshot is
    taken long before a lock is granted): a count made after waiting for an
    advisory lock sees everything committed before it. ``lock_timeout``: a
    lock not granted by then fails the request, which Odoo retries. (In tests
    the cursor is a savepoint of the test's transaction and keeps its level.)
    """
    with env.registry.cursor() as cr:
        if isinstance(cr, Cursor):
            cr.execute(
                SQL(
                    "SET TRANSACTION ISOLATION LEVEL READ COMMITTED;"
                    " SET LOCAL lock_timeout = %s",
                    lock_timeout,
                )
            )
        yield env(cr=cr, su=True)


def take_advisory_locks(cr, keys):
    """Wait for, then hold until the end of the transaction, the advisory
    locks ``keys`` (``(namespace, key)`` pairs of int4), in this order (a
    select list is evaluated from left to right): callers that list them in
    the same order never deadlock."""
    cr.execute(
        SQL(
            "SELECT %s",
            SQL(", ").join(
                SQL("pg_advisory_xact_lock(%s, %s)", namespace, key)
                for namespace, key in keys
            ),
        )
    )
