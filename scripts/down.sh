#!/usr/bin/env bash
# Stops exactly what scripts/up.sh and scripts/test.sh started: the processes
# with pid files in .run/, and the Debian Postgres cluster only if one of them
# started it. Servers that were already running are left alone.
#
#   scripts/down.sh          # stop; the Temporal dev server keeps its state
#   scripts/down.sh --purge  # stop and forget the dev server's workflows too
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

stop_started
if ((purge)); then
	log "removing the Temporal dev server's state (.run/temporal.db)"
	rm -f "$RUN_DIR"/temporal.db "$RUN_DIR"/temporal.db-*
fi
log "stopped everything these scripts had started"
