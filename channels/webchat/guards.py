"""What the web chat checks before a request may reach Rasa: its session ids, its CORS origins.

Why: the widget is public. Session ids are bearer secrets made by the browser, message bodies
come from anyone, and every refusal is read by a resident, so it must be short, Dutch and
free of technical detail (never a stack trace). The checks and sentences shared with the other
channels are in channels/refusal.py; `POLICY` says which of its answers the widget gets.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, Iterable, Optional, Tuple

from sanic.request import Request

from channels.refusal import Policy, Refusal, json_body, message_text, municipality

MAX_LABEL = 200

# crypto.randomUUID() in the browser: version 4, lowercase hex.
_SESSION_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

#: The widget only ever sends application/json; a resident reads "too long" for any big body.
POLICY = Policy(wrong_type="bad_format", lenient_type=False, too_large="too_long",
                missing_text="empty", text_not_string="bad_format")


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
    body = json_body(POLICY, request.headers.get("content-type"), request.body or b"")
    sid = session_id(body.get("session_id"))
    text = message_text(POLICY, body.get("text"))
    label = body.get("label")
    label = label.strip()[:MAX_LABEL] if isinstance(label, str) and label.strip() else None
    return IncomingMessage(session_id=sid, text=text, label=label,
                           municipality=municipality(body.get("municipality")))


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
