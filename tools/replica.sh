#!/usr/bin/env bash
# A streaming read replica of the local PostgreSQL, to try Odoo's
# --db_replica_host/--db_replica_port (routes marked readonly=True go there).
#
#   tools/replica.sh [start]   pg_basebackup -R of the primary into build/replica,
#                              started on port 5433 (127.0.0.1 and a socket in
#                              build/replica), streaming from the primary
#   tools/replica.sh status    is it running, is it a standby, its replay lag
#   tools/replica.sh stop      stops it (the copy stays; `rm -rf build/replica`
#                              to drop it, start makes a fresh copy then)
#
# Environment: REPLICA_PORT (5433), PRIMARY_HOST (/var/run/postgresql),
# PRIMARY_PORT (5432), PG_BIN (/usr/lib/postgresql/15/bin).
#
# The server refuses to run as root: the replica runs as the `postgres` system
# user (the owner of build/replica/data). The primary needs wal_level=replica
# (PostgreSQL's default) and a pg_hba.conf line for replication connections:
# `all` in the database column does not cover them. When it is missing, this
# script says so and appends `local replication postgres trust` to the
# primary's pg_hba.conf, then reloads it (a local socket only, same trust as
# the existing `local all all trust`).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$ROOT/build/replica"
DATA="$DIR/data"
LOG="$DIR/replica.log"
REPLICA_PORT="${REPLICA_PORT:-5433}"
PRIMARY_HOST="${PRIMARY_HOST:-/var/run/postgresql}"
PRIMARY_PORT="${PRIMARY_PORT:-5432}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_USER=postgres

as_pg() {
	if [ "$(id -un)" = "$PG_USER" ]; then "$@"; else runuser -u "$PG_USER" -- "$@"; fi
}

primary_sql() {
	psql -X -At -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -d postgres -c "$1"
}

running() {
	as_pg "$PG_BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

ensure_replication_allowed() {
	local wal_level hba
	wal_level="$(primary_sql 'SHOW wal_level')"
	if [ "$wal_level" = "minimal" ]; then
		echo "The primary has wal_level=minimal: set wal_level=replica in its" \
			"postgresql.conf and restart it (not done by this script)." >&2
		exit 1
	fi
	hba="$(primary_sql 'SHOW hba_file')"
	if ! grep -Eq '^[[:space:]]*local[[:space:]]+replication[[:space:]]' "$hba"; then
		echo "The primary's $hba has no line for local replication connections:"
		echo "appending 'local replication $PG_USER trust' and reloading the primary."
		printf '\n# added by %s: streaming replica of the service addons\nlocal replication %s trust\n' \
			"tools/replica.sh" "$PG_USER" >>"$hba"
		primary_sql 'SELECT pg_reload_conf()' >/dev/null
	fi
}

start() {
	if running; then
		echo "The replica is running already (port $REPLICA_PORT)."
		return
	fi
	mkdir -p "$DIR"
	chown "$PG_USER:" "$DIR" 2>/dev/null || true
	if [ ! -f "$DATA/standby.signal" ]; then
		ensure_replication_allowed
		rm -rf "$DATA"
		echo "Copying the primary (pg_basebackup -R) into $DATA ..."
		as_pg "$PG_BIN/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$PG_USER" \
			-D "$DATA" -R -X stream --checkpoint=fast
		# Debian keeps the configuration outside the data directory: the copy
		# gets a small one of its own.
		as_pg tee "$DATA/postgresql.conf" >/dev/null <<-EOF
			port = $REPLICA_PORT
			listen_addresses = '127.0.0.1'
			unix_socket_directories = '$DIR'
			hot_standby = on
			max_connections = 100
			shared_buffers = 128MB
			# statistics of the replica's own queries (pg_stat_database)
			track_counts = on
		EOF
		as_pg tee "$DATA/pg_hba.conf" >/dev/null <<-EOF
			local all all trust
			host all all 127.0.0.1/32 trust
		EOF
		as_pg rm -f "$DATA/postmaster.pid"
	fi
	as_pg "$PG_BIN/pg_ctl" -D "$DATA" -l "$LOG" -w start >/dev/null
	echo "Replica started: 127.0.0.1:$REPLICA_PORT (socket $DIR), log $LOG"
	status
}

status() {
	if ! running; then
		echo "The replica is not running."
		return 3
	fi
	psql -X -At -h 127.0.0.1 -p "$REPLICA_PORT" -d postgres -c \
		"SELECT 'in recovery (standby): ' || pg_is_in_recovery()
		 || ', replay lag: ' || coalesce((now() - pg_last_xact_replay_timestamp())::text, 'n/a')"
	primary_sql "SELECT 'primary sees: ' || coalesce(string_agg(application_name || ' ' || state || ' ' || sync_state, ', '), 'no replica')
		FROM pg_stat_replication"
}

stop() {
	if running; then
		as_pg "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
		echo "Replica stopped."
	else
		echo "The replica is not running."
	fi
}

case "${1:-start}" in
start) start ;;
stop) stop ;;
status) status ;;
*)
	echo "usage: $0 [start|stop|status]" >&2
	exit 2
	;;
esac
