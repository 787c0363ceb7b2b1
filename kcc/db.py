"""Engine for the shared SQLite database (tickets, outbox, staff, sessions, audit).

Why a module of its own: three processes (action server, console, Rasa's tools) write to the same
SQLite file. Every connection therefore gets WAL (readers never block the writer), a busy timeout
(a writer waits instead of failing) and `BEGIN IMMEDIATE` (a transaction takes the write lock up
front, so a read-then-write transaction can never fail half-way with "database is locked").
"""
from __future__ import annotations

from assistant.settings import settings

import threading
from pathlib import Path
from typing import Dict

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import declarative_base, sessionmaker
from sqlalchemy.pool import QueuePool

from assistant.secret_files import private_sqlite

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "sqlite:///var/assistant.db"
BUSY_TIMEOUT_MS = 15000

Base = declarative_base()

_engines: Dict[str, Engine] = {}
_lock = threading.Lock()


def resolve_url(url: str | None = None) -> str:
    """DATABASE_URL with a relative SQLite path resolved against the repo root (folder created)."""
    url = url or settings().database_url or DEFAULT_DATABASE_URL
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url == "sqlite:///:memory:":
        return url
    raw = url[len(prefix):]
    path = Path(raw) if raw.startswith("/") else REPO_ROOT / raw
    private_sqlite(prefix + str(path))  # tickets and staff data: this user only
    return prefix + str(path)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see module docstring)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def get_engine(url: str | None = None) -> Engine:
    """One engine per URL per process, with the kcc tables created if missing."""
    resolved = resolve_url(url)
    with _lock:
        engine = _engines.get(resolved)
        if engine is None:
            if resolved.startswith("sqlite"):
                # A file database keeps a few connections open (SQLAlchemy 1.4 would open,
                # PRAGMA and close one per session: the action server's largest SQL item
                # under load, bench/README.md); an in-memory one keeps SQLAlchemy's own pool.
                pooled = {} if resolved in ("sqlite://", "sqlite:///:memory:") else {
                    "poolclass": QueuePool, "pool_size": 4, "max_overflow": 8}
                engine = create_engine(resolved, future=True, connect_args={
                    "check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}, **pooled)
                _configure_sqlite(engine)
            else:
                engine = create_engine(resolved, future=True, pool_pre_ping=True)
            from kcc import models  # noqa: F401  (registers the tables on Base)

            Base.metadata.create_all(engine)
            _engines[resolved] = engine
    return engine


def session_factory(engine: Engine) -> sessionmaker:
    """Sessions whose objects stay readable after commit (handlers render them afterwards)."""
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)
