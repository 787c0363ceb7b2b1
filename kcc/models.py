"""Tables of the contact centre (prefix `kcc_`), in the shared DATABASE_URL.

Times are stored as naive UTC (SQLite has no time zones); the console converts for display.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)

from kcc.db import Base

URGENCIES = ("urgent", "high", "normal")
MODES = ("live", "callback")
STATUSES = ("open", "claimed", "answered", "closed")
REASONS = ("request", "fallback", "complex", "urgent", "ladder_exhausted")
#: Staff roles, each including the ones before it: `kcc` handles conversations and tickets,
#: `beheerder` (functional administrator) also maintains the catalogue and improves the
#: assistant, `admin` also manages accounts.
ROLES = ("kcc", "beheerder", "admin")


def utcnow() -> datetime:
    """Current time as naive UTC, the form every kcc column stores."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Ticket(Base):
    """A resident's question that needs a person; one per (conversation, handoff episode)."""

    __tablename__ = "kcc_tickets"
    # Ids are never reused after a delete (SQLite AUTOINCREMENT; PostgreSQL sequences never go
    # back): an audit row that names a ticket must never point at another resident's ticket.
    __table_args__ = (
        UniqueConstraint("conversation_id", "episode", name="uq_kcc_ticket_episode"),
        Index("ix_kcc_tickets_status", "status"),
        {"sqlite_autoincrement": True},
    )

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    episode = Column(Integer, nullable=False, default=1)
    channel = Column(String(32), nullable=False)
    municipality = Column(String(64), nullable=False)
    topic = Column(String(64), nullable=True)
    ladder_rung = Column(String(32), nullable=True)
    summary = Column(Text, nullable=False, default="")
    urgency = Column(String(16), nullable=False, default="normal")
    mode = Column(String(16), nullable=False, default="live")
    contact_preference = Column(String(16), nullable=True)
    consent = Column(Boolean, nullable=False, default=False)
    contact_value = Column(String(255), nullable=True)
    reason = Column(String(32), nullable=False, default="request")
    status = Column(String(16), nullable=False, default="open")
    staff = Column(String(64), nullable=True)
    staff_name = Column(String(128), nullable=True)
    outcome = Column(String(64), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow)
    claimed_at = Column(DateTime, nullable=True)
    answered_at = Column(DateTime, nullable=True)
    closed_at = Column(DateTime, nullable=True)
    external_ref = Column(String(255), nullable=True)


class OutboxItem(Base):
    """A pending delivery of a ticket to an external backend, retried until it is delivered."""

    __tablename__ = "kcc_outbox"
    __table_args__ = (UniqueConstraint("ticket_id", "backend", name="uq_kcc_outbox_ticket"),
                      {"sqlite_autoincrement": True})

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("kcc_tickets.id"), nullable=False)
    backend = Column(String(32), nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime, nullable=False, default=utcnow, index=True)
    last_error = Column(Text, nullable=True)
    progress = Column(Text, nullable=False, default="{}")  # JSON: steps already done remotely
    delivered_at = Column(DateTime, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class Staff(Base):
    """A contact-centre employee who may log in to the console."""

    __tablename__ = "kcc_staff"
    __table_args__ = {"sqlite_autoincrement": True}  # audit rows name staff by id too

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, unique=True)
    name = Column(String(128), nullable=False)
    password_hash = Column(String(255), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class StaffAccess(Base):
    """A staff member's role in one municipality: what they may see and do there.

    Why per municipality: in a region one KCC serves several municipalities, and a beheerder of
    one municipality must not edit another's answers.
    """

    __tablename__ = "kcc_staff_access"

    staff_id = Column(Integer, ForeignKey("kcc_staff.id"), primary_key=True)
    municipality = Column(String(64), primary_key=True)
    role = Column(String(16), nullable=False, default="kcc")


class StaffSession(Base):
    """A server-side login session; the cookie holds a random id, the table its SHA-256."""

    __tablename__ = "kcc_sessions"

    id_hash = Column(String(64), primary_key=True)
    staff_id = Column(Integer, ForeignKey("kcc_staff.id"), nullable=False)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False, index=True)


class Presence(Base):
    """When a staff member last used the console: who is there to take a chat now."""

    __tablename__ = "kcc_presence"

    staff_id = Column(Integer, ForeignKey("kcc_staff.id"), primary_key=True)
    last_seen = Column(DateTime, nullable=False, index=True)


class LoginAttempt(Base):
    """A failed login, counted per username + IP address for rate limiting."""

    __tablename__ = "kcc_login_attempts"
    __table_args__ = (Index("ix_kcc_login_attempts_key", "username", "ip", "at"),)

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False)
    ip = Column(String(64), nullable=False)
    at = Column(DateTime, nullable=False, default=utcnow)


