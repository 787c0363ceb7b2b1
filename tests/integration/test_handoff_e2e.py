"""End to end on loopback: a resident asks for a person in the web chat, KCC staff take over in
the console, reply, and hand the conversation back.

Everything is real: the Rasa server with the trained model, the action server, the SQL stores,
the console with login and CSRF, and the web chat's push stream (SSE).
"""
from __future__ import annotations

import asyncio
import json
import re
import uuid
from typing import Any, Dict, List

import aiohttp
import pytest

from kcc.auth import StaffAuth
from kcc.tickets import TicketStore

pytestmark = pytest.mark.integration

STAFF_PASSWORD = "een-lang-wachtwoord-123"


class PushStream:
    """Reads the web chat's SSE stream in the background and keeps every pushed message."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session, self.url = session, url
        self.messages: List[Dict[str, Any]] = []
        self.task: "asyncio.Task[None]" = asyncio.create_task(self._read())
        self.opened = asyncio.Event()

    async def _read(self) -> None:
        async with self.session.get(self.url) as resp:
            assert resp.status == 200
            self.opened.set()
            async for raw in resp.content:
                line = raw.decode().strip()
                if line.startswith("data:"):
                    self.messages.append(json.loads(line[5:]))

    async def wait_for(self, predicate, timeout: float = 30) -> Dict[str, Any]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            for message in self.messages:
                if predicate(message):
                    return message
            await asyncio.sleep(0.1)
        raise AssertionError(f"no pushed message matched; got {self.messages}")

    async def close(self) -> None:
        self.task.cancel()


async def console_login(session: aiohttp.ClientSession, console: str, username: str) -> None:
    page = await (await session.get(f"{console}/console/login")).text()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    resp = await session.post(f"{console}/console/login", data={
        "username": username, "password": STAFF_PASSWORD, "csrf_token": token})
    assert resp.status == 200 and "/console/logout" in await resp.text()


async def console_post(session: aiohttp.ClientSession, console: str, ticket_id: int, action: str,
                       **fields: str) -> str:
    page = await (await session.get(f"{console}/console/tickets/{ticket_id}")).text()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    resp = await session.post(f"{console}/console/tickets/{ticket_id}/{action}",
                              data={"csrf_token": token, **fields})
    assert resp.status == 200, await resp.text()
    return await resp.text()


async def test_resident_to_staff_and_back(stack) -> None:
    StaffAuth(stack.database_url).create_staff("anna", STAFF_PASSWORD, "Anna")
    session_id = str(uuid.uuid4())
    chat = f"{stack.rasa_url}/webhooks/webchat"
    # unsafe=True: keep cookies for 127.0.0.1 (aiohttp drops cookies of IP hosts by default)
    async with aiohttp.ClientSession() as resident, \
            aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as staff:
        push = PushStream(resident, f"{chat}/events?session_id={session_id}")
        await asyncio.wait_for(push.opened.wait(), 20)

        async def say(text: str) -> List[Dict[str, Any]]:
            resp = await resident.post(f"{chat}/message", json={"session_id": session_id, "text": text})
            assert resp.status == 200
            return await resp.json()

        greeting = await say("hallo")
        assert any("digitale assistent" in (m.get("text") or "") for m in greeting)
        await console_login(staff, stack.console_url, "anna")  # Anna is available now
        answer = await say("ik wil een medewerker spreken")
        assert any("medewerker" in (m.get("text") or "") for m in answer)

        ticket = TicketStore(stack.database_url).open_for_conversation(session_id)
        assert ticket is not None and ticket.channel == "webchat" and ticket.mode == "live"

        queue = await (await staff.get(f"{stack.console_url}/console")).text()
        assert f"/console/tickets/{ticket.id}" in queue

        await console_post(staff, stack.console_url, ticket.id, "claim")
        await push.wait_for(lambda m: "Anna" in (m.get("text") or ""))

        await console_post(staff, stack.console_url, ticket.id, "reply",
                           text="Goedemiddag, ik ben Anna. Waarmee kan ik u helpen?")
        staff_msg = await push.wait_for(lambda m: (m.get("text") or "").startswith("Goedemiddag, ik ben Anna"))
        assert staff_msg.get("agent") == "Anna"

        silent = await say("het gaat om de zorg voor mijn moeder")
        assert silent == []  # the bot stays silent while staff have the conversation
        transcript = await (await staff.get(
            f"{stack.console_url}/console/tickets/{ticket.id}/transcript")).text()
        assert "het gaat om de zorg voor mijn moeder" in transcript

        await console_post(staff, stack.console_url, ticket.id, "handback", outcome="beantwoord")
        await push.wait_for(lambda m: "digitale assistent" in (m.get("text") or ""))

        again = await say("ik heb hulp nodig bij het schoonmaken van mijn huis")
        assert again and any(m.get("buttons") for m in again)
        await push.close()

    events = stack.tracker(session_id)["events"]
    staff_events = [e for e in events if e.get("event") == "bot" and (e.get("metadata") or {}).get("agent")]
    assert staff_events and staff_events[0]["metadata"]["agent"] == "Anna"
