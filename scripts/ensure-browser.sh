#!/usr/bin/env bash
# Browser tests need Debian's Chromium (Playwright drives it; no browser download) and axe-core
# from the npm registry for the accessibility check. Installs what is missing, quietly.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  echo "setup: installing Debian chromium for the browser tests"
  if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
if [ ! -f var/node/node_modules/axe-core/axe.min.js ]; then
  echo "setup: installing axe-core for the accessibility check"
  mkdir -p var/node
  (cd var/node && npm install --silent --no-audit --no-fund --prefix . axe-core@4 >/dev/null)
fi
