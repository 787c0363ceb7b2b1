"""One deployment, many municipalities: how a conversation gets its municipality, and keeps it.

Channels admit exactly one piece of caller metadata (a known municipality slug), the actions
answer from that municipality's catalogue and store it in the ``municipality`` slot, and each
municipality's Telegram bot has its own secret, sender and conversation ids.
"""
from __future__ import annotations

import asyncio
import json
import os
import time
from types import SimpleNamespace
from typing import Any, Dict, List, Optional, Tuple

import pytest
from rasa.core.channels.channel import UserMessage
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import knowledge
from actions import core, handoff
from actions.common import conversation_municipality
from channels import refusal, rest
from channels.telegram import TelegramInput
from channels.webchat import guards
from knowledge.tenants import known_municipalities, privacy_page_for, valid_municipality
from tests.support.fake_telegram import FakeTelegramServer

SESSION = "0b8f6c1e-3f0a-4c1d-9e2b-5a6d7c8e9f01"
TELEGRAM = FakeTelegramServer(secret="default-secret")  # update builders only; never started


# -- the known municipalities ------------------------------------------------------------------
def test_known_municipalities_are_the_profiles_in_the_content_directory() -> None:
    assert {"het-hogeland", "oldambt", "tynaarlo"} <= known_municipalities()


@pytest.mark.parametrize("value,expected", [
    ("oldambt", "oldambt"), (" Oldambt ", "oldambt"), ("het-hogeland", "het-hogeland"),
    ("groningen", None), ("../oldambt", None), ("oldambt\n", "oldambt"), ("", None),
    (None, None), (["oldambt"], None), (42, None), ("oldambt' OR 1=1", None),
])
def test_only_known_slugs_are_municipalities(value: Any, expected: Optional[str]) -> None:
    assert valid_municipality(value) == expected


# -- REST: metadata.municipality passes, nothing else does -------------------------------------
def test_rest_admits_only_a_known_municipality_from_the_callers_metadata() -> None:
    assert rest.caller_metadata({"municipality": "tynaarlo", "is_external": True,
                                 "agent": "Anna", "takeover": True}) == {"municipality": "tynaarlo"}
    assert rest.caller_metadata({"is_external": True, "agent": "Anna"}) is None
    assert rest.caller_metadata(None) is None


def test_rest_refuses_a_municipality_it_does_not_serve() -> None:
    with pytest.raises(rest.Refusal) as refused:
        rest.caller_metadata({"municipality": "amsterdam"})
    assert refused.value.code == "bad_municipality"
    status, message = refusal.REFUSALS["bad_municipality"]
    assert status == 400 and "gemeente" in message


# -- web chat: the widget's data-municipality --------------------------------------------------
def _webchat_request(body: Dict[str, Any]) -> Any:
    return SimpleNamespace(headers={"content-type": "application/json"},
                           body=json.dumps(body).encode())


def test_webchat_message_carries_the_widgets_municipality() -> None:
    incoming = guards.parse_message(_webchat_request(
        {"session_id": SESSION, "text": "hallo", "municipality": "oldambt"}))
    assert incoming.municipality == "oldambt"
    assert guards.parse_message(_webchat_request({"session_id": SESSION, "text": "hallo"})
                                ).municipality is None


def test_webchat_refuses_an_unknown_municipality_in_dutch() -> None:
    with pytest.raises(guards.Refusal) as refused:
        guards.parse_message(_webchat_request(
            {"session_id": SESSION, "text": "hallo", "municipality": "<script>"}))
    assert refused.value.code == "bad_municipality"


# -- Telegram: one bot per municipality ---------------------------------------------------------
class Recorder:
    """Stands in for Rasa (received messages) and for each bot's Bot API (sent texts)."""

    def __init__(self) -> None:
        self.received: List[UserMessage] = []
        self.sent: List[Tuple[str, str, str]] = []

    async def on_new_message(self, message: UserMessage) -> None:
        self.received.append(message)

    def sender(self, bot: str) -> Any:
        async def send_text(chat_id: str, text: str, reply_markup: Any = None) -> bool:
            self.sent.append((bot, chat_id, text))
            return True
        return send_text


