"""A local stand-in for Telegram, for tests: the Bot API our channel calls, and the webhook
deliveries Telegram makes to us.

The real network is unreachable in CI, and the real Bot API cannot be told to rate-limit on
request. This server answers like the Bot API (`{"ok": true, "result": ...}` with Message objects
PTB can parse), records every call, and can answer the next calls with HTTP 429.
It runs an aiohttp server on 127.0.0.1 (free port) in a background thread with its own loop, so
both synchronous tests and the Rasa server process can use it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Union

from aiohttp import web

BOT_USER = {
    "id": 777000111,
    "is_bot": True,
    "first_name": "Gemeente Assistent",
    "username": "gemeente_assistent_test_bot",
}
# A resident as Telegram describes them: the channel must not pass these names on.
RESIDENT_PROFILE = {
    "is_bot": False,
    "first_name": "Johanna",
    "last_name": "Testbewoner",
    "username": "johanna_testbewoner",
    "language_code": "nl",
}


@dataclass(frozen=True)
class ApiCall:
    """One Bot API call as received: method name and its parameters (JSON values decoded)."""

    method: str
    params: Dict[str, Any]
    at: float


class FakeTelegramServer:
    """Fake Bot API at `base_url` (use `Bot(token, base_url=f"{base_url}/bot")`)."""

    def __init__(self, token: Optional[str] = None, secret: Optional[str] = None) -> None:
        self.token = token or f"{int(time.time()) % 10**9}:fake-{secrets.token_hex(8)}"
        self.secret = secret or secrets.token_urlsafe(24)
        self.port = 0
        self.webhook: Dict[str, Any] = {}
        self.rate_limited: List[str] = []  # methods answered with 429, in order
        self._calls: List[ApiCall] = []
        self._changed = threading.Condition()
        self._fail_next = 0
        self._retry_after = 1
        self._message_ids = itertools.count(1)
        self._update_ids = itertools.count(int(time.time()) % 10**6 * 1000)
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._thread: Optional[threading.Thread] = None
        self._runner: Optional[web.AppRunner] = None

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "FakeTelegramServer":
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()

        def serve() -> None:
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(self._open())
            ready.set()
            self._loop.run_forever()
            self._loop.run_until_complete(self._runner.cleanup())
            self._loop.close()

        self._thread = threading.Thread(target=serve, name="fake-telegram", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fake Telegram server did not start")
        return self

    def stop(self) -> None:
        if self._loop and self._thread:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        self._thread = None

    async def _open(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    # -- control and inspection --------------------------------------------------------------
    def fail_next(self, n: int, retry_after: int = 1) -> None:
        """Answer the next `n` calls with 429 Too Many Requests."""
        with self._changed:
            self._fail_next = n
            self._retry_after = retry_after

    def calls(self, method: Optional[str] = None) -> List[ApiCall]:
        with self._changed:
            return [c for c in self._calls if method is None or c.method == method]

    def messages(self, chat_id: Union[int, str]) -> List[Dict[str, Any]]:
        """Parameters of every accepted sendMessage to `chat_id`, oldest first."""
        return [
            c.params
            for c in self.calls("sendMessage")
            if str(c.params.get("chat_id")) == str(chat_id)
        ]

    def texts(self, chat_id: Union[int, str]) -> List[str]:
        return [str(m.get("text", "")) for m in self.messages(chat_id)]

    def wait_for_messages(
        self, chat_id: Union[int, str], n: int = 1, timeout: float = 30.0
    ) -> List[Dict[str, Any]]:
        """Block until at least `n` messages reached `chat_id`; returns all of them."""
        return self._wait(
            lambda: self.messages(chat_id), n, timeout, f"{n} message(s) to chat {chat_id}"
        )

    def wait_for_calls(self, method: str, n: int = 1, timeout: float = 30.0) -> List[ApiCall]:
        return self._wait(lambda: self.calls(method), n, timeout, f"{n} {method} call(s)")

    def _wait(self, read: Any, n: int, timeout: float, what: str) -> List[Any]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = read()
                if len(found) >= n:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out waiting for {what}; got {found!r}")
                self._changed.wait(remaining)

    # -- Telegram's side of the webhook ---------------------------------------------------------
    def text_update(self, chat_id: int, text: str, chat_type: str = "private") -> Dict[str, Any]:
        return self._message_update(chat_id, {"text": text}, chat_type)

    def photo_update(self, chat_id: int) -> Dict[str, Any]:
        photo = [{"file_id": "AgAD-fake", "file_unique_id": "fake1", "width": 90, "height": 90}]
        return self._message_update(chat_id, {"photo": photo})

    def voice_update(self, chat_id: int) -> Dict[str, Any]:
        voice = {"file_id": "AwAD-fake", "file_unique_id": "fake2", "duration": 3}
        return self._message_update(chat_id, {"voice": voice})

    def callback_update(self, chat_id: int, data: str, message_id: int = 1) -> Dict[str, Any]:
        """A pressed inline button on message `message_id` of the bot in `chat_id`."""
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "from": BOT_USER,
            "chat": self._chat(chat_id),
            "text": "...",
        }
        return {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": str(next(self._update_ids)),
                "from": self._resident(chat_id),
                "chat_instance": "fake-instance",
                "message": message,
                "data": data,
            },
        }

    def deliver(
        self,
        url: str,
        update: Union[Dict[str, Any], bytes],
        secret: Optional[str] = "",
        timeout: float = 60.0,
    ) -> int:
        """POST an update to our webhook like Telegram does; returns the HTTP status.

        `secret=""` (default) sends this server's secret, None sends no header."""
        body = update if isinstance(update, bytes) else json.dumps(update).encode()
        request = urllib.request.Request(
            url, data=body, method="POST", headers={"Content-Type": "application/json"}
        )
        if secret is not None:
            request.add_header("X-Telegram-Bot-Api-Secret-Token", secret or self.secret)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def _message_update(
        self, chat_id: int, content: Dict[str, Any], chat_type: str = "private"
    ) -> Dict[str, Any]:
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "from": self._resident(chat_id),
            "chat": self._chat(chat_id, chat_type),
            **content,
        }
        return {"update_id": next(self._update_ids), "message": message}

    @staticmethod
    def _resident(chat_id: int) -> Dict[str, Any]:
        return {"id": chat_id, **RESIDENT_PROFILE}

    @staticmethod
    def _chat(chat_id: int, chat_type: str = "private") -> Dict[str, Any]:
        if chat_type == "private":
            return {
                "id": chat_id,
                "type": "private",
                "first_name": RESIDENT_PROFILE["first_name"],
                "username": RESIDENT_PROFILE["username"],
            }
        return {"id": chat_id, "type": chat_type, "title": "Testgroep"}

    # -- the Bot API ----------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params = await self._params(request)
        with self._changed:
            if self._fail_next > 0:
                self._fail_next -= 1
                self.rate_limited.append(method)
                return web.json_response(
                    {
                        "ok": False,
                        "error_code": 429,
                        "description": f"Too Many Requests: retry after {self._retry_after}",
                        "parameters": {"retry_after": self._retry_after},
                    },
                    status=429,
                )
            self._calls.append(ApiCall(method, params, time.time()))
            result = self._result(method, params)
            self._changed.notify_all()
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    async def _params(request: web.Request) -> Dict[str, Any]:
        """PTB posts form fields whose values are JSON; decode objects and lists."""
        if request.content_type == "application/json":
            raw = await request.json() if request.can_read_body else {}
            return dict(raw or {})
        params: Dict[str, Any] = {}
        for key, value in (await request.post()).items():
            if isinstance(value, str) and value[:1] in "[{":
                try:
                    value = json.loads(value)
                except ValueError:
                    pass
            params[key] = value
        return params

    def _result(self, method: str, params: Dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
            chat_id = params.get("chat_id", 0)
            message = {
                "message_id": next(self._message_ids),
                "date": int(time.time()),
                "from": BOT_USER,
                "chat": {
                    "id": int(chat_id) if str(chat_id).lstrip("-").isdigit() else 0,
                    "type": "private",
                },
                "text": params.get("text", ""),
            }
            if isinstance(params.get("reply_markup"), dict):
                message["reply_markup"] = params["reply_markup"]
            return message
        if method == "setWebhook":
            self.webhook = {
                "url": params.get("url", ""),
                "secret_token": params.get("secret_token"),
                "allowed_updates": params.get("allowed_updates"),
            }
            return True
        if method == "deleteWebhook":
            self.webhook = {}
            return True
        if method == "getWebhookInfo":
            return {
                "url": self.webhook.get("url", ""),
                "has_custom_certificate": False,
                "pending_update_count": 0,
            }
        return True
