"""How the assistant is doing, in figures: ``python -m kcc.insights --json [--since DATE]``.

Why one module for the CLI, the dashboard and the review inbox: the council's figures
(conversations, residents helped without a person, handoffs, callbacks, 👍/👎) and the list of
messages the assistant did not handle well must be counted the same way everywhere. The facts
come from three places: the conversations (Rasa's tracker store, already masked), the tickets
and the feedback (``kcc``). Nothing here writes.
"""
from __future__ import annotations

from assistant.settings import settings

import argparse
import hashlib
import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from assistant.masking import mask
from assistant.topics import IN_SCOPE, OUT_OF_SCOPE, TOPICS

DUTCH = ZoneInfo("Europe/Amsterdam")
ANSWER_ACTIONS = frozenset({"action_answer_topic", "action_details", "action_choose_entry"})
#: A social topic this likely, behind an out-of-scope answer, makes that answer suspect.
SOCIAL_HINT = 0.15
#: Below this confidence an out-of-scope answer was a guess (gibberish, a subject nobody trained):
#: a beheerder should see it, as the assistant's own answer threshold (LOW_CONFIDENCE) says.
UNSURE_OUT_OF_SCOPE = 0.4
EVENTS = sa.table("events", sa.column("sender_id"), sa.column("timestamp"),
                  sa.column("type_name"), sa.column("data"))
#: Why a message is in the review inbox (key → Dutch label for the console).
WHY = {
    "clarify": "Vraag terug gesteld",
    "fallback": "Niet begrepen",
    "out_of_scope_social": "Buiten de taak, maar lijkt sociaal",
    "out_of_scope_unsure": "Buiten de taak, maar de assistent was onzeker",
    "thumbs_down": "Inwoner gaf 👎",
    "handoff_fallback": "Doorgezet omdat de assistent het niet begreep",
}


@dataclass
class Message:
    """One message a resident typed (or a button pressed), with what the assistant did next."""

    at: datetime
    text: str
    intent: Optional[str]
    ranking: List[Tuple[str, float]]
    channel: str
    actions: List[str] = field(default_factory=list)
    #: The assistant asked which topic was meant (``awaiting`` set to ``clarify``): by the fallback
    #: action or by the answer action when it was too unsure of the topic.
    asked_back: bool = False


@dataclass
class Conversation:
    sender_id: str
    municipality: str
    channel: str
    messages: List[Message] = field(default_factory=list)

    @property
    def started(self) -> datetime:
        return self.messages[0].at

    @property
    def answered(self) -> bool:
        return any(a in ANSWER_ACTIONS for m in self.messages for a in m.actions)


@dataclass(frozen=True)
class Filters:
    """What the figures are about: a period (Dutch dates), a channel, municipalities."""

    since: Optional[date] = None
    until: Optional[date] = None
    channel: Optional[str] = None
    municipalities: Optional[frozenset] = None

    def keeps(self, at: datetime, channel: Optional[str], municipality: Optional[str]) -> bool:
        day = to_dutch(at).date()
        return ((self.since is None or day >= self.since) and (self.until is None or day <= self.until)
                and (self.channel is None or channel == self.channel)
                and (self.municipalities is None or municipality in self.municipalities))


def to_dutch(at: datetime) -> datetime:
    """A stored naive-UTC (or aware) time in Dutch time."""
    return (at if at.tzinfo else at.replace(tzinfo=timezone.utc)).astimezone(DUTCH)


def _from_ts(ts: float) -> datetime:
    return datetime.fromtimestamp(float(ts), tz=timezone.utc).replace(tzinfo=None)


def _resident(event: Dict[str, Any]) -> bool:
    text = event.get("text") or ""
    metadata = event.get("metadata") or {}
    return not text.startswith("EXTERNAL:") and not metadata.get("is_external")


def conversations(events: Iterable[Tuple[str, float, str, str]],
                  default_municipality: str) -> List[Conversation]:
    """Conversations from stored events (sender_id, timestamp, type_name, JSON data), in order."""
    by_sender: Dict[str, Conversation] = {}
    for sender, _ts, type_name, raw in events:
        event = json.loads(raw)
        conv = by_sender.get(sender)
        if (type_name == "slot" and event.get("name") == "awaiting" and event.get("value") == "clarify"
                and conv is not None and conv.messages):
            conv.messages[-1].asked_back = True
        elif type_name == "slot" and event.get("name") == "municipality" and event.get("value"):
            conv = conv or by_sender.setdefault(sender, Conversation(sender, default_municipality, "rest"))
            conv.municipality = str(event["value"])
        elif type_name == "user" and _resident(event):
            parse = event.get("parse_data") or {}
            ranking = [(r.get("name"), float(r.get("confidence") or 0.0))
                       for r in parse.get("intent_ranking") or []]
            channel = event.get("input_channel") or "rest"
            conv = conv or by_sender.setdefault(sender, Conversation(sender, default_municipality, channel))
            conv.channel = channel if conv.channel == "rest" else conv.channel
            conv.messages.append(Message(_from_ts(event["timestamp"]), mask(event.get("text") or ""),
                                         (parse.get("intent") or {}).get("name"), ranking, channel))
        elif type_name == "action" and conv is not None and conv.messages:
            name = event.get("name")
            if name and name != "action_listen":
                conv.messages[-1].actions.append(name)
    return [c for c in by_sender.values() if c.messages]