class AuditEntry(Base):
    """Who looked at or acted on which conversation, and when (privacy accountability)."""

    __tablename__ = "kcc_audit"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, default=utcnow, index=True)
    staff = Column(String(64), nullable=False)
    action = Column(String(64), nullable=False)
    conversation_id = Column(String(255), nullable=True, index=True)
    ticket_id = Column(Integer, nullable=True)
    detail = Column(Text, nullable=True)


# -- the console's working tables (presence, notes, saved replies, callbacks, transfers) ------
# Why ON DELETE CASCADE: retention and the resident's right to deletion remove tickets with one
# DELETE; what staff wrote about a ticket must go with it, never stay behind on its own.
PRESENCE_STATUSES = ("available", "busy", "away")
CALLBACK_RESULTS = ("reached", "not_reached", "wrong_number")
TRANSFER_STATUSES = ("pending", "accepted", "declined", "withdrawn")


class StaffStatus(Base):
    """What a staff member said about themselves (available / busy / away) and when they last
    did something in the console themselves (not a background refresh)."""

    __tablename__ = "kcc_staff_status"

    staff_id = Column(Integer, ForeignKey("kcc_staff.id", ondelete="CASCADE"), primary_key=True)
    status = Column(String(16), nullable=False, default="available")
    #: True when the console set "away" itself after inactivity (the header says so).
    auto = Column(Boolean, nullable=False, default=False)
    changed_at = Column(DateTime, nullable=False, default=utcnow)
    active_at = Column(DateTime, nullable=False, default=utcnow, index=True)


class TicketNote(Base):
    """A private note on a ticket: only staff see it, it never goes to the resident."""

    __tablename__ = "kcc_ticket_notes"
    __table_args__ = {"sqlite_autoincrement": True}

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("kcc_tickets.id", ondelete="CASCADE"), nullable=False,
                       index=True)
    #: note | handback | transfer | callback: where the note was written.
    kind = Column(String(16), nullable=False, default="note")
    staff = Column(String(64), nullable=False)
    staff_name = Column(String(128), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class SavedReply(Base):
    """A saved reply that staff of a municipality added themselves (the shipped ones live in
    kcc/data/saved_replies.yml)."""

    __tablename__ = "kcc_saved_replies"
    __table_args__ = {"sqlite_autoincrement": True}

    id = Column(Integer, primary_key=True)
    municipality = Column(String(64), nullable=False, index=True)
    title = Column(String(120), nullable=False)
    text = Column(Text, nullable=False)
    created_by = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class CallbackPlan(Base):
    """The moment promised to the resident for a callback, when staff agreed one themselves."""

    __tablename__ = "kcc_callback_plans"

    ticket_id = Column(Integer, ForeignKey("kcc_tickets.id", ondelete="CASCADE"),
                       primary_key=True)
    promised_at = Column(DateTime, nullable=False)
    set_by = Column(String(64), nullable=False)
    set_at = Column(DateTime, nullable=False, default=utcnow)


class CallbackAttempt(Base):
    """One try to reach the resident of a callback ticket, and how it went."""

    __tablename__ = "kcc_callback_attempts"
    __table_args__ = {"sqlite_autoincrement": True}

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("kcc_tickets.id", ondelete="CASCADE"), nullable=False,
                       index=True)
    result = Column(String(16), nullable=False)
    staff = Column(String(64), nullable=False)
    staff_name = Column(String(128), nullable=False)
    at = Column(DateTime, nullable=False, default=utcnow)


class Transfer(Base):
    """A ticket offered to a colleague; it moves only when the colleague accepts."""

    __tablename__ = "kcc_transfers"
    __table_args__ = {"sqlite_autoincrement": True}

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("kcc_tickets.id", ondelete="CASCADE"), nullable=False,
                       index=True)
    from_staff = Column(String(64), nullable=False)
    from_name = Column(String(128), nullable=False)
    to_staff = Column(String(64), nullable=False, index=True)
    to_name = Column(String(128), nullable=False)
    note = Column(Text, nullable=False, default="")
    status = Column(String(16), nullable=False, default="pending")
    created_at = Column(DateTime, nullable=False, default=utcnow)
    decided_at = Column(DateTime, nullable=True)


class WaitOffer(Base):
    """The assistant offered the waiting resident a callback (once per ticket, kcc/waiting.py)."""

    __tablename__ = "kcc_wait_offers"

    ticket_id = Column(Integer, ForeignKey("kcc_tickets.id", ondelete="CASCADE"),
                       primary_key=True)
    offered_at = Column(DateTime, nullable=False, default=utcnow)
