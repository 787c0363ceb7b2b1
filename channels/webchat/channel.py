"""The `webchat` input channel: JSON messages in, replies out, pushes over Server-Sent Events.

Shaped like Rasa's own `rest` and `socketio` connectors (one InputChannel with a blueprint and
an OutputChannel), but built for a public municipal widget: Dutch refusals, CORS only for the
municipality's own sites, a per-session rate limit, history from the tracker store, and a push
path so staff can write to the resident at any moment (Rasa calls `get_output_channel()` when
the console triggers `EXTERNAL_staff_message` with `output_channel=webchat`).
"""
from __future__ import annotations

from assistant.settings import settings

import asyncio
import html
import json
import logging
from functools import wraps
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse, empty, file
from sanic.response import html as html_response
from sanic.response import json as json_response
from sanic_cors.core import SANIC_CORS_EVALUATED

from assistant.rate_limit import RateLimiter, client_address
from channels.refusal import Refusal
from channels.tenant import tenant_metadata
from channels.webchat import guards
from channels.webchat.history import load_history
from channels.webchat.hub import PushHub
from channels.webchat.redis_hub import make_hub
from channels.webchat.messages import to_widget

logger = logging.getLogger(__name__)

BLUEPRINT = "webchat_webhook"
STATIC_DIR = Path(__file__).parent / "static"
KEEPALIVE_SECONDS = 15.0
STREAM_SECONDS = 300.0  # streams end now and then; EventSource reconnects (friendly to proxies)
DEMO_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")

Sink = Callable[[str, Dict[str, Any]], Any]
Handler = Callable[..., Awaitable[HTTPResponse]]


class WebchatOutput(OutputChannel):
    """Hands every bot or staff message, reduced to the widget's shape, to a sink."""

    def __init__(self, sink: Sink) -> None:
        self._sink = sink

    @classmethod
    def name(cls) -> str:
        return "webchat"

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        """Pass text, buttons, links and agent on in one piece (the base class would split them)."""
        shown = to_widget(message)
        if shown:
            self._sink(recipient_id, shown)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text, **kwargs})


def _static_files() -> Dict[str, Path]:
    """Whitelist of servable files (relative name -> path), so no request can walk the disk."""
    return {str(p.relative_to(STATIC_DIR)): p for p in STATIC_DIR.rglob("*")
            if p.is_file() and p.name != "demo.html"}


