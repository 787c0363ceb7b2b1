"""Our PTB-based sender and webhook CLI against the fake Bot API over real HTTP (no Rasa)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.settings import Settings
from channels.telegram.format import CallbackPayloads
from channels.telegram.send import TelegramOutput, TelegramSender
from channels.telegram.webhook import ConfigError, run, webhook_url
from tests.support.fake_telegram import FakeTelegramServer

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


@pytest.fixture
def telegram() -> FakeTelegramServer:
    server = FakeTelegramServer().start()
    yield server
    server.stop()


async def test_output_sends_keyboard_links_and_staff_prefix(telegram: FakeTelegramServer) -> None:
    payloads = CallbackPayloads()
    output = TelegramOutput(TelegramSender(telegram.token, telegram.base_url), payloads)
    long_payload = '/details{"entry_id": "' + "schuldhulpverlening_" * 4 + '"}'
    await output.send_response(
        "501",
        {
            "text": "Ik verbind u door.",
            "agent": "Anna",
            "buttons": [{"title": "Meer uitleg", "payload": long_payload}],
            "links": [{"title": "Schuldhulp", "url": "https://example.nl/schulden"}],
        },
    )
    (sent,) = telegram.messages(501)
    assert sent["text"].startswith("Anna (medewerker): Ik verbind u door.")
    assert sent["text"].endswith("Schuldhulp: https://example.nl/schulden")
    data = sent["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert len(data.encode()) <= 64 and payloads.decode(data) == long_payload


async def test_429_is_retried_after_waiting(telegram: FakeTelegramServer) -> None:
    telegram.fail_next(1, retry_after=1)
    started = time.monotonic()
    assert await TelegramSender(telegram.token, telegram.base_url).send_text("502", "Na een pauze")
    assert time.monotonic() - started >= 0.9
    assert telegram.texts(502) == ["Na een pauze"]


async def test_persistent_429_gives_up_cleanly(telegram: FakeTelegramServer) -> None:
    telegram.fail_next(3, retry_after=1)
    sender = TelegramSender(telegram.token, telegram.base_url, max_wait=0.1)
    assert await sender.send_text("503", "Komt niet aan") is False
    assert telegram.messages(503) == []


async def test_wrong_token_is_logged_not_raised(telegram: FakeTelegramServer) -> None:
    assert await TelegramSender("1:wrong", telegram.base_url).send_text("504", "x") is False


async def test_cli_registers_shows_and_deletes_webhook(telegram: FakeTelegramServer) -> None:
    env = Settings(telegram_token=telegram.token, telegram_secret=telegram.secret,
                   telegram_public_url="https://assistent.gemeente.example/",
                   telegram_api_base=telegram.base_url)
    assert "registered" in await run("set", env)
    assert telegram.webhook == {
        "url": "https://assistent.gemeente.example/webhooks/telegram/webhook",
        "secret_token": telegram.secret,
        "allowed_updates": ["message", "callback_query"],
    }
    assert "assistent.gemeente.example" in await run("info", env)
    await run("delete", env)
    assert telegram.webhook == {}


async def test_cli_refuses_bad_settings(telegram: FakeTelegramServer) -> None:
    env = Settings(telegram_token=telegram.token, telegram_secret="met spaties",
                   telegram_public_url="https://a.example", telegram_api_base=telegram.base_url)
    with pytest.raises(ConfigError):
        await run("set", env)
    with pytest.raises(ConfigError):
        webhook_url("http://niet-https.example")
    with pytest.raises(ConfigError):
        await run("info", Settings(telegram_token=""))
    assert telegram.calls() == []
    assert len(await run("new-secret", Settings())) >= 32


def test_cli_as_module(telegram: FakeTelegramServer) -> None:
    env = dict(
        os.environ,
        TELEGRAM_TOKEN=telegram.token,
        TELEGRAM_SECRET=telegram.secret,
        TELEGRAM_PUBLIC_URL="https://assistent.gemeente.example/webhooks/telegram/webhook",
        TELEGRAM_API_BASE=telegram.base_url,
        PYTHONPATH=str(ROOT),
    )
    done = subprocess.run(
        [sys.executable, "-m", "channels.telegram.webhook"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert telegram.token not in done.stdout + done.stderr
    assert telegram.webhook["url"] == "https://assistent.gemeente.example/webhooks/telegram/webhook"
