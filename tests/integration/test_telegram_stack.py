"""The Telegram channel inside the real assistant: Rasa + actions + console on loopback, with
the fake Telegram delivering webhook updates and receiving the Bot API calls.

Assertions are about channel behaviour (what reaches which chat, what is refused) and about
replies being non-empty Dutch, not about exact dialogue texts.
"""

from __future__ import annotations

import itertools
import json
import urllib.parse
from typing import Any, Dict, List, Optional

import pytest

from channels.refusal import CHAT_ONLY_TEXT
from tests.support.fake_telegram import RESIDENT_PROFILE, FakeTelegramServer
from tests.support.stack import MODEL, Stack, http_json

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not MODEL.exists(), reason=f"needs a trained model at {MODEL} (make train)"),
]

_chat_ids = itertools.count(880_000_001)
DUTCH_WORDS = {
    "u",
    "uw",
    "de",
    "het",
    "een",
    "en",
    "van",
    "ik",
    "is",
    "niet",
    "wij",
    "we",
    "kunt",
    "hulp",
    "gemeente",
    "met",
    "voor",
    "op",
    "te",
    "dat",
    "kan",
    "wat",
    "bent",
}


def new_chat() -> int:
    """A fresh chat id per test, so tests on the shared session servers never see each other."""
    return next(_chat_ids)


def webhook(stack: Stack) -> str:
    return f"{stack.rasa_url}/webhooks/telegram/webhook"


def looks_dutch(text: str) -> bool:
    words = {w.strip(".,:;!?()\"'").lower() for w in text.split()}
    return len(words & DUTCH_WORDS) >= 2


def say(stack: Stack, telegram: FakeTelegramServer, chat: int, text: str) -> List[Dict[str, Any]]:
    """Deliver a text update; the webhook answers after the dialogue ran, so the replies are in."""
    before = len(telegram.messages(chat))
    assert telegram.deliver(webhook(stack), telegram.text_update(chat, text)) == 200
    return telegram.wait_for_messages(chat, before + 1, timeout=30)[before:]


def offered_button(messages: List[Dict[str, Any]]) -> Optional[str]:
    """callback_data of the first inline button offered in these messages, if any."""
    for message in messages:
        for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                return button["callback_data"]
    return None


def trigger(stack: Stack, chat: int, name: str, entities: Dict[str, str]) -> None:
    query = urllib.parse.urlencode({"output_channel": "telegram", "token": stack.token})
    http_json(
        "POST",
        f"{stack.rasa_url}/conversations/{chat}/trigger_intent?{query}",
        {"name": name, "entities": entities},
        timeout=60,
    )


def test_conversation_with_start_question_and_button(
    stack: Stack, fake_telegram: FakeTelegramServer
) -> None:
    chat = new_chat()
    say(stack, fake_telegram, chat, "/start")
    start = fake_telegram.wait_for_messages(chat, 2)
    notice = f"{stack.env['CONSOLE_URL']}/privacy"
    assert any("gebruikersnaam" in m["text"] and notice in m["text"] for m in start)
    assert all(m["text"].strip() and looks_dutch(m["text"]) for m in start)

    answer = say(
        stack,
        fake_telegram,
        chat,
        "Ik kan mijn huis niet meer zelf schoonhouden. Kan ik hulp krijgen?",
    )
    assert all(m["text"].strip() for m in answer) and any(looks_dutch(m["text"]) for m in answer)

    data = offered_button(fake_telegram.messages(chat)) or "/ask_capabilities"
    answered_before = len(fake_telegram.calls("answerCallbackQuery"))
    before = len(fake_telegram.messages(chat))
    assert fake_telegram.deliver(webhook(stack), fake_telegram.callback_update(chat, data)) == 200
    assert len(fake_telegram.calls("answerCallbackQuery")) == answered_before + 1
    after = fake_telegram.wait_for_messages(chat, before + 1)[before:]
    assert all(m["text"].strip() for m in after)

    tracker = stack.tracker(str(chat))
    assert tracker["latest_input_channel"] == "telegram"
    stored = json.dumps(tracker).lower()
    assert (
        RESIDENT_PROFILE["username"] not in stored
        and RESIDENT_PROFILE["last_name"].lower() not in stored
    )


