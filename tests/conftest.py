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
def stack(tmp_path_factory: pytest.TempPathFactory, fake_telegram) -> Iterator[Stack]:
    """Rasa server + action server + KCC console, sharing temporary SQLite databases."""
    workdir = tmp_path_factory.mktemp("stack")
    env = make_env(workdir, {
        "TELEGRAM_TOKEN": fake_telegram.token,
        "TELEGRAM_SECRET": fake_telegram.secret,
        "TELEGRAM_API_BASE": fake_telegram.base_url,
        "TELEGRAM_PUBLIC_URL": "https://example.invalid/telegram",
    })
    running = Stack(workdir=workdir, env=env, token=env["RASA_API_TOKEN"])
    try:
        running.start()
        yield running
    finally:
        running.stop()
