#!/usr/bin/env bash
# Talk to the assistant in the terminal: action server and Rasa server in the background, then a
# small client on the real REST channel (bot/chat.py), with the token from var/rest_token.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
.venv/bin/python -m actions.server --port "$ACTIONS_PORT" > var/actions-chat.log 2>&1 &
ACTIONS_PID=$!
.venv/bin/python -m bot.serve run --enable-api -m models/assistant.tar.gz --endpoints endpoints.yml \
  --credentials credentials.yml --port "$RASA_PORT" > var/rasa-chat.log 2>&1 &
RASA_PID=$!
trap 'kill $ACTIONS_PID $RASA_PID 2>/dev/null || true' EXIT
echo "De assistent start (dat duurt even)..."
for _ in $(seq 1 240); do curl -sf "$RASA_URL/webhooks/rest/" >/dev/null && break; sleep 0.5; done
.venv/bin/python -m bot.chat
