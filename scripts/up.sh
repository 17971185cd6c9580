#!/usr/bin/env bash
# The demo: starts Postgres, the Temporal dev server and Mailpit (reusing any
# that already run), builds and starts the worker and the officers' portal,
# and starts the fall term. Safe to run again: running services are reused,
# the worker and the portal are restarted only when their binary changed, and
# a term that already started is fine.
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

# start_binary NAME: starts bin/NAME unless the one we started still runs
# the current binary. `go build` rewrites the file every time, so the
# binary's checksum, recorded at start, tells whether it really changed.
start_binary() {
	local name=$1 pid sum
	sum=$(sha256sum "$BIN/$name")
	if pid=$(running_pid "$name"); then
		if [[ $sum != "$(cat "$RUN_DIR/$name.sum" 2>/dev/null)" ]]; then
			log "$name: binary changed since pid $pid started; restarting it"
			stop_service "$name"
		else
			log "$name: already running (pid $pid)"
			return 0
		fi
	fi
	log "$name: starting (log in $RUN_REL/$name.log)"
	start_bg "$name" "$BIN/$name"
	printf '%s\n' "$sum" >"$RUN_DIR/$name.sum"
	pid=$(running_pid "$name") || die "$name exited right after starting; log in $RUN_REL/$name.log"
	# A binary with bad config dies within a moment; catch that here rather
	# than leave the term's workflows waiting for a worker that is not there.
	sleep 2
	if ! pid_alive "$pid"; then
		tail -n 30 "$RUN_DIR/$name.log" >&2
		die "$name exited; log in $RUN_REL/$name.log"
	fi
}

# The key that signs the links in emails, shared by the worker and the
# portal: SEMESTERFLOW_LINK_KEY if set, else one made once for this checkout.
if [[ -z ${SEMESTERFLOW_LINK_KEY:-} ]]; then
	if [[ ! -s $RUN_DIR/link.key ]]; then
		(umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$RUN_DIR/link.key")
	fi
	SEMESTERFLOW_LINK_KEY=$(cat "$RUN_DIR/link.key")
fi
export SEMESTERFLOW_LINK_KEY
: "${PORTAL_ADDR:=127.0.0.1:8090}"
: "${PORTAL_URL:=http://localhost:${PORTAL_ADDR##*:}}"
export PORTAL_ADDR PORTAL_URL

install_tools
ensure_postgres
ensure_temporal
ensure_mailpit

log "building bin/worker, bin/portal and bin/starter"
go build -o bin/ ./worker ./portal ./starter
start_binary worker
start_binary portal

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
  Temporal UI    $TEMPORAL_UI_URL
  Portal         $PORTAL_URL (officers follow the links in their emails)
  Leaders' pages $PORTAL_URL/leaders (sign in with a leader's or a head's address; the link arrives by email)
  Mailpit API    ${MAILPIT_API/127.0.0.1/localhost}/api/v1/messages
  Database       psql "$DATABASE_URL" -c 'select * from onboarding'
  Term status    ./bin/starter status --term $TERM_ID
  Logs           $RUN_REL/worker.log, $RUN_REL/portal.log
  Stop it all    scripts/down.sh
EOT
