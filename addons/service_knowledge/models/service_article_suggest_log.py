from contextlib import contextmanager
from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain

from odoo.addons.service_portal.tools import (
    advisory_lock_key,
    get_positive_int_param,
    read_committed_env,
    take_advisory_locks,
)

# Defaults of the system parameters that tune the rate limit.
DEFAULT_LIMIT_USER = 60
DEFAULT_LIMIT_IP = 300
DEFAULT_WINDOW_MINUTES = 10
PARAM_LIMIT_USER = "service_knowledge.suggest_limit_user"
PARAM_LIMIT_IP = "service_knowledge.suggest_limit_ip"
PARAM_WINDOW_MINUTES = "service_knowledge.suggest_window_minutes"

# First key of our transaction-level advisory locks (two int4 keys), distinct
# from service_portal's tracking locks ("SPT1", "SPT2").
LOCK_SUGGEST_USER = 0x534B5331  # "SKS1"
LOCK_SUGGEST_IP = 0x534B5332  # "SKS2"
# Counting takes milliseconds: a longer wait means something is stuck, the
# request fails with LockNotAvailable and Odoo retries it.
LOCK_TIMEOUT = "10s"


class ServiceArticleSuggestLog(models.Model):
    """One row per search of the new-order form's suggestions.

    Counts the searches per user and per client address within a window so
    that the suggestion route cannot be used to scrape the knowledge base or
    load the database. Stored in the database, so the limits hold across
    every Odoo worker and server; rows older than the window are removed by
    the autovacuum.
    """

    _name = "service.article.suggest.log"
    _description = "Help Article Suggestion Search"
    _order = "id desc"

    user_id = fields.Many2one("res.users", readonly=True, ondelete="cascade")
    ip = fields.Char(
        string="IP Address",
        readonly=True,
        help="IPv4 address, or the /64 network of an IPv6 address.",
    )

    _user_id_create_date_idx = models.Index("(user_id, create_date)")
    _ip_create_date_idx = models.Index("(ip, create_date)")

    @api.model
    def _get_suggest_limits(self):
        """(searches per user, searches per client address, window)."""
        env = self.env
        return (
            get_positive_int_param(env, PARAM_LIMIT_USER, DEFAULT_LIMIT_USER),
            get_positive_int_param(env, PARAM_LIMIT_IP, DEFAULT_LIMIT_IP),
            timedelta(
                minutes=get_positive_int_param(
                    env, PARAM_WINDOW_MINUTES, DEFAULT_WINDOW_MINUTES
                )
            ),
        )

    @api.model
    def _normalize_ip(self, ip):
        """The client key of the per-address limit, as the tracking page
        counts it (an IPv6 client counts as its /64 network)."""
        return self.env["service.track.attempt"]._normalize_ip(ip or "")

    @api.model
    @contextmanager
    def _suggest_gate(self, user, ip):
        """This model (sudo) on a transaction of its own, committed when the
        block ends, that first waits for the advisory locks of ``user`` and of
        ``ip``: concurrent searches of one user or one address (in any worker)
        check and count one after the other.

        READ COMMITTED, unlike Odoo's requests: each count sees the searches
        committed before the lock was granted. (In tests the cursor is a
        savepoint of the test's transaction and keeps its isolation level.)
        """
        with read_committed_env(self.env, LOCK_TIMEOUT) as env:
            take_advisory_locks(
                env.cr,
                [
                    (LOCK_SUGGEST_USER, advisory_lock_key(user.id)),
                    (LOCK_SUGGEST_IP, advisory_lock_key(self._normalize_ip(ip))),
                ],
            )
            yield self.with_env(env)

    @api.model
    def _check_and_log(self, user, ip):
        """Count the search of ``user`` from ``ip`` if both are within their
        limits, and say whether it may run. Call it inside ``_suggest_gate``."""
        limit_user, limit_ip, window = self._get_suggest_limits()
        ip = self._normalize_ip(ip)
        Log = self.sudo()
        recent = Domain("create_date", ">=", fields.Datetime.now() - window)
        if (
            Log.search_count(recent & Domain("user_id", "=", user.id), limit=limit_user)
            >= limit_user
            or Log.search_count(recent & Domain("ip", "=", ip), limit=limit_ip)
            >= limit_ip
        ):
            return False
        Log.create({"user_id": user.id, "ip": ip})
        return True

    @api.autovacuum
    def _gc_suggest_logs(self):
        """Forget the searches older than the window."""
        window = self._get_suggest_limits()[2]
        self.sudo().search(
            [("create_date", "<", fields.Datetime.now() - window)]
        ).unlink()