def why_unhandled(message: Message) -> Optional[str]:
    """Why a message belongs in the review inbox, or None when it was handled well."""
    if message.text.startswith("/"):
        return None  # a button: the resident chose, nothing to learn from the words
    if "action_safety" in message.actions:
        return None
    if message.intent == "nlu_fallback":
        return "fallback"
    if "action_clarify" in message.actions or message.asked_back:
        return "clarify"
    if "action_out_of_scope" in message.actions:
        if any(name in IN_SCOPE and conf >= SOCIAL_HINT for name, conf in message.ranking):
            return "out_of_scope_social"
        if max((conf for _, conf in message.ranking), default=0.0) < UNSURE_OUT_OF_SCOPE:
            return "out_of_scope_unsure"
    return None


def item_key(conversation_id: str, at: datetime, text: str) -> str:
    """A stable id for one inbox item, so a decision on it is kept (and shown once)."""
    return hashlib.sha256(f"{conversation_id}|{at.isoformat()}|{text}".encode()).hexdigest()[:32]


def unhandled(convs: Sequence[Conversation], feedback: Sequence[Any], tickets: Sequence[Any],
              filters: Filters = Filters()) -> List[Dict[str, Any]]:
    """Every resident message the assistant did not handle well, newest first (masked)."""
    items: List[Dict[str, Any]] = []
    texts_by_conv: Dict[str, List[Message]] = defaultdict(list)
    for conv in convs:
        for message in conv.messages:
            texts_by_conv[conv.sender_id].append(message)
            why = why_unhandled(message)
            if why and filters.keeps(message.at, conv.channel, conv.municipality):
                items.append(_item(conv.sender_id, message.at, message.text, why, conv.channel,
                                   conv.municipality))
    for row in feedback:
        if row.kind == "answer" and row.rating == "down" and row.message \
                and filters.keeps(row.at, row.channel, row.municipality):
            items.append(_item(row.conversation_id, row.at, row.message, "thumbs_down", row.channel,
                               row.municipality, topic=row.topic))
    for ticket in tickets:
        if ticket.reason != "fallback" or not filters.keeps(ticket.created_at, ticket.channel,
                                                            ticket.municipality):
            continue
        earlier = [m for m in texts_by_conv.get(ticket.conversation_id, [])
                   if m.at <= ticket.created_at and not m.text.startswith("/")]
        if earlier:
            items.append(_item(ticket.conversation_id, earlier[-1].at, earlier[-1].text,
                               "handoff_fallback", ticket.channel, ticket.municipality))
    items.sort(key=lambda i: i["at"], reverse=True)
    return items


def _item(conversation_id: str, at: datetime, text: str, why: str, channel: str,
          municipality: str, topic: Optional[str] = None) -> Dict[str, Any]:
    text = mask(text)
    return {"key": item_key(conversation_id, at, text), "at": at, "conversation_id": conversation_id,
            "text": text, "why": why, "channel": channel, "municipality": municipality,
            "topic": topic}


def working_day_after(moment: datetime) -> datetime:
    """The same time one working day later (no weekends, no Dutch public holidays)."""
    import holidays

    local = to_dutch(moment)
    closed = holidays.country_holidays("NL", years=[local.year, local.year + 1])
    nxt = local + timedelta(days=1)
    while nxt.weekday() >= 5 or nxt.date() in closed:
        nxt += timedelta(days=1)
    return nxt.astimezone(timezone.utc).replace(tzinfo=None)


def _share(part: int, whole: int) -> Optional[float]:
    return round(part / whole, 4) if whole else None


def _median(values: List[float]) -> Optional[float]:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return round(ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2, 1)


