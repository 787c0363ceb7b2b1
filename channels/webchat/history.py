"""A conversation's visible transcript, rebuilt from the tracker store.

Why: the resident reloads or moves to another page and must see the same conversation; the
tracker store already holds every user and bot message (staff messages included, as bot events
with the agent's name), so the channel keeps no second copy.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.events import BotUttered, Event, UserUttered

from channels.webchat.messages import to_widget

EXTERNAL_PREFIX = "EXTERNAL: "


def _user_text(event: UserUttered) -> Optional[str]:
    """What the resident saw themselves send; hidden commands (like /greet) stay hidden."""
    text = event.text or ""
    if text.startswith(EXTERNAL_PREFIX):
        return None
    if text.startswith("/"):
        label = (event.metadata or {}).get("webchat_label")
        return label if isinstance(label, str) and label else None
    return text or None


def transcript(events: Iterable[Event]) -> List[Dict[str, Any]]:
    """User and bot messages in order, each as {"sender": "user"|"bot", ...widget fields}."""
    messages: List[Dict[str, Any]] = []
    for event in events:
        if isinstance(event, UserUttered):
            text = _user_text(event)
            if text:
                messages.append({"sender": "user", "text": text})
        elif isinstance(event, BotUttered):
            shown = to_widget(event.message())
            if shown:
                messages.append({"sender": "bot", **shown})
    return messages


async def load_history(store: TrackerStore, session_id: str) -> List[Dict[str, Any]]:
    """The transcript of every session of this conversation; empty if it does not exist."""
    tracker = await store.retrieve_full_tracker(session_id)
    return transcript(tracker.events) if tracker else []
