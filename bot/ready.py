"""Waits until the assistant answers, then prints where residents and staff can reach it.

Why a process of its own: `make run` starts several servers at once (honcho); this one tells
the person at the terminal when everything is really up, and which URLs to open.
"""
from __future__ import annotations

import sys
import time
import urllib.request

from assistant.settings import settings


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except Exception:  # noqa: BLE001 - anything but an answer means "not yet"
        return False


def main() -> int:
    current = settings()
    rasa, console, token = current.rasa_url.rstrip("/"), current.console_base, current.rasa_api_token
    checks = [f"{rasa}/status?token={token}", f"{console}/healthz",
              f"http://127.0.0.1:{current.actions_port}/health"]
    deadline = time.monotonic() + 600
    while not all(_up(u) for u in checks):
        if time.monotonic() > deadline:
            print("De assistent is na 10 minuten nog niet bereikbaar; zie de logregels hierboven.")
            return 1
        time.sleep(1)
    print(f"""
==============================================================================
 De assistent draait ({current.municipality_slug}).
   Demo-pagina met chat:   {rasa}/webhooks/webchat/demo
   KCC-console:            {console}/console   (account: make staff-user)
   Privacyverklaring:      {console}/privacy
   REST (test):            curl -s {rasa}/webhooks/rest/webhook -H 'Content-Type: application/json' \\
                             -H "Authorization: Bearer $(cat var/rest_token)" \\
                             -d '{{"sender":"demo","message":"hallo"}}'
   Stoppen:                Ctrl-C
==============================================================================""", flush=True)
    while True:  # honcho stops every process when one exits; stay until Ctrl-C
        time.sleep(3600)


if __name__ == "__main__":
    sys.exit(main())
