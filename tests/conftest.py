"""Shared fixtures: the running assistant (real processes on loopback) and its fake Telegram peer."""
from __future__ import annotations

from typing import Iterator

import pytest

from tests.integration.stack import Stack, make_env


@pytest.fixture(scope="session")
def fake_telegram() -> Iterator["object"]:
    """A local fake Telegram Bot API server (the real network is unreachable here)."""
    from tests.integration.fake_telegram import FakeTelegramServer

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
