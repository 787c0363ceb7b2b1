"""TelegramInput.handle and TelegramSender without network: sends are recorded by stubs."""

from __future__ import annotations

import json
from typing import List

import pytest
from rasa.core.channels.channel import UserMessage
from telegram.error import BadRequest, RetryAfter

from channels.telegram import TelegramInput
from channels.telegram.send import TelegramSender
from tests.support.telegram_channel import CHAT, TELEGRAM, Recorder, deliver

def test_construction_makes_no_bot_and_no_network() -> None:
    channel = TelegramInput.from_credentials({"token": "1:x", "secret": "s", "api_base": ""})
    assert channel.configured and channel.output.sender._bot is None


async def test_unconfigured_channel_answers_503() -> None:
    channel = TelegramInput.from_credentials({"token": "", "secret": "", "api_base": ""})
    recorder = Recorder()
    assert await deliver(channel, recorder, TELEGRAM.text_update(CHAT, "hoi"), secret="") == 503
    assert TelegramInput.from_credentials(None).configured is False
    await channel.get_output_channel().send_response(str(CHAT), {"text": "x"})  # dropped, no crash


async def test_wrong_or_missing_secret_is_403(channel_and_recorder) -> None:
    channel, recorder = channel_and_recorder
    assert await deliver(channel, recorder, TELEGRAM.text_update(CHAT, "hoi"), secret="fout") == 403
    assert await deliver(channel, recorder, TELEGRAM.text_update(CHAT, "hoi"), secret=None) == 403
    assert recorder.received == [] and recorder.sent == []


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        b'{"no_update_id": 1}',
        b'{"update_id": true}',
        b'{"update_id": 5, "message": {"weird": 1}}',
    ],
)
async def test_malformed_input_is_200_and_does_nothing(channel_and_recorder, body: bytes) -> None:
    channel, recorder = channel_and_recorder
    assert await deliver(channel, recorder, body) == 200
    assert recorder.received == [] and recorder.sent == []


async def test_text_forwarded_once_without_profile_metadata(channel_and_recorder) -> None:
    channel, recorder = channel_and_recorder
    update = TELEGRAM.text_update(CHAT, "Ik zoek hulp bij schulden")
    assert await deliver(channel, recorder, update) == 200
    assert await deliver(channel, recorder, update) == 200  # re-delivery
    assert len(recorder.received) == 1
    message = recorder.received[0]
    assert (message.sender_id, message.text, message.input_channel) == (
        str(CHAT),
        "Ik zoek hulp bij schulden",
        "telegram",
    )
    assert message.metadata is None
    assert message.output_channel is channel.get_output_channel()


async def test_start_forwards_greet_and_sends_privacy_notice(channel_and_recorder) -> None:
    channel, recorder = channel_and_recorder
    await deliver(channel, recorder, TELEGRAM.text_update(CHAT, "/start"))
    assert [m.text for m in recorder.received] == ["/greet"]
    assert len(recorder.sent) == 1 and "privacy" in recorder.sent[0][1]


async def test_button_press_is_answered_and_forwarded(channel_and_recorder) -> None:
    channel, recorder = channel_and_recorder
    await deliver(channel, recorder, TELEGRAM.callback_update(CHAT, "/affirm"))
    assert len(recorder.answered) == 1
    assert [m.text for m in recorder.received] == ["/affirm"]


async def test_failing_dialogue_does_not_fail_webhook(channel_and_recorder) -> None:
    channel, recorder = channel_and_recorder

    async def broken(_: UserMessage) -> None:
        raise RuntimeError("action server down")

    body = json.dumps(TELEGRAM.text_update(CHAT, "hoi")).encode()
    assert await channel.handle(TELEGRAM.secret, body, broken) == 200


async def test_output_splits_and_puts_buttons_on_last_part(channel_and_recorder) -> None:
    channel, recorder = channel_and_recorder
    text = ("Eerste alinea. " * 200).strip() + "\n\n" + ("Tweede alinea. " * 200).strip()
    await channel.get_output_channel().send_response(
        str(CHAT), {"text": text, "buttons": [{"title": "Medewerker", "payload": "/request_human"}]}
    )
    assert len(recorder.sent) == 2
    assert recorder.sent[0][2] is None and recorder.sent[1][2] is not None


async def test_buttons_without_text_get_a_prompt(channel_and_recorder) -> None:
    channel, recorder = channel_and_recorder
    await channel.get_output_channel().send_response(
        str(CHAT), {"text": None, "buttons": [{"title": "Ja", "payload": "/affirm"}]}
    )
    assert recorder.sent[0][1] == "Maak een keuze:"


async def test_sender_retries_on_retry_after_then_gives_up() -> None:
    waits: List[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    sender = TelegramSender("1:x", max_tries=3, max_wait=5, sleep=sleep)
    attempts: List[int] = []

    async def flooded() -> None:
        attempts.append(1)
        raise RetryAfter(60)

    assert await sender._call("sendMessage", flooded) is False
    assert len(attempts) == 3 and waits == [5, 5]


async def test_sender_does_not_retry_other_errors() -> None:
    sender = TelegramSender("1:x")
    attempts: List[int] = []

    async def bad() -> None:
        attempts.append(1)
        raise BadRequest("chat not found")

    assert await sender._call("sendMessage", bad) is False
    assert attempts == [1]
