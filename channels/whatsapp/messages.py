"""What one WhatsApp webhook call means, and how a bot message becomes WhatsApp messages.

Pure functions on plain dicts (no I/O), so every rule is unit-tested: which messages are the
resident's, what a button press sends to Rasa, which kinds of message are answered with "I read
text only", how buttons become reply buttons or a list, and how long answers are split.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Optional, Tuple

from assistant.untrusted import resident_text
from channels.refusal import CHAT_MAX_TEXT, CHAT_ONLY_TEXT, CHAT_TOO_LONG

# WhatsApp's limits (Cloud API): text body 4096 characters, at most 3 reply buttons with titles
# of 20 characters, a list of at most 10 rows with titles of 24 characters, ids of 256.
MAX_TEXT = 4096
MAX_BUTTONS = 3
MAX_ROWS = 10
BUTTON_TITLE = 20
ROW_TITLE = 24
MAX_ID = 256
NON_TEXT = frozenset({"audio", "image", "document", "video", "sticker", "location", "contacts",
                      "voice", "reaction"})


@dataclass(frozen=True)
class Incoming:
    """One resident message: who (their WhatsApp id), its id, and what to do with it."""

    wa_id: str
    message_id: str
    text: Optional[str] = None  # for Rasa (already checked by assistant.untrusted)
    say: Optional[str] = None   # answer directly, without Rasa


@dataclass(frozen=True)
class Status:
    """A delivery status of a message we sent (sent, delivered, read, failed)."""

    message_id: str
    status: str


def _values(payload: Any) -> Iterator[Dict[str, Any]]:
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        return
    for entry in payload.get("entry") or []:
        for change in (entry.get("changes") or []) if isinstance(entry, dict) else []:
            value = change.get("value") if isinstance(change, dict) else None
            if isinstance(value, dict):
                yield value


def read_payload(payload: Any) -> Tuple[List[Incoming], List[Status]]:
    """The resident messages and delivery statuses in a webhook payload; unknown shapes are
    skipped (never an exception: the platform would re-send a payload we cannot read)."""
    incoming: List[Incoming] = []
    statuses: List[Status] = []
    for value in _values(payload):
        for st in value.get("statuses") or []:
            if isinstance(st, dict) and isinstance(st.get("id"), str):
                statuses.append(Status(st["id"][:MAX_ID], str(st.get("status") or "")[:20]))
        for msg in value.get("messages") or []:
            parsed = _message(msg)
            if parsed is not None:
                incoming.append(parsed)
    return incoming, statuses


def _message(msg: Any) -> Optional[Incoming]:
    if not isinstance(msg, dict):
        return None
    wa_id, message_id, kind = msg.get("from"), msg.get("id"), msg.get("type")
    if not isinstance(wa_id, str) or not wa_id.isdigit() or len(wa_id) > 20:
        return None
    if not isinstance(message_id, str) or not message_id or len(message_id) > MAX_ID:
        return None
    if kind == "text":
        body = (msg.get("text") or {}).get("body") if isinstance(msg.get("text"), dict) else None
        if not isinstance(body, str):
            return None
        if len(body) > CHAT_MAX_TEXT:
            return Incoming(wa_id, message_id, say=CHAT_TOO_LONG)
        text = resident_text(body)
        return Incoming(wa_id, message_id, text=text) if text else None
    if kind == "interactive":
        reply = msg.get("interactive") or {}
        choice = (reply.get("button_reply") or reply.get("list_reply")) if isinstance(reply, dict) else None
        payload = choice.get("id") if isinstance(choice, dict) else None
        if not isinstance(payload, str):
            return None
        text = resident_text(payload)  # a modified client can send any id
        return Incoming(wa_id, message_id, text=text) if text else None
    if kind in NON_TEXT:
        return Incoming(wa_id, message_id, say=CHAT_ONLY_TEXT)
    return None


def split_text(text: str, limit: int = MAX_TEXT) -> List[str]:
    """Pieces of at most ``limit`` characters, cut after a sentence where possible."""
    text = text.strip()
    pieces: List[str] = []
    while len(text) > limit:
        window = text[:limit]
        cut = max((m.end() for m in re.finditer(r"[.!?](?:\s|$)|\n", window)), default=0)
        if cut < limit // 2:
            cut = window.rfind(" ") + 1 or limit
        pieces.append(text[:cut].strip())
        text = text[cut:].strip()
    if text:
        pieces.append(text)
    return pieces


def _short(title: str, limit: int) -> str:
    title = " ".join(str(title).split())
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def outgoing(to: str, message: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Graph API message bodies for one bot message: text (split), links as text lines, and the
    buttons as reply buttons (up to three) or as a list (more)."""
    text = str(message.get("text") or "").strip()
    links = [link for link in message.get("links") or [] if isinstance(link, dict)]
    if links:
        lines = [f"{link.get('title', '')}: {str(link.get('url', '')).removeprefix('tel:')}"
                 for link in links if link.get("url")]
        text = (text + "\n\n" + "\n".join(lines)).strip()
    buttons = [b for b in message.get("buttons") or []
               if isinstance(b, dict) and b.get("title") and b.get("payload")
               and len(str(b["payload"])) <= MAX_ID][:MAX_ROWS]
    base = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
    pieces = split_text(text) if text else []
    out = [{**base, "type": "text", "text": {"body": p, "preview_url": False}} for p in pieces]
    if not buttons:
        return out
    body = "Maak een keuze:"
    if out and len(out[-1]["text"]["body"]) <= 1024:  # WhatsApp's limit for a button message
        body = out.pop()["text"]["body"]
    if len(buttons) <= MAX_BUTTONS:
        action = {"buttons": [{"type": "reply", "reply": {"id": str(b["payload"]),
                                                          "title": _short(b["title"], BUTTON_TITLE)}}
                              for b in buttons]}
        interactive = {"type": "button", "body": {"text": body}, "action": action}
    else:
        rows = [{"id": str(b["payload"]), "title": _short(b["title"], ROW_TITLE)} for b in buttons]
        interactive = {"type": "list", "body": {"text": body},
                       "action": {"button": "Kies", "sections": [{"title": "Keuzes", "rows": rows}]}}
    return out + [{**base, "type": "interactive", "interactive": interactive}]
