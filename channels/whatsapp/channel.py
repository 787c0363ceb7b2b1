"""WhatsApp channel for Rasa on the WhatsApp Business Cloud API (Meta's Graph API webhooks).

Registered in credentials.yml as ``channels.whatsapp.WhatsAppInput``; Meta calls
``/webhooks/whatsapp/webhook``. Like the Telegram channel it makes no network call at start-up,
checks every POST (``X-Hub-Signature-256``, an HMAC of the raw body with the app secret, compared
in constant time), processes a re-delivered message once (by message id, in the database),
records delivery statuses without answering them, and answers 200 to anything it cannot read so
Meta does not retry forever. Without its settings the webhook answers 503.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from typing import Any, Awaitable, Callable, Dict, Optional

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.whatsapp.messages import outgoing, read_payload
from channels.whatsapp.store import WhatsAppStore

logger = logging.getLogger(__name__)
OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
SIGNATURE_HEADER = "X-Hub-Signature-256"
GRAPH_VERSION = "v19.0"
DEFAULT_API_BASE = "https://graph.facebook.com"


def signature_ok(app_secret: str, body: bytes, header: Optional[str]) -> bool:
    """Is ``header`` ("sha256=<hex>") the HMAC-SHA256 of the body with the app secret?"""
    if not app_secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return secrets.compare_digest(expected, header[len("sha256="):].strip().lower())


class GraphClient:
    """Sends messages through the Graph API (``POST /{version}/{phone_number_id}/messages``)."""

    def __init__(self, token: str, phone_number_id: str, api_base: str = "") -> None:
        self.url = (f"{(api_base or DEFAULT_API_BASE).rstrip('/')}/{GRAPH_VERSION}/"
                    f"{phone_number_id}/messages")
        self._headers = {"Authorization": f"Bearer {token}"}
        self._session: Optional[aiohttp.ClientSession] = None

    async def send(self, body: Dict[str, Any]) -> Optional[str]:
        """The id of the sent message, or None when the API refused (logged, never raised)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))
        try:
            async with self._session.post(self.url, json=body, headers=self._headers) as resp:
                data = await resp.json(content_type=None)
                if resp.status != 200:
                    logger.warning("WhatsApp API refused a message: HTTP %d", resp.status)
                    return None
                return ((data or {}).get("messages") or [{}])[0].get("id")
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            logger.warning("WhatsApp API not reachable: %s", type(exc).__name__)
            return None


class WhatsAppOutput(OutputChannel):
    """Sends bot and staff messages to the resident, only inside the 24-hour window."""

    def __init__(self, client: Optional[GraphClient], store: Optional[WhatsAppStore]) -> None:
        self.client = client
        self.store = store

    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        """One bot message as WhatsApp messages (text pieces, links as text, buttons)."""
        if self.client is None or self.store is None:
            return
        to = self.store.reply_address(recipient_id)
        if to is None:
            # Outside the window only an approved template may start a conversation: the
            # message is not sent, and the ticket's callback must go by phone or template.
            logger.warning("WhatsApp: no free reply outside the 24-hour window; not sent")
            return
        for body in outgoing(to, message):
            await self.client.send(body)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text, **kwargs})

    def window_open(self, recipient_id: str) -> bool:
        return self.store is not None and self.store.reply_address(recipient_id) is not None


class WhatsAppInput(InputChannel):
    """Receives WhatsApp webhook calls and hands residents' messages to Rasa."""

    @classmethod
    def name(cls) -> str:
        return "whatsapp"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "WhatsAppInput":
        c = {k: str(v or "").strip() for k, v in (credentials or {}).items()}
        return cls(c.get("token", ""), c.get("app_secret", ""), c.get("verify_token", ""),
                   c.get("phone_number_id", ""), c.get("api_base", ""), c.get("store_url", ""))

    def __init__(self, token: str, app_secret: str, verify_token: str, phone_number_id: str,
                 api_base: str = "", store_url: str = "") -> None:
        self.app_secret = app_secret
        self.verify_token = verify_token
        self.configured = bool(token and app_secret and verify_token and phone_number_id)
        self._store_url = store_url
        self._token, self._phone, self._api_base = token, phone_number_id, api_base
        self.output = WhatsAppOutput(None, None)
        if not self.configured:
            logger.info("WhatsApp channel not configured; webhook answers 503")

    def _ready(self) -> WhatsAppOutput:
        """Database and client on first use (no work and no network call at start-up)."""
        if self.output.store is None:
            from knowledge.settings import database_url

            self.output.store = WhatsAppStore(database_url(self._store_url or None), self.app_secret)
            self.output.client = GraphClient(self._token, self._phone, self._api_base)
        return self.output

    def get_output_channel(self) -> OutputChannel:
        """Staff replies from the console (trigger_intent with output_channel=whatsapp)."""
        return self._ready() if self.configured else self.output

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        bp = Blueprint("whatsapp_webhook", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.configured else "not configured"})

        @bp.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            if not self.configured:
                return response.json({"ok": False}, status=503)
            mode = request.args.get("hub.mode")
            given = request.args.get("hub.verify_token") or ""
            challenge = request.args.get("hub.challenge") or ""
            if mode == "subscribe" and secrets.compare_digest(given.encode(),
                                                              self.verify_token.encode()):
                return response.text(challenge[:200])
            return response.json({"ok": False}, status=403)

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            status = await self.handle(request.headers.get(SIGNATURE_HEADER), request.body or b"",
                                       on_new_message)
            return response.json({"ok": status == 200}, status=status)

        return bp

    async def handle(self, signature: Optional[str], body: bytes,
                     on_new_message: OnNewMessage) -> int:
        """Process one webhook call; returns the HTTP status for Meta."""
        if not self.configured:
            return 503
        if not signature:
            return 401
        if not signature_ok(self.app_secret, body, signature):
            logger.warning("WhatsApp webhook call with a wrong signature refused")
            return 403
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError):
            logger.warning("WhatsApp webhook: body is not JSON; ignored")
            return 200
        output = self._ready()
        incoming, statuses = read_payload(payload)
        for st in statuses:
            output.store.status(st.message_id, st.status)  # recorded, never answered
        for msg in incoming:
            if not output.store.first_time(msg.message_id):
                logger.info("WhatsApp message delivered again; ignored")
                continue
            sender = output.store.inbound(msg.wa_id)
            if msg.say:
                await output.send_text_message(sender, msg.say)
                continue
            try:
                await on_new_message(UserMessage(msg.text, output, sender,
                                                 input_channel=self.name()))
            except Exception:  # noqa: BLE001 - Meta would re-send; the resident gets no 500
                logger.exception("WhatsApp: handling a message failed")
        return 200


