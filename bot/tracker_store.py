"""Rasa's SQL tracker store, with personal data masked before anything is written.

Why a subclass: Rasa writes every event as JSON in one place (``SQLTrackerStore.save``); masking
there covers every channel and every action, including events added through the HTTP API.
The store is configured with one SQLAlchemy URL (``TRACKER_STORE_URL``), so SQLite and
PostgreSQL are a matter of configuration.
"""
from __future__ import annotations

import json
import logging
import os
from typing import Any, Optional

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy.engine.url import make_url

from bot.masking import install_log_masking, mask_event

logger = logging.getLogger(__name__)
DEFAULT_URL = "sqlite:///var/tracker.db"


class MaskingSQLTrackerStore(SQLTrackerStore):
    """SQL tracker store that masks BSN, IBAN, phone, e-mail and birth dates on save."""

    def __init__(self, domain: Optional[Domain] = None, host: Optional[str] = None,
                 event_broker: Optional[EventBroker] = None, **kwargs: Any) -> None:
        install_log_masking()  # the Rasa server's logs get the same masking as its store
        url = make_url(host or os.environ.get("TRACKER_STORE_URL") or DEFAULT_URL)
        if url.drivername.startswith("sqlite") and url.database:
            os.makedirs(os.path.dirname(os.path.abspath(url.database)), exist_ok=True)
        super().__init__(
            domain=domain,
            dialect=url.drivername,
            host=url.host,
            port=url.port,
            db=url.database or "rasa.db",
            username=url.username,
            password=url.password,
            event_broker=event_broker,
            query=dict(url.query) or None,
        )
        if url.drivername.startswith("sqlite"):
            _enable_sqlite_wal(self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the events not yet stored, masked (same bookkeeping as Rasa's own save)."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            for event in self._additional_events(session, tracker):
                data = mask_event(event.as_dict())
                session.add(self.SQLEvent(
                    sender_id=tracker.sender_id,
                    type_name=event.type_name,
                    timestamp=data.get("timestamp"),
                    intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                    action_name=data.get("name"),
                    data=json.dumps(data),
                ))
            session.commit()


def _enable_sqlite_wal(engine: Any) -> None:
    """WAL lets the console read transcripts while Rasa writes; busy_timeout avoids lock errors."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:  # pragma: no cover - driver hook
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.close()
