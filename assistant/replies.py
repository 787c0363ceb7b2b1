"""The shape of the assistant's replies: its fixed buttons and how a long text is split.

Why in the core: the action server sends these replies and the console's preview shows a
catalogue answer exactly as the resident will see it, so both must build them the same way.
"""
from __future__ import annotations

import re
from typing import Dict, List

MAX_MESSAGE_CHARS = 600  # longer texts are split into readable messages

BUTTON_HELPS = {"title": "Dat helpt", "payload": "/ladder_helps"}
BUTTON_FAILS = {"title": "Dat lukt niet", "payload": "/ladder_fails"}
BUTTON_HUMAN = {"title": "Spreek een medewerker", "payload": "/request_human"}


def details_button(entry_id: str) -> Dict[str, str]:
    return {"title": "Meer uitleg", "payload": f'/details{{"entry_id":"{entry_id}"}}'}


def split_text(text: str, limit: int = MAX_MESSAGE_CHARS) -> List[str]:
    """Split on paragraphs, then sentences, so each message stays short and readable."""
    parts: List[str] = []
    for para in [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]:
        if len(para) <= limit:
            parts.append(para)
            continue
        chunk = ""
        for sentence in re.split(r"(?<=[.!?])\s+", para):
            if chunk and len(chunk) + 1 + len(sentence) > limit:
                parts.append(chunk)
                chunk = sentence
            else:
                chunk = f"{chunk} {sentence}".strip()
        if chunk:
            parts.append(chunk)
    return parts