class WebchatInput(InputChannel):
    """Rasa input channel `webchat` (URL prefix /webhooks/webchat/)."""

    def __init__(self, allowed_origins: Tuple[str, ...] = (), hub: Optional[PushHub] = None,
                 limiter: Optional[RateLimiter] = None,
                 address_limiter: Optional[RateLimiter] = None,
                 trusted_proxies: frozenset = frozenset()) -> None:
        self.allowed_origins = allowed_origins
        # In a cluster (REDIS_URL) pushes cross Rasa processes (channels/webchat/redis_hub.py).
        self.hub = hub or make_hub(settings().redis_url)
        # Per session: one resident typing fast. Per address: one machine making many sessions
        # (a whole library or office shares an address, so this limit is wider).
        self.limiter = limiter or RateLimiter(limit=20, window=60.0)
        self.address_limiter = address_limiter or RateLimiter(limit=120, window=60.0)
        self.trusted_proxies = trusted_proxies

    @classmethod
    def name(cls) -> str:
        return "webchat"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "WebchatInput":
        credentials = credentials or {}
        return cls(allowed_origins=guards.parse_origins(credentials.get("allowed_origins")),
                   trusted_proxies=frozenset(guards.parse_origins(credentials.get("trusted_proxies"))))

    def get_output_channel(self) -> OutputChannel:
        """Pushes go to the hub, which streams them to the resident's open tabs."""
        return WebchatOutput(self.hub.publish)

    # -- HTTP ---------------------------------------------------------------------------
    def _guarded(self, handler: Handler) -> Handler:
        """CORS headers on every answer, Dutch refusals, and never a stack trace."""

        @wraps(handler)
        async def wrapped(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
            # Rasa's app-wide CORS (from --cors) must not decide for this channel.
            setattr(request.ctx, SANIC_CORS_EVALUATED, "1")
            headers = guards.cors_headers(request.headers.get("origin"), self.allowed_origins)
            headers["X-Content-Type-Options"] = "nosniff"
            try:
                response = await handler(request, *args, **kwargs)
            except Refusal as refusal:
                return refusal.response(headers)
            except Exception:  # noqa: BLE001 - the resident gets a Dutch sentence, the log the rest
                logger.exception("webchat: request failed")
                return None if request.responded else Refusal("server_error").response(headers)
            if response is not None:  # a stream has already sent its headers
                response.headers.update(headers)
            return response

        return wrapped

    def _preflight(self, request: Request) -> Optional[HTTPResponse]:
        """Answer CORS preflights for our routes ourselves (see `blueprint`)."""
        if request.method != "OPTIONS" or BLUEPRINT not in getattr(request.route, "name", ""):
            return None
        setattr(request.ctx, SANIC_CORS_EVALUATED, "1")
        return empty(headers=guards.cors_headers(request.headers.get("origin"),
                                                 self.allowed_origins))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint(BLUEPRINT, __name__)
        static = _static_files()
        guarded = self._guarded

        @bp.listener("before_server_start")
        async def answer_own_preflights(app: Any, _loop: Any) -> None:
            # Rasa's app-wide sanic-cors answers every OPTIONS request from a middleware that it
            # puts first; with `--cors "*"` it would grant any origin, without --cors none.
            # Our listener runs after Rasa's, so this middleware ends up before it.
            app.request_middleware.appendleft(self._preflight)
            # Sanic refuses a body over REQUEST_MAX_SIZE before any route runs, in plain text;
            # residents and integrations get the same Dutch JSON reason as for other refusals.
            app.error_handler.add(PayloadTooLarge, _too_large)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return json_response({"status": "ok"})

        @bp.route("/message", methods=["POST", "OPTIONS"])
        @guarded
        async def message(request: Request) -> HTTPResponse:
            incoming = guards.parse_message(request)
            self._limit(request, incoming.session_id)
            replies: List[Dict[str, Any]] = []
            collector = WebchatOutput(lambda _sid, shown: replies.append(shown))
            metadata = tenant_metadata(incoming.municipality, webchat_label=incoming.label)
            await on_new_message(UserMessage(
                incoming.text, collector, incoming.session_id,
                input_channel=self.name(), metadata=metadata))
            return json_response(replies)

        @bp.route("/history", methods=["GET", "OPTIONS"])
        @guarded
        async def history(request: Request) -> HTTPResponse:
            session_id = guards.session_id(request.args.get("session_id"))
            agent = getattr(request.app.ctx, "agent", None)
            store = getattr(agent, "tracker_store", None)
            if store is None:
                raise Refusal("not_ready")
            cursor = self.hub.cursor  # taken first: anything pushed while we read is replayed
            return json_response({"messages": await load_history(store, session_id), "cursor": cursor})

        @bp.route("/events", methods=["GET", "OPTIONS"])
        @guarded
        async def events(request: Request) -> Optional[HTTPResponse]:
            session_id = guards.session_id(request.args.get("session_id"))
            await self._stream(request, session_id)
            return None

        @bp.route("/demo", methods=["GET"])
        async def demo(_: Request) -> HTTPResponse:
            page = (STATIC_DIR / "demo.html").read_text(encoding="utf-8")
            page = page.replace("{{privacy_url}}", html.escape(_privacy_url(), quote=True))
            return html_response(page, headers={"Content-Security-Policy": DEMO_CSP,
                                                "X-Content-Type-Options": "nosniff"})

        @bp.route("/<name:path>", methods=["GET"])
        async def asset(_: Request, name: str) -> HTTPResponse:
            path = static.get(name)
            if path is None:
                return json_response({"error": "not_found", "message": "Niet gevonden."}, status=404)
            return await file(path, headers={"Cache-Control": "public, max-age=300",
                                             "Access-Control-Allow-Origin": "*",
                                             "X-Content-Type-Options": "nosniff"})

        return bp

    def _limit(self, request: Request, session_id: str) -> None:
        """Refuse a flood from one session or from one address, with the time to wait."""
        address = client_address(request.ip, request.headers.getall("x-forwarded-for", []),
                                 self.trusted_proxies)
        wait = self.limiter.hit(session_id) or self.address_limiter.hit(address)
        if wait is not None:
            raise Refusal("rate_limited", retry_after=wait)

    async def _stream(self, request: Request, session_id: str) -> None:
        """Server-Sent Events: replay what the client missed, then push live, with keep-alives."""
        headers = guards.cors_headers(request.headers.get("origin"), self.allowed_origins)
        headers.update({"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        after = self.hub.position(request.headers.get("last-event-id") or request.args.get("after"))
        if not self.hub.has_room(session_id):
            raise Refusal("too_many_streams")
        response = await request.respond(headers=headers,
                                         content_type="text/event-stream; charset=utf-8")
        with self.hub.subscribe(session_id, after) as sub:
            await response.send("retry: 3000\n\n")
            for event_id, shown in sub.backlog:
                await response.send(_sse(self.hub.token(event_id), shown))
            deadline = asyncio.get_running_loop().time() + STREAM_SECONDS
            while asyncio.get_running_loop().time() < deadline:
                try:
                    event_id, shown = await asyncio.wait_for(sub.queue.get(), KEEPALIVE_SECONDS)
                except asyncio.TimeoutError:
                    await response.send(": keep-alive\n\n")
                    continue
                await response.send(_sse(self.hub.token(event_id), shown))
        await response.eof()


def _too_large(request: Request, _exc: Exception) -> HTTPResponse:
    return Refusal("too_long").response(
        guards.cors_headers(request.headers.get("origin"), ()) if request else None)


def _sse(event_id: str, message: Dict[str, Any]) -> str:
    return f"id: {event_id}\ndata: {json.dumps(message, ensure_ascii=False)}\n\n"


def _privacy_url() -> str:
    """The demo links to the console's privacy page; a municipality sets its own in the tag."""
    return settings().privacy_page
