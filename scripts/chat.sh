#!/usr/bin/env bash
# Talk to the assistant in the terminal (Rasa's shell), with the action server in the background.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
.venv/bin/python -m actions.server --port "$ACTIONS_PORT" > var/actions-chat.log 2>&1 &
ACTIONS_PID=$!
trap 'kill $ACTIONS_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$ACTIONS_PORT/health" >/dev/null && break; sleep 0.5; done
.venv/bin/rasa shell -m models/assistant.tar.gz --endpoints endpoints.yml
