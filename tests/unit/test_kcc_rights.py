"""The resident's rights in the staff console: export and delete one conversation.

Real SQLite files: Rasa's `events` table written by our MaskingSQLTrackerStore (TRACKER_STORE_URL)
and the console's database (DATABASE_URL), exactly as the running assistant writes them.
"""
from __future__ import annotations

import json
import re
import time
from typing import AsyncIterator, Dict

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import MaskingSQLTrackerStore
from kcc.audit import AuditLog
from kcc.rights import download_name
from tests.support.console import Console, start_console as _start

CID = "gesprek-42"
OTHER = "ander-gesprek"


async def _write_conversation(url: str, sender: str, text: str) -> None:
    ts = time.time()
    events = [ActionExecuted("action_listen", timestamp=ts),
              UserUttered(text, {"name": "schulden_geldzorgen", "confidence": 1.0},
                          timestamp=ts + 1),
              BotUttered("Ik help u graag verder.", timestamp=ts + 2)]
    store = MaskingSQLTrackerStore(domain=Domain.empty(), host=url)
    await store.save(DialogueStateTracker.from_events(sender, events))


def _event_counts(url: str) -> Dict[str, int]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT sender_id, count(*) FROM events GROUP BY sender_id"))
            return {r[0]: r[1] for r in rows}
    finally:
        engine.dispose()


@pytest.fixture
async def console(tmp_path, monkeypatch) -> AsyncIterator[Console]:
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    monkeypatch.setenv("TRACKER_STORE_URL", tracker_url)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'console.db'}")  # as _start uses
    await _write_conversation(tracker_url, CID, "Ik heb schulden en weet niet wat ik moet doen.")
    await _write_conversation(tracker_url, OTHER, "Hallo")
    running, rasa_server = await _start(tmp_path)
    running.tracker_url = tracker_url
    yield running
    await running.client.close()
    await rasa_server.close()


def _audit(console: Console, cid: str = CID) -> list:
    return [(e.staff, e.action) for e in AuditLog(console.db_url).entries(cid)]


# -- pages --------------------------------------------------------------------------------------
async def test_queue_and_ticket_pages_offer_the_actions_with_labels(console: Console) -> None:
    tid = console.ticket(CID)
    await console.login()
    queue = await (await console.client.get("/console")).text()
    assert "Gegevens van een gesprek" in queue
    assert '<label for="conversation-id">Gespreksnummer</label>' in queue
    assert 'formaction="/console/conversations/delete"' in queue
    ticket = await (await console.client.get(f"/console/tickets/{tid}")).text()
    assert "Gesprek exporteren" in ticket and "Gesprek verwijderen" in ticket
    assert f'name="conversation_id" value="{CID}"' in ticket
    page = await console.client.get("/console/conversations")
    assert page.status == 200 and "Gespreksnummer" in await page.text()


# -- export -------------------------------------------------------------------------------------
async def test_export_downloads_events_and_tickets_and_is_audited(console: Console) -> None:
    tid = console.ticket(CID)
    await console.login()
    resp = await console.post("/console/conversations/export", {"conversation_id": f" {CID} "})
    assert resp.status == 200
    assert resp.headers["Content-Type"].startswith("application/json")
    assert resp.headers["Content-Disposition"] == f'attachment; filename="gesprek-{CID}.json"'
    assert resp.headers["Cache-Control"] == "no-store"
    data = json.loads(await resp.read())
    assert data["conversation_id"] == CID
    assert [e["event"] for e in data["events"]] == ["action", "user", "bot"]
    assert data["events"][1]["text"].startswith("Ik heb schulden")
    assert [t["id"] for t in data["tickets"]] == [tid]
    assert ("anna", "export") in _audit(console)
    assert _event_counts(console.tracker_url)[CID] == 3  # export changes nothing


async def test_export_of_conversation_without_ticket(console: Console) -> None:
    # It names no municipality, so it is the deployment's default one (tynaarlo in _start):
    # only staff who work there may export it (tests/unit/test_tenant_console.py).
    from kcc.auth import StaffAuth

    StaffAuth(console.db_url).grant("anna", "tynaarlo", "kcc")
    await console.login()
    resp = await console.post("/console/conversations/export", {"conversation_id": OTHER})
    data = json.loads(await resp.read())
    assert resp.status == 200 and len(data["events"]) == 3 and data["tickets"] == []


