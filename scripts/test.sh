#!/usr/bin/env bash
# The one test command (CI runs it through .ci/run). Installs the pinned tools,
# makes sure Postgres, Temporal and Mailpit answer (starting only what is
# missing, and stopping at exit only what it started), then runs, stopping at
# the first failure: gofmt, go vet, staticcheck, workflowcheck and go test.
#
#   scripts/test.sh                              # everything: go test ./...
#   scripts/test.sh -run Onboarding ./workflows/ # arguments go to go test
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

install_tools
ensure_postgres
ensure_temporal
ensure_mailpit
ensure_chromium

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
((has_pkg)) || args+=(./...)

log "go test -count=1 ${args[*]}"
go test -count=1 "${args[@]}"
