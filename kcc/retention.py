"""Retention and the resident's rights (AVG): purge old data, export or delete one conversation.

Why one module: the same two stores hold personal data (Rasa's tracker store and the KCC tables),
so purging, exporting and deleting must cover both, in one place. Only counts are logged.

    python -m kcc.retention purge                 remove what is past its retention period
    python -m kcc.retention schedule              purge now and then every RETENTION_INTERVAL_HOURS
    python -m kcc.retention export ID [--staff X] everything of one conversation, as JSON
    python -m kcc.retention delete ID [--staff X] delete everything of one conversation
"""
from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional

import sqlalchemy as sa

from assistant.settings import settings
from assistant.secret_files import private_sqlite

logger = logging.getLogger("retention")
EVENTS = sa.table("events", sa.column("id"), sa.column("sender_id"), sa.column("timestamp"),
                  sa.column("type_name"), sa.column("data"))


@dataclass(frozen=True)
class RetentionPolicy:
    """Retention periods in days, from the environment (documented in the privacy statement)."""

    conversation_days: int
    closed_ticket_days: int
    audit_days: int

    @classmethod
    def from_env(cls) -> "RetentionPolicy":
        current = settings()
        return cls(conversation_days=current.retention_conversation_days,
                   closed_ticket_days=current.retention_ticket_days,
                   audit_days=current.retention_audit_days)


def tracker_engine() -> sa.engine.Engine:
    url = settings().tracker_store_url
    private_sqlite(url)
    return sa.create_engine(url)


def _kcc() -> Any:
    from kcc import db, models

    engine = db.get_engine()
    models.Base.metadata.create_all(engine)
    return engine, models


def purge(policy: Optional[RetentionPolicy] = None, now: Optional[datetime] = None) -> Dict[str, int]:
    """Delete conversations idle longer than the period and closed tickets past theirs."""
    policy = policy or RetentionPolicy.from_env()
    now = now or datetime.now(timezone.utc)
    counts = {"conversations": 0, "events": 0, "tickets": 0, "audit": 0}
    cutoff = (now - timedelta(days=policy.conversation_days)).timestamp()
    engine = tracker_engine()
    if sa.inspect(engine).has_table("events"):
        with engine.begin() as conn:
            last = sa.select(EVENTS.c.sender_id).group_by(EVENTS.c.sender_id).having(
                sa.func.max(EVENTS.c.timestamp) < cutoff)
            senders = [row[0] for row in conn.execute(last)]
            for i in range(0, len(senders), 500):
                chunk = senders[i:i + 500]
                counts["events"] += conn.execute(
                    EVENTS.delete().where(EVENTS.c.sender_id.in_(chunk))).rowcount or 0
            counts["conversations"] = len(senders)
    kcc_engine, models = _kcc()
    naive_now = now.replace(tzinfo=None)
    with kcc_engine.begin() as conn:
        old = sa.select(models.Ticket.id).where(
            models.Ticket.status == "closed",
            models.Ticket.closed_at < naive_now - timedelta(days=policy.closed_ticket_days))
        ids = [row[0] for row in conn.execute(old)]
        if ids:
            conn.execute(sa.delete(models.OutboxItem).where(models.OutboxItem.ticket_id.in_(ids)))
            counts["tickets"] = conn.execute(
                sa.delete(models.Ticket).where(models.Ticket.id.in_(ids))).rowcount or 0
        audit = getattr(models, "AuditEntry", None)
        if audit is not None:
            counts["audit"] = conn.execute(sa.delete(audit).where(
                audit.at < naive_now - timedelta(days=policy.audit_days))).rowcount or 0
    logger.info("retention purge: %s", json.dumps(counts))
    return counts


def export_conversation(conversation_id: str, staff: str) -> Dict[str, Any]:
    """Everything stored about one conversation: its events and its tickets (audited)."""
    engine = tracker_engine()
    events: List[Dict[str, Any]] = []
    if sa.inspect(engine).has_table("events"):
        with engine.connect() as conn:
            rows = conn.execute(sa.select(EVENTS.c.data).where(
                EVENTS.c.sender_id == conversation_id).order_by(EVENTS.c.id))
            events = [json.loads(row[0]) for row in rows]
    kcc_engine, models = _kcc()
    with kcc_engine.connect() as conn:
        rows = conn.execute(sa.select(models.Ticket).where(
            models.Ticket.conversation_id == conversation_id)).mappings()
        tickets = [{k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}
                   for row in rows]
    _audit(staff, "export", conversation_id)
    return {"conversation_id": conversation_id, "events": events, "tickets": tickets}


def delete_conversation(conversation_id: str, staff: str) -> Dict[str, int]:
    """Delete one conversation's events and tickets (audited; the audit row itself stays)."""
    counts = {"events": 0, "tickets": 0}
    engine = tracker_engine()
    if sa.inspect(engine).has_table("events"):
        with engine.begin() as conn:
            counts["events"] = conn.execute(
                EVENTS.delete().where(EVENTS.c.sender_id == conversation_id)).rowcount or 0
    kcc_engine, models = _kcc()
    with kcc_engine.begin() as conn:
        ids = [r[0] for r in conn.execute(sa.select(models.Ticket.id).where(
            models.Ticket.conversation_id == conversation_id))]
        if ids:
            conn.execute(sa.delete(models.OutboxItem).where(models.OutboxItem.ticket_id.in_(ids)))
            counts["tickets"] = conn.execute(
                sa.delete(models.Ticket).where(models.Ticket.id.in_(ids))).rowcount or 0
    _audit(staff, "delete", conversation_id)
    logger.info("conversation deleted: %s", json.dumps(counts))
    return counts


def _audit(staff: str, action: str, conversation_id: str) -> None:
    from kcc.audit import AuditLog

    AuditLog().record(staff, action, conversation_id=conversation_id)


def schedule(interval_hours: float) -> None:
    """Purge now, then at every interval, until stopped (run by `make run`)."""
    while True:
        try:
            purge()
        except Exception:  # noqa: BLE001 - a failed purge is retried at the next interval
            logger.exception("retention purge failed; retrying at the next interval")
        time.sleep(interval_hours * 3600)


def main(argv: Optional[List[str]] = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("purge")
    sched = sub.add_parser("schedule")
    sched.add_argument("--hours", type=float,
                       default=settings().retention_interval_hours)
    for name in ("export", "delete"):
        cmd = sub.add_parser(name)
        cmd.add_argument("conversation_id")
        cmd.add_argument("--staff", default=f"cli:{getpass.getuser()}")
    args = parser.parse_args(argv)
    if args.command == "purge":
        purge()
    elif args.command == "schedule":
        schedule(args.hours)
    elif args.command == "export":
        print(json.dumps(export_conversation(args.conversation_id, args.staff), ensure_ascii=False,
                         indent=1))
    elif args.command == "delete":
        print(json.dumps(delete_conversation(args.conversation_id, args.staff)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
