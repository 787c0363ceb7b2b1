"""Rasa's SQL tracker store, with personal data masked before anything is written.

Why a subclass: Rasa writes every event as JSON in one place (``SQLTrackerStore.save``); masking
there covers every channel and every action, including events added through the HTTP API.
The store is configured with one SQLAlchemy URL (``TRACKER_STORE_URL``), so SQLite and
PostgreSQL are a matter of configuration. Recently used conversations are mirrored in memory
(``bot/tracker_cache.py``), so a message does not re-read and replay the whole session.
"""
from __future__ import annotations

import asyncio
import gc
import itertools
import json
import logging
import os
from typing import Any, Callable, Dict, Optional, TypeVar

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import text
from sqlalchemy.engine.url import make_url
from sqlalchemy.exc import SQLAlchemyError

from assistant.settings import settings
from bot import rasa_compat
from assistant.secret_files import private_sqlite
from assistant.masking import install_log_masking, mask_event
from bot.tracker_cache import LAST_ID_ATTR, STORED_ATTR, TrackerMirror, mark, snapshot

logger = logging.getLogger(__name__)
DEFAULT_URL = "sqlite:///var/tracker.db"
T = TypeVar("T")


class TrackerStoreUnavailable(Exception):
    """The conversation database did not answer. Deliberately without the SQL error text."""

    def __init__(self) -> None:
        super().__init__("tracker store unavailable")


