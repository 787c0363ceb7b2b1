"""A local fake of the WhatsApp Business Cloud API (Graph API) on loopback, for the channel tests.

It records every message the assistant sends and can sign webhook deliveries the way Meta does
(``X-Hub-Signature-256``), so tests exercise the real channel over real HTTP.
"""
from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from typing import Any, Dict, List, Optional

from aiohttp import web

from tests.support.fakes import ThreadedServer

TOKEN = "fake-whatsapp-token"
APP_SECRET = "fake-app-secret"
VERIFY_TOKEN = "fake-verify-token"
PHONE_NUMBER_ID = "1234567890"


class FakeWhatsApp:
    def __init__(self) -> None:
        self.sent: List[Dict[str, Any]] = []
        self._changed = threading.Condition()
        self._ids = itertools.count(1)
        app = web.Application()
        app.router.add_post("/{version}/{phone}/messages", self._messages)
        self.server = ThreadedServer(app)

    @property
    def base_url(self) -> str:
        return self.server.url

    def start(self) -> "FakeWhatsApp":
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()

    async def _messages(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}" \
                or request.match_info["phone"] != PHONE_NUMBER_ID:
            return web.json_response({"error": {"message": "unauthorized"}}, status=401)
        body = await request.json()
        with self._changed:
            self.sent.append(body)
            self._changed.notify_all()
        return web.json_response({"messaging_product": "whatsapp",
                                  "messages": [{"id": f"wamid.out{next(self._ids)}"}]})

    def to(self, wa_id: str) -> List[Dict[str, Any]]:
        return [m for m in self.sent if m.get("to") == wa_id]

    def wait_for(self, wa_id: str, count: int, timeout: float = 30) -> List[Dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.to(wa_id)) < count and time.monotonic() < deadline:
                self._changed.wait(0.2)
        return self.to(wa_id)

    # -- deliveries as Meta makes them ----------------------------------------------------
    @staticmethod
    def payload(value: Dict[str, Any]) -> Dict[str, Any]:
        return {"object": "whatsapp_business_account", "entry": [{"id": "waba", "changes": [
            {"field": "messages", "value": {"messaging_product": "whatsapp",
                                            "metadata": {"phone_number_id": PHONE_NUMBER_ID},
                                            **value}}]}]}

    @classmethod
    def text(cls, wa_id: str, text: str, message_id: str) -> Dict[str, Any]:
        return cls.payload({"contacts": [{"wa_id": wa_id, "profile": {"name": "Inwoner"}}],
                            "messages": [{"from": wa_id, "id": message_id, "timestamp": "1",
                                          "type": "text", "text": {"body": text}}]})

    @classmethod
    def button(cls, wa_id: str, payload: str, message_id: str) -> Dict[str, Any]:
        return cls.payload({"messages": [{"from": wa_id, "id": message_id, "type": "interactive",
                                          "interactive": {"type": "button_reply", "button_reply":
                                                          {"id": payload, "title": "x"}}}]})

    @staticmethod
    def deliver(url: str, payload: Any, secret: Optional[str] = APP_SECRET,
                raw: Optional[bytes] = None) -> int:
        body = raw if raw is not None else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Hub-Signature-256"] = "sha256=" + hmac.new(
                secret.encode(), body, hashlib.sha256).hexdigest()
        req = urllib.request.Request(url, data=body, method="POST", headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return resp.status
        except urllib.error.HTTPError as exc:
            return exc.code
