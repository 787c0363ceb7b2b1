"""Retention (kcc/retention.py): purge with short periods, export and delete of one conversation.

Real SQLite files: Rasa's tracker table written by our MaskingSQLTrackerStore, and the KCC tables
written by the TicketStore, exactly as the running assistant writes them.
"""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Dict

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from kcc import retention
from kcc.retention import RetentionPolicy, purge
from bot.tracker_store import MaskingSQLTrackerStore
from kcc.tickets import TicketDraft, TicketStore

ROOT = Path(__file__).resolve().parents[2]
DAY = 86400.0


@pytest.fixture
def dbs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Dict[str, str]:
    urls = {"DATABASE_URL": f"sqlite:///{tmp_path / 'assistant.db'}",
            "TRACKER_STORE_URL": f"sqlite:///{tmp_path / 'tracker.db'}"}
    for key, value in urls.items():
        monkeypatch.setenv(key, value)
    return urls


async def _conversation(url: str, sender: str, age_days: float, text: str) -> None:
    ts = time.time() - age_days * DAY
    events = [ActionExecuted("action_listen", timestamp=ts),
              UserUttered(text, {"name": "greet", "confidence": 1.0}, timestamp=ts + 1),
              BotUttered("Goedendag.", timestamp=ts + 2)]
    store = MaskingSQLTrackerStore(domain=Domain.empty(), host=url)
    await store.save(DialogueStateTracker.from_events(sender, events))


def _ticket(db_url: str, cid: str, closed_days_ago: float | None, contact: str | None = None) -> int:
    store = TicketStore(db_url)
    ticket, _ = store.create(TicketDraft(
        conversation_id=cid, episode=1, channel="rest", municipality="het-hogeland",
        topic="schulden_geldzorgen", ladder_rung="sociaal_loket", summary="Inwoner wil hulp.",
        mode="callback" if contact else "live", contact_preference="telefoon" if contact else None,
        consent=contact is not None, contact_value=contact, reason="request"))
    if closed_days_ago is not None:
        closed = datetime.utcnow() - timedelta(days=closed_days_ago)
        with sa.create_engine(db_url).begin() as conn:
            conn.execute(sa.text("UPDATE kcc_tickets SET status='closed', closed_at=:c WHERE id=:i"),
                         {"c": closed, "i": ticket.id})
    return ticket.id


def _senders(url: str) -> Dict[str, int]:
    with sa.create_engine(url).connect() as conn:
        rows = conn.execute(sa.text("SELECT sender_id, count(*) FROM events GROUP BY sender_id"))
        return {r[0]: r[1] for r in rows}


def _ticket_ids(db_url: str) -> set:
    with sa.create_engine(db_url).connect() as conn:
        return {r[0] for r in conn.execute(sa.text("SELECT id FROM kcc_tickets"))}


def _audit(db_url: str) -> list:
    with sa.create_engine(db_url).connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(
            "SELECT staff, action, conversation_id FROM kcc_audit ORDER BY id"))]


async def test_purge_removes_only_what_is_past_its_period(dbs, caplog) -> None:
    tracker_url, db_url = dbs["TRACKER_STORE_URL"], dbs["DATABASE_URL"]
    await _conversation(tracker_url, "oud-gesprek", age_days=3, text="bel mij op 0612345678")
    await _conversation(tracker_url, "nieuw-gesprek", age_days=0, text="hallo")
    old_closed = _ticket(db_url, "oud-gesprek", closed_days_ago=3, contact="0612345678")
    recent_closed = _ticket(db_url, "ander-gesprek", closed_days_ago=0.01)
    open_ticket = _ticket(db_url, "nieuw-gesprek", closed_days_ago=None)

    with caplog.at_level(logging.INFO, logger="retention"):
        counts = purge(RetentionPolicy(conversation_days=2, closed_ticket_days=1, audit_days=30))

    assert counts["conversations"] == 1 and counts["events"] == 3 and counts["tickets"] == 1
    assert _senders(tracker_url) == {"nieuw-gesprek": 3}
    assert _ticket_ids(db_url) == {recent_closed, open_ticket} and old_closed not in _ticket_ids(db_url)
    # The log says how many, never who or what.
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert '"conversations": 1' in logged and '"tickets": 1' in logged
    for secret in ("oud-gesprek", "nieuw-gesprek", "0612345678", "TELEFOON"):
        assert secret not in logged

    # A second run finds nothing more to do.
    again = purge(RetentionPolicy(conversation_days=2, closed_ticket_days=1, audit_days=30))
    assert again["conversations"] == 0 and again["tickets"] == 0


