"""Turning Rasa bot messages into Telegram messages: plain text, split to fit, inline keyboards.

Pure functions and one small in-memory map, so the rules can be unit-tested without Telegram.
We send plain text (no parse_mode): dialogue texts may contain `*`, `_` or `<` and must never
break a message or be interpreted as markup.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any, Dict, Iterable, List, Optional

from cachetools import LRUCache

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from channels.telegram.texts import STAFF_SUFFIX

MAX_MESSAGE_UNITS = 4096  # Telegram counts UTF-16 code units
MAX_CALLBACK_BYTES = 64  # Telegram's limit on callback_data
CALLBACK_KEY_PREFIX = "~"  # never the start of a Rasa payload ("/intent" or free text)

_SENTENCE_END = re.compile(r"[.!?…](?=\s)")


def utf16_len(text: str) -> int:
    """Length as Telegram measures it (emoji outside the BMP count double)."""
    return len(text.encode("utf-16-le")) // 2


def _fitting_prefix(text: str, limit: int) -> int:
    """Index of the longest prefix of `text` whose UTF-16 length is at most `limit`."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def _cut_point(window: str) -> int:
    """Best place to end a chunk: paragraph, then line, then sentence, then word boundary."""
    for separator in ("\n\n", "\n"):
        at = window.rfind(separator)
        if at > 0:
            return at
    sentence_ends = [m.end() for m in _SENTENCE_END.finditer(window)]
    if sentence_ends:
        return sentence_ends[-1]
    at = window.rfind(" ")
    return at if at > 0 else len(window)


def split_text(text: str, limit: int = MAX_MESSAGE_UNITS) -> List[str]:
    """Split a long answer into Telegram-sized chunks on natural boundaries, never mid-word
    unless a single word is longer than the limit."""
    chunks: List[str] = []
    rest = text.strip()
    while utf16_len(rest) > limit:
        window = rest[: max(1, _fitting_prefix(rest, limit))]
        cut = _cut_point(window)
        chunk = rest[:cut].strip()
        if chunk:
            chunks.append(chunk)
        rest = rest[cut:].strip()
    if rest:
        chunks.append(rest)
    return chunks


def compose_text(message: Dict[str, Any]) -> str:
    """One plain text from a Rasa message: staff prefix, text, and its links as "title: url"."""
    text = (message.get("text") or "").strip()
    agent = (message.get("agent") or "").strip()
    if agent:
        text = f"{agent} {STAFF_SUFFIX}: {text}".strip()
    link_lines = [_link_line(link) for link in message.get("links") or []]
    link_lines = [line for line in link_lines if line]
    if link_lines:
        text = "\n\n".join(part for part in (text, "\n".join(link_lines)) if part)
    return text


def _link_line(link: Any) -> Optional[str]:
    """`{title, url}` as one line; links without a URL are dropped (nothing to follow)."""
    if not isinstance(link, dict) or not link.get("url"):
        return None
    title = (link.get("title") or "").strip()
    url = str(link["url"]).strip()
    if url.lower().startswith("tel:"):
        # Telegram cannot open `tel:` links; the phone app can tap a plain number, so the
        # number is shown as text (once), and nothing but digits, spaces, + and - gets through.
        number = url[4:]
        if not re.fullmatch(r"[0-9 +-]{3,20}", number):
            return None
        digits = re.sub(r"\D", "", number)
        if title and digits in re.sub(r"\D", "", title):
            return title
        return f"{title}: {number}" if title else number
    return f"{title}: {url}" if title else url


class CallbackPayloads:
    """Maps Rasa button payloads to Telegram callback_data and back.

    Payloads such as `/choose_entry{"entry_id": "..."}` often exceed Telegram's 64-byte limit.
    Those get a short, deterministic key; the payload is kept in a bounded in-memory map. After
    a restart old keys are unknown and the resident is asked to type the question again.
    """

    def __init__(self, capacity: int = 5000) -> None:
        self._by_key: LRUCache = LRUCache(maxsize=max(capacity, 1))

    def encode(self, payload: str) -> str:
        """callback_data for `payload`: the payload itself when it fits, else a short key."""
        if len(payload.encode()) <= MAX_CALLBACK_BYTES and not payload.startswith(
            CALLBACK_KEY_PREFIX
        ):
            return payload
        key = CALLBACK_KEY_PREFIX + hashlib.sha256(payload.encode()).hexdigest()[:24]
        self._by_key[key] = payload
        return key

    def decode(self, data: str) -> Optional[str]:
        """The payload behind callback_data; None for a key this process does not know."""
        if not data.startswith(CALLBACK_KEY_PREFIX):
            return data
        return self._by_key.get(data)


def build_keyboard(
    buttons: Iterable[Dict[str, Any]], payloads: CallbackPayloads,
    feedback: Optional[Dict[str, Any]] = None,
) -> Optional[InlineKeyboardMarkup]:
    """An inline keyboard, one button per row (Dutch labels are long); None if no usable button.
    A feedback offer (actions/feedback.py) adds one last row: "👍 Nuttig" and "👎 Niet nuttig"."""
    rows = []
    for button in buttons:
        title = str(button.get("title") or "").strip()
        payload = str(button.get("payload") or "").strip()
        if title and payload:
            rows.append([InlineKeyboardButton(title, callback_data=payloads.encode(payload))])
    row = feedback_row(feedback, payloads)
    if row:
        rows.append(row)
    return InlineKeyboardMarkup(rows) if rows else None


def feedback_row(feedback: Any, payloads: CallbackPayloads) -> List[InlineKeyboardButton]:
    """👍/👎 side by side; only payloads of our feedback buttons (the guard checks them again)."""
    row: List[InlineKeyboardButton] = []
    for which, label in (("up", "👍 Nuttig"), ("down", "👎 Niet nuttig")):
        button = feedback.get(which) if isinstance(feedback, dict) else None
        payload = button.get("payload") if isinstance(button, dict) else None
        if isinstance(payload, str) and payload.startswith("/feedback{"):
            row.append(InlineKeyboardButton(label, callback_data=payloads.encode(payload)))
    return row if len(row) == 2 else []
