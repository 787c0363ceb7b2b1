"""The assistant offers a callback itself after CALLBACK_OFFER_MINUTES without a pick-up."""
from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import AsyncIterator

import pytest

from kcc.models import Ticket, utcnow
from kcc.rasa_client import RasaClient
from kcc.waiting import INTENT, WaitWatcher
from tests.support.console import Console, start_console as _start


@pytest.fixture
async def console(tmp_path, monkeypatch) -> AsyncIterator[Console]:
    monkeypatch.setenv("CALLBACK_OFFER_MINUTES", "5")
    running, rasa_server = await _start(tmp_path)
    yield running
    await running.client.close()
    await rasa_server.close()


def _age(console: Console, tid: int, minutes: int) -> None:
    with console.store.session() as s, s.begin():
        s.get(Ticket, tid).created_at = utcnow() - timedelta(minutes=minutes)


async def test_once_per_waiting_live_ticket_after_the_set_time(console: Console, monkeypatch) -> None:
    rasa = console.client.server.app
    from kcc.services import SERVICES_KEY

    client: RasaClient = rasa[SERVICES_KEY].rasa
    watcher = WaitWatcher(console.db_url, client)
    waiting = console.ticket("long-wait", channel="telegram")
    fresh = console.ticket("just-now")
    picked = console.ticket("picked-up")
    callback = console.ticket("callback", mode="callback")
    for tid in (waiting, picked, callback):
        _age(console, tid, 6)
    console.store.claim(picked, "anna", "Anna")
    assert [t.id for t in watcher.due()] == [waiting]
    assert await watcher.check_once() == 1
    call = console.rasa.intents(INTENT)[0]
    assert call["conversation_id"] == "long-wait" and call["query"]["output_channel"] == "telegram"
    assert await watcher.check_once() == 0  # once per ticket
    monkeypatch.setenv("CALLBACK_OFFER_MINUTES", "0")
    assert [t.id for t in watcher.due()] == [fresh]


async def test_the_console_runs_the_check_by_itself(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CALLBACK_OFFER_MINUTES", "0")
    console, rasa_server = await _start(tmp_path)
    try:
        console.ticket("waits")
        for _ in range(50):
            if console.rasa.intents(INTENT):
                break
            await asyncio.sleep(0.1)
        assert [c["conversation_id"] for c in console.rasa.intents(INTENT)] == ["waits"]
    finally:
        await console.client.close()
        await rasa_server.close()


async def test_rasa_down_is_logged_not_retried(console: Console, caplog) -> None:
    from kcc.services import SERVICES_KEY

    watcher = WaitWatcher(console.db_url, console.client.server.app[SERVICES_KEY].rasa)
    tid = console.ticket("long-wait")
    _age(console, tid, 6)
    console.rasa.fail = True
    assert await watcher.check_once() == 0
    assert "callback offer for ticket" in caplog.text
    assert watcher.due() == []