def aggregate(convs: Sequence[Conversation], tickets: Sequence[Any], feedback: Sequence[Any],
              filters: Filters = Filters()) -> Dict[str, Any]:
    """Every figure of the dashboard and the CLI, as one JSON-ready dict."""
    convs = [c for c in convs if filters.keeps(c.started, c.channel, c.municipality)]
    tickets = [t for t in tickets if filters.keeps(t.created_at, t.channel, t.municipality)]
    feedback = [f for f in feedback if filters.keeps(f.at, f.channel, f.municipality)]
    with_ticket = {t.conversation_id for t in tickets}
    messages = [m for c in convs for m in c.messages]
    helped = [c for c in convs if c.answered and c.sender_id not in with_ticket]
    callbacks = [t for t in tickets if t.mode == "callback"]
    made = [t for t in callbacks if (t.answered_at or t.closed_at)
            and (t.answered_at or t.closed_at) <= working_day_after(t.created_at)]
    waits = [(t.claimed_at - t.created_at).total_seconds() / 60 for t in tickets
             if t.mode == "live" and t.claimed_at]
    dropped = [c for c in convs if c.sender_id not in with_ticket
               and why_unhandled(c.messages[-1]) in ("clarify", "fallback")]
    topics: Counter = Counter()
    for m in messages:
        if m.intent in TOPICS:
            topics[m.intent] += 1
    per_day: Dict[str, Counter] = defaultdict(Counter)
    for c in convs:
        per_day[to_dutch(c.started).date().isoformat()][c.channel] += 1
    hours = Counter(to_dutch(m.at).hour for m in messages)
    answers = [f for f in feedback if f.kind == "answer"]
    scores = [int(f.rating) for f in feedback if f.kind == "staff"]

    def thumbs(key: str) -> Dict[str, Dict[str, int]]:
        out: Dict[str, Dict[str, int]] = defaultdict(lambda: {"up": 0, "down": 0})
        for f in answers:
            out[getattr(f, key) or "onbekend"][f.rating] += 1
        return dict(sorted(out.items()))

    return {
        "conversations": len(convs),
        "messages": len(messages),
        "helped_without_person": len(helped),
        "containment": _share(len(helped), len(convs)),
        "handoffs": len(tickets),
        "handoff_reasons": dict(Counter(t.reason for t in tickets).most_common()),
        "callbacks": len(callbacks),
        "callbacks_within_working_day": len(made),
        "callbacks_within_working_day_share": _share(len(made), len(callbacks)),
        "wait_minutes_median": _median(waits),
        "dropped_out": len(dropped),
        "feedback_up": sum(1 for f in answers if f.rating == "up"),
        "feedback_down": sum(1 for f in answers if f.rating == "down"),
        "feedback_reasons": dict(Counter(f.reason for f in answers if f.reason).most_common()),
        "satisfaction_n": len(scores),
        "satisfaction_mean": round(sum(scores) / len(scores), 2) if scores else None,
        "unanswered": sum(1 for m in messages if why_unhandled(m) is not None),
        "topics": dict(topics.most_common()),
        "out_of_scope": sum(topics[t] for t in OUT_OF_SCOPE),
        "per_day": {day: dict(sorted(ch.items())) for day, ch in sorted(per_day.items())},
        "busiest_hours": {str(h): hours[h] for h in range(24)},
        "feedback_per_topic": thumbs("topic"),
        "feedback_per_entry": thumbs("entry_id"),
    }


# -- reading the stores -------------------------------------------------------------------------

def read_events(tracker_url: Optional[str] = None,
                since: Optional[date] = None) -> List[Tuple[str, float, str, str]]:
    """The stored events (masked by the tracker store), oldest first."""
    engine = sa.create_engine(tracker_url or settings().tracker_store_url)
    if not sa.inspect(engine).has_table("events"):
        return []
    query = sa.select(EVENTS.c.sender_id, EVENTS.c.timestamp, EVENTS.c.type_name,
                      EVENTS.c.data).order_by(EVENTS.c.timestamp)
    if since is not None:  # a day's margin: the filter itself works in Dutch time
        start = datetime.combine(since, datetime.min.time(), tzinfo=timezone.utc) - timedelta(days=1)
        query = query.where(EVENTS.c.timestamp >= start.timestamp())
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(query)]
    engine.dispose()
    return rows  # type: ignore[return-value]


def read_tickets(database_url: Optional[str] = None) -> List[Any]:
    from kcc.db import get_engine, session_factory
    from kcc.models import Ticket

    with session_factory(get_engine(database_url))() as s:
        return list(s.execute(sa.select(Ticket).order_by(Ticket.id)).scalars())


def read_feedback(database_url: Optional[str] = None) -> List[Any]:
    from kcc.feedback import FeedbackStore

    return FeedbackStore(database_url).since()


@dataclass
class Facts:
    """Everything the figures are made of, read once per request."""

    conversations: List[Conversation]
    tickets: List[Any]
    feedback: List[Any]

    @classmethod
    def read(cls, since: Optional[date] = None, tracker_url: Optional[str] = None,
             database_url: Optional[str] = None) -> "Facts":
        municipality = settings().municipality_slug
        return cls(conversations(read_events(tracker_url, since), municipality),
                   read_tickets(database_url), read_feedback(database_url))

    def figures(self, filters: Filters = Filters()) -> Dict[str, Any]:
        return aggregate(self.conversations, self.tickets, self.feedback, filters)

    def inbox(self, filters: Filters = Filters()) -> List[Dict[str, Any]]:
        return unhandled(self.conversations, self.feedback, self.tickets, filters)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kcc.insights", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON object (the default output)")
    parser.add_argument("--since", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
    parser.add_argument("--channel", default=None)
    parser.add_argument("--municipality", action="append", default=None)
    args = parser.parse_args(argv)
    filters = Filters(since=args.since, channel=args.channel,
                      municipalities=frozenset(args.municipality) if args.municipality else None)
    figures = Facts.read(args.since).figures(filters)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False, sort_keys=True))
    else:
        for key in ("conversations", "messages", "helped_without_person", "handoffs", "callbacks",
                    "feedback_up", "feedback_down", "unanswered"):
            print(f"{key:24s} {figures[key]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
