#!/usr/bin/env bash
# Idempotent, offline-capable setup: Python 3.10 venv, the project's packages, the Dutch spaCy pipeline.
# Reruns take seconds: each step leaves a stamp and is skipped while its inputs are unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv
mkdir -p var

find_python() {
  if [ -n "${PYTHON:-}" ]; then echo "$PYTHON"; return; fi
  if command -v pyenv >/dev/null 2>&1; then
    for v in 3.10.13 $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10\.' | sort -rV); do
      p="$(pyenv prefix "$v" 2>/dev/null)/bin/python" && [ -x "$p" ] && { echo "$p"; return; }
    done
  fi
  for c in python3.10 python3.9 python3.8; do
    command -v "$c" >/dev/null 2>&1 && { command -v "$c"; return; }
  done
  echo ""
}

if [ ! -x "$VENV/bin/python" ]; then
  PY="$(find_python)"
  if [ -z "$PY" ] || ! "$PY" -c 'import sys; sys.exit(0 if (3,8) <= sys.version_info[:2] <= (3,10) else 1)' 2>/dev/null; then
    echo "FOUT: Rasa 3.6 heeft Python 3.8-3.10 nodig en die is niet gevonden." >&2
    echo "      Installeer Python 3.10 (bijv. 'pyenv install 3.10.13') of zet PYTHON=/pad/naar/python3.10." >&2
    exit 1
  fi
  echo "setup: virtual environment with $("$PY" --version) ($PY)"
  "$PY" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade "pip<25" wheel
fi

STAMP="$VENV/.installed-$(sha1sum pyproject.toml | cut -c1-12)"
if [ ! -f "$STAMP" ]; then
  echo "setup: installing packages (first time takes a few minutes)"
  "$VENV/bin/python" -m pip install -q -e '.[test]'
  "$VENV/bin/python" -m pip check
  rm -f "$VENV"/.installed-*
  touch "$STAMP"
fi

export RASA_TELEMETRY_ENABLED=false
export TF_CPP_MIN_LOG_LEVEL=2
"$VENV/bin/python" -m nlu.spacy_nl ensure var/spacy_nl
