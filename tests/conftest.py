"""Shared fixtures: the running assistant (real processes on loopback), its fake Telegram peer,
and a running staff console."""
from __future__ import annotations

from typing import AsyncIterator, Iterator

import pytest

from tests.support.stack import Stack, make_env
from tests.support.console import Console


@pytest.fixture(scope="session")
def fake_telegram() -> Iterator["object"]:
    """A local fake Telegram Bot API server (the real network is unreachable here)."""
    from tests.support.fake_telegram import FakeTelegramServer

    server = FakeTelegramServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def fake_whatsapp() -> Iterator["object"]:
    """A local fake WhatsApp Cloud API (Graph API) server."""
    from tests.support.fake_whatsapp import FakeWhatsApp

    server = FakeWhatsApp().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, fake_telegram, fake_whatsapp) -> Iterator[Stack]:
    """Rasa server + action server + KCC console, sharing temporary SQLite databases."""
    from tests.support import fake_whatsapp as wa

    workdir = tmp_path_factory.mktemp("stack")
    env = make_env(workdir, {
        "TELEGRAM_TOKEN": fake_telegram.token,
        "TELEGRAM_SECRET": fake_telegram.secret,
        "TELEGRAM_API_BASE": fake_telegram.base_url,
        "TELEGRAM_PUBLIC_URL": "https://example.invalid/telegram",
        "WHATSAPP_TOKEN": wa.TOKEN, "WHATSAPP_APP_SECRET": wa.APP_SECRET,
        "WHATSAPP_VERIFY_TOKEN": wa.VERIFY_TOKEN, "WHATSAPP_PHONE_NUMBER_ID": wa.PHONE_NUMBER_ID,
        "WHATSAPP_API_BASE": fake_whatsapp.base_url,
    })
    running = Stack(workdir=workdir, env=env, token=env["RASA_API_TOKEN"])
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture
def undo_rasa_patches() -> Iterator[None]:
    """Apply Rasa patches inside a test and have them undone afterwards.

    Why: the patches of :mod:`bot.rasa_compat.patches` change Rasa classes for the whole process;
    a test that applies one must not change what the next test sees.
    """
    import rasa.core.actions.action as rasa_action
    from rasa.core.tracker_store import FailSafeTrackerStore
    from rasa.shared.core.trackers import DialogueStateTracker

    remote = rasa_action.RemoteAction
    saved = [(remote, name, remote.__dict__[name])
             for name in ("_validate_action_result", "_action_call_format")]
    saved += [(DialogueStateTracker, "copy", DialogueStateTracker.__dict__["copy"])]
    saved += [(FailSafeTrackerStore, name, FailSafeTrackerStore.__dict__[name])
              for name in ("on_tracker_store_error", "on_tracker_store_retrieve_error")]
    saved += [(rasa_action, "DEFAULT_REQUEST_TIMEOUT", rasa_action.DEFAULT_REQUEST_TIMEOUT)]
    from rasa.engine.runner.dask import DaskGraphRunner

    saved += [(DaskGraphRunner, "run", DaskGraphRunner.__dict__["run"])]
    yield
    for owner, name, value in saved:
        setattr(owner, name, value)


@pytest.fixture
async def console(tmp_path) -> AsyncIterator[Console]:
    """A running staff console with staff anna and bert (see tests/support/console.py)."""
    from tests.support.console import start_console

    running, rasa_server = await start_console(tmp_path)
    yield running
    await running.client.close()
    await rasa_server.close()


@pytest.fixture
def databases(tmp_path, monkeypatch) -> Iterator[None]:
    """The actions on a fresh SQLite catalogue and ticket store, at a Tuesday morning with a
    worker available (see tests/support/dialogue.py); modules ask for it with ``usefixtures``."""
    import knowledge
    from actions import handoff
    from tests.support.dialogue import TUESDAY_MORNING, available

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'assistant.db'}")
    monkeypatch.setenv("MUNICIPALITY", "het-hogeland")
    monkeypatch.setenv("ASSISTANT_NOW", TUESDAY_MORNING)
    knowledge.reset_cache()
    handoff.ticket_store.cache_clear()
    available("dienst")  # a worker is available (kcc.presence); tests of nobody set them away
    yield
    knowledge.reset_cache()
    handoff.ticket_store.cache_clear()


@pytest.fixture
def channel_and_recorder(monkeypatch):
    """A TelegramInput whose sends are recorded (see tests/support/telegram_channel.py)."""
    from channels.telegram import TelegramInput
    from tests.support.telegram_channel import TELEGRAM, Recorder

    channel = TelegramInput("123456:unit-token", TELEGRAM.secret, "http://127.0.0.1:9")
    recorder = Recorder()
    monkeypatch.setattr(channel.output.sender, "send_text", recorder.send_text)
    monkeypatch.setattr(channel.output.sender, "answer_callback", recorder.answer_callback)
    return channel, recorder


