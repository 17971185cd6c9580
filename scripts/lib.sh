#!/usr/bin/env bash
# Shared helpers for scripts/up.sh, scripts/down.sh and scripts/test.sh.
#
# Source it from a script that has `set -euo pipefail`, or run one function
# directly, e.g. `scripts/lib.sh ensure_temporal` or `scripts/lib.sh stop_started`.
#
# Services are reused when they already answer and started only when absent.
# Everything these scripts start is recorded in .run/ (a pid file named after
# the service, or postgres.cluster for the Debian cluster), so stop_started
# stops exactly that and never a process someone else started.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$ROOT/bin"
# SEMESTERFLOW_RUN_DIR lets one checkout run a second stack beside the
# first (scripts/faults.sh does).
RUN_DIR="${SEMESTERFLOW_RUN_DIR:-$ROOT/.run}"
# RUN_REL is RUN_DIR as messages show it: relative to the checkout.
RUN_REL="${RUN_DIR#"$ROOT"/}"
# Every script writes pid files, logs or the link key here, some before any
# service starts; a fresh clone has no .run yet.
mkdir -p "$RUN_DIR"

# Go's standard install location, for shells whose PATH lacks it.
if ! command -v go >/dev/null 2>&1 && [[ -x /usr/local/go/bin/go ]]; then
	PATH="/usr/local/go/bin:$PATH"
fi

# shellcheck source=scripts/versions.sh
. "$ROOT/scripts/versions.sh"

# The defaults the code uses too; override any of them in the environment.
: "${DATABASE_URL:=postgres://postgres@127.0.0.1:5432/semesterflow?sslmode=disable}"
: "${TEMPORAL_PORT:=7233}"
: "${TEMPORAL_UI_PORT:=8233}"
: "${TEMPORAL_ADDRESS:=127.0.0.1:$TEMPORAL_PORT}"
: "${SMTP_HOST:=127.0.0.1}"
: "${SMTP_PORT:=1025}"
: "${MAILPIT_API:=http://127.0.0.1:8025}"
# Where people open the dev server's UI; starter prints links to it, so it
# follows TEMPORAL_UI_PORT rather than the code's default port.
: "${TEMPORAL_UI_URL:=http://localhost:$TEMPORAL_UI_PORT}"
# How long to wait for a service to answer after starting it, in seconds.
: "${SERVICE_START_TIMEOUT:=90}"
export DATABASE_URL TEMPORAL_ADDRESS TEMPORAL_UI_URL SMTP_HOST SMTP_PORT MAILPIT_API

# The workflows set these search attributes; the Temporal server must know them
# before the first workflow starts. docker-compose.yml registers the same ones.
SEARCH_ATTRIBUTES=(SemesterTerm=Keyword SemesterDepartment=Keyword SemesterPhase=Keyword)

# What this shell started, so a script can stop only its own services at exit.
STARTED_SERVICES=()
STARTED_POSTGRES=0

log() { printf '==> %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# as_root CMD...: apt-get and pg_ctlcluster need root; use sudo when not root.
as_root() {
	if [[ $EUID -eq 0 ]]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "need root (or sudo) to run: $*"
	fi
}

# split_hostport ADDR DEFAULT_PORT: sets HOST and PORT; accepts host:port,
# [v6]:port, or a bare host.
split_hostport() {
	local addr=$1
	PORT=$2
	if [[ $addr =~ ^\[([^]]*)\](:([0-9]+))?$ ]]; then
		HOST=${BASH_REMATCH[1]}
		PORT=${BASH_REMATCH[3]:-$PORT}
	elif [[ $addr =~ ^([^:]*):([0-9]+)$ ]]; then
		HOST=${BASH_REMATCH[1]}
		PORT=${BASH_REMATCH[2]}
	else
		HOST=$addr
	fi
	HOST=${HOST:-localhost}
}

# is_local_host HOST: true for addresses these scripts may start a server on.
is_local_host() {
	case $1 in
	localhost | 127.* | ::1) return 0 ;;
	*) return 1 ;;
	esac
}

