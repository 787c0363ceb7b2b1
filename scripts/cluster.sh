#!/usr/bin/env bash
# `make cluster`: the region topology on one machine, from the project's own files.
# PostgreSQL and Redis (Debian packages, installed when missing, data under var/), two Rasa
# replicas, two action servers, two consoles and HAProxy in front (deploy/haproxy.cfg:
# each conversation sticks to one replica). A process that dies is restarted; Ctrl-C
# stops them all, the databases too.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

scripts/ensure-package.sh haproxy

stop_databases() {
  scripts/ensure-redis.sh stop || true
  scripts/ensure-postgres.sh stop || true
}
trap stop_databases EXIT

DATABASE_URL="$(scripts/ensure-postgres.sh start)"
TRACKER_STORE_URL="$(scripts/ensure-postgres.sh url tracker)"
REDIS_URL="$(scripts/ensure-redis.sh start)"
export DATABASE_URL TRACKER_STORE_URL REDIS_URL

# The balancer takes the public ports of a single stack; the replicas sit beside them.
export LB_HOST="${LB_HOST:-127.0.0.1}"
# The replicas and consoles are reached through the balancer on this machine: believe the
# X-Forwarded-For it adds (deploy/haproxy.cfg), so limits count each resident, not the balancer.
export TRUSTED_PROXIES="${TRUSTED_PROXIES:-127.0.0.1,::1}"
export RASA1_PORT="${RASA1_PORT:-5105}" RASA2_PORT="${RASA2_PORT:-5106}"
export ACTIONS1_PORT="${ACTIONS1_PORT:-5155}" ACTIONS2_PORT="${ACTIONS2_PORT:-5156}"
export CONSOLE1_PORT="${CONSOLE1_PORT:-8180}" CONSOLE2_PORT="${CONSOLE2_PORT:-8181}"
export RASA_URL="http://${LB_HOST}:${RASA_PORT}"
export RASA1_ADDR="127.0.0.1:${RASA1_PORT}" RASA2_ADDR="127.0.0.1:${RASA2_PORT}"
export CONSOLE1_ADDR="127.0.0.1:${CONSOLE1_PORT}" CONSOLE2_ADDR="127.0.0.1:${CONSOLE2_PORT}"

.venv/bin/python -m knowledge load >/dev/null
haproxy -c -q -f deploy/haproxy.cfg

# A small supervisor instead of honcho: honcho stops everything when one process ends, but a
# cluster must go on when a replica dies (its conversations move to the other one, see
# deploy/haproxy.cfg), so each process is restarted on its own after it exits.
set -m  # each process gets its own process group, so Ctrl-C can stop it with its children
pids=()
supervise() {  # supervise NAME COMMAND
  local name="$1" cmd="$2"
  while true; do
    # `|| true`: under `set -e -o pipefail` a killed process would end this loop too.
    bash -c "$cmd" 2>&1 | sed -u "s/^/$(printf '%-9s' "$name") | /" || true
    echo "$(printf '%-9s' "$name") | exited; restarting in 3 s" >&2
    sleep 3
  done
}
stop_all() {
  trap - INT TERM
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap 'stop_all; exit 0' INT TERM
while IFS= read -r line; do
  case "$line" in ''|'#'*) continue ;; esac
  supervise "${line%%:*}" "${line#*: }" &
  pids+=("$!")
done < deploy/Procfile.cluster
echo "cluster: web chat ${RASA_URL}/webhooks/webchat/demo, console http://${LB_HOST}:${CONSOLE_PORT}/console (Ctrl-C stops all)" >&2
wait
