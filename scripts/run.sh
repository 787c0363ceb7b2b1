#!/usr/bin/env bash
# Start the whole assistant on embedded defaults: Rasa server, action server, KCC console,
# the retention scheduler, and a banner that prints where to talk to it. Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
exec .venv/bin/honcho start -f Procfile