@pytest.fixture
def telegram(monkeypatch: pytest.MonkeyPatch) -> Tuple[TelegramInput, Recorder]:
    channel = TelegramInput("1:default-token", TELEGRAM.secret, "http://127.0.0.1:9",
                            bots={"oldambt": ("2:oldambt-token", "oldambt-secret", ""),
                                  "tynaarlo": ("3:tynaarlo-token", "", "")})
    recorder = Recorder()
    for slug, bot in channel.bots.items():
        if bot.sender is not None:
            monkeypatch.setattr(bot.sender, "send_text", recorder.sender(slug or "default"))
    return channel, recorder


def _deliver(channel: TelegramInput, recorder: Recorder, slug: Optional[str], secret: str,
             update: Dict[str, Any]) -> int:
    return asyncio.run(channel.handle(secret, json.dumps(update).encode(),
                                      recorder.on_new_message, slug=slug))


def test_a_municipal_bot_names_its_municipality_and_keeps_its_own_conversations(telegram) -> None:
    channel, recorder = telegram
    update = TELEGRAM.text_update(4711, "hallo")
    assert _deliver(channel, recorder, "oldambt", "oldambt-secret", update) == 200
    message = recorder.received[-1]
    assert message.sender_id == "oldambt:4711" and message.metadata == {"municipality": "oldambt"}
    # The same update id on another bot is another update (ids are counted per bot).
    assert _deliver(channel, recorder, None, TELEGRAM.secret, update) == 200
    assert recorder.received[-1].sender_id == "4711" and recorder.received[-1].metadata is None


def test_each_bot_checks_its_own_secret(telegram) -> None:
    channel, recorder = telegram
    update = TELEGRAM.text_update(4711, "hallo")
    assert _deliver(channel, recorder, "oldambt", TELEGRAM.secret, update) == 403
    assert _deliver(channel, recorder, None, "oldambt-secret", update) == 403
    assert _deliver(channel, recorder, "tynaarlo", "", update) == 503  # no secret: switched off
    assert _deliver(channel, recorder, "amsterdam", "oldambt-secret", update) == 404
    assert _deliver(channel, recorder, "het-hogeland", TELEGRAM.secret, update) == 404
    assert recorder.received == []


def test_staff_replies_leave_through_the_bot_of_the_conversation(telegram) -> None:
    channel, recorder = telegram
    output = channel.get_output_channel()
    asyncio.run(output.send_text_message("oldambt:4711", "Hallo, met Anna."))
    asyncio.run(output.send_text_message("4711", "Hallo, met Bram."))
    assert recorder.sent == [("oldambt", "4711", "Hallo, met Anna."),
                             ("default", "4711", "Hallo, met Bram.")]


def test_telegram_bots_come_from_one_setting_and_skip_unknown_municipalities(monkeypatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOTS", json.dumps({
        "oldambt": {"token": "2:t", "secret": "s"}, "atlantis": {"token": "9:t", "secret": "s"}}))
    channel = TelegramInput.from_credentials({"token": "", "secret": ""})
    assert set(channel.bots) == {None, "oldambt"}
    assert channel.bots["oldambt"].configured and not channel.configured
    assert channel.bots["oldambt"].sender._bot is None  # no network at start-up


# -- actions: the conversation's municipality decides the answer and the ticket -----------------
@pytest.fixture
def databases(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'assistant.db'}")
    monkeypatch.setenv("MUNICIPALITY", "het-hogeland")
    monkeypatch.setenv("ASSISTANT_NOW", "2026-11-24T10:00:00")
    monkeypatch.setenv("CONSOLE_URL", "https://kcc.example.nl")
    monkeypatch.setenv("PRIVACY_URL", "")
    knowledge.reset_cache()
    handoff.ticket_store.cache_clear()
    yield
    knowledge.reset_cache()
    handoff.ticket_store.cache_clear()


def _tracker(text: str, metadata: Optional[Dict[str, Any]] = None,
             slots: Optional[Dict[str, Any]] = None, sender: str = "resident-t") -> Tracker:
    latest = {"text": text, "intent": {"name": "greet", "confidence": 0.99},
              "intent_ranking": [], "entities": []}
    events = [{"event": "session_started", "timestamp": time.time() - 5},
              {"event": "user", "text": text, "parse_data": latest, "timestamp": time.time(),
               "input_channel": "webchat", "metadata": metadata or {}}]
    return Tracker(sender, slots or {}, latest, events, False, None, {}, "action_listen")


