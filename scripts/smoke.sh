#!/usr/bin/env bash
# The first command, checked end to end (CI runs it through .ci/run before
# the tests): scripts/up.sh rehearses the example term on a fast clock, this
# waits until the term has ended, checks with `starter status` that it
# finished with every part done, then scripts/down.sh --purge takes it all
# down again.
#
#   scripts/smoke.sh                      # about 35 s of rehearsal on a warm machine
#   TIME_SCALE=86400 scripts/smoke.sh     # a plan day per second, as up.sh
#
# The rehearsal gets a database of its own, emptied first (DATABASE_URL's
# name with "_smoke" appended, or SMOKE_DATABASE_URL): the outbox of an
# earlier rehearsal of the same term would hold back every email. At the end
# down.sh --purge forgets the dev server's workflows, so the smoke test can
# run again; it refuses to start while this checkout's stack is up, so it
# never takes down one it did not bring up.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

# Four plan days per real second: the example's 136 days take about 35 s.
# Nobody acts during the smoke test, so the windows this shrinks (an
# exchange's hour of sign-in lasts 10 ms) need no person; every part still
# starts, sends, escalates and ends on the plan's calendar.
: "${TIME_SCALE:=345600}"
# The longest this waits for the term to end, in seconds.
: "${SMOKE_TIMEOUT:=300}"
TERM_ID=2026-fall
TERM_NAME="Fall term 2026"
WORKFLOW_ID="semester/$TERM_ID"

