#!/usr/bin/env bash
# The one test command (CI runs it through .ci/run). Installs the pinned tools,
# makes sure Postgres, Temporal and Mailpit answer (starting only what is
# missing, and stopping at exit only what it started), then runs, stopping at
# the first failure: gofmt, go vet, staticcheck, workflowcheck, go test with
# the race detector, and a short run of every fuzz target.
#
#   scripts/test.sh                              # everything: go test -race ./..., then fuzzing
#   scripts/test.sh -run Onboarding ./workflows/ # arguments go to go test; no fuzzing
#   FUZZTIME=2m scripts/test.sh                  # fuzz each target longer (0 or off: not at all)
#   RACE=0 scripts/test.sh                       # without the race detector
# Arguments replace ./...; when none of them names a package (starts with
# "."), ./... is added, so `scripts/test.sh -run X` still tests every package.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

began=$SECONDS
finish() {
	local rc=$?
	trap - EXIT
	stop_started_here
	if ((rc == 0)); then
		printf 'test.sh: passed in %ds\n' "$((SECONDS - began))"
	else
		printf 'test.sh: FAILED (exit code %d) after %ds\n' "$rc" "$((SECONDS - began))" >&2
	fi
	exit "$rc"
}
trap finish EXIT
# Run the exit trap on Ctrl-C and termination too, so no service outlives us.
trap 'exit 130' INT
trap 'exit 143' TERM

# The race detector is on unless RACE=0; fuzzing runs after a full test run
# (no arguments) for FUZZTIME per target, or after any run when FUZZTIME is
# set.
: "${RACE:=1}"
fuzz_skipped="FUZZTIME=${FUZZTIME:-}"
if [[ $# -eq 0 || -n ${FUZZTIME:-} ]]; then
	: "${FUZZTIME:=20s}"
else
	FUZZTIME=off fuzz_skipped="arguments given; set FUZZTIME to fuzz as well"
fi

install_tools
ensure_postgres
ensure_temporal
ensure_mailpit
ensure_chromium
race=()
if [[ $RACE != 0 ]]; then
	ensure_cgo
	race=(-race)
fi

log "gofmt -l ."
unformatted=$(gofmt -l .)
[[ -z $unformatted ]] || die "gofmt would change these files (run gofmt -w on them):
$unformatted"

log "go vet ./..."
go vet ./...

log "staticcheck ./..."
"$BIN/staticcheck" ./...

if [[ -d workflows ]]; then
	log "workflowcheck ./workflows/..."
	"$BIN/workflowcheck" -config .workflowcheck.yaml ./workflows/...
else
	warn "no workflows/ directory; skipping workflowcheck"
fi

# Integration tests fail instead of skipping when a service is missing.
export SEMESTERFLOW_INTEGRATION=1
# Each test creates and drops its own database on DATABASE_URL's server, so
# it connects to that server's maintenance database "postgres".
: "${TEST_DATABASE_URL:=$(sed -E 's#^(postgres(ql)?://[^/]+/)[^?]*#\1postgres#' <<<"$DATABASE_URL")}"
export TEST_DATABASE_URL

args=("$@")
has_pkg=0
for a in "${args[@]}"; do
	[[ $a == .* ]] && has_pkg=1
done

if ((has_pkg)); then
	log "go test -count=1 ${race[*]} ${args[*]}"
	go test -count=1 "${race[@]}" "${args[@]}"
else
	# e2e drives the real binaries on a rehearsal clock and acts at plan
	# times, so it runs alone, after the rest: the race-instrumented
	# packages beside it would take the CPU its worker needs to keep up.
	mapfile -t pkgs < <(go list ./... | grep -v '/e2e$')
	log "go test -count=1 ${race[*]} ${args[*]} ./... except ./e2e/"
	go test -count=1 "${race[@]}" "${args[@]}" "${pkgs[@]}"
	log "go test -count=1 ${race[*]} ${args[*]} ./e2e/"
	go test -count=1 "${race[@]}" "${args[@]}" ./e2e/
fi

# fuzz_targets: prints "PACKAGE TARGET" for every fuzz target of the module,
# so a new Fuzz function is fuzzed without editing this script. The -race
# flag matches the run above, whose test binaries go test then reuses.
fuzz_targets() {
	go test "${race[@]}" -list '^Fuzz' ./... |
		awk '/^Fuzz/ { names[n++] = $1; next }
			/^ok[ \t]/ { for (i = 0; i < n; i++) print $2, names[i]; n = 0 }'
}

# fuzz_one PACKAGE TARGET: fuzzes one target for FUZZTIME. Go before 1.27
# can fail a run with a bare "context deadline exceeded" when -fuzztime
# ends while a worker is mid-call (go.dev/issue/75804); that, with no
# failing input written, is the toolchain's race, not a finding, and is
# said but not failed. Any other failure, or a new failing input, fails.
fuzz_one() {
	local pkg=$1 target=$2 dir out rc=0 before after
	dir="$(go list -f '{{.Dir}}' "$pkg")/testdata/fuzz/$target"
	before=$(ls "$dir" 2>/dev/null | wc -l || true)
	out=$(mktemp)
	go test -run '^$' -fuzz "^$target\$" -fuzztime "$FUZZTIME" -fuzzminimizetime 2s "$pkg" </dev/null 2>&1 | tee "$out" || rc=$?
	after=$(ls "$dir" 2>/dev/null | wc -l || true)
	if ((rc != 0)) && ((after == before)) && grep -q '^    context deadline exceeded$' "$out" &&
		! grep -qE 'panic:|Failing input written|^ +[^ ]+_test\.go:[0-9]+:' "$out"; then
		warn "$target: go test stopped with \"context deadline exceeded\" and wrote no failing input: Go's fuzzing race (go.dev/issue/75804), not a finding"
		rc=0
	fi
	rm -f "$out"
	return "$rc"
}

case $FUZZTIME in
0 | 0s | off) log "fuzzing: skipped ($fuzz_skipped)" ;;
*)
	targets=$(fuzz_targets)
	if [[ -z $targets ]]; then
		log "fuzzing: the module has no fuzz targets"
	else
		log "fuzzing $(wc -l <<<"$targets") targets for $FUZZTIME each"
		while read -r pkg target; do
			log "go test -run '^\$' -fuzz '^$target\$' -fuzztime $FUZZTIME -fuzzminimizetime 2s $pkg"
			# A failing input is saved under the package's testdata/fuzz/$target;
			# commit it and it becomes a regression test of the ordinary run.
			# Minimizing each new input may take 60 s by default, which would
			# stop a 20 s run's fuzzing at the first new input (0 execs/s).
			fuzz_one "$pkg" "$target"
		done <<<"$targets"
	fi
	;;
esac