class MaskingSQLTrackerStore(SQLTrackerStore):
    """SQL tracker store that masks BSN, IBAN, phone, e-mail and birth dates on save."""

    def __init__(self, domain: Optional[Domain] = None, host: Optional[str] = None,
                 event_broker: Optional[EventBroker] = None, **kwargs: Any) -> None:
        install_log_masking()  # the Rasa server's logs get the same masking as its store
        rasa_compat.apply()  # Rasa server only: see each patch's reason there
        url = make_url(host or settings().tracker_store_url or DEFAULT_URL)
        if url.drivername.startswith("sqlite") and url.database:
            private_sqlite(f"sqlite:///{os.path.abspath(url.database)}")
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
        # A database server is waited for; SQLite works in this process (see _in_worker).
        self._queries_off_loop = not url.drivername.startswith("sqlite")
        if url.drivername.startswith("sqlite"):
            self._use_pooled_sqlite_engine()
        self.mirror = TrackerMirror(settings().tracker_mirror_size)

    def _use_pooled_sqlite_engine(self) -> None:
        """Keep SQLite connections open between messages (speed; measured in bench/README.md).

        SQLAlchemy 1.4 gives a file-based SQLite database a NullPool: every session opened a new
        connection, ran the PRAGMAs and closed it again, and closing the last connection to a WAL
        database checkpoints and deletes the WAL file; under load connect, commit and close showed
        high in py-spy (bench/README.md). A small QueuePool keeps the
        connections open; Rasa's SQL runs on its event loop, so a handful is plenty.
        """
        from sqlalchemy import create_engine
        from sqlalchemy.orm import sessionmaker
        from sqlalchemy.pool import QueuePool

        url = self.engine.url
        self.engine.dispose()
        self.engine = create_engine(url, poolclass=QueuePool, pool_size=4, max_overflow=8,
                                    connect_args={"check_same_thread": False})
        _enable_sqlite_wal(self.engine)
        self.sessionmaker = sessionmaker(bind=self.engine)

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        """The current session, from the mirror when no one else changed it (see tracker_cache)."""
        freeze_loaded_heap()
        return await self._in_worker(self._read_session, sender_id)

    async def _in_worker(self, work: Callable[..., T], *args: Any) -> T:
        """Run blocking database work in a worker thread when the database is a server.

        Rasa's SQL tracker store calls SQLAlchemy synchronously on the event loop. With
        PostgreSQL every query and commit waits for a socket (and the commit for the server's
        fsync), and while it waits no other resident's message moves; in a worker thread the loop
        goes on with other conversations (bench/README.md). SQLite works inside this process: a
        thread hop only adds a GIL hand-over there and lowered throughput, so SQLite stays on
        the loop. The mirror is thread-safe (tracker_cache.Recent) and Rasa's lock store keeps
        one message per conversation at a time, so no two workers touch one tracker.
        """
        if self._queries_off_loop:
            return await asyncio.to_thread(work, *args)
        return work(*args)

    def _read_session(self, sender_id: str) -> Optional[DialogueStateTracker]:
        try:
            with self.session_scope() as session:
                last_id = self._last_event_id(session, sender_id)
                mirrored = self.mirror.get(sender_id, last_id)
                if mirrored is not None:
                    return mirrored
                rows = self._event_query(session, sender_id,
                                         fetch_events_from_all_sessions=False).all()
                events = [json.loads(row.data) for row in rows]
        except SQLAlchemyError as exc:
            raise _unavailable(exc) from exc
        if not self.domain or not events:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        self.mirror.put(sender_id, tracker, last_id)
        return snapshot(tracker, last_id)

    def _last_event_id(self, session: Any, sender_id: str) -> Optional[int]:
        """Id of the conversation's newest row: an index lookup, whatever the length.

        Asked twice per message (retrieve and save), so it is one prepared statement: building
        the same ORM query each time (SQLAlchemy's query objects and their cache keys) cost
        more than the lookup itself (py-spy at 50 residents, bench/README.md)."""
        return session.execute(_last_id_statement(self.SQLEvent.__table__),
                               {"sender_id": sender_id}).scalar()

    def _insert(self, session: Any, rows: list) -> int:
        return _insert_rows(session, self.SQLEvent.__table__, rows)

    async def retrieve_full_tracker(self, sender_id: str) -> Optional[DialogueStateTracker]:
        try:
            return await super().retrieve_full_tracker(sender_id)
        except SQLAlchemyError as exc:
            raise _unavailable(exc) from exc

    async def keys(self) -> Any:
        try:
            return await super().keys()
        except SQLAlchemyError as exc:
            raise _unavailable(exc) from exc

    async def save(self, tracker: DialogueStateTracker) -> None:
        try:
            await self._save(tracker)
        except SQLAlchemyError as exc:
            raise _unavailable(exc) from exc

    async def _save(self, tracker: DialogueStateTracker) -> None:
        """Store the events not yet stored, masked, and keep the mirror in step.

        A tracker this store handed out knows how many of its events are stored and up to which
        row; when that row is still the newest, only the new events are written (no count query).
        Otherwise (a tracker from elsewhere, or rows changed meanwhile) Rasa's own bookkeeping
        decides, and the mirror forgets the conversation.
        """
        await self.stream_events(tracker)
        await self._in_worker(self._write_new_events, tracker)

    def _write_new_events(self, tracker: DialogueStateTracker) -> None:
        sender_id = tracker.sender_id
        with self.session_scope() as session:
            base_id = getattr(tracker, LAST_ID_ATTR, None)
            stored = getattr(tracker, STORED_ATTR, None)
            if (stored is not None and stored <= len(tracker.events)
                    and base_id == self._last_event_id(session, sender_id)):
                new = list(itertools.islice(tracker.events, stored, None))
            else:
                new, base_id = list(self._additional_events(session, tracker)), None
            rows, masked = [], []
            for event in new:
                original = event.as_dict()
                data = mask_event(original)
                masked.append(event if data == original else Event.from_parameters(data))
                rows.append({
                    "sender_id": sender_id,
                    "type_name": event.type_name,
                    "timestamp": data.get("timestamp"),
                    "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                })
            last_id = self._insert(session, rows) if rows else base_id
            session.commit()
        if base_id is None:
            self.mirror.forget(sender_id)
        elif rows:
            self.mirror.extend(sender_id, base_id, masked, last_id)
        mark(tracker, last_id)


_LAST_ID: Dict[Any, Any] = {}


def _last_id_statement(table: Any) -> Any:
    """``SELECT max(id) FROM events WHERE sender_id = :sender_id``, built once per table."""
    statement = _LAST_ID.get(table)
    if statement is None:
        statement = _LAST_ID[table] = text(
            f"SELECT max(id) FROM {table.name} WHERE sender_id = :sender_id")
    return statement


_heap_frozen = False


def freeze_loaded_heap() -> None:
    """Once per process, at the first conversation: move everything loaded so far (the model,
    spaCy, TensorFlow, the domain: most of the Rasa server's ~900 MB) out of the garbage
    collector's reach with `gc.freeze()`.

    Why: every full collection walks every tracked object. Under load the server allocates
    enough to run one every few seconds, and each walked the whole loaded model: 0.2–0.4 s in
    which no message moved (measured with gc callbacks at 50 residents, bench/README.md). The
    model lives as long as the process, so freezing it loses nothing; a collection first
    clears what start-up left behind, so no garbage is frozen. Objects made later (conversations,
    mirrors) are collected as before.
    """
    global _heap_frozen
    if _heap_frozen:
        return
    _heap_frozen = True
    gc.collect()
    gc.freeze()


def _insert_rows(session: Any, table: Any, rows: list) -> int:
    """Insert event rows in their order; returns the id of the last one.

    One Core INSERT for all but the last row (executemany) and one for the last, whose id the
    database reports (SQLite's lastrowid, PostgreSQL's RETURNING). The ORM's unit of work did
    the same inserts one object at a time with its bookkeeping around each (py-spy: `flush`,
    bench/README.md)."""
    statement = table.insert()
    if len(rows) > 1:
        session.execute(statement, rows[:-1])
    return session.execute(statement, rows[-1]).inserted_primary_key[0]


def _enable_sqlite_wal(engine: Any) -> None:
    """WAL lets the console read transcripts while Rasa writes; busy_timeout avoids lock errors."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:  # pragma: no cover - driver hook
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=10000")
        # SQLite's recommended setting with WAL: no fsync per commit, still crash-safe for the
        # database file; only the last commits can be lost on a power failure (not a process crash).
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()


def _unavailable(exc: Exception) -> TrackerStoreUnavailable:
    logger.error("tracker store unavailable: %s", type(exc).__name__)
    return TrackerStoreUnavailable()
