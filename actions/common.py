"""Small helpers every action module uses: the catalogue, the clock, buttons, message splitting.

Why: actions stay thin when the shared phrasing and plumbing live in one place.
"""
from __future__ import annotations

import abc
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Optional, Sequence

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from assistant.settings import settings
from assistant.replies import split_text
from assistant.vocabulary import PUSH_CHANNELS



#: The municipality of the conversation the running action serves (set by AssistantAction.run).
#: A context variable, not a parameter: every action and helper that asks for ``catalogue()``
#: then follows the conversation's municipality without threading it through each call, and
#: concurrent actions of different municipalities on one action server never see each other's.
_MUNICIPALITY: ContextVar[Optional[str]] = ContextVar("municipality", default=None)


def catalogue() -> Any:
    """The catalogue of the conversation's municipality (cached per process by the knowledge
    package); outside an action the deployment's default municipality."""
    from knowledge import get_catalogue

    return get_catalogue(_MUNICIPALITY.get())


def current_municipality() -> str:
    """Slug of the conversation the running action serves (the default outside an action)."""
    from knowledge.tenants import municipality_or_default

    return municipality_or_default(_MUNICIPALITY.get())


def announced_municipality(tracker: Tracker) -> Optional[str]:
    """The municipality the channel put in the latest message's metadata, validated again here
    (the action server trusts no input); None when it named none."""
    from knowledge.tenants import valid_municipality

    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            return valid_municipality((event.get("metadata") or {}).get("municipality"))
    return None


def conversation_municipality(tracker: Tracker) -> str:
    """The municipality a conversation belongs to: the ``municipality`` slot once set, else the
    one its channel announced, else the deployment's default (``MUNICIPALITY``)."""
    from knowledge.tenants import municipality_or_default, valid_municipality

    return (valid_municipality(tracker.get_slot("municipality"))
            or municipality_or_default(announced_municipality(tracker)))


def now() -> datetime:
    """Dutch time, whatever the server's clock says; ``ASSISTANT_NOW`` pins it (tests and demos
    of office hours; a time without zone is Dutch time)."""
    from knowledge.types import dutch_time

    pinned = settings().assistant_now
    return dutch_time(datetime.fromisoformat(pinned) if pinned else datetime.now(timezone.utc))




def utter_long(dispatcher: CollectingDispatcher, text: str, buttons: Optional[List[dict]] = None,
               links: Optional[Sequence[dict]] = None) -> None:
    """Send a long text as several messages; buttons and links go with the last one."""
    parts = split_text(text) or [""]
    for part in parts[:-1]:
        dispatcher.utter_message(text=part)
    extra: Dict[str, Any] = {}
    if links:
        extra["links"] = [dict(link) for link in links]
    dispatcher.utter_message(text=parts[-1], buttons=buttons or [], **extra)


def user_texts(tracker: Tracker, limit: int = 6) -> List[str]:
    """The resident's own recent words in this session (payloads and staff events left out)."""
    texts: List[str] = []
    for event in tracker.events:
        if event.get("event") == "session_started":
            texts = []
        elif event.get("event") == "user":
            text = (event.get("text") or "").strip()
            if text and not text.startswith("/") and not text.startswith("EXTERNAL:"):
                texts.append(text)
    return texts[-limit:]


def episode(tracker: Tracker) -> int:
    """Id of the current episode: one ticket per request for a person.

    An episode starts with the conversation session; each time staff hand the conversation back,
    a new one begins (the session start in seconds plus the number of hand-backs since).
    """
    start, handbacks = 0, 0
    for event in tracker.events:
        if event.get("event") == "session_started":
            start, handbacks = int(event.get("timestamp") or 0), 0
        elif event.get("event") == "action" and event.get("name") == "action_takeover_end":
            handbacks += 1
    return start + handbacks


# Channels that can push a staff message to the resident; anything else is answered over REST.


def latest_channel(tracker: Tracker) -> str:
    channel = tracker.get_latest_input_channel()
    return channel if channel in PUSH_CHANNELS else "rest"


def entity(tracker: Tracker, name: str) -> Optional[str]:
    return next(tracker.get_latest_entity_values(name), None)


def join_nl(items: Iterable[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


class AssistantAction(Action, abc.ABC):
    """Base of every action here: only slot changes are sent back to Rasa.

    Why: the answer actions set several slots each turn, mostly to the value they already have.
    Every unchanged SlotSet is still an event Rasa stores and replays on each later message, so
    long conversations got slower (bench/README.md, "tracker growth"). Subclasses implement act().
    """

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        slug = conversation_municipality(tracker)
        token = _MUNICIPALITY.set(slug)
        try:
            events = await self.act(dispatcher, tracker, domain)
        finally:
            _MUNICIPALITY.reset(token)
        if tracker.get_slot("municipality") is None and announced_municipality(tracker):
            # Stored with the conversation the first time a channel names it; first in the
            # list, so a Restarted or SessionStarted the action returns still clears it.
            events = [SlotSet("municipality", slug)] + events
        return only_changes(tracker, events)

    @abc.abstractmethod
    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        """What the action does; abstract, so the action server does not register this class."""


def only_changes(tracker: Tracker, events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Drop SlotSet events that set a slot to the value it already has (the last one wins)."""
    final: Dict[str, Any] = {}
    for event in events:
        if event.get("event") == "slot":
            final[event["name"]] = event.get("value")
    kept, seen = [], set()
    for event in reversed(events):
        if event.get("event") == "slot":
            name = event["name"]
            if name in seen or tracker.get_slot(name) == final[name]:
                continue
            seen.add(name)
        kept.append(event)
    return list(reversed(kept))