def test_duplicate_update_is_processed_once(
    stack: Stack, fake_telegram: FakeTelegramServer
) -> None:
    chat = new_chat()
    update = fake_telegram.text_update(chat, "Hallo")
    assert fake_telegram.deliver(webhook(stack), update) == 200
    count = len(fake_telegram.wait_for_messages(chat, 1))
    assert fake_telegram.deliver(webhook(stack), update) == 200
    assert len(fake_telegram.messages(chat)) == count
    user_events = [e for e in stack.tracker(str(chat))["events"] if e["event"] == "user"]
    assert len(user_events) == 1


def test_forged_secret_is_refused(stack: Stack, fake_telegram: FakeTelegramServer) -> None:
    chat = new_chat()
    update = fake_telegram.text_update(chat, "Hallo")
    assert fake_telegram.deliver(webhook(stack), update, secret="geraden-geheim") == 403
    assert fake_telegram.deliver(webhook(stack), update, secret=None) == 403
    assert fake_telegram.messages(chat) == []


def test_malformed_json_is_accepted_and_ignored(
    stack: Stack, fake_telegram: FakeTelegramServer
) -> None:
    calls = len(fake_telegram.calls())
    assert fake_telegram.deliver(webhook(stack), b'{"update_id": 1, "message": ') == 200
    assert fake_telegram.deliver(webhook(stack), b'{"update_id": 2, "message": {"x": 1}}') == 200
    assert len(fake_telegram.calls()) == calls


def test_rate_limited_send_is_retried(stack: Stack, fake_telegram: FakeTelegramServer) -> None:
    chat = new_chat()
    refused = len(fake_telegram.rate_limited)
    fake_telegram.fail_next(1, retry_after=1)
    replies = say(stack, fake_telegram, chat, "Hallo")
    assert len(fake_telegram.rate_limited) == refused + 1
    assert replies and replies[0]["text"].strip()


def test_photo_gets_text_only_answer(stack: Stack, fake_telegram: FakeTelegramServer) -> None:
    chat = new_chat()
    assert fake_telegram.deliver(webhook(stack), fake_telegram.photo_update(chat)) == 200
    assert fake_telegram.texts(chat) == [CHAT_ONLY_TEXT]


def test_staff_reply_during_takeover_reaches_chat(
    stack: Stack, fake_telegram: FakeTelegramServer
) -> None:
    chat = new_chat()
    say(stack, fake_telegram, chat, "/start")
    trigger(stack, chat, "EXTERNAL_takeover_start", {"agent": "Anna"})
    before = len(fake_telegram.messages(chat))
    trigger(stack, chat, "EXTERNAL_staff_message", {"agent": "Anna", "staff_text": "Goedemiddag"})
    staff = [m["text"] for m in fake_telegram.wait_for_messages(chat, before + 1)[before:]]
    assert any(t.startswith("Anna (medewerker):") and "Goedemiddag" in t for t in staff), staff
    trigger(stack, chat, "EXTERNAL_takeover_end", {"agent": "Anna", "outcome": "resume"})


def test_stop_closes_and_restarts_conversation(
    stack: Stack, fake_telegram: FakeTelegramServer
) -> None:
    chat = new_chat()
    say(stack, fake_telegram, chat, "/start")
    replies = say(stack, fake_telegram, chat, "/stop")
    assert "gesloten" in replies[0]["text"]
    assert f"{stack.env['CONSOLE_URL']}/privacy" in replies[0]["text"]
    url = f"{stack.rasa_url}/conversations/{chat}/tracker?include_events=ALL&token={stack.token}"
    events = [e["event"] for e in http_json("GET", url)["events"]]
    assert "restart" in events
