#!/usr/bin/env bash
# Conversation tests: test stories with real Dutch resident text, through the real NLU model and
# all policies (rules + ConversationGuardPolicy). Any wrong prediction fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
out="$(mktemp -d)"
export TRACKER_STORE_URL="sqlite:///$out/tracker.db"
# rasa test replays actions without running them; see _detect_failures in bot/policies.py.
export STORY_REPLAY=1
.venv/bin/rasa test core --e2e --stories tests/conversations -m models/assistant.tar.gz \
  --endpoints endpoints.yml --fail-on-prediction-errors --out "$out/results" --no-plot
echo "conversation tests: all stories predicted correctly (report in $out/results)"