async def test_unknown_or_empty_conversation_gives_a_clear_message(console: Console) -> None:
    await console.login()
    for action in ("export", "delete"):
        resp = await console.post(f"/console/conversations/{action}",
                                  {"conversation_id": "bestaat-niet"})
        assert resp.status == 404, action
        assert "Onder nummer ‘bestaat-niet’ is geen gesprek opgeslagen" in await resp.text()
        resp = await console.post(f"/console/conversations/{action}", {"conversation_id": "  "})
        assert resp.status == 400 and "Vul een gespreksnummer in" in await resp.text()
    assert _audit(console, "bestaat-niet") == []


# -- delete -------------------------------------------------------------------------------------
async def test_delete_needs_typed_confirmation_then_removes_and_audits(console: Console) -> None:
    tid = console.ticket(CID)
    other_tid = console.ticket(OTHER)
    await console.login()
    # Step 1: a confirmation page, nothing deleted yet.
    resp = await console.post("/console/conversations/delete",
                              {"conversation_id": CID, "ticket_id": str(tid)})
    html = await resp.text()
    assert resp.status == 200 and "Weet u het zeker?" in html
    assert "3 gebeurtenissen" in html and "1 ticket" in html
    assert '<label for="confirmation">' in html and 'name="step" value="confirm"' in html
    assert f'href="/console/tickets/{tid}">Annuleren' in html
    assert _event_counts(console.tracker_url)[CID] == 3 and console.store.get(tid) is not None

    # A wrong confirmation deletes nothing.
    for typed in ("", "gesprek-4", OTHER):
        resp = await console.post("/console/conversations/delete", {
            "conversation_id": CID, "step": "confirm", "confirmation": typed})
        assert resp.status == 400 and "Er is niets verwijderd" in await resp.text()
    assert _event_counts(console.tracker_url)[CID] == 3 and console.store.get(tid) is not None
    assert ("anna", "delete") not in _audit(console)

    # The right one deletes events and tickets of this conversation only.
    resp = await console.post("/console/conversations/delete",
                              {"conversation_id": CID, "step": "confirm", "confirmation": CID})
    html = await resp.text()
    assert resp.status == 200 and "Het gesprek ‘gesprek-42’ is verwijderd" in html
    assert "3 gebeurtenissen uit het gesprek" in html and "1 ticket." in html
    assert _event_counts(console.tracker_url) == {OTHER: 3}
    assert console.store.get(tid) is None and console.store.get(other_tid) is not None
    assert ("anna", "delete") in _audit(console)
    resp = await console.client.get(f"/console/tickets/{tid}")
    assert resp.status == 404
    resp = await console.post("/console/conversations/export", {"conversation_id": CID})
    assert resp.status == 404


# -- access -------------------------------------------------------------------------------------
async def test_without_login_nothing_is_exported_or_deleted(console: Console) -> None:
    console.ticket(CID)
    for action in ("export", "delete"):
        resp = await console.client.post(
            f"/console/conversations/{action}", allow_redirects=False,
            data={"conversation_id": CID, "step": "confirm", "confirmation": CID,
                  "csrf_token": "x"})
        assert resp.status == 303, action
        assert resp.headers["Location"] == "/console/login?next=/console/conversations"
        assert "application/json" not in resp.headers.get("Content-Type", "")
    resp = await console.client.get("/console/conversations", allow_redirects=False)
    assert resp.status == 303
    assert _event_counts(console.tracker_url)[CID] == 3
    assert _audit(console) == []


async def test_forged_csrf_is_refused(console: Console) -> None:
    tid = console.ticket(CID)
    await console.login()
    for action in ("export", "delete"):
        for token in ("forged", None):
            data = {"conversation_id": CID, "step": "confirm", "confirmation": CID}
            if token:
                data["csrf_token"] = token
            resp = await console.client.post(f"/console/conversations/{action}", data=data)
            assert resp.status == 403, (action, token)
            assert "Geen toegang" in await resp.text()
    assert _event_counts(console.tracker_url)[CID] == 3 and console.store.get(tid) is not None
    assert [a for _, a in _audit(console)] == []


def test_download_name_is_header_safe() -> None:
    assert download_name("4711") == "gesprek-4711.json"
    assert download_name('a"b\r\nX-Evil: 1') == "gesprek-a_b_X-Evil_1.json"
    assert download_name("../..") == "gesprek-onbekend.json"
    assert re.fullmatch(r"gesprek-[A-Za-z0-9._-]+\.json", download_name("é" * 300))