# port_open HOST PORT: true when something accepts TCP connections there.
port_open() {
	# shellcheck disable=SC2016 # $1 and $2 expand in the inner bash
	timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# ---------------------------------------------------------------------------
# Tools

# tool_current NAME MODULE VERSION: true when bin/NAME was built from
# MODULE@VERSION. The version is read from the binary itself (go version -m),
# so it cannot drift from a stamp file and a warm run skips the build.
tool_current() {
	local bin="$BIN/$1"
	[[ -x $bin ]] || return 1
	go version -m "$bin" 2>/dev/null |
		awk -v m="$2" -v v="$3" '$1 == "mod" && $2 == m && $3 == v { ok = 1 } END { exit !ok }'
}

# install_tools: go install every tool in scripts/versions.sh into ./bin unless
# it is already at the pinned version.
install_tools() {
	command -v go >/dev/null 2>&1 || die "go is not on PATH"
	mkdir -p "$BIN" "$RUN_DIR"
	# up.sh and test.sh may run at once; two go installs writing the same
	# binary would race, so one installs while the other waits.
	local lock
	exec {lock}>"$RUN_DIR/install.lock"
	flock "$lock"
	local name pkg mod version started
	while read -r name pkg mod version; do
		[[ -n $name ]] || continue
		tool_current "$name" "$mod" "$version" && continue
		log "installing $name $version into bin/ (log in $RUN_REL/install-$name.log)"
		started=$SECONDS
		if ! GOBIN="$BIN" go install "$pkg@$version" >"$RUN_DIR/install-$name.log" 2>&1; then
			tail -n 30 "$RUN_DIR/install-$name.log" >&2
			die "go install $pkg@$version failed; full log in $RUN_REL/install-$name.log"
		fi
		tool_current "$name" "$mod" "$version" ||
			die "bin/$name does not report $mod $version after installing it"
		log "installed $name $version in $((SECONDS - started))s"
	done <<<"$TOOLS"
	exec {lock}>&-
}

# ---------------------------------------------------------------------------
# Processes started in the background

# pid_alive PID: true while PID runs (a zombie waiting to be reaped counts as
# gone).
pid_alive() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[[ ${stat%% *} != Z ]]
}

# proc_argv0 PID: prints the program the process was started as.
proc_argv0() {
	local argv0=""
	IFS= read -r -d '' argv0 <"/proc/$1/cmdline" 2>/dev/null || true
	[[ -n $argv0 ]] && printf '%s\n' "$argv0"
}

# running_pid NAME: prints the pid in .run/NAME.pid when that process still
# runs the program recorded with it. A pid file whose process is gone, or
# whose pid now belongs to another program, is stale and is removed.
running_pid() {
	local pidfile="$RUN_DIR/$1.pid" pid="" exe="" argv0
	[[ -f $pidfile ]] || return 1
	{
		read -r pid
		read -r exe
	} <"$pidfile" || true
	if [[ $pid =~ ^[0-9]+$ ]] && pid_alive "$pid" &&
		argv0=$(proc_argv0 "$pid") && [[ $argv0 == "$exe" ]]; then
		printf '%s\n' "$pid"
		return 0
	fi
	rm -f "$pidfile"
	return 1
}

# start_bg NAME EXE [ARGS...]: runs EXE in the background with its output in
# .run/NAME.log and records "PID\nEXE" in .run/NAME.pid. setsid puts it in
# its own session, so a Ctrl-C meant for the calling script does not reach it.
start_bg() {
	local name=$1
	shift
	local log="$RUN_DIR/$name.log" pid i
	mkdir -p "$RUN_DIR"
	[[ -f $log ]] && mv -f "$log" "$log.prev"
	setsid "$@" >"$log" 2>&1 </dev/null &
	pid=$!
	printf '%s\n%s\n' "$pid" "$1" >"$RUN_DIR/$name.pid"
	STARTED_SERVICES+=("$name")
	# setsid execs in place here (a background job is not a process group
	# leader), so $! becomes EXE; check that, or the pid file would be wrong.
	for i in $(seq 50); do
		[[ $(proc_argv0 "$pid" || true) == "$1" ]] && return 0
		pid_alive "$pid" || break
		sleep 0.1
	done
	pid_alive "$pid" || {
		tail -n 30 "$log" >&2
		die "$name exited right after starting; log in $RUN_REL/$name.log"
	}
	die "$name: pid $pid does not run $1; is setsid forking?"
}

