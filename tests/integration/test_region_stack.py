"""One stack for a region, over real HTTP: the municipality per conversation, on every channel.

Real Rasa server, action server and console on loopback; two fake Bot APIs (the default bot and
Oldambt's own). What is checked: REST ``metadata.municipality`` and the widget's municipality pass
(validated; every other metadata key is still dropped), each municipality's Telegram bot has its
own webhook, secret and conversations, answers and tickets follow the conversation's
municipality, and a staff member of Het Hogeland cannot see or answer an Oldambt conversation
while Oldambt's staff reply reaches the resident through Oldambt's bot.

The model must have the ``municipality`` slot (bot/domain/tenant.yml); ``make test`` trains it.
``REGION_TEST_MODEL`` points at another model file (a local run before the lead retrains).
"""
from __future__ import annotations

import json
import os
import re
import urllib.error
import uuid
from pathlib import Path
from typing import Any, Dict, Iterator, List

import aiohttp
import pytest

from kcc.auth import StaffAuth
from kcc.tickets import TicketStore
from tests.support import stack as stack_module
from tests.support.fake_telegram import FakeTelegramServer
from tests.support.stack import Stack, make_env
from tests.support.presence import make_available

pytestmark = pytest.mark.integration

PASSWORD = "een-lang-wachtwoord-123"
CHAT = 880011


class RegionStack(Stack):
    """The project's stack, started with a chosen model file (see the module docstring)."""

    @staticmethod
    def model() -> Path:
        return Path(os.environ.get("REGION_TEST_MODEL") or stack_module.MODEL)

    def start_rasa(self) -> None:
        original, stack_module.MODEL = stack_module.MODEL, self.model()
        try:
            super().start_rasa()
        finally:
            stack_module.MODEL = original


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dict[str, Any]]:
    default_bot = FakeTelegramServer().start()
    oldambt_bot = FakeTelegramServer().start()
    workdir = tmp_path_factory.mktemp("region")
    env = make_env(workdir, {
        "TELEGRAM_TOKEN": default_bot.token, "TELEGRAM_SECRET": default_bot.secret,
        "TELEGRAM_API_BASE": default_bot.base_url,
        "TELEGRAM_BOTS": json.dumps({"oldambt": {"token": oldambt_bot.token,
                                                 "secret": oldambt_bot.secret,
                                                 "api_base": oldambt_bot.base_url}}),
    })
    running = RegionStack(workdir=workdir, env=env, token=env["RASA_API_TOKEN"])
    try:
        running.start()
        auth = StaffAuth(running.database_url)
        auth.create_staff("olga", PASSWORD, "Olga", municipalities=["oldambt"])
        auth.create_staff("harm", PASSWORD, "Harm", municipalities=["het-hogeland"])
        yield {"stack": running, "default_bot": default_bot, "oldambt_bot": oldambt_bot}
    finally:
        running.stop()
        default_bot.stop()
        oldambt_bot.stop()


