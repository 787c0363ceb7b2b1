"""A staff member of Oldambt cannot see a Het Hogeland conversation, on any console route.

The console serves the whole region from one process. Every route of the running app is walked
(so a route added later is checked too): a route about one ticket, one municipality or one
conversation answers 404 for another municipality's (its existence is not revealed), and the
lists never show it. Real SQLite files, the real tracker store and the real console app.
"""
from __future__ import annotations

import asyncio
import re
import time
from typing import AsyncIterator, List, Tuple

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import MaskingSQLTrackerStore
from kcc.auth import StaffAuth
from tests.support.console import CHEAP_HASHER, PASSWORD, Console, start_console as _start

HOGELAND_CONVERSATION = "hh-7f3a"       # has a ticket of Het Hogeland
HOGELAND_NO_TICKET = "hh-9c1e"          # only its municipality slot says where it belongs
OLDAMBT_CONVERSATION = "ol-2b4d"
HOGELAND_SUMMARY = "Inwoner uit Uithuizen: kan de trap niet meer op."

#: Routes that are not about any conversation: logging in and out, presence, static files.
NOT_ABOUT_A_CONVERSATION = ("/console/login", "/console/logout", "/console/presence", "/static",
                            "/healthz", "/privacy", "/")


async def _conversation(url: str, sender: str, text: str, municipality: str) -> None:
    ts = time.time()
    events = [ActionExecuted("action_listen", timestamp=ts),
              UserUttered(text, {"name": "greet", "confidence": 1.0},
                          metadata={"municipality": municipality}, timestamp=ts + 1),
              SlotSet("municipality", municipality, timestamp=ts + 2),
              BotUttered("Ik help u graag verder.", timestamp=ts + 3)]
    store = MaskingSQLTrackerStore(domain=Domain.empty(), host=url)
    await store.save(DialogueStateTracker.from_events(sender, events))


def _event_count(url: str, sender: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = :s"),
                                {"s": sender}).scalar_one()
    finally:
        engine.dispose()


@pytest.fixture
async def region(tmp_path, monkeypatch) -> AsyncIterator[Tuple[Console, int, int]]:
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    monkeypatch.setenv("TRACKER_STORE_URL", tracker_url)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'console.db'}")
    await _conversation(tracker_url, HOGELAND_CONVERSATION, "De trap lukt niet meer.",
                        "het-hogeland")
    await _conversation(tracker_url, HOGELAND_NO_TICKET, "Hallo", "het-hogeland")
    await _conversation(tracker_url, OLDAMBT_CONVERSATION, "Hallo", "oldambt")
    running, rasa_server = await _start(tmp_path)
    running.tracker_url = tracker_url
    auth = StaffAuth(running.db_url, hasher=CHEAP_HASHER)
    auth.create_staff("olga", PASSWORD, "Olga", role="admin", municipalities=["oldambt"])
    auth.create_staff("harm", PASSWORD, "Harm", municipalities=["het-hogeland"])
    hogeland = running.ticket(HOGELAND_CONVERSATION, municipality="het-hogeland",
                              summary=HOGELAND_SUMMARY)
    oldambt = running.ticket(OLDAMBT_CONVERSATION, municipality="oldambt")
    yield running, hogeland, oldambt
    await running.client.close()
    await rasa_server.close()


def _console_routes(console: Console) -> List[Tuple[str, str]]:
    """(method, path template) of every console route of the running app."""
    app = console.client.server.app
    found = []
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource is not None else {}
        path = info.get("formatter") or info.get("path") or info.get("prefix") or ""
        if route.method in ("HEAD", "OPTIONS") or not path.startswith("/console"):
            continue
        if any(path == p or path.startswith(p + "/") for p in NOT_ABOUT_A_CONVERSATION
               if p != "/"):
            continue
        found.append((route.method, path))
    return sorted(set(found))


async def _first_chunk(console: Console, path: str) -> str:
    """The start of an event stream (it never ends by itself)."""
    resp = await console.client.get(path)
    try:
        return (await asyncio.wait_for(resp.content.read(4096), 1.5)).decode(errors="replace")
    except asyncio.TimeoutError:
        return ""
    finally:
        resp.close()


async def test_every_console_route_hides_another_municipalitys_conversation(region) -> None:
    console, hogeland, _ = region
    assert await console.login("olga") == 303
    routes = _console_routes(console)
    assert ("GET", "/console/tickets/{ticket_id}") in routes  # the walk sees the real app
    checked = []
    for method, template in routes:
        path = (template.replace("{ticket_id}", str(hogeland))
                .replace("{municipality}", "het-hogeland").replace("{entry_id}", "wmo-huishoudelijke-hulp"))
        if method == "GET" and path.endswith("/events") and "{" not in template:
            body, status = await _first_chunk(console, path), 200
        elif method == "GET":
            resp = await console.client.get(path, allow_redirects=False)
            body, status = await resp.text(), resp.status
        else:
            resp = await console.post(path, {"conversation_id": HOGELAND_CONVERSATION,
                                             "confirmation": HOGELAND_CONVERSATION,
                                             "step": "confirm", "text": "Goedemorgen",
                                             "outcome": "opgelost"})
            body, status = await resp.text(), resp.status
        if "{" in template or (method == "POST" and template.startswith("/console/conversations")):
            assert status == 404, (method, template, status)  # one thing of another's: hidden
        assert HOGELAND_SUMMARY not in body and f"#{hogeland}<" not in body, (method, template)
        checked.append((method, template))
    assert len(checked) >= 10
    # Nothing was claimed, answered or deleted on the way.
    assert console.store.get(hogeland).status == "open"
    assert _event_count(console.tracker_url, HOGELAND_CONVERSATION) > 0
    assert console.rasa.intents() == []


@pytest.mark.parametrize("conversation_id", [HOGELAND_CONVERSATION, HOGELAND_NO_TICKET])
async def test_rights_routes_answer_404_for_another_municipality(region, conversation_id) -> None:
    console, _, _ = region
    assert await console.login("olga") == 303
    for action in ("export", "delete"):
        resp = await console.post(f"/console/conversations/{action}",
                                  {"conversation_id": conversation_id,
                                   "confirmation": conversation_id, "step": "confirm"},
                                  csrf_from="/console/conversations")
        text = await resp.text()
        assert resp.status == 404 and "geen gesprek opgeslagen" in text, action
    assert _event_count(console.tracker_url, conversation_id) > 0


async def test_own_municipality_exports_and_the_other_does_not(region) -> None:
    console, _, _ = region
    assert await console.login("harm") == 303
    mine = await console.post("/console/conversations/export",
                              {"conversation_id": HOGELAND_NO_TICKET},
                              csrf_from="/console/conversations")
    assert mine.status == 200 and "attachment" in mine.headers["Content-Disposition"]
    theirs = await console.post("/console/conversations/export",
                                {"conversation_id": OLDAMBT_CONVERSATION},
                                csrf_from="/console/conversations")
    assert theirs.status == 404
    queue = await (await console.client.get("/console")).text()
    assert HOGELAND_SUMMARY in queue or HOGELAND_CONVERSATION in queue


async def test_the_privacy_statement_of_each_municipality(region) -> None:
    console, _, _ = region
    page = await (await console.client.get("/privacy/oldambt")).text()
    assert "gemeente Oldambt" in page and "Het Hogeland" not in re.sub(r"<[^>]+>", " ", page)
    assert (await console.client.get("/privacy/atlantis")).status == 404
    assert "gemeente Tynaarlo" in await (await console.client.get("/privacy")).text()