# stop_service NAME: stops the process in .run/NAME.pid if it is still the one
# these scripts started, and removes the pid file.
stop_service() {
	local name=$1 pid deadline
	pid=$(running_pid "$name") || return 0
	log "$name: stopping (pid $pid)"
	kill -TERM "$pid" 2>/dev/null || true
	deadline=$((SECONDS + 30))
	while pid_alive "$pid"; do
		if ((SECONDS >= deadline)); then
			warn "$name (pid $pid) ignored SIGTERM for 30s; killing it"
			kill -KILL "$pid" 2>/dev/null || true
			break
		fi
		sleep 0.2
	done
	wait "$pid" 2>/dev/null || true # reap it when it is this shell's child
	rm -f "$RUN_DIR/$name.pid"
}

# wait_until WHAT LOGFILE PID CHECK...: runs CHECK until it succeeds. Fails
# with a pointer to LOGFILE when PID (if not empty) exits or after
# SERVICE_START_TIMEOUT seconds.
wait_until() {
	local what=$1 logfile=$2 pid=$3
	shift 3
	local deadline=$((SECONDS + SERVICE_START_TIMEOUT))
	until "$@"; do
		if [[ -n $pid ]] && ! pid_alive "$pid"; then
			[[ -f $logfile ]] && tail -n 30 "$logfile" >&2
			die "$what exited before it was ready; log in ${logfile#"$ROOT"/}"
		fi
		if ((SECONDS >= deadline)); then
			[[ -f $logfile ]] && tail -n 30 "$logfile" >&2
			die "$what was not ready after ${SERVICE_START_TIMEOUT}s${logfile:+; log in ${logfile#"$ROOT"/}}"
		fi
		sleep 0.5
	done
}

# ---------------------------------------------------------------------------
# Postgres

# pg_url_parts URL: sets PG_HOST, PG_PORT, PG_DB and PG_ADMIN_URL (the same
# server and user, database "postgres", to create PG_DB from).
pg_url_parts() {
	local re='^(postgres(ql)?://)([^/?]*)(/([^?]*))?(\?.*)?$'
	[[ $1 =~ $re ]] || die "DATABASE_URL is not a postgres:// URL: $1"
	local scheme=${BASH_REMATCH[1]} authority=${BASH_REMATCH[3]} query=${BASH_REMATCH[6]}
	PG_DB=${BASH_REMATCH[5]}
	[[ -n $PG_DB ]] || die "DATABASE_URL names no database: $1"
	split_hostport "${authority##*@}" 5432
	PG_HOST=$HOST
	PG_PORT=$PORT
	PG_ADMIN_URL="${scheme}${authority}/postgres${query}"
}

# pg_ready: true when DATABASE_URL's server accepts connections.
pg_ready() {
	if command -v pg_isready >/dev/null 2>&1; then
		pg_isready -q -t 3 -d "$DATABASE_URL"
	else
		port_open "$PG_HOST" "$PG_PORT"
	fi
}

apt_install() {
	log "apt-get install $* (log in $RUN_REL/apt.log)"
	if ! as_root env DEBIAN_FRONTEND=noninteractive sh -c 'apt-get update -q && apt-get install -y -q "$@"' _ "$@" \
		>>"$RUN_DIR/apt.log" 2>&1; then
		tail -n 30 "$RUN_DIR/apt.log" >&2
		die "apt-get install $* failed; log in $RUN_REL/apt.log"
	fi
}

# trust_local_tcp VERSION CLUSTER: lets any local TCP client in without a
# password, as the default DATABASE_URL expects. Only used on a cluster these
# scripts installed or created.
trust_local_tcp() {
	local hba="/etc/postgresql/$1/$2/pg_hba.conf" tmp
	local marker="# semesterflow: trust local TCP connections (added by scripts/lib.sh)"
	grep -qF "$marker" "$hba" 2>/dev/null && return 0
	log "postgres: trusting local TCP connections in $hba"
	tmp=$(mktemp)
	# The first matching line wins, so these go on top.
	{
		printf '%s\n' "$marker" "host all all 127.0.0.1/32 trust" "host all all ::1/128 trust"
		as_root cat "$hba"
	} >"$tmp"
	as_root cp "$tmp" "$hba" # cp keeps the file's owner and mode
	rm -f "$tmp"
}

