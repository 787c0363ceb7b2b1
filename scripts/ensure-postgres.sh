#!/usr/bin/env bash
# A PostgreSQL cluster of the project's own, on loopback, with its data under var/.
#
#   scripts/ensure-postgres.sh start   # install Debian's postgresql when missing, init, start;
#                                      # prints the SQLAlchemy URL of the database "assistant"
#   scripts/ensure-postgres.sh url [DB] # the URL of database DB (created when missing)
#   scripts/ensure-postgres.sh stop
#
# Settings: PG_DIR (default var/postgres), PG_PORT (default 5433: beside a system cluster on
# 5432). The superuser "assistant" has a random password kept in $PG_DIR.password (mode 0600);
# only 127.0.0.1 is listened on, with scram-sha-256; there is no Unix socket.
#
# Why this way: PostgreSQL refuses to run as root. When this script runs as root (containers,
# CI) the cluster runs as Debian's "postgres" user, and the directories above PG_DIR (var/ is
# 0700) get o+x while it runs (see open_path).
set -euo pipefail
cd "$(dirname "$0")/.."

PG_DIR="${PG_DIR:-var/postgres}"
PG_PORT="${PG_PORT:-5433}"
case "$PG_DIR" in /*) ;; *) PG_DIR="$PWD/$PG_DIR" ;; esac
PW_FILE="$PG_DIR.password"
LOG_FILE="$PG_DIR.log"

pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

install_postgres() {
  [ -n "$(pg_bin)" ] && return 0
  "$(dirname "$0")/ensure-package.sh" postgresql  # its programs are not on PATH: checked above
}

as_owner() {  # run a PostgreSQL tool as the cluster's owner
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

SERVICE_DIR="$PG_DIR"
SERVICE_USER=postgres
# shellcheck source=scripts/service-path.sh
source "$(dirname "$0")/service-path.sh"

init_cluster() {
  [ -f "$PG_DIR/PG_VERSION" ] && return 0
  local bin; bin="$(pg_bin)"
  mkdir -p "$PG_DIR"  # first: the password file sits beside it, in its parent
  chmod 700 "$PG_DIR"
  (umask 077; [ -s "$PW_FILE" ] || python3 -c 'import secrets; print(secrets.token_urlsafe(24))' > "$PW_FILE")
  local pwcopy="$PG_DIR.pwfile"  # a copy the owner can read; never inside the data directory
  (umask 077; cp "$PW_FILE" "$pwcopy")
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$PG_DIR" "$pwcopy"; fi
  with_path_open as_owner "$bin/initdb" -D "$PG_DIR" -U assistant --pwfile="$pwcopy" \
    --auth-host=scram-sha-256 --auth-local=scram-sha-256 -E UTF8 --locale=C.UTF-8 >&2
  rm -f "$pwcopy"
  cat >> "$PG_DIR/postgresql.conf" <<EOF
# scripts/ensure-postgres.sh: loopback only, no Unix socket, small enough for a laptop or CI
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 200
shared_buffers = 128MB
fsync = on
EOF
}

running() {
  [ -f "$PG_DIR/postmaster.pid" ] && with_path_open as_owner "$(pg_bin)/pg_ctl" -D "$PG_DIR" status >/dev/null 2>&1
}

start_cluster() {
  running && return 0
  (umask 077; touch "$LOG_FILE")
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$LOG_FILE"; fi
  with_path_open as_owner "$(pg_bin)/pg_ctl" -D "$PG_DIR" -l "$LOG_FILE" -w -t 60 \
    -o "-p $PG_PORT" start >&2
}

url_of() {  # url_of DB: creates DB when missing, prints its URL
  local db="$1" pw; pw="$(cat "$PW_FILE")"
  PGPASSWORD="$pw" "$(pg_bin)/psql" -h 127.0.0.1 -p "$PG_PORT" -U assistant -d postgres -qtA \
    -c "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 \
    || PGPASSWORD="$pw" "$(pg_bin)/createdb" -h 127.0.0.1 -p "$PG_PORT" -U assistant "$db"
  echo "postgresql://assistant:${pw}@127.0.0.1:${PG_PORT}/${db}"
}

case "${1:-start}" in
  start)
    install_postgres
    init_cluster
    start_cluster
    url_of assistant
    ;;
  url)
    url_of "${2:-assistant}"
    ;;
  stop)
    if [ -n "$(pg_bin)" ] && running; then
      with_path_open as_owner "$(pg_bin)/pg_ctl" -D "$PG_DIR" -m fast -w stop >&2
    fi
    close_path
    ;;
  *)
    echo "usage: $0 start|url [DB]|stop" >&2
    exit 2
    ;;
esac
