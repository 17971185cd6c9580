#!/usr/bin/env bash
# The demo: starts Postgres, the Temporal dev server and Mailpit (reusing any
# that already run), builds and starts the worker, and starts the fall term.
# Safe to run again: running services are reused, the worker is restarted only
# when its binary changed, and a term that already started is fine.
#
#   scripts/up.sh              # time runs 86400x faster: a day a second
#   TIME_SCALE=1 scripts/up.sh # real time
#   scripts/down.sh            # stops what this started
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

: "${TIME_SCALE:=86400}"
PLAN=examples/fall-term.yaml
TERM_ID=2026-fall

# start_worker: starts bin/worker unless the one we started still runs the
# current binary. `go build` rewrites the file every time, so the binary's
# checksum, recorded at start, tells whether it really changed.
start_worker() {
	local pid sum
	sum=$(sha256sum "$BIN/worker")
	if pid=$(running_pid worker); then
		if [[ $sum != "$(cat "$RUN_DIR/worker.sum" 2>/dev/null)" ]]; then
			log "worker: binary changed since pid $pid started; restarting it"
			stop_service worker
		else
			log "worker: already running (pid $pid)"
			return 0
		fi
	fi
	log "worker: starting (log in .run/worker.log)"
	start_bg worker "$BIN/worker"
	printf '%s\n' "$sum" >"$RUN_DIR/worker.sum"
	pid=$(running_pid worker) || die "worker exited right after starting; log in .run/worker.log"
	# A worker with bad config dies within a moment; catch that here rather
	# than leave the term's workflows waiting for a worker that is not there.
	sleep 2
	if ! pid_alive "$pid"; then
		tail -n 30 "$RUN_DIR/worker.log" >&2
		die "worker exited; log in .run/worker.log"
	fi
}

install_tools
ensure_postgres
ensure_temporal
ensure_mailpit

log "building bin/worker and bin/starter"
go build -o bin/ ./worker ./starter
start_worker

log "starting term $TERM_ID from $PLAN (time scale $TIME_SCALE)"
rc=0
"$BIN/starter" start --plan "$PLAN" --time-scale "$TIME_SCALE" || rc=$?
case $rc in
0) ;;
3) log "term $TERM_ID was already started; leaving it running" ;;
*) die "starter failed (exit code $rc)" ;;
esac

cat <<EOT

semesterflow is up.
  Temporal UI    http://localhost:${TEMPORAL_UI_PORT}
  Mailpit API    ${MAILPIT_API/127.0.0.1/localhost}/api/v1/messages
  Database       psql "$DATABASE_URL" -c 'select * from onboarding'
  Term status    ./bin/starter status --term $TERM_ID
  Worker log     .run/worker.log
  Stop it all    scripts/down.sh
EOT
