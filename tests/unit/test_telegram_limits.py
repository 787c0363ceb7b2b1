"""Length cap on incoming Telegram texts: longer than Telegram's own 4096 never reaches Rasa."""

from __future__ import annotations

import pytest

from channels.refusal import CHAT_MAX_TEXT as MAX_TEXT_CHARS, CHAT_TOO_LONG as TOO_LONG
from tests.support.telegram_channel import CHAT, TELEGRAM, deliver


async def test_text_at_the_limit_is_forwarded(channel_and_recorder) -> None:
    channel, recorder = channel_and_recorder
    text = "a" * MAX_TEXT_CHARS
    assert await deliver(channel, recorder, TELEGRAM.text_update(CHAT, text)) == 200
    assert [m.text for m in recorder.received] == [text]
    assert recorder.sent == []


TOO_LONG_TEXTS = ["a" * (MAX_TEXT_CHARS + 1), "/" + "b" * 5000, "ik " * 3000]


@pytest.mark.parametrize("text", TOO_LONG_TEXTS)
async def test_longer_text_is_refused(channel_and_recorder, text) -> None:
    channel, recorder = channel_and_recorder
    assert await deliver(channel, recorder, TELEGRAM.text_update(CHAT, text)) == 200
    assert recorder.received == []
    assert [(chat, sent) for chat, sent, _ in recorder.sent] == [(str(CHAT), TOO_LONG)]


async def test_next_normal_message_works_again(channel_and_recorder) -> None:
    channel, recorder = channel_and_recorder
    await deliver(channel, recorder, TELEGRAM.text_update(CHAT, "x" * 10000))
    await deliver(channel, recorder, TELEGRAM.text_update(CHAT, "Ik zoek hulp bij schulden"))
    assert [m.text for m in recorder.received] == ["Ik zoek hulp bij schulden"]


def test_refusal_text_is_short_dutch_and_formal() -> None:
    assert "te lang" in TOO_LONG and " u " in f" {TOO_LONG.lower()} "
    for sentence in TOO_LONG.replace("?", ".").split("."):
        assert len(sentence.split()) <= 15
