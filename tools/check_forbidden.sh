#!/usr/bin/env bash
# Fails on code patterns docs/SECURITY.md forbids in our addons:
# csrf=False, auth='none', cr.commit() outside crons, Markup() around a variable,
# t-raw in templates.
set -u
cd "$(dirname "$0")/.."
status=0
check() {
    local what=$1 pattern=$2 files=$3
    local hits
    hits=$(grep -rnE --include="$files" "$pattern" addons | grep -v "# allowed:" || true)
    if [ -n "$hits" ]; then
        echo "Forbidden: $what"
        echo "$hits"
        status=1
    fi
}
check "csrf=False on a route" "csrf *= *False" "*.py"
check "auth='none' on a route" "auth *= *['\"]none['\"]" "*.py"
check "cr.commit() outside crons (use ir.cron._commit_progress)" "cr\.commit\(\)" "*.py"
check "Markup() around a variable" "Markup\((f['\"]|[a-zA-Z_][a-zA-Z_0-9.]*\))" "*.py"
check "t-raw in QWeb" "t-raw=" "*.xml"
[ $status = 0 ] && echo "no forbidden pattern"
exit $status
