"""The `rest` channel (tests, benchmarks, integrations): Rasa's own connector, made strict.

Why a subclass: Rasa's `RestInput` answers a JSON list or an empty body with HTTP 500, takes a
missing sender as the shared conversation "default", accepts any size of text (a 100 kB message
keeps the NLU busy for many seconds) and answers HTTP 200 with nothing when the message could not
be processed (for example when the tracker store is unavailable), so a caller cannot tell that
nothing was stored. This one checks the request first and answers every refusal or failure with
a 4xx/5xx JSON body holding a Dutch reason, never a stack trace. The name stays `rest`, so the
URL (`/webhooks/rest/webhook`) and `output_channel=rest` are unchanged.

REST is for integrations, tests and scripts, not for the public: every call needs
``Authorization: Bearer <REST_TOKEN>`` (the setup keeps a random one in ``var/rest_token``), and
each sender has a rate limit, so nobody can write into a resident's conversation or flood it.
The caller's ``metadata`` is never passed on (Rasa trusts some of its keys, such as
``is_external``), and Rasa's intent syntax is accepted only for the assistant's own buttons.
The one exception is ``metadata.municipality``: in a region deployment it says which
municipality the conversation belongs to, and it passes only as the slug of a known profile
(``channels/tenant.py``; an unknown one is refused with 400).
"""
from __future__ import annotations

import logging
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, Optional, Tuple

import rasa.utils.endpoints
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.settings import settings
from assistant.rate_limit import RateLimiter
from assistant.secret_files import bearer, read_secret, tokens_equal
from assistant.masking import mask
from channels.refusal import (MAX_SENDER, Policy, Refusal, json_body, message_text,
                              municipality)
from channels.tenant import tenant_metadata

logger = logging.getLogger(__name__)

#: REST callers are integrations: they are told which field is wrong (see channels/refusal.py).
POLICY = Policy(wrong_type="unsupported_type", lenient_type=True, too_large="too_large",
                missing_text="bad_message", text_not_string="bad_message")
#: A message that could not be processed: 503, so that an integration tries it again.
NOT_PROCESSED = 503


def parse_body(content_type: str, body: bytes) -> Tuple[str, str, Optional[Dict[str, Any]]]:
    """Sender, text and metadata from a request body, or a `Refusal` saying what is wrong."""
    data = json_body(POLICY, content_type, body)
    sender = data.get("sender")
    if isinstance(sender, int) and not isinstance(sender, bool):
        sender = str(sender)
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER \
            or not sender.isprintable():
        raise Refusal("bad_sender")
    text = message_text(POLICY, data.get("message"))
    metadata = data.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise Refusal("bad_metadata")
    return sender, text, metadata


def caller_metadata(caller: Optional[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """What of the caller's metadata reaches Rasa: only a known municipality (module docstring)."""
    return tenant_metadata(municipality((caller or {}).get("municipality")))


class RestInput(RasaRestInput):
    """Rasa's REST connector with a token, a rate limit, request checks and Dutch refusals."""

    def __init__(self, token: Optional[str] = None,
                 limiter: Optional[RateLimiter] = None) -> None:
        self.token = token if token is not None else read_secret("REST_TOKEN", "rest_token")
        self.limiter = limiter or RateLimiter(limit=settings().rest_rate_limit, window=60.0)

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "RestInput":
        return cls(token=str((credentials or {}).get("token") or "") or None)

    def _limit(self, sender: str) -> None:
        """Refuse one sender's flood (it would delay that conversation and fill its history)."""
        if self.limiter.hit(sender) is not None:
            raise Refusal("rate_limited")

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        bp = Blueprint("custom_webhook_StrictRestInput", __name__)

        @bp.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Any:
            if not tokens_equal(bearer(request.headers.get("authorization")), self.token):
                return Refusal("unauthorized").response({"WWW-Authenticate": "Bearer"})
            try:
                sender, text, caller = parse_body(request.headers.get("content-type", ""),
                                                  request.body or b"")
                metadata = caller_metadata(caller)
                self._limit(sender)
            except Refusal as refusal:
                return refusal.response()
            if rasa.utils.endpoints.bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(on_new_message, text, sender, self.name(), metadata),
                    content_type="text/event-stream")
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(text, collector, sender,
                                                 input_channel=self.name(), metadata=metadata))
            except CancelledError:
                logger.error("rest: message processing was cancelled")
                return Refusal("server_error", status=NOT_PROCESSED).response()
            except Exception as exc:  # noqa: BLE001 - the caller gets a reason, the log the type
                # No text and no locals in the log: they may hold personal data.
                logger.error("rest: message could not be processed: %s: %s", type(exc).__name__,
                             mask(str(exc))[:300])
                return Refusal("server_error", status=NOT_PROCESSED).response()
            return response.json(collector.messages)

        return bp
