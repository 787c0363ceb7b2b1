"""Callbacks as work: the promised moment, each attempt to reach the resident, overdue ones.

Why record every attempt: a callback that failed three times is a resident who is still waiting,
and a colleague taking over must see who tried when and how it went (reached / not reached /
wrong number). Why a promised moment: the assistant told the resident when they would be called
("vanaf dinsdag 08:30"), or a staff member agreed a time in the chat; the list is ordered by that
promise and shows the ones past it (plus CALLBACK_GRACE_HOURS) as overdue.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Dict, Iterable, List, Optional

from sqlalchemy import select

from assistant.settings import settings
from kcc.db import get_engine, session_factory
from kcc.models import CALLBACK_RESULTS, CallbackAttempt, CallbackPlan, Ticket, utcnow

log = logging.getLogger(__name__)
RESULT_LABELS = {"reached": "Bereikt", "not_reached": "Niet bereikt",
                 "wrong_number": "Verkeerd nummer"}
FAILED = ("not_reached", "wrong_number")
MAX_FAILURES = 3
ACTIVE = ("open", "claimed", "answered")


@dataclass(frozen=True)
class CallbackItem:
    ticket: Ticket
    promised_at: datetime
    attempts: List[CallbackAttempt]
    overdue: bool

    @property
    def failures(self) -> int:
        return sum(1 for a in self.attempts if a.result in FAILED)

    @property
    def gave_up(self) -> bool:
        """Three failed attempts and never reached: the ticket says so."""
        return self.failures >= MAX_FAILURES and not self.reached

    @property
    def reached(self) -> bool:
        return any(a.result == "reached" for a in self.attempts)

    @property
    def last(self) -> Optional[CallbackAttempt]:
        return self.attempts[-1] if self.attempts else None


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None) if moment.tzinfo else moment


def promised_by_hours(municipality: str, created_at: datetime) -> datetime:
    """When the assistant said the callback would be: at once in office hours, else the next
    opening (naive UTC, like every kcc column)."""
    try:
        from knowledge import get_catalogue
        from knowledge.types import dutch_time

        profile = get_catalogue(municipality).profile
        moment = dutch_time(created_at.replace(tzinfo=timezone.utc))
        if profile.is_open(moment):
            return created_at
        nxt = profile.next_opening(moment)
        return _naive_utc(nxt) if nxt is not None else created_at
    except Exception:  # noqa: BLE001 - without a catalogue the request time is the promise
        log.warning("no office hours for %s; the callback is due from its request", municipality)
        return created_at


class CallbackBook:
    def __init__(self, database_url: Optional[str] = None) -> None:
        self._session = session_factory(get_engine(database_url))

    def record(self, ticket_id: int, result: str, staff: str, staff_name: str,
               at: Optional[datetime] = None) -> CallbackAttempt:
        if result not in CALLBACK_RESULTS:
            raise ValueError("Kies hoe de poging ging.")
        with self._session() as s, s.begin():
            attempt = CallbackAttempt(ticket_id=ticket_id, result=result, staff=staff,
                                      staff_name=staff_name, at=at or utcnow())
            s.add(attempt)
            s.flush()
            return attempt

    def attempts(self, ticket_id: int) -> List[CallbackAttempt]:
        with self._session() as s:
            return list(s.execute(select(CallbackAttempt).where(
                CallbackAttempt.ticket_id == ticket_id).order_by(CallbackAttempt.id)).scalars())

    def promise(self, ticket_id: int, moment: datetime, staff: str) -> None:
        """A moment agreed with the resident (aware, or naive UTC)."""
        with self._session() as s, s.begin():
            plan = s.get(CallbackPlan, ticket_id)
            if plan is None:
                s.add(CallbackPlan(ticket_id=ticket_id, promised_at=_naive_utc(moment),
                                   set_by=staff))
            else:
                plan.promised_at, plan.set_by, plan.set_at = _naive_utc(moment), staff, utcnow()

    def item(self, ticket: Ticket, now: Optional[datetime] = None) -> CallbackItem:
        return self.items([ticket], now)[0]

    def items(self, tickets: Iterable[Ticket], now: Optional[datetime] = None) -> List[CallbackItem]:
        tickets = list(tickets)
        now = now or utcnow()
        ids = [t.id for t in tickets]
        with self._session() as s:
            plans = {p.ticket_id: p.promised_at for p in s.execute(
                select(CallbackPlan).where(CallbackPlan.ticket_id.in_(ids))).scalars()}
            attempts: Dict[int, List[CallbackAttempt]] = {}
            for a in s.execute(select(CallbackAttempt).where(
                    CallbackAttempt.ticket_id.in_(ids)).order_by(CallbackAttempt.id)).scalars():
                attempts.setdefault(a.ticket_id, []).append(a)
        grace = timedelta(hours=settings().callback_grace_hours)
        found = []
        for ticket in tickets:
            promised = plans.get(ticket.id) or promised_by_hours(ticket.municipality,
                                                                 ticket.created_at)
            tried = attempts.get(ticket.id, [])
            done = ticket.status in ("answered", "closed") or any(
                a.result == "reached" for a in tried)
            found.append(CallbackItem(ticket, promised, tried,
                                      overdue=not done and now > promised + grace))
        return found

    def work_list(self, municipalities: Iterable[str], mine: Optional[str] = None,
                  now: Optional[datetime] = None) -> List[CallbackItem]:
        """Every callback still to do in these municipalities, overdue first, then by the
        promised moment."""
        query = select(Ticket).where(Ticket.mode == "callback", Ticket.status.in_(ACTIVE),
                                     Ticket.municipality.in_(tuple(municipalities)))
        if mine:
            query = query.where(Ticket.staff == mine)
        with self._session() as s:
            tickets = list(s.execute(query.order_by(Ticket.created_at).limit(500)).scalars())
        items = self.items(tickets, now)
        return sorted(items, key=lambda i: (not i.overdue, i.ticket.status == "answered",
                                            i.promised_at, i.ticket.id))