began=$SECONDS
brought_up=0
finish() {
	local rc=$?
	trap - EXIT
	if ((brought_up)); then
		if ((rc != 0)) && [[ -f $RUN_DIR/worker.log ]]; then
			printf '\n--- last lines of .run/worker.log ---\n' >&2
			tail -n 40 "$RUN_DIR/worker.log" >&2
		fi
		scripts/down.sh --purge || rc=$((rc == 0 ? 1 : rc))
	fi
	if ((rc == 0)); then
		printf 'smoke.sh: passed in %ds\n' "$((SECONDS - began))"
	else
		printf 'smoke.sh: FAILED (exit code %d) after %ds\n' "$rc" "$((SECONDS - began))" >&2
	fi
	exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for name in worker portal temporal mailpit; do
	if pid=$(running_pid "$name"); then
		die "$name from this checkout is running (pid $pid); the smoke test brings the stack up and down itself, so stop it first with scripts/down.sh"
	fi
done

# A database of the rehearsal's own, empty.
if [[ -n ${SMOKE_DATABASE_URL:-} ]]; then
	DATABASE_URL=$SMOKE_DATABASE_URL
else
	DATABASE_URL=$(sed -E 's#^(postgres(ql)?://[^/]+/[^?]*)#\1_smoke#' <<<"$DATABASE_URL")
fi
export DATABASE_URL
brought_up=1 # from here on, down.sh stops whatever got started
ensure_postgres
log "postgres: emptying database $PG_DB for the rehearsal"
psql_admin <<<'DROP DATABASE IF EXISTS :"db";'

export TIME_SCALE
up_log="$RUN_DIR/smoke-up.log"
log "scripts/up.sh (TIME_SCALE=$TIME_SCALE; output also in .run/smoke-up.log)"
scripts/up.sh 2>&1 | tee "$up_log"
term_started=$SECONDS

# up.sh also succeeds when the term was already running; then this would
# check an old rehearsal, not this one.
grep -q "^Started $TERM_NAME " "$up_log" ||
	die "scripts/up.sh did not start term $TERM_ID: the Temporal server at $TEMPORAL_ADDRESS already has it (scripts/down.sh --purge forgets a dev server's workflows that these scripts started)"

# starter's link must name the UI's real port (TEMPORAL_UI_PORT), and the UI
# must answer there.
link="$TEMPORAL_UI_URL/namespaces/${TEMPORAL_NAMESPACE:-default}/workflows/semester%2F$TERM_ID"
grep -qxF "Temporal UI: $link" "$up_log" ||
	die "starter start did not print the link $link; it printed: $(grep 'Temporal UI:' "$up_log" || echo nothing)"
if command -v curl >/dev/null 2>&1; then
	curl -fsS -o /dev/null --max-time 10 "$link" || die "the Temporal UI does not answer at $link"
fi

# status_phase: prints the term's phase from the first line of `starter
# status` ("Fall term 2026 (2026-fall): done"), or nothing.
status_phase() {
	local first
	first=$("$BIN/starter" status --term "$TERM_ID" 2>/dev/null | head -n 1) || true
	[[ $first == *"($TERM_ID): "* ]] && printf '%s\n' "${first##*: }"
}

# workflow_status: prints how Temporal has the term's latest run, e.g.
# RUNNING or COMPLETED, or nothing.
workflow_status() {
	temporal_cli workflow describe --workflow-id "$WORKFLOW_ID" -o json 2>/dev/null |
		grep -o -m1 '"WORKFLOW_EXECUTION_STATUS_[A-Z_]*"' | tr -d '"' | sed 's/^WORKFLOW_EXECUTION_STATUS_//'
}

log "waiting up to ${SMOKE_TIMEOUT}s for term $TERM_ID to end"
deadline=$((SECONDS + SMOKE_TIMEOUT))
last="" polls=0 run=""
# The phase comes from starter (a small binary, one query); Temporal's own
# status from the much heavier CLI, so that is asked only every fifth poll
# (a term that failed says so there, not in its phase) and once the phase
# says the term is over. On two cores the polling must not slow the worker.
while :; do
	phase=$(status_phase || true)
	if [[ $phase != "$last" ]]; then
		log "term $TERM_ID after $((SECONDS - term_started))s: ${phase:-(no answer)}"
		last=$phase
	fi
	if [[ $phase == "done" || $phase == "cancelled" ]] || ((++polls % 5 == 0)); then
		run=$(workflow_status || true)
		[[ -n $run && $run != RUNNING ]] && break
	fi
	if ((SECONDS >= deadline)); then
		"$BIN/starter" status --term "$TERM_ID" >&2 || true
		die "term $TERM_ID had not ended after ${SMOKE_TIMEOUT}s (SMOKE_TIMEOUT); Temporal has it ${run:-RUNNING}"
	fi
	sleep 2
done
log "term $TERM_ID closed as $run after $((SECONDS - term_started))s"

# The term's final status: done, with every part done. It runs to hundreds
# of lines, so it is printed only when the check fails.
status_file="$RUN_DIR/smoke-status.txt"
status=$("$BIN/starter" status --term "$TERM_ID" 2>&1) || die "starter status failed:
$status"
printf '%s\n' "$status" >"$status_file"
fail() {
	cat "$status_file" >&2
	die "$@"
}
[[ $(head -n 1 <<<"$status") == "$TERM_NAME ($TERM_ID): done" ]] ||
	fail "term $TERM_ID did not complete; its final status is above"
# PARTS lines are "  <part>  <state>  <summary>"; every state must be done
# ("done" or "done, 2 problems": what a part could not do on time is listed
# under NOT DONE ON TIME, and on a fast clock on a busy machine some of that
# is expected).
unfinished=$(awk '/^PARTS/ { p = 1; next } /^$/ { p = 0 } p && $2 !~ /^done,?$/' <<<"$status")
parts=$(awk '/^PARTS/ { p = 1; next } /^$/ { p = 0 } p' <<<"$status" | wc -l)
late=$(awk '/^PARTS/ { p = 1; next } /^$/ { p = 0 } p && $2 == "done,"' <<<"$status" | wc -l)
[[ -z $unfinished ]] || fail "term $TERM_ID ended with parts not done:
$unfinished"
((parts > 0)) || fail "term $TERM_ID's status lists no parts"
# Temporal's own record: the workflow closed as completed, not failed.
[[ $run == COMPLETED ]] || fail "workflow $WORKFLOW_ID closed as $run, not COMPLETED"
log "term $TERM_ID completed in $((SECONDS - term_started))s with all $parts parts done ($late of them with something not done on time; the final status is in .run/smoke-status.txt)"
