"""Tickets: the contact centre's work items, stored in SQL first (the shared Tickets API).

Why every state change is one conditional UPDATE: several staff members and processes act at the
same time. `UPDATE ... WHERE status='open'` lets the database pick exactly one winner of a claim,
and the (conversation_id, episode) unique constraint makes ticket creation idempotent under
double clicks, retries and concurrent calls.
"""
from __future__ import annotations

from assistant.settings import settings
from assistant.vocabulary import CHANNELS

import re
from datetime import timedelta
from dataclasses import dataclass, fields
from typing import Any, Dict, Iterable, List, Optional, Tuple

from sqlalchemy import and_, case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kcc.db import get_engine, session_factory
from kcc.models import MODES, REASONS, URGENCIES, OutboxItem, Presence, Ticket, utcnow
from kcc.outcomes import DEFAULT_OUTCOMES

CONTACT_PREFERENCES = ("chat", "telefoon", "email")
ACTIVE_STATUSES = ("open", "claimed", "answered")
HANDED_BACK = "teruggegeven"
OUTCOMES = DEFAULT_OUTCOMES  # the default list; kcc.outcomes.outcomes_for adds a municipality's own
OUTCOME_LABELS = {**OUTCOMES, HANDED_BACK: "Teruggegeven aan de assistent"}


class TicketError(Exception):
    """Base class: a ticket action that cannot be done; `message` is Dutch, for staff."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TicketNotFound(TicketError):
    def __init__(self, ticket_id: int) -> None:
        super().__init__(f"Ticket {ticket_id} bestaat niet.")


class ClaimConflict(TicketError):
    """Someone else was first, or the ticket is no longer open."""


class NotAllowed(TicketError):
    """The ticket is not in a state (or not owned by the staff member) for this action."""


@dataclass(frozen=True)
class TicketDraft:
    """What the handoff action knows when it asks for a person."""

    conversation_id: str
    episode: int
    channel: str
    municipality: str
    topic: Optional[str] = None
    ladder_rung: Optional[str] = None
    summary: str = ""
    urgency: str = "normal"
    mode: str = "live"
    contact_preference: Optional[str] = None
    consent: bool = False
    contact_value: Optional[str] = None
    reason: str = "request"

    def __post_init__(self) -> None:
        if not self.conversation_id:
            raise ValueError("conversation_id is required")
        for name, value, allowed in (("channel", self.channel, CHANNELS),
                                     ("urgency", self.urgency, URGENCIES),
                                     ("mode", self.mode, MODES),
                                     ("reason", self.reason, REASONS)):
            if value not in allowed:
                raise ValueError(f"{name}={value!r} not in {allowed}")
        if self.contact_preference not in (None, *CONTACT_PREFERENCES):
            raise ValueError(f"contact_preference={self.contact_preference!r} not allowed")

    def columns(self) -> dict:
        """Column values; contact details are dropped unless the resident consented."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        if not self.consent:
            values["contact_value"] = None
        return values


def _urgency_rank():  # type: ignore[no-untyped-def]
    return case({"urgent": 0, "high": 1}, value=Ticket.urgency, else_=2)


