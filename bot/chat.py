"""Talk to the running assistant in the terminal: ``python -m bot.chat``.

Why our own and not ``rasa shell``: the shell starts Rasa's plain REST channel without a token
and without our channel checks. This client talks to the real ``rest`` channel of a running
server, with the token from ``var/rest_token``, exactly as an integration would.
"""
from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
import uuid
from typing import Any, Dict, List

from assistant.settings import settings
from assistant.secret_files import read_secret


def send(url: str, token: str, sender: str, text: str) -> List[Dict[str, Any]]:
    req = urllib.request.Request(url, method="POST",
                                 data=json.dumps({"sender": sender, "message": text}).encode(),
                                 headers={"Content-Type": "application/json",
                                          "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return json.loads(resp.read() or b"[]")
    except urllib.error.HTTPError as exc:
        return [{"text": f"(HTTP {exc.code}) {json.loads(exc.read() or b'{}').get('message', '')}"}]


def main() -> int:
    url = settings().rasa_url.rstrip("/") + "/webhooks/rest/webhook"
    token = read_secret("REST_TOKEN", "rest_token")
    sender = f"chat-{uuid.uuid4().hex[:12]}"
    buttons: List[Dict[str, Any]] = []
    print("Typ uw bericht (een cijfer kiest een knop; /stop of Ctrl-D om te stoppen).")
    while True:
        try:
            text = input("u> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if text == "/stop":
            return 0
        if text.isdigit() and 0 < int(text) <= len(buttons):
            text = buttons[int(text) - 1]["payload"]
        if not text:
            continue
        buttons = []
        for message in send(url, token, sender, text):
            if message.get("text"):
                print(f"bot> {message['text']}")
            for button in message.get("buttons") or []:
                buttons.append(button)
                print(f"     [{len(buttons)}] {button.get('title')}")


if __name__ == "__main__":
    sys.exit(main())
