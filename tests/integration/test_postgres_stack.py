"""Conversations, tickets and the catalogue on a real PostgreSQL server.

The server is Debian's PostgreSQL, started by the project's own ``scripts/ensure-postgres.sh``
in a temporary directory on a free loopback port (installed first when missing). Nothing here is
a mock: the masking tracker store, the ticket store, the catalogue loader with its migrations and
finally the whole stack (Rasa, actions, console) run against it.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from kcc.tickets import ClaimConflict, TicketDraft, TicketStore
from tests.support.stack import ROOT, free_port, make_env

pytestmark = pytest.mark.integration

SCRIPT = ROOT / "scripts" / "ensure-postgres.sh"


def _script(env: Dict[str, str], *args: str) -> str:
    done = subprocess.run(["bash", str(SCRIPT), *args], env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


@pytest.fixture(scope="module")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, str]]:
    """A running cluster: {"assistant": url, "tracker": url} (two databases, as in production)."""
    env = {**os.environ, "PG_DIR": str(tmp_path_factory.mktemp("pg") / "cluster"),
           "PG_PORT": str(free_port())}
    urls = {"assistant": _script(env, "start")}
    urls["tracker"] = _script(env, "url", "tracker")
    try:
        yield urls
    finally:
        _script(env, "stop")


def _conversation(sender: str, text: str) -> DialogueStateTracker:
    ts = time.time()
    return DialogueStateTracker.from_events(sender, [
        ActionExecuted("action_listen", timestamp=ts),
        UserUttered(text, {"name": "greet", "confidence": 1.0}, timestamp=ts + 1),
        BotUttered("Ik help u graag verder.", timestamp=ts + 2)])


async def test_tracker_store_masks_and_two_processes_stay_in_step(postgres) -> None:
    from bot.tracker_store import MaskingSQLTrackerStore

    domain = Domain.empty()
    first = MaskingSQLTrackerStore(domain=domain, host=postgres["tracker"])
    second = MaskingSQLTrackerStore(domain=domain, host=postgres["tracker"])  # another replica
    sender = f"pg-{uuid.uuid4().hex[:8]}"
    await first.save(_conversation(sender, "mijn bsn is 111222333 en mijn mail jan@example.nl"))
    stored = await first.retrieve(sender)
    texts = [e.text for e in stored.events if isinstance(e, UserUttered)]
    assert texts == ["mijn bsn is [BSN] en mijn mail [EMAIL]"]
    # The other replica adds a message; the first one's mirror must not hide it.
    other = await second.retrieve(sender)
    other.update(UserUttered("nog een vraag", {"name": "greet", "confidence": 1.0}))
    await second.save(other)
    again = await first.retrieve(sender)
    assert [e.text for e in again.events if isinstance(e, UserUttered)][-1] == "nog een vraag"
    engine = sa.create_engine(postgres["tracker"])
    try:
        with engine.connect() as conn:
            raw = " ".join(conn.execute(sa.text("SELECT data FROM events WHERE sender_id = :s"),
                                        {"s": sender}).scalars())
    finally:
        engine.dispose()
    assert "111222333" not in raw and "jan@example.nl" not in raw


def test_tickets_one_claim_wins_on_postgres(postgres) -> None:
    store = TicketStore(postgres["assistant"])
    ticket, created = store.create(TicketDraft(
        conversation_id=f"pg-{uuid.uuid4().hex[:8]}", episode=1, channel="webchat",
        municipality="oldambt", topic="huishoudelijke_hulp", ladder_rung="sociaal_loket",
        summary="Inwoner: ik kan mijn huis niet meer schoonmaken.", mode="live"))
    assert created and ticket.municipality == "oldambt"
    outcomes: List[str] = []

    def claim(name: str) -> None:
        try:
            store.claim(ticket.id, name, name.capitalize())
            outcomes.append("won")
        except ClaimConflict:
            outcomes.append("lost")

    workers = [threading.Thread(target=claim, args=(f"staff{i}",)) for i in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert sorted(outcomes) == ["lost"] * 7 + ["won"]
    assert store.get(ticket.id).status == "claimed"


def test_catalogue_loads_and_reads_on_postgres(postgres) -> None:
    env = {**os.environ, "DATABASE_URL": postgres["assistant"]}
    code = ("from knowledge import get_catalogue\n"
            "for slug in ('het-hogeland', 'oldambt', 'tynaarlo', 'maastricht'):\n"
            "    cat = get_catalogue(slug)\n"
            "    print(slug, cat.profile.name, len(cat.entries))\n")
    for args in (["-m", "knowledge", "load"], ["-c", code]):
        done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
    lines = dict(line.split(" ", 1) for line in done.stdout.strip().splitlines())
    assert set(lines) == {"het-hogeland", "oldambt", "tynaarlo", "maastricht"}
    assert lines["maastricht"].startswith("Maastricht ")


def test_the_whole_stack_runs_on_postgres(postgres, tmp_path: Path) -> None:
    from tests.integration.test_region_stack import RegionStack

    env = make_env(tmp_path, {"DATABASE_URL": postgres["assistant"],
                              "TRACKER_STORE_URL": postgres["tracker"]})
    stack = RegionStack(workdir=tmp_path, env=env, token=env["RASA_API_TOKEN"])
    try:
        stack.start()
        sender = f"pg-rest-{uuid.uuid4().hex[:8]}"
        replies = stack.rest(sender, "hallo", metadata={"municipality": "maastricht"})
        assert any("gemeente Maastricht" in (m.get("text") or "") for m in replies)
        replies = stack.rest(sender, "ik wil een medewerker spreken")
        assert any("medewerker" in (m.get("text") or "") for m in replies)
        assert stack.tracker(sender)["slots"]["municipality"] == "maastricht"
        assert not list(tmp_path.glob("*.db")), "nothing may fall back to SQLite"
    finally:
        stack.stop()
