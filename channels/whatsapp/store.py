"""The WhatsApp channel's own short-lived table: who is behind a conversation, when they last
wrote (the 24-hour window), which deliveries were already processed, and delivery statuses.

Why a table of its own: the resident's phone number is their WhatsApp id. Conversations (the
tracker store, tickets, logs) only know a keyed hash of it; the number itself, needed to answer,
stays here and is forgotten ``keep_days`` after the resident's last message. Deliveries are
remembered in the database so a re-delivery after a restart is still processed once.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta, timezone
from typing import Optional

import sqlalchemy as sa

WINDOW = timedelta(hours=24)
META = sa.MetaData()
CONTACTS = sa.Table("whatsapp_contacts", META,
                    sa.Column("sender", sa.String(64), primary_key=True),
                    sa.Column("wa_id", sa.String(20), nullable=False),
                    sa.Column("last_inbound", sa.DateTime, nullable=False, index=True))
SEEN = sa.Table("whatsapp_seen", META,
                sa.Column("message_id", sa.String(256), primary_key=True),
                sa.Column("at", sa.DateTime, nullable=False, index=True))
STATUSES = sa.Table("whatsapp_statuses", META,
                    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                    sa.Column("message_id", sa.String(256), nullable=False, index=True),
                    sa.Column("status", sa.String(20), nullable=False),
                    sa.Column("at", sa.DateTime, nullable=False))


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class WhatsAppStore:
    def __init__(self, url: str, key: str, keep_days: int = 30) -> None:
        self.engine = sa.create_engine(url, future=True)
        META.create_all(self.engine)
        self._key = key.encode("utf-8")
        self.keep = timedelta(days=keep_days)

    def sender_id(self, wa_id: str) -> str:
        """The conversation id for a WhatsApp number: a keyed hash, never the number."""
        return "wa-" + hmac.new(self._key, wa_id.encode(), hashlib.sha256).hexdigest()[:40]

    def first_time(self, message_id: str) -> bool:
        """True once per delivered message id, also across restarts."""
        try:
            with self.engine.begin() as conn:
                conn.execute(SEEN.insert().values(message_id=message_id, at=_now()))
            return True
        except sa.exc.IntegrityError:
            return False

    def inbound(self, wa_id: str) -> str:
        """The resident wrote now: remember how to answer; returns the conversation id."""
        sender, now = self.sender_id(wa_id), _now()
        with self.engine.begin() as conn:
            done = conn.execute(CONTACTS.update().where(CONTACTS.c.sender == sender)
                                .values(wa_id=wa_id, last_inbound=now)).rowcount
            if not done:
                conn.execute(CONTACTS.insert().values(sender=sender, wa_id=wa_id, last_inbound=now))
            conn.execute(CONTACTS.delete().where(CONTACTS.c.last_inbound < now - self.keep))
            conn.execute(SEEN.delete().where(SEEN.c.at < now - self.keep))
        return sender

    def reply_address(self, sender: str, now: Optional[datetime] = None) -> Optional[str]:
        """The number to answer, only inside WhatsApp's 24-hour window after the resident's
        last message (outside it only an approved template may be sent); else None."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(CONTACTS.c.wa_id, CONTACTS.c.last_inbound)
                               .where(CONTACTS.c.sender == sender)).first()
        if row is None or (now or _now()) - row.last_inbound > WINDOW:
            return None
        return row.wa_id

    def status(self, message_id: str, status: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(STATUSES.insert().values(message_id=message_id, status=status, at=_now()))
