"""Who is there to take a chat: staff set themselves available / busy / away.

Why a status and not only "logged in": a KCC worker on the phone, in a meeting or at lunch is
logged in but cannot take a chat. A resident must then be offered a callback at once instead of
waiting for nobody (AP/ACM 2025: a human must be reachable, and the resident must know how).

Why "away after inactivity" counts only the staff member's own actions: an open console tab
refreshes itself (event streams, queue fragments) all day. Only page loads, forms and the
console's activity ping (keys, clicks, pointer moves, sent at most once a minute) count as being
there. A staff member who was inactive for ``CONSOLE_AWAY_MINUTES`` counts as away at once, and on
coming back finds the status "away" set by the console, to turn back to available themselves.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable, List, Optional

from aiohttp import web
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from assistant.settings import settings
from kcc.db import get_engine, session_factory
from kcc.models import PRESENCE_STATUSES, Presence, Staff, StaffAccess, StaffStatus, utcnow

LABELS = {"available": "Beschikbaar", "busy": "Bezet", "away": "Afwezig"}
#: A console tab that has not been heard from for this long is closed (or the session gone).
TAB_MINUTES = 5
ACTIVE_WRITE_SECONDS = 30


@dataclass(frozen=True)
class State:
    """A staff member's presence as the console shows it."""

    status: str
    auto: bool = False

    @property
    def label(self) -> str:
        return LABELS[self.status]

    def as_json(self) -> dict:
        return {"status": self.status, "label": self.label, "auto": self.auto}


@dataclass(frozen=True)
class Colleague:
    username: str
    name: str
    status: str

    @property
    def label(self) -> str:
        return LABELS[self.status]


def away_minutes() -> int:
    return max(1, settings().console_away_minutes)


def effective(row: Optional[StaffStatus], now: datetime, minutes: int) -> str:
    """available only while active recently; no row yet = away (never used the console)."""
    if row is None:
        return "away"
    if row.status == "available" and row.active_at <= now - timedelta(minutes=minutes):
        return "away"
    return row.status


def serves(municipality: str, default_municipality: str):  # type: ignore[no-untyped-def]
    """SQL condition: the staff member works for ``municipality`` (an account without access
    rows works for the deployment's municipality, as kcc.auth.StaffAuth.access_of says)."""
    has_rows = exists().where(StaffAccess.staff_id == Staff.id)
    here = exists().where(StaffAccess.staff_id == Staff.id,
                          StaffAccess.municipality == municipality)
    if municipality == default_municipality:
        return or_(here, ~has_rows)
    return here


def available_count(s: Session, municipality: Optional[str] = None,
                    default_municipality: Optional[str] = None,
                    now: Optional[datetime] = None) -> int:
    """Staff who said they are available, did something in the last CONSOLE_AWAY_MINUTES and
    still have the console open; only those of ``municipality`` when given."""
    now = now or utcnow()
    query = (select(func.count(Staff.id))
             .join(StaffStatus, StaffStatus.staff_id == Staff.id)
             .join(Presence, Presence.staff_id == Staff.id)
             .where(Staff.active.is_(True), StaffStatus.status == "available",
                    StaffStatus.active_at > now - timedelta(minutes=away_minutes()),
                    Presence.last_seen > now - timedelta(minutes=TAB_MINUTES)))
    if municipality is not None:
        query = query.where(serves(municipality,
                                   default_municipality or settings().municipality_slug))
    return s.execute(query).scalar_one()


class PresenceBoard:
    """Reads and sets staff presence (the console's side; the action server only counts)."""

    def __init__(self, database_url: Optional[str] = None,
                 default_municipality: str = "het-hogeland") -> None:
        self._session = session_factory(get_engine(database_url))
        self.default_municipality = default_municipality

    def state(self, staff_id: int, now: Optional[datetime] = None) -> State:
        now = now or utcnow()
        with self._session() as s:
            row = s.get(StaffStatus, staff_id)
            return State(effective(row, now, away_minutes()), bool(row and row.auto))

    def set_status(self, staff_id: int, status: str, now: Optional[datetime] = None) -> State:
        if status not in PRESENCE_STATUSES:
            raise ValueError(f"status {status!r} not in {PRESENCE_STATUSES}")
        now = now or utcnow()
        with self._session() as s, s.begin():
            row = s.get(StaffStatus, staff_id)
            if row is None:
                s.add(StaffStatus(staff_id=staff_id, status=status, auto=False, changed_at=now,
                                  active_at=now))
            else:
                row.status, row.auto, row.changed_at, row.active_at = status, False, now, now
        return State(status)

    def touch(self, staff_id: int, now: Optional[datetime] = None) -> State:
        """The staff member did something. First use = available; back after a long pause while
        "available" = the console sets away (they may have walked off with chats waiting)."""
        now = now or utcnow()
        minutes = away_minutes()
        with self._session() as s, s.begin():
            row = s.get(StaffStatus, staff_id)
            if row is None:
                row = StaffStatus(staff_id=staff_id, status="available", auto=False,
                                  changed_at=now, active_at=now)
                s.add(row)
            elif row.status == "available" and row.active_at <= now - timedelta(minutes=minutes):
                row.status, row.auto, row.changed_at, row.active_at = "away", True, now, now
            elif row.active_at < now - timedelta(seconds=ACTIVE_WRITE_SECONDS):
                row.active_at = now
            return State(row.status, bool(row.auto))

    def available(self, municipality: Optional[str] = None) -> int:
        with self._session() as s:
            return available_count(s, municipality, self.default_municipality)

    def colleagues(self, municipality: str, exclude: Iterable[str] = ()) -> List[Colleague]:
        """Active staff of ``municipality`` with their presence, available ones first."""
        now = utcnow()
        minutes = away_minutes()
        with self._session() as s:
            rows = s.execute(
                select(Staff, StaffStatus, Presence.last_seen)
                .outerjoin(StaffStatus, StaffStatus.staff_id == Staff.id)
                .outerjoin(Presence, Presence.staff_id == Staff.id)
                .where(Staff.active.is_(True), Staff.username.not_in(tuple(exclude)),
                       serves(municipality, self.default_municipality))
                .order_by(Staff.name)).all()
        order = {"available": 0, "busy": 1, "away": 2}
        found = []
        for staff, row, seen in rows:
            there = seen is not None and seen > now - timedelta(minutes=TAB_MINUTES)
            status = effective(row, now, minutes) if there else "away"
            found.append(Colleague(staff.username, staff.name, status))
        return sorted(found, key=lambda c: (order[c.status], c.name.lower()))

    def works_for(self, username: str, municipality: str) -> Optional[Colleague]:
        """The active colleague ``username`` if they work for ``municipality``."""
        for colleague in self.colleagues(municipality):
            if colleague.username == username:
                return colleague
        return None


PRESENCE_KEY = web.AppKey("kcc_presence", PresenceBoard)