class TicketStore:
    """Ticket persistence and the state machine open → claimed → answered → closed."""

    def __init__(self, database_url: Optional[str] = None, backend: str = "sql") -> None:
        self.engine = get_engine(database_url)
        self._session = session_factory(self.engine)
        self.backend = backend

    @classmethod
    def from_env(cls) -> "TicketStore":
        """Store for DATABASE_URL; TICKET_BACKEND decides whether tickets go to the outbox."""
        current = settings()
        return cls(current.database_url, current.ticket_backend or "sql")

    def session(self) -> Session:
        return self._session()

    # -- creation -------------------------------------------------------------------------
    def create(self, draft: TicketDraft) -> Tuple[Ticket, bool]:
        """Store a ticket once per (conversation, episode); returns (ticket, created)."""
        from kcc.backends import backend_wants

        try:
            with self.session() as s, s.begin():
                existing = self._by_episode(s, draft.conversation_id, draft.episode)
                if existing is not None:
                    return existing, False
                ticket = Ticket(**draft.columns(), status="open")
                s.add(ticket)
                s.flush()
                if backend_wants(self.backend, ticket):
                    s.add(OutboxItem(ticket_id=ticket.id, backend=self.backend))
                return ticket, True
        except IntegrityError:  # a concurrent writer won the race on another database engine
            with self.session() as s:
                existing = self._by_episode(s, draft.conversation_id, draft.episode)
            if existing is None:
                raise
            return existing, False

    @staticmethod
    def _by_episode(s: Session, conversation_id: str, episode: int) -> Optional[Ticket]:
        return s.execute(select(Ticket).where(Ticket.conversation_id == conversation_id,
                                              Ticket.episode == episode)).scalar_one_or_none()

    # -- reading --------------------------------------------------------------------------
    def get(self, ticket_id: int) -> Optional[Ticket]:
        with self.session() as s:
            return s.get(Ticket, ticket_id)

    def open_for_conversation(self, conversation_id: str) -> Optional[Ticket]:
        """The newest ticket of this conversation that is not closed yet."""
        with self.session() as s:
            return s.execute(select(Ticket).where(
                Ticket.conversation_id == conversation_id,
                Ticket.status.in_(ACTIVE_STATUSES)).order_by(Ticket.id.desc()).limit(1)
            ).scalar_one_or_none()

    def queue(self, statuses: Iterable[str] = ACTIVE_STATUSES, limit: int = 200,
              municipalities: Optional[Iterable[str]] = None) -> List[Ticket]:
        """Tickets to work on: most urgent first, then oldest first; only those of
        ``municipalities`` when given (a staff member sees their own municipalities only)."""
        query = select(Ticket).where(Ticket.status.in_(tuple(statuses)))
        if municipalities is not None:
            query = query.where(Ticket.municipality.in_(tuple(municipalities)))
        with self.session() as s:
            return list(s.execute(query.order_by(_urgency_rank(), Ticket.created_at, Ticket.id)
                                  .limit(limit)).scalars())

    def search(self, municipalities: Iterable[str], q: str = "", status: str = "",
               urgency: str = "", channel: str = "", topic: str = "", mine: Optional[str] = None,
               limit: int = 200) -> List[Ticket]:
        """The queue, narrowed: words in the summary (or a ticket number, or a conversation
        id), one status (default: every active one), urgency, channel, topic, and only the
        tickets of staff member ``mine``. Same order as :meth:`queue`."""
        statuses = (status,) if status in (*ACTIVE_STATUSES, "closed") else ACTIVE_STATUSES
        query = select(Ticket).where(Ticket.status.in_(statuses),
                                     Ticket.municipality.in_(tuple(municipalities)))
        for column, value, allowed in ((Ticket.urgency, urgency, URGENCIES),
                                       (Ticket.channel, channel, CHANNELS)):
            if value in allowed:
                query = query.where(column == value)
        if topic:
            query = query.where(Ticket.topic == topic)
        if mine:
            query = query.where(Ticket.staff == mine)
        text = q.strip()[:200]
        if text:
            number = text.lstrip("#")
            words = [Ticket.summary.ilike("%" + re.sub(r"([\\%_])", r"\\\1", word) + "%",
                                          escape="\\") for word in text.split()]
            found = and_(*words) | (Ticket.conversation_id == text)
            if number.isdigit():
                found = found | (Ticket.id == int(number))
            query = query.where(found)
        order = (Ticket.closed_at.desc(),) if status == "closed" else (
            _urgency_rank(), Ticket.created_at, Ticket.id)
        with self.session() as s:
            return list(s.execute(query.order_by(*order).limit(limit)).scalars())

    def recently_closed(self, limit: int = 20,
                        municipalities: Optional[Iterable[str]] = None) -> List[Ticket]:
        query = select(Ticket).where(Ticket.status == "closed")
        if municipalities is not None:
            query = query.where(Ticket.municipality.in_(tuple(municipalities)))
        with self.session() as s:
            return list(s.execute(query.order_by(Ticket.closed_at.desc()).limit(limit)).scalars())

    def staff_present(self, minutes: int = 5) -> int:
        """Staff members who used the console in the last ``minutes`` (logged in and there)."""
        with self.session() as s:
            return s.execute(select(func.count(Presence.staff_id)).where(
                Presence.last_seen > utcnow() - timedelta(minutes=minutes))).scalar_one()

    def staff_available(self, municipality: Optional[str] = None) -> int:
        """Staff who set themselves available and are active in the console now (kcc.presence);
        only those who work for ``municipality`` when given."""
        from kcc.presence import available_count

        with self.session() as s:
            return available_count(s, municipality)

    def queue_place(self, ticket_id: int) -> Optional[int]:
        """1 for the next live chat to be picked up in its municipality, 2 for the one after it
        ...; None when the ticket is no longer waiting. Same order as the console's queue."""
        with self.session() as s:
            ticket = s.get(Ticket, ticket_id)
            if ticket is None or ticket.status != "open" or ticket.mode != "live":
                return None
            rank = {"urgent": 0, "high": 1}.get(ticket.urgency, 2)
            ahead = s.execute(select(func.count(Ticket.id)).where(
                Ticket.status == "open", Ticket.mode == "live",
                Ticket.municipality == ticket.municipality, Ticket.id != ticket.id,
                (_urgency_rank() < rank) | ((_urgency_rank() == rank) & (
                    (Ticket.created_at < ticket.created_at)
                    | ((Ticket.created_at == ticket.created_at) & (Ticket.id < ticket.id)))))
            ).scalar_one()
        return ahead + 1

    def pickup_minutes(self, hours: float = 1.0) -> Optional[float]:
        """Median minutes from a live ticket to its claim over the claims of the last ``hours``;
        None without any."""
        with self.session() as s:
            rows = s.execute(select(Ticket.created_at, Ticket.claimed_at).where(
                Ticket.mode == "live", Ticket.claimed_at.is_not(None),
                Ticket.claimed_at > utcnow() - timedelta(hours=hours))).all()
        waits = sorted(max(0.0, (claimed - created).total_seconds() / 60) for created, claimed in rows)
        return waits[len(waits) // 2] if waits else None

    def typical_wait_minutes(self, days: int = 7, sample: int = 20) -> Optional[int]:
        """Median minutes from a live ticket to its claim, over the last ``sample`` claims of
        the last ``days`` days; None without any (then nobody promises a time)."""
        with self.session() as s:
            rows = s.execute(select(Ticket.created_at, Ticket.claimed_at).where(
                Ticket.mode == "live", Ticket.claimed_at.is_not(None),
                Ticket.created_at > utcnow() - timedelta(days=days))
                .order_by(Ticket.claimed_at.desc()).limit(sample)).all()
        waits = sorted(max(0.0, (claimed - created).total_seconds() / 60) for created, claimed in rows)
        return max(1, round(waits[len(waits) // 2])) if waits else None

    def fingerprint(self) -> str:
        """Changes whenever any ticket is created or changes state (drives the live queue)."""
        with self.session() as s:
            count, latest = s.execute(
                select(func.count(Ticket.id), func.max(Ticket.updated_at))).one()
        return f"{count}:{latest}"

    # -- state changes --------------------------------------------------------------------
    def add_callback(self, ticket_id: int, preference: str, value: str,
                     urgency: Optional[str] = None) -> Ticket:
        """The resident of an open ticket consented to be called or mailed back.

        Why not a new ticket: after danger the urgent ticket already exists for this episode
        (one per episode); the contact data must reach that ticket, not be lost.
        """
        from kcc.backends import backend_wants

        values: Dict[str, Any] = dict(mode="callback", contact_preference=preference,
                                      contact_value=value, consent=True, updated_at=utcnow())
        if urgency in URGENCIES:
            values["urgency"] = urgency
        with self.session() as s, s.begin():
            result = s.execute(update(Ticket).where(Ticket.id == ticket_id,
                                                    Ticket.status.in_(ACTIVE_STATUSES))
                               .values(**values).execution_options(synchronize_session=False))
            if result.rowcount != 1:
                raise TicketNotFound(ticket_id)
            ticket = s.get(Ticket, ticket_id, populate_existing=True)
            queued = s.execute(select(func.count(OutboxItem.id)).where(
                OutboxItem.ticket_id == ticket_id, OutboxItem.backend == self.backend)).scalar_one()
            if not queued and backend_wants(self.backend, ticket):
                s.add(OutboxItem(ticket_id=ticket_id, backend=self.backend))
            return ticket

    def claim(self, ticket_id: int, staff: str, staff_name: str) -> Ticket:
        """Take an open ticket; exactly one of several simultaneous claims succeeds."""
        now = utcnow()
        won = self._transition(ticket_id, [Ticket.status == "open"],
                               status="claimed", staff=staff, staff_name=staff_name,
                               claimed_at=now, updated_at=now)
        if won is None:
            current = self._require(ticket_id)
            who = current.staff_name or current.staff
            if current.status == "closed":
                raise ClaimConflict("Dit ticket is al afgesloten.")
            raise ClaimConflict(f"Dit ticket is al opgepakt door {who}.")
        return won

    def reassign(self, ticket_id: int, from_staff: str, to_staff: str, to_name: str) -> Ticket:
        """A colleague accepted a transfer: the ticket moves, only if it is still the giver's."""
        return self._owned(ticket_id, from_staff, ("claimed", "answered"), staff=to_staff,
                           staff_name=to_name)

    def release(self, ticket_id: int, staff: str) -> Ticket:
        """Undo a claim (e.g. the assistant could not be told): the ticket is open again."""
        return self._owned(ticket_id, staff, ("claimed",), status="open", staff=None,
                           staff_name=None, claimed_at=None)

    def mark_answered(self, ticket_id: int, staff: str) -> Ticket:
        """The staff member has replied (live) or called back (callback)."""
        return self._owned(ticket_id, staff, ("claimed", "answered"), status="answered",
                           answered_at=func.coalesce(Ticket.answered_at, utcnow()))

    def hand_back(self, ticket_id: int, staff: str) -> Ticket:
        """The assistant takes the conversation over again; the ticket is done."""
        return self.close(ticket_id, staff, HANDED_BACK)

    def close(self, ticket_id: int, staff: str, outcome: str,
              allowed: Optional[Iterable[str]] = None) -> Ticket:
        """Done, with an outcome from ``allowed`` (default: the default list; the console passes
        the ticket's municipality's list, kcc.outcomes)."""
        if outcome not in (set(allowed) | {HANDED_BACK} if allowed is not None else OUTCOME_LABELS):
            raise NotAllowed("Kies een geldige uitkomst.")
        return self._owned(ticket_id, staff, ("claimed", "answered"), status="closed",
                           outcome=outcome, closed_at=utcnow())

    def follow_up(self, ticket_id: int, staff: str, preference: Optional[str] = None,
                  value: Optional[str] = None) -> Ticket:
        """The chat went back to the assistant, but the work is not done: the ticket stays with
        the staff member as a callback (with contact details when the resident gave them)."""
        values: Dict[str, Any] = {"mode": "callback"}
        if preference in CONTACT_PREFERENCES:
            values["contact_preference"] = preference
        if value:
            values.update(contact_value=value[:255], consent=True)
        return self._owned(ticket_id, staff, ("claimed", "answered"), **values)

    # -- internals ------------------------------------------------------------------------
    def _require(self, ticket_id: int) -> Ticket:
        ticket = self.get(ticket_id)
        if ticket is None:
            raise TicketNotFound(ticket_id)
        return ticket

    def _owned(self, ticket_id: int, owner: str, allowed: Tuple[str, ...], **values) -> Ticket:
        values.setdefault("updated_at", utcnow())
        done = self._transition(ticket_id, [Ticket.status.in_(allowed), Ticket.staff == owner],
                                **values)
        if done is None:
            current = self._require(ticket_id)
            if current.status == "closed":
                raise NotAllowed("Dit ticket is al afgesloten.")
            if current.staff != owner:
                raise NotAllowed("U kunt dit alleen doen bij een ticket dat u zelf hebt opgepakt.")
            raise NotAllowed("Dit kan niet in de huidige status van het ticket.")
        return done

    def _transition(self, ticket_id: int, conditions: list, **values) -> Optional[Ticket]:
        """Conditional UPDATE; returns the updated ticket, or None when the condition failed."""
        with self.session() as s, s.begin():
            result = s.execute(update(Ticket).where(Ticket.id == ticket_id, *conditions)
                               .values(**values).execution_options(synchronize_session=False))
            if result.rowcount != 1:
                return None
            return s.get(Ticket, ticket_id, populate_existing=True)
