"""Everything the channel checks before a request may reach Rasa, with Dutch answers.

Why: the widget is public. Session ids are bearer secrets made by the browser, message bodies
come from anyone, and every refusal is read by a resident, so it must be short, Dutch and
free of technical detail (never a stack trace).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Dict, Iterable, Optional, Tuple

from sanic.request import Request
from sanic.response import HTTPResponse
from sanic.response import json as json_response

from assistant.untrusted import resident_text
from channels.tenant import UnknownMunicipality, municipality_from

MAX_TEXT = 2000
MAX_LABEL = 200
MAX_BODY_BYTES = 16 * 1024

# crypto.randomUUID() in the browser: version 4, lowercase hex.
_SESSION_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

REASONS: Dict[str, Tuple[int, str]] = {
    "bad_session": (400, "Dit gesprek is niet geldig. Laad de pagina opnieuw."),
    "bad_format": (400, "Uw bericht kon niet worden gelezen. Probeer het opnieuw."),
    "bad_municipality": (400, "Deze chat is niet goed ingesteld voor uw gemeente. Neem contact "
                              "op met de gemeente via haar website."),
    "empty": (400, "Uw bericht is leeg. Typ eerst uw vraag."),
    "too_long": (413, f"Uw bericht is te lang. Gebruik maximaal {MAX_TEXT} tekens."),
    "rate_limited": (429, "U stuurt veel berichten snel achter elkaar. Wacht een minuut en "
                          "probeer het dan opnieuw."),
    "too_many_streams": (429, "Dit gesprek is op te veel plekken tegelijk open. Sluit een ander "
                              "venster en laad de pagina opnieuw."),
    "not_ready": (503, "De digitale assistent is nog niet klaar. Probeer het over een minuut "
                       "opnieuw."),
    "server_error": (500, "Er ging iets mis. Probeer het later opnieuw of bel de gemeente."),
}


class Refusal(Exception):
    """A request we answer with one of `REASONS` instead of passing it on."""

    def __init__(self, code: str, retry_after: Optional[int] = None) -> None:
        super().__init__(code)
        self.code = code
        self.retry_after = retry_after

    def response(self, headers: Optional[Dict[str, str]] = None) -> HTTPResponse:
        status, message = REASONS[self.code]
        extra = dict(headers or {})
        if self.retry_after:
            extra["Retry-After"] = str(self.retry_after)
        return json_response({"error": self.code, "message": message}, status=status,
                             headers=extra)


def session_id(value: Any) -> str:
    """The session id if it is a browser-made UUID v4, else refuse."""
    if not isinstance(value, str) or not _SESSION_ID.match(value):
        raise Refusal("bad_session")
    return value


@dataclass(frozen=True)
class IncomingMessage:
    """A checked resident message. `label` is what a clicked button showed (its payload is text)."""

    session_id: str
    text: str
    label: Optional[str] = None
    #: The widget's ``data-municipality``, checked against the profiles this deployment serves.
    municipality: Optional[str] = None


def parse_message(request: Request) -> IncomingMessage:
    """Check content type, size, JSON shape and text; raise `Refusal` on the first problem."""
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if content_type != "application/json":
        raise Refusal("bad_format")
    if len(request.body or b"") > MAX_BODY_BYTES:
        raise Refusal("too_long")
    try:
        body = json.loads(request.body or b"")
    except (ValueError, UnicodeDecodeError):
        raise Refusal("bad_format") from None
    if not isinstance(body, dict):
        raise Refusal("bad_format")
    sid = session_id(body.get("session_id"))
    text = body.get("text")
    if not isinstance(text, str):
        raise Refusal("bad_format" if text is not None else "empty")
    if len(text) > MAX_TEXT:
        raise Refusal("too_long")
    text = resident_text(text)
    if not text:
        raise Refusal("empty")
    label = body.get("label")
    label = label.strip()[:MAX_LABEL] if isinstance(label, str) and label.strip() else None
    try:
        municipality = municipality_from(body.get("municipality"))
    except UnknownMunicipality:
        raise Refusal("bad_municipality") from None
    return IncomingMessage(session_id=sid, text=text, label=label, municipality=municipality)


def parse_origins(value: Any) -> Tuple[str, ...]:
    """`allowed_origins` from credentials.yml: a comma-separated string (or a YAML list)."""
    items: Iterable[Any] = value if isinstance(value, (list, tuple)) else str(value or "").split(",")
    return tuple(o.strip().rstrip("/") for o in items if str(o).strip() and str(o).strip() != "*")


def cors_headers(origin: Optional[str], allowed: Tuple[str, ...]) -> Dict[str, str]:
    """Reflect an allowed Origin; for any other origin send no CORS grant at all."""
    headers = {"Vary": "Origin"}
    if origin and origin.rstrip("/") in allowed:
        headers.update({
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Content-Type, Last-Event-ID",
            "Access-Control-Max-Age": "600",
        })
    return headers
