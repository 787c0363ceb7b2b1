"""Calling the Rasa SDK actions directly, as the action server would, for the tests.

Why here: several test modules run the real actions on hand-made trackers against the real
catalogue and ticket store; one set of helpers keeps them alike. The ``databases`` fixture (a fresh
SQLite catalogue and ticket store, Tuesday morning, someone available) is in tests/conftest.py.
"""
from __future__ import annotations

import asyncio
import time
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

TUESDAY_MORNING = "2026-11-24T10:00:00"
SUNDAY_EVENING = "2026-11-22T21:00:00"


def make_tracker(text: str, intent: str = "huishoudelijke_hulp", slots: Optional[Dict[str, Any]] = None,
                 entities: Optional[List[dict]] = None, history: Optional[List[str]] = None,
                 channel: str = "webchat", sender: str = "resident-1") -> Tracker:
    started = time.time() - 60
    events: List[dict] = [{"event": "session_started", "timestamp": started}]
    for past in history or []:
        events.append({"event": "user", "text": past, "timestamp": started + 1, "input_channel": channel})
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.95},
              "intent_ranking": [{"name": intent, "confidence": 0.95}], "entities": entities or []}
    events.append({"event": "user", "text": text, "parse_data": latest, "timestamp": started + 2,
                   "input_channel": channel})
    return Tracker(sender, slots or {}, latest, events, False, None, {}, "action_listen")


def run(action: Any, tracker: Tracker) -> tuple:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def texts(messages: List[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def available(name: str = "anna", municipality: str = "het-hogeland") -> int:
    from knowledge.settings import database_url
    from tests.support.presence import make_available

    return make_available(database_url(None), name, name.capitalize(), municipality)
