#!/usr/bin/env bash
# Stops exactly what scripts/up.sh and scripts/test.sh started: the processes
# with pid files in .run/, and the Debian Postgres cluster only if one of them
# started it. Servers that were already running are left alone.
#
#   scripts/down.sh          # stop; the Temporal dev server keeps its state
#   scripts/down.sh --purge  # stop, and forget the dev server's workflows and the rehearsal's database
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

purge=0
case ${1:-} in
"") ;;
--purge) purge=1 ;;
*) die "usage: scripts/down.sh [--purge]" ;;
esac

if ((purge)); then
	# The rehearsal's rows go too: its outbox would otherwise hold back every
	# email of the same term rehearsed again. Only a database these scripts
	# name (semesterflow...) is dropped, never one of another name.
	pg_url_parts "$DATABASE_URL"
	if [[ $PG_DB != semesterflow* ]]; then
		warn "keeping database $PG_DB: --purge drops only databases named semesterflow..."
	elif pg_ready && psql_admin -c 'SELECT 1' >/dev/null 2>&1; then
		log "dropping database $PG_DB (the rehearsal's rows)"
		psql_admin <<<'DROP DATABASE IF EXISTS :"db" WITH (FORCE);' || warn "could not drop database $PG_DB"
	fi
fi
stop_started
if ((purge)); then
	log "removing the Temporal dev server's state (.run/temporal.db)"
	rm -f "$RUN_DIR"/temporal.db "$RUN_DIR"/temporal.db-*
fi
log "stopped everything these scripts had started"