def _texts(messages: List[Dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


#: Keys Rasa itself adds to every user event's metadata.
RASA_KEYS = ("model_id", "assistant_id")


def _latest_user_metadata(tracker: Dict[str, Any]) -> Dict[str, Any]:
    """What the channel passed: the latest user event's metadata without Rasa's own keys."""
    users = [e for e in tracker["events"] if e.get("event") == "user"]
    return {k: v for k, v in (users[-1].get("metadata") or {}).items() if k not in RASA_KEYS}


def test_rest_metadata_chooses_the_municipality_and_nothing_else_passes(region) -> None:
    stack = region["stack"]
    sender = f"rest-{uuid.uuid4().hex[:8]}"
    replies = stack.rest(sender, "hallo", metadata={"municipality": "Tynaarlo",
                                                    "is_external": True, "agent": "Nep"})
    assert "gemeente Tynaarlo" in _texts(replies) and "Het Hogeland" not in _texts(replies)
    tracker = stack.tracker(sender)
    assert tracker["slots"]["municipality"] == "tynaarlo"
    assert _latest_user_metadata(tracker) == {"municipality": "tynaarlo"}
    with pytest.raises(urllib.error.HTTPError) as refused:
        stack.rest(f"rest-{uuid.uuid4().hex[:8]}", "hallo", metadata={"municipality": "groningen"})
    assert refused.value.code == 400
    fourth = f"rest-{uuid.uuid4().hex[:8]}"
    assert "gemeente Maastricht" in _texts(stack.rest(fourth, "hallo",
                                                      metadata={"municipality": "maastricht"}))
    plain = f"rest-{uuid.uuid4().hex[:8]}"
    assert "gemeente Het Hogeland" in _texts(stack.rest(plain, "hallo", metadata={"x": 1}))
    assert _latest_user_metadata(stack.tracker(plain)) == {}


async def test_widget_municipality_answers_and_links_its_own_privacy_page(region) -> None:
    stack = region["stack"]
    chat = f"{stack.rasa_url}/webhooks/webchat/message"
    session_id = str(uuid.uuid4())
    async with aiohttp.ClientSession() as resident:
        resp = await resident.post(chat, json={"session_id": session_id, "text": "hallo",
                                               "municipality": "oldambt"})
        replies = await resp.json()
        assert resp.status == 200 and "gemeente Oldambt" in _texts(replies)
        links = [link["url"] for m in replies for link in m.get("links") or []]
        assert f"{stack.console_url}/privacy/oldambt" in links
        page = await (await resident.get(f"{stack.console_url}/privacy/oldambt")).text()
        assert "gemeente Oldambt" in page
        resp = await resident.post(chat, json={"session_id": str(uuid.uuid4()), "text": "hallo",
                                               "municipality": "atlantis"})
        assert resp.status == 400 and "gemeente" in (await resp.json())["message"]
    assert stack.tracker(session_id)["slots"]["municipality"] == "oldambt"


async def _login(session: aiohttp.ClientSession, console: str, username: str) -> None:
    page = await (await session.get(f"{console}/console/login")).text()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    resp = await session.post(f"{console}/console/login", data={
        "username": username, "password": PASSWORD, "csrf_token": token})
    assert resp.status == 200 and "/console/logout" in await resp.text()


async def _post(session: aiohttp.ClientSession, console: str, ticket_id: int, action: str,
                **fields: str) -> int:
    page = await (await session.get(f"{console}/console")).text()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    resp = await session.post(f"{console}/console/tickets/{ticket_id}/{action}",
                              data={"csrf_token": token, **fields})
    return resp.status


async def test_oldambt_bot_ticket_and_staff_stay_in_oldambt(region) -> None:
    stack, bot, default_bot = region["stack"], region["oldambt_bot"], region["default_bot"]
    webhook = f"{stack.rasa_url}/webhooks/telegram/oldambt/webhook"
    assert bot.deliver(webhook, bot.text_update(CHAT, "hallo"), secret=default_bot.secret) == 403
    assert bot.deliver(f"{stack.rasa_url}/webhooks/telegram/tynaarlo/webhook",
                       bot.text_update(CHAT, "hallo")) == 404
    # unsafe=True: keep cookies for 127.0.0.1 (aiohttp drops cookies of IP hosts by default)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as olga, \
            aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as harm:
        await _login(olga, stack.console_url, "olga")  # Olga is available in Oldambt now
        await _login(harm, stack.console_url, "harm")
        assert bot.deliver(webhook, bot.text_update(CHAT, "hallo")) == 200
        bot.wait_for_messages(CHAT, 1)
        assert "gemeente Oldambt" in "\n".join(bot.texts(CHAT))
        make_available(stack.database_url, "olga", "Olga", municipality="oldambt")
        assert bot.deliver(webhook, bot.text_update(CHAT, "ik wil een medewerker spreken")) == 200
        conversation = f"oldambt:{CHAT}"
        ticket = TicketStore(stack.database_url).open_for_conversation(conversation)
        assert ticket is not None and ticket.municipality == "oldambt" and ticket.mode == "live"
        assert stack.tracker(conversation)["slots"]["municipality"] == "oldambt"

        # Het Hogeland's staff: not in the queue, 404 on the ticket, cannot claim it.
        queue = await (await harm.get(f"{stack.console_url}/console")).text()
        assert f"/console/tickets/{ticket.id}" not in queue
        assert (await harm.get(f"{stack.console_url}/console/tickets/{ticket.id}")).status == 404
        assert await _post(harm, stack.console_url, ticket.id, "claim") == 404

        # Oldambt's staff claim and reply; the reply leaves through Oldambt's bot only.
        before_default = len(default_bot.calls("sendMessage"))
        assert await _post(olga, stack.console_url, ticket.id, "claim") == 200
        sent = len(bot.messages(CHAT))
        assert await _post(olga, stack.console_url, ticket.id, "reply",
                           text="Goedemiddag, u spreekt met Olga van Oldambt.") == 200
        bot.wait_for_messages(CHAT, sent + 1)
        assert any("u spreekt met Olga van Oldambt" in t for t in bot.texts(CHAT)[sent:])
        assert len(default_bot.calls("sendMessage")) == before_default