async def test_purge_removes_old_audit_rows(dbs) -> None:
    from kcc.audit import AuditLog

    AuditLog(dbs["DATABASE_URL"]).record("anna", "view", conversation_id="c1")
    with sa.create_engine(dbs["DATABASE_URL"]).begin() as conn:
        conn.execute(sa.text("UPDATE kcc_audit SET at=:a"),
                     {"a": datetime.utcnow() - timedelta(days=10)})
    AuditLog(dbs["DATABASE_URL"]).record("anna", "view", conversation_id="c2")
    counts = purge(RetentionPolicy(conversation_days=30, closed_ticket_days=30, audit_days=5))
    assert counts["audit"] == 1
    assert [row[2] for row in _audit(dbs["DATABASE_URL"])] == ["c2"]


def test_purge_without_any_conversation_yet(dbs) -> None:
    counts = purge(RetentionPolicy(1, 1, 1), now=datetime.now(timezone.utc))
    assert counts == {"conversations": 0, "events": 0, "tickets": 0, "audit": 0}


def _cli(dbs: Dict[str, str], *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **dbs, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false"}
    result = subprocess.run([sys.executable, "-m", "kcc.retention", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


async def test_cli_export_and_delete_are_audited(dbs) -> None:
    tracker_url, db_url = dbs["TRACKER_STORE_URL"], dbs["DATABASE_URL"]
    await _conversation(tracker_url, "inwoner-7", age_days=0, text="mijn bsn is 111222333")
    await _conversation(tracker_url, "inwoner-8", age_days=0, text="hallo")
    ticket_id = _ticket(db_url, "inwoner-7", closed_days_ago=None, contact="06-12345678")
    other_ticket = _ticket(db_url, "inwoner-8", closed_days_ago=None)

    exported = json.loads(_cli(dbs, "export", "inwoner-7", "--staff", "anna").stdout)
    assert exported["conversation_id"] == "inwoner-7"
    user_texts = [e["text"] for e in exported["events"] if e["event"] == "user"]
    assert user_texts == ["mijn bsn is [BSN]"]  # stored masked, exported as stored
    assert [t["id"] for t in exported["tickets"]] == [ticket_id]
    assert exported["tickets"][0]["contact_value"] == "06-12345678"  # the resident's right of access

    deleted = json.loads(_cli(dbs, "delete", "inwoner-7", "--staff", "anna").stdout)
    assert deleted == {"events": 3, "tickets": 1}
    assert _senders(tracker_url) == {"inwoner-8": 3}
    assert _ticket_ids(db_url) == {other_ticket}
    assert _audit(db_url) == [("anna", "export", "inwoner-7"), ("anna", "delete", "inwoner-7")]


def test_cli_default_staff_is_the_operating_system_user(dbs) -> None:
    _cli(dbs, "export", "onbekend-gesprek")
    (staff, action, cid), = _audit(dbs["DATABASE_URL"])
    assert staff.startswith("cli:") and action == "export" and cid == "onbekend-gesprek"


def test_policy_from_environment(monkeypatch) -> None:
    monkeypatch.setenv("RETENTION_CONVERSATION_DAYS", "7")
    monkeypatch.setenv("RETENTION_TICKET_DAYS", "60")
    monkeypatch.setenv("RETENTION_AUDIT_DAYS", "400")
    assert RetentionPolicy.from_env() == RetentionPolicy(7, 60, 400)
    assert retention.tracker_engine().url.drivername == "sqlite"