def _run(action: Any, tracker: Tracker) -> Tuple[str, Dict[str, Any], List[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    text = "\n".join(m.get("text") or "" for m in dispatcher.messages)
    links = [link for m in dispatcher.messages for link in m.get("links") or []]
    return text, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}, links


def test_the_greeting_follows_the_announced_municipality_and_stores_it(databases) -> None:
    text, slots, links = _run(core.ActionGreet(), _tracker("hallo", {"municipality": "oldambt"}))
    assert "gemeente Oldambt" in text and "Het Hogeland" not in text
    assert slots["municipality"] == "oldambt"
    assert "Oldambt" in slots["municipality_contact"]
    assert {"title": "Privacyverklaring",
            "url": "https://kcc.example.nl/privacy/oldambt"} in links


def test_the_stored_municipality_wins_over_later_metadata(databases) -> None:
    tracker = _tracker("hallo", {"municipality": "tynaarlo"}, slots={"municipality": "oldambt"})
    assert conversation_municipality(tracker) == "oldambt"
    text, slots, _ = _run(core.ActionGreet(), tracker)
    assert "gemeente Oldambt" in text and "municipality" not in slots


def test_without_a_municipality_the_default_answers_and_nothing_is_stored(databases) -> None:
    text, slots, links = _run(core.ActionGreet(), _tracker("hallo"))
    assert "gemeente Het Hogeland" in text and "municipality" not in slots
    assert links[0]["url"] == "https://kcc.example.nl/privacy"
    forged = _tracker("hallo", {"municipality": "amsterdam"})
    assert conversation_municipality(forged) == "het-hogeland"


def test_a_ticket_goes_to_the_staff_of_the_conversations_municipality(databases) -> None:
    from knowledge.settings import database_url
    from tests.support.presence import make_available

    make_available(database_url(None), "hogeland", "Hanna", municipality="het-hogeland")
    tracker = _tracker("ik wil een medewerker spreken", {"municipality": "tynaarlo"},
                       sender="resident-tynaarlo")
    text, slots, _ = _run(handoff.ActionHandoff(), tracker)
    # Het Hogeland's worker is no worker of Tynaarlo: no live chat, a callback is offered.
    assert slots.get("awaiting") == "consent" and "takeover" not in slots
    make_available(database_url(None), "tynaarlo", "Tim", municipality="tynaarlo")
    text, slots, _ = _run(handoff.ActionHandoff(), tracker)
    assert slots["takeover"] is True and "gemeente Tynaarlo" in text
    ticket = handoff.ticket_store().open_for_conversation("resident-tynaarlo")
    assert ticket is not None and ticket.municipality == "tynaarlo"


def test_privacy_url_may_name_each_municipality(monkeypatch) -> None:
    monkeypatch.setenv("PRIVACY_URL", "https://www.{gemeente}.nl/privacy")
    assert privacy_page_for("oldambt") == "https://www.oldambt.nl/privacy"
    monkeypatch.setenv("PRIVACY_URL", "https://www.hogeland.nl/privacy")
    monkeypatch.setenv("CONSOLE_URL", "https://kcc.example.nl/")
    assert privacy_page_for("het-hogeland") == "https://www.hogeland.nl/privacy"
    assert privacy_page_for("oldambt") == "https://kcc.example.nl/privacy/oldambt"


# -- Maastricht, the fourth municipality -------------------------------------------------------
def test_maastricht_loads_with_its_own_route_and_no_invented_contact_data(tmp_path) -> None:
    import subprocess
    import sys

    from knowledge.settings import REPO_ROOT

    url = f"sqlite:///{tmp_path / 'kb.db'}"
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run([sys.executable, "-m", "knowledge", "load"], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    knowledge.reset_cache()
    cat = knowledge.get_catalogue("maastricht", url)
    profile = cat.profile
    assert "maastricht" in known_municipalities()
    assert profile.name == "Maastricht" and profile.sociaal_loket.name == "Toegang sociaal domein"
    assert profile.phone is None and profile.sociaal_loket.phone is None
    assert {"phone", "email", "address"} <= set(profile.sociaal_loket.missing)
    texts = " ".join(e.short_answer + " " + " ".join(v or "" for v in e.ladder.values())
                     for e in cat.entries)
    assert "{" not in texts and "Het Hogeland" not in texts
    assert "de Toegang van de gemeente" in texts  # its own route, not another's Sociaal Loket
    knowledge.reset_cache()