# start_local_postgres: starts (installing first if needed) the Debian cluster
# on DATABASE_URL's port, and records it in .run/postgres.cluster.
start_local_postgres() {
	local fresh=0 ver name port rest cluster=""
	if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
		log "postgres: not installed; installing Debian's postgresql"
		apt_install postgresql
		fresh=1
	fi
	while read -r ver name port rest; do
		if [[ $port == "$PG_PORT" ]]; then
			cluster="$ver $name"
			break
		fi
	done < <(pg_lsclusters --no-header 2>/dev/null)
	if [[ -z $cluster ]]; then
		# No cluster on that port (a non-default port, or the package's
		# cluster was dropped): make one with the newest installed server.
		ver=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)
		name=main
		[[ -d /etc/postgresql/$ver/main ]] && name=semesterflow
		log "postgres: creating cluster $ver/$name on port $PG_PORT"
		as_root pg_createcluster --port "$PG_PORT" "$ver" "$name" >>"$RUN_DIR/apt.log" 2>&1 ||
			die "pg_createcluster --port $PG_PORT $ver $name failed; log in $RUN_REL/apt.log"
		cluster="$ver $name"
		fresh=1
	fi
	read -r ver name <<<"$cluster"
	((fresh)) && trust_local_tcp "$ver" "$name"
	local started=$fresh
	if as_root pg_ctlcluster "$ver" "$name" status >/dev/null 2>&1; then
		# Already running (the package install may have started it): reload
		# so a new pg_hba.conf applies. Counted as ours only if we installed it.
		log "postgres: cluster $ver/$name is running; reloading its config"
		as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" reload
	else
		log "postgres: starting cluster $ver/$name"
		as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start ||
			die "pg_ctlcluster $ver $name start failed; see /var/log/postgresql/postgresql-$ver-$name.log"
		started=1
	fi
	if ((started)); then
		# down.sh and test.sh stop the cluster only when this file says we started it.
		printf '%s %s\n' "$ver" "$name" >"$RUN_DIR/postgres.cluster"
		STARTED_POSTGRES=1
	fi
	wait_until "postgres $ver/$name" "/var/log/postgresql/postgresql-$ver-$name.log" "" pg_ready
}

# psql_admin [ARGS...]: runs psql on DATABASE_URL's server as its user.
psql_admin() {
	psql "$PG_ADMIN_URL" -X -q -t -A -v ON_ERROR_STOP=1 -v db="$PG_DB" "$@"
}

pg_db_exists() {
	[[ $(psql_admin <<<"SELECT 1 FROM pg_database WHERE datname = :'db';") == 1 ]]
}

# ensure_postgres: makes DATABASE_URL usable. An answering server is used as
# it is; otherwise the local Debian cluster is started (installed first if
# missing). Then the database in the URL is created if it does not exist.
ensure_postgres() {
	mkdir -p "$RUN_DIR"
	pg_url_parts "$DATABASE_URL"
	if pg_ready; then
		log "postgres: using the server at $PG_HOST:$PG_PORT"
	elif is_local_host "$PG_HOST"; then
		start_local_postgres
	else
		die "postgres at $PG_HOST:$PG_PORT (DATABASE_URL) does not answer, and it is not on this machine, so these scripts cannot start it"
	fi
	command -v psql >/dev/null 2>&1 || apt_install postgresql-client
	psql_admin -c 'SELECT 1' >/dev/null ||
		die "postgres: cannot log in to $PG_HOST:$PG_PORT with DATABASE_URL's user; check the user and pg_hba.conf"
	if ! pg_db_exists; then
		log "postgres: creating database $PG_DB"
		# Another script may create it at the same moment; that is fine too.
		psql_admin <<<'CREATE DATABASE :"db";' || pg_db_exists ||
			die "postgres: could not create database $PG_DB"
	fi
}

