#!/usr/bin/env bash
# The scale benchmark (docs/PERFORMANCE.md records its numbers). On a dev
# server of its own, in memory, it runs the echo workflow (one no-op
# activity) for the server's events per second, then a whole term of each
# generated plan in BENCH_SIZES with the real worker binary, real Postgres
# and Postfix's smtp-sink (installed when missing). Each term's run fails
# when anything the plan asked for did not happen (meetings, attendance,
# onboarding, evaluations, emails), when a payload passes 256 KiB or a run
# 4,096 events. It prints, for each: wall time against the ideal, the
# worker's peak RSS, runs and events, events per second, the largest run
# and event, meetings, emails.
#
#   scripts/bench.sh                           # echo, then 200 departments x 50 officers
#   BENCH_SIZES="200x50 1000x50" scripts/bench.sh
#   BENCH_TIME_SCALE=21600 scripts/bench.sh    # plan seconds per real second (a plan day every 4 s)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

: "${BENCH_SIZES:=200x50}"
: "${BENCH_TIME_SCALE:=21600}"
: "${BENCH_TEMPORAL_PORT:=7333}"
: "${ECHO_WORKFLOWS:=2000}"

began=$SECONDS
server_pid=""
finish() {
	local rc=$?
	trap - EXIT
	[[ -n $server_pid ]] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
	stop_started_here
	if ((rc == 0)); then
		printf 'bench.sh: passed in %ds; results in %s\n' "$((SECONDS - began))" "$out"
	else
		printf 'bench.sh: FAILED (exit code %d) after %ds; output in %s\n' "$rc" "$((SECONDS - began))" "$out" >&2
	fi
	exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$RUN_DIR"
out="$RUN_DIR/bench-$(date -u +%Y%m%dT%H%M%SZ).log"
install_tools
ensure_postgres
if ! command -v smtp-sink >/dev/null && [[ ! -x /usr/sbin/smtp-sink ]]; then
	apt_install postfix
fi

# A server of its own, in memory, so the numbers do not depend on what an
# earlier rehearsal left in .run/temporal.db.
export TEMPORAL_ADDRESS="127.0.0.1:$BENCH_TEMPORAL_PORT"
split_hostport "$TEMPORAL_ADDRESS" 7233
port_open "$HOST" "$PORT" && die "port $PORT is taken; set BENCH_TEMPORAL_PORT"
flags=()
for sa in "${SEARCH_ATTRIBUTES[@]}"; do flags+=(--search-attribute "$sa"); done
log "temporal: a dev server for the benchmark on $TEMPORAL_ADDRESS (log in $RUN_REL/bench-temporal.log)"
setsid "$BIN/temporal" server start-dev --ip "$HOST" --port "$PORT" --headless --log-level warn "${flags[@]}" \
	>"$RUN_DIR/bench-temporal.log" 2>&1 </dev/null &
server_pid=$!
wait_until "temporal at $TEMPORAL_ADDRESS" "$RUN_DIR/bench-temporal.log" "$server_pid" temporal_healthy

export SEMESTERFLOW_INTEGRATION=1
: "${TEST_DATABASE_URL:=$(sed -E 's#^(postgres(ql)?://[^/]+/)[^?]*#\1postgres#' <<<"$DATABASE_URL")}"
export TEST_DATABASE_URL ECHO_WORKFLOWS

log "echo: $ECHO_WORKFLOWS workflows of one no-op activity"
go test -count=1 -run '^$' -bench '^BenchmarkEchoEvents$' -benchtime 1x -timeout 40m ./e2e/ 2>&1 | tee -a "$out"
for size in $BENCH_SIZES; do
	[[ $size =~ ^([0-9]+)x([0-9]+)$ ]] || die "BENCH_SIZES: $size is not DEPARTMENTSxOFFICERS"
	log "term: ${BASH_REMATCH[1]} departments x ${BASH_REMATCH[2]} officers at ${BENCH_TIME_SCALE}x"
	SCALE_DEPARTMENTS=${BASH_REMATCH[1]} SCALE_OFFICERS=${BASH_REMATCH[2]} SCALE_TIME_SCALE=$BENCH_TIME_SCALE \
		go test -count=1 -run '^$' -bench '^BenchmarkRealWorkerTerm$' -benchtime 1x -timeout 180m ./e2e/ 2>&1 | tee -a "$out"
done
log "summary"
grep -E 'echo workflows, |departments, .* officers at ' "$out" | sed -E 's/^ *[a-z_]+\.go:[0-9]+: //'
