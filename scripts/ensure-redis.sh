#!/usr/bin/env bash
# A Redis server of the project's own, on loopback, with its data under var/.
#
#   scripts/ensure-redis.sh start   # install Debian's redis-server when missing, start it;
#                                   # prints its URL (redis://:password@127.0.0.1:port/0)
#   scripts/ensure-redis.sh stop
#
# Settings: REDIS_DIR (default var/redis), REDIS_PORT (default 6380: beside a system Redis on
# 6379). A random password is kept in $REDIS_DIR.password (mode 0600); only 127.0.0.1 is
# listened on. Used for Rasa's conversation locks and for pushing web chat messages between
# processes (bot/lock_store.py, channels/webchat/redis_hub.py).
#
# As root the server runs as Debian's "redis" user; like scripts/ensure-postgres.sh, the
# directories above REDIS_DIR get o+x while it runs.
set -euo pipefail
cd "$(dirname "$0")/.."

REDIS_DIR="${REDIS_DIR:-var/redis}"
REDIS_PORT="${REDIS_PORT:-6380}"
case "$REDIS_DIR" in /*) ;; *) REDIS_DIR="$PWD/$REDIS_DIR" ;; esac
PW_FILE="$REDIS_DIR.password"
CONF="$REDIS_DIR/redis.conf"

install_redis() {
  command -v redis-server >/dev/null && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "Redis is not installed. Install it with: sudo apt-get install redis-server" >&2
    exit 1
  fi
  echo "Installing Redis (Debian package)..." >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends redis-server >&2 \
    || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive \
         apt-get install -y -q --no-install-recommends redis-server >&2; }
}

owner() { if [ "$(id -u)" -eq 0 ]; then echo redis; else id -un; fi; }

SERVICE_DIR="$REDIS_DIR"
SERVICE_USER=redis
# shellcheck source=scripts/service-path.sh
source "$(dirname "$0")/service-path.sh"

cli() { REDISCLI_AUTH="$(cat "$PW_FILE")" redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }

running() { [ -s "$PW_FILE" ] && cli ping 2>/dev/null | grep -q PONG; }

start_redis() {
  running && return 0
  (umask 077; mkdir -p "$REDIS_DIR"; [ -s "$PW_FILE" ] || python3 -c 'import secrets; print(secrets.token_urlsafe(24))' > "$PW_FILE")
  (umask 077; cat > "$CONF" <<EOF
# scripts/ensure-redis.sh: loopback only, with a password, data in this directory
bind 127.0.0.1
protected-mode yes
port $REDIS_PORT
requirepass $(cat "$PW_FILE")
dir $REDIS_DIR
pidfile $REDIS_DIR/redis.pid
logfile $REDIS_DIR/redis.log
daemonize yes
save ""
appendonly no
EOF
  )
  if [ "$(id -u)" -eq 0 ]; then chown -R redis:redis "$REDIS_DIR"; fi
  if [ "$(id -u)" -eq 0 ]; then
    with_path_open runuser -u redis -- redis-server "$CONF"
  else
    redis-server "$CONF"
  fi
  for _ in $(seq 1 50); do running && return 0; sleep 0.1; done
  echo "Redis did not start; see $REDIS_DIR/redis.log" >&2
  exit 1
}

case "${1:-start}" in
  start)
    install_redis
    start_redis
    echo "redis://:$(cat "$PW_FILE")@127.0.0.1:${REDIS_PORT}/0"
    ;;
  stop)
    if [ -s "$PW_FILE" ] && running; then cli shutdown nosave >/dev/null 2>&1 || true; fi
    close_path
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