# stop_postgres_if_started: stops the Debian cluster only when these scripts
# started it (.run/postgres.cluster); an external server is left alone.
stop_postgres_if_started() {
	local marker="$RUN_DIR/postgres.cluster" ver name
	[[ -f $marker ]] || return 0
	read -r ver name <"$marker"
	log "postgres: stopping cluster $ver/$name (started by these scripts)"
	as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" stop ||
		warn "pg_ctlcluster $ver $name stop failed"
	rm -f "$marker"
}

# ---------------------------------------------------------------------------
# Temporal

temporal_cli() {
	"$BIN/temporal" --address "$TEMPORAL_ADDRESS" --command-timeout 5s "$@"
}

temporal_healthy() {
	local out
	out=$(temporal_cli operator cluster health 2>/dev/null) || return 1
	[[ $out =~ (^|[^_])SERVING ]]
}

# ensure_search_attributes: registers any of SEARCH_ATTRIBUTES the server
# lacks, so a dev server that someone else started works too.
ensure_search_attributes() {
	local existing sa
	existing=$(temporal_cli operator search-attribute list -o json) ||
		die "temporal: cannot list search attributes at $TEMPORAL_ADDRESS"
	for sa in "${SEARCH_ATTRIBUTES[@]}"; do
		[[ $existing == *"\"${sa%%=*}\""* ]] && continue
		log "temporal: registering search attribute $sa"
		temporal_cli operator search-attribute create --name "${sa%%=*}" --type "${sa#*=}" >/dev/null
	done
}

# ensure_temporal: reuses a server on TEMPORAL_ADDRESS or starts the dev
# server there (state kept in .run/temporal.db across restarts), then waits
# until it reports SERVING.
ensure_temporal() {
	local pid="" sa flags=()
	split_hostport "$TEMPORAL_ADDRESS" 7233
	if port_open "$HOST" "$PORT"; then
		if pid=$(running_pid temporal); then
			log "temporal: already running on $HOST:$PORT (pid $pid)"
		else
			log "temporal: something already listens on $HOST:$PORT; using it"
			pid=""
		fi
	elif pid=$(running_pid temporal); then
		# Ours, but not listening yet: still starting, so wait for it.
		log "temporal: pid $pid from an earlier start does not answer on $HOST:$PORT yet; waiting"
	else
		is_local_host "$HOST" || die "temporal at $TEMPORAL_ADDRESS does not answer, and it is not on this machine"
		[[ -x $BIN/temporal ]] || die "bin/temporal is missing; run install_tools first"
		for sa in "${SEARCH_ATTRIBUTES[@]}"; do flags+=(--search-attribute "$sa"); done
		log "temporal: starting the dev server on $HOST:$PORT (log in $RUN_REL/temporal.log)"
		start_bg temporal "$BIN/temporal" server start-dev \
			--ip "$HOST" --port "$PORT" --ui-port "$TEMPORAL_UI_PORT" \
			--db-filename "$RUN_DIR/temporal.db" --log-level warn "${flags[@]}"
		pid=$(running_pid temporal)
	fi
	wait_until "temporal at $TEMPORAL_ADDRESS" "$RUN_DIR/temporal.log" "$pid" temporal_healthy
	ensure_search_attributes
}

# ---------------------------------------------------------------------------
# Mailpit

mailpit_ready() {
	if command -v curl >/dev/null 2>&1; then
		curl -fsS -o /dev/null --max-time 3 "$MAILPIT_API/api/v1/messages" 2>/dev/null
	else
		"$BIN/mailpit" readyz --listen "$MAILPIT_LISTEN" >/dev/null 2>&1
	fi
}

