"""The review inbox, the retraining button and the dashboard over HTTP: roles, municipality
isolation, masking, grouping, labelling into a valid Rasa NLU file, audit, export suppression."""
from __future__ import annotations

import asyncio
import csv
import io
import sys
from datetime import datetime, timezone

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from bot.tracker_store import MaskingSQLTrackerStore
from kcc.audit import AuditLog
from kcc.auth import StaffAuth
from kcc.feedback import FeedbackDraft, FeedbackStore
from kcc.review import REVIEW_KEY
from tests.support.console import CHEAP_HASHER, PASSWORD, Console, start_console as _start

NOW = datetime.now(timezone.utc).timestamp()


def _unclear(sender: str, text: str, at: float, municipality: str = "het-hogeland") -> list:
    parse = {"intent": {"name": "nlu_fallback", "confidence": 0.9}, "entities": [],
             "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.9}]}
    return [SlotSet("municipality", municipality, timestamp=at - 1),
            UserUttered(text, parse["intent"], parse_data=parse, timestamp=at, input_channel="webchat"),
            ActionExecuted("action_clarify", timestamp=at + 0.1),
            ActionExecuted("action_listen", timestamp=at + 0.2)]


async def _conversations(url: str) -> None:
    domain = Domain.from_directory("bot/domain")
    store = MaskingSQLTrackerStore(domain=domain, host=url)
    for sender, events in {
        "a": _unclear("a", "waar kan ik een rolstoelbus bestellen voor mijn vader", NOW - 300),
        "b": _unclear("b", "waar kan ik een rolstoelbus bestellen voor mn moeder", NOW - 200),
        "c": _unclear("c", "mijn buurman maakt herrie, mail mij op jan@example.nl", NOW - 100),
        "d": _unclear("d", "wie helpt met de belasting aangifte voor mijn oma", NOW - 50, "oldambt"),
    }.items():
        await store.save(DialogueStateTracker.from_events(sender, events, domain.slots))


@pytest.fixture
async def review(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    monkeypatch.setenv("RASA_URL", "http://127.0.0.1:9")  # nothing listens: a rollback cannot load
    await _conversations(f"sqlite:///{tmp_path / 'tracker.db'}")
    running, rasa_server = await _start(tmp_path)
    StaffAuth(running.db_url, hasher=CHEAP_HASHER).create_staff(
        "bea", PASSWORD, "Bea", role="beheerder", municipalities=["het-hogeland"])
    FeedbackStore(running.db_url).add(FeedbackDraft(
        "e", "answer", "down", "telegram", "het-hogeland", "vervoer", "wmo-vervoer",
        "Ik wil een taxi naar het ziekenhuis, bel 0612345678"))
    yield running  # the test console keeps examples and retraining runs in tmp_path
    await running.client.close()
    await rasa_server.close()


async def _page(console: Console, path: str) -> str:
    resp = await console.client.get(path)
    assert resp.status == 200, path
    return await resp.text()


async def test_a_kcc_login_gets_403_everywhere(review: Console) -> None:
    assert await review.login("anna") == 303
    for path in ("/console/review", "/console/review/retrain", "/console/dashboard",
                 "/console/dashboard/export.csv", "/console/dashboard/export.json"):
        assert (await review.client.get(path)).status == 403, path
    for path in ("/console/review/decide", "/console/review/retrain"):
        assert (await review.post(path, {"action": "dismiss", "key": "x"})).status == 403, path


async def test_the_inbox_shows_own_messages_masked_and_grouped(review: Console) -> None:
    await review.login("bea")
    html = await _page(review, "/console/review")
    assert "2 × " in html and "rolstoelbus" in html  # the two similar questions in one group
    assert "[EMAIL]" in html and "jan@example.nl" not in html
    assert "[TELEFOON]" in html and "0612345678" not in html  # the 👎 with its question
    assert "Inwoner gaf 👎" in html
    assert "belasting aangifte" not in html  # Oldambt is not this beheerder's municipality
    assert html.index("rolstoelbus") < html.index("herrie")  # most frequent first


async def test_labelling_writes_a_valid_example_and_is_audited(review: Console) -> None:
    import re

    await review.login("bea")
    html = await _page(review, "/console/review")
    keys = re.findall(r'name="key" value="([0-9a-f]+)"', html)
    assert len(keys) == 4
    target = keys[-1]
    resp = await review.post("/console/review/decide",
                             {"action": "label", "key": target, "topic": "vervoer"}, csrf_from="/console/review")
    assert resp.status == 303
    path = review.client.server.app[REVIEW_KEY].examples.path
    data = RasaYAMLReader().reads(path.read_text(encoding="utf-8"))
    assert [(m.get("intent"), m.get("text")) for m in data.intent_examples] == [
        ("vervoer", html_text_of(html, target))]
    assert target not in await _page(review, "/console/review")
    for action in ("missing", "dismiss"):
        key = keys.pop(0)
        assert (await review.post("/console/review/decide", {"action": action, "key": key},
                                  csrf_from="/console/review")).status == 303
    html = await _page(review, "/console/review")
    assert "Ontbrekende inhoud" in html and len(re.findall(r'name="key"', html)) == 1
    actions = [e.action for e in AuditLog(review.db_url).entries() if e.staff == "bea"]
    assert {"review_labelled", "review_missing", "review_dismissed", "review_bekeken"} <= set(actions)
    again = await review.post("/console/review/decide", {"action": "dismiss", "key": target},
                              csrf_from="/console/review")
    assert again.status == 404  # decided already


def html_text_of(html: str, key: str) -> str:
    """The text of the item with this key as the page shows it (masked, cleaned for training)."""
    import html as h
    import re

    from kcc.review_examples import clean_example

    block = html[:html.index(f'value="{key}"')]
    text = re.findall(r'<p class="review-text">(.*?)</p>', block)[-1]
    return clean_example(h.unescape(text))


async def test_another_municipalitys_item_is_404(review: Console) -> None:
    from kcc.insights import Facts

    config = review.client.server.app[REVIEW_KEY]
    oldambt = [i for i in Facts.read(tracker_url=config.tracker_url, database_url=review.db_url).inbox()
               if i["municipality"] == "oldambt"]
    assert oldambt
    await review.login("bea")
    resp = await review.post("/console/review/decide", {"action": "dismiss", "key": oldambt[0]["key"]},
                             csrf_from="/console/review")
    assert resp.status == 404


async def test_dashboard_and_export_for_the_beheerder(review: Console) -> None:
    await review.login("bea")
    html = await _page(review, "/console/dashboard")
    assert '<svg class="chart"' in html and "<script" not in html.split("</main>")[0]
    assert 'id="kpi-conversations">3<' in html  # Oldambt's conversation is not counted
    assert 'id="kpi-thumbs">0 / 1<' in html
    assert (await review.client.get("/console/dashboard?municipality=oldambt")).status == 404
    resp = await review.client.get("/console/dashboard/export.json")
    data = await resp.json()
    assert data["conversations"] is None and data["feedback_down"] is None  # 3 and 1: below 5
    assert data["unanswered"] is None and data["containment"] is None
    rows = list(csv.reader(io.StringIO(await (await review.client.get(
        "/console/dashboard/export.csv")).text())))
    assert ["conversations", "", "<5"] in rows and rows[0] == ["cijfer", "sleutel", "waarde"]
    assert not any("example.nl" in cell or "rolstoel" in cell for row in rows for cell in row)


async def test_the_retrain_button_runs_in_the_background_and_shows_the_report(review: Console,
                                                                               tmp_path) -> None:
    live = tmp_path / "models" / "assistant.tar.gz"
    live.parent.mkdir()
    live.write_bytes(b"new")
    (live.parent / "assistant.previous.tar.gz").write_bytes(b"old")
    config = review.client.server.app[REVIEW_KEY]
    config.retrain_command = (sys.executable, "-m", "evaluation.retrain", "--rollback", "--live", str(live))
    await review.login("bea")
    resp = await review.post("/console/review/retrain", csrf_from="/console/review/retrain")
    assert resp.status == 303
    await asyncio.wait_for(config.running["process"].wait(), 60)
    html = await _page(review, "/console/review/retrain")
    assert "&#34;rolled_back&#34;: true" in html or '"rolled_back": true' in html
    assert live.read_bytes() == b"old"
    assert "hertraining_gestart" in [e.action for e in AuditLog(review.db_url).entries()]