# ensure_mailpit: reuses an SMTP server on SMTP_HOST:SMTP_PORT or starts
# Mailpit there, then waits until its API (MAILPIT_API) answers.
ensure_mailpit() {
	local pid="" smtp_host smtp_port api_hostport
	split_hostport "$SMTP_HOST:$SMTP_PORT" 1025
	smtp_host=$HOST smtp_port=$PORT
	api_hostport=${MAILPIT_API#*://}
	split_hostport "${api_hostport%%/*}" 80
	MAILPIT_LISTEN="$HOST:$PORT"
	if port_open "$smtp_host" "$smtp_port"; then
		if pid=$(running_pid mailpit); then
			log "mailpit: already running on $smtp_host:$smtp_port (pid $pid)"
		else
			log "mailpit: something already listens on $smtp_host:$smtp_port; using it"
			pid=""
		fi
	elif pid=$(running_pid mailpit); then
		log "mailpit: pid $pid from an earlier start does not answer on $smtp_host:$smtp_port yet; waiting"
	else
		is_local_host "$smtp_host" || die "SMTP at $smtp_host:$smtp_port does not answer, and it is not on this machine"
		[[ -x $BIN/mailpit ]] || die "bin/mailpit is missing; run install_tools first"
		log "mailpit: starting (SMTP $smtp_host:$smtp_port, API $MAILPIT_API, log in $RUN_REL/mailpit.log)"
		# No version check: it would call out to the internet on every start.
		# Any SMTP login is accepted, so a mailer configured with credentials
		# works against it too. Mailpit keeps 500 messages by default and
		# drops the oldest; a rehearsed term and the tests running beside it
		# send several thousand, and the tests read early ones at the end.
		# MAILPIT_ARGS adds flags, e.g. --database FILE so that messages
		# survive a restart and --enable-chaos (scripts/faults.sh).
		# shellcheck disable=SC2086 # word splitting is the point
		start_bg mailpit "$BIN/mailpit" --smtp "$smtp_host:$smtp_port" --listen "$MAILPIT_LISTEN" \
			--disable-version-check --smtp-auth-accept-any --smtp-auth-allow-insecure --max 50000 ${MAILPIT_ARGS:-}
		pid=$(running_pid mailpit)
	fi
	wait_until "mailpit API at $MAILPIT_API" "$RUN_DIR/mailpit.log" "$pid" mailpit_ready
}

# ---------------------------------------------------------------------------
# Chromium, for the portal's browser tests

# ensure_chromium: installs Debian's chromium when no Chromium is on PATH.
ensure_chromium() {
	local name
	for name in chromium chromium-browser google-chrome; do
		if command -v "$name" >/dev/null 2>&1; then
			log "chromium: using $(command -v "$name")"
			return 0
		fi
	done
	command -v apt-get >/dev/null 2>&1 || die "no Chromium on PATH and no apt-get to install it; install Chromium for the browser tests"
	apt_install chromium fonts-liberation
}

# ---------------------------------------------------------------------------
# The race detector needs cgo and a C compiler

# ensure_cgo: installs gcc when Go's C compiler is missing (a minimal Debian
# with only Go has none) and makes sure cgo is on.
ensure_cgo() {
	export CGO_ENABLED=1
	local cc
	cc=$(go env CC)
	command -v "${cc%% *}" >/dev/null 2>&1 && return 0
	command -v apt-get >/dev/null 2>&1 || die "go test -race needs a C compiler ($cc); install one, or run with RACE=0"
	apt_install gcc libc6-dev
}

# ---------------------------------------------------------------------------
# Stopping

# stop_started: stops everything these scripts started and recorded in .run/,
# whichever script started it (down.sh).
stop_started() {
	local name f
	for name in worker portal temporal mailpit; do stop_service "$name"; done
	for f in "$RUN_DIR"/*.pid; do
		[[ -e $f ]] || continue
		name=${f##*/}
		stop_service "${name%.pid}"
	done
	stop_postgres_if_started
}

# stop_started_here: stops what this shell started, newest first (test.sh's
# exit trap), leaving services that were already running alone.
stop_started_here() {
	local i
	for ((i = ${#STARTED_SERVICES[@]} - 1; i >= 0; i--)); do
		stop_service "${STARTED_SERVICES[i]}"
	done
	STARTED_SERVICES=()
	if ((STARTED_POSTGRES)); then
		stop_postgres_if_started
		STARTED_POSTGRES=0
	fi
}

# Run as a script: call the function named by the arguments.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	set -euo pipefail
	[[ $# -gt 0 ]] || die "usage: scripts/lib.sh FUNCTION [ARGS...]"
	"$@"
fi
