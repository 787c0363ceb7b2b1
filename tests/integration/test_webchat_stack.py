"""The webchat channel inside the real assistant (Rasa + actions + console on loopback).

Assertions are about channel behaviour (replies, history, pushes, refusals, CORS) and about
replies being non-empty Dutch, not about exact dialogue texts, which change with the bot.
"""
from __future__ import annotations

import asyncio
import json
import re
import urllib.error
import urllib.request
import uuid
from typing import Any, Dict, List, Optional, Tuple

import aiohttp
import pytest

from tests.support.stack import MODEL, Stack, http_json

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not MODEL.exists(), reason=f"needs a trained model at {MODEL} (make train)"),
]

DUTCH_WORDS = {"u", "uw", "de", "het", "een", "en", "van", "ik", "is", "niet", "kunt", "hulp",
               "gemeente", "met", "voor", "op", "te", "dat", "kan", "wat", "bent", "welkom"}


def base(stack: Stack) -> str:
    return f"{stack.rasa_url}/webhooks/webchat"


def is_dutch(text: str) -> bool:
    return bool(DUTCH_WORDS & set(re.findall(r"[a-zà-ÿ]+", text.lower())))


def request(method: str, url: str, body: Optional[bytes] = None,
            headers: Optional[Dict[str, str]] = None) -> Tuple[int, Dict[str, str], Any]:
    """Status, headers and decoded JSON body, also for 4xx answers."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            raw, status, hdrs = resp.read(), resp.status, dict(resp.headers)
    except urllib.error.HTTPError as err:
        raw, status, hdrs = err.read(), err.code, dict(err.headers)
    return status, hdrs, json.loads(raw) if raw else None


def send(stack: Stack, session: str, text: str, label: Optional[str] = None) -> List[dict]:
    body: Dict[str, Any] = {"session_id": session, "text": text}
    if label:
        body["label"] = label
    return http_json("POST", f"{base(stack)}/message", body, timeout=60)


def history(stack: Stack, session: str) -> List[dict]:
    return http_json("GET", f"{base(stack)}/history?session_id={session}")["messages"]


def test_round_trip_gives_non_empty_dutch_replies(stack: Stack) -> None:
    session = str(uuid.uuid4())
    replies = send(stack, session, "/greet")
    assert replies and all(set(r) <= {"text", "buttons", "links", "agent"} for r in replies)
    replies = send(stack, session, "Ik kan mijn huis niet meer zelf schoonmaken")
    assert replies, stack.log("rasa")[-2000:]
    assert is_dutch(" ".join(r.get("text", "") for r in replies))
    for reply in replies:
        for link in reply.get("links", []):
            assert link["url"].startswith(("https://", "http://")) or re.fullmatch(
                r"tel:[0-9+\- ]+", link["url"])
        for button in reply.get("buttons", []):
            assert button["title"] and button["payload"]


def test_history_survives_a_reload(stack: Stack) -> None:
    session = str(uuid.uuid4())
    send(stack, session, "/greet")
    send(stack, session, "Hoe vraag ik hulp in het huishouden aan?")
    first = history(stack, session)
    assert [m["text"] for m in first if m["sender"] == "user"] == [
        "Hoe vraag ik hulp in het huishouden aan?"]  # the silent /greet stays hidden
    assert any(m["sender"] == "bot" and m["text"] for m in first)
    assert history(stack, session) == first  # a reload asks again and sees the same


def test_clicked_button_shows_its_title_in_history(stack: Stack) -> None:
    session = str(uuid.uuid4())
    send(stack, session, "/greet")
    send(stack, session, "/request_human", label="Spreek een medewerker")
    users = [m["text"] for m in history(stack, session) if m["sender"] == "user"]
    assert users == ["Spreek een medewerker"]


async def read_data_event(resp: aiohttp.ClientResponse, timeout: float) -> Dict[str, Any]:
    while True:
        line = (await asyncio.wait_for(resp.content.readline(), timeout)).decode()
        if line.startswith("data: "):
            return json.loads(line[6:])


async def test_staff_message_is_pushed_over_sse_and_kept_in_history(stack: Stack) -> None:
    session = str(uuid.uuid4())
    await asyncio.to_thread(send, stack, session, "/greet")
    trigger = (f"{stack.rasa_url}/conversations/{session}/trigger_intent"
               f"?output_channel=webchat&token={stack.token}")
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base(stack)}/events", params={"session_id": session}) as stream:
            assert stream.status == 200
            await asyncio.sleep(0.3)
            body = {"name": "EXTERNAL_staff_message",
                    "entities": {"agent": "Anna", "staff_text": "Goedemiddag"}}
            async with http.post(trigger, json=body) as resp:
                assert resp.status == 200, await resp.text()
            event = await read_data_event(stream, timeout=30)
    assert event["agent"] == "Anna"
    assert "Goedemiddag" in event["text"]
    staff = [m for m in history(stack, session) if m.get("agent")]
    assert staff and staff[-1]["agent"] == "Anna" and "Goedemiddag" in staff[-1]["text"]
    assert not any(m["text"].startswith("EXTERNAL") for m in history(stack, session))


@pytest.mark.parametrize("body,status", [
    (b'{"session_id": "SID", "text": ""}', 400),
    (b'{"session_id": "SID", "text": "' + b"a" * 2001 + b'"}', 413),
    (b'{"session_id": "SID", "text": ', 400),
    (b'{"session_id": "niet-een-uuid", "text": "hoi"}', 400),
])
def test_bad_input_is_refused_in_dutch(stack: Stack, body: bytes, status: int) -> None:
    body = body.replace(b"SID", str(uuid.uuid4()).encode())
    got, _, answer = request("POST", f"{base(stack)}/message", body,
                             {"Content-Type": "application/json"})
    assert got == status
    assert answer["message"] and is_dutch(answer["message"])


def test_wrong_content_type_is_400(stack: Stack) -> None:
    body = json.dumps({"session_id": str(uuid.uuid4()), "text": "hoi"}).encode()
    status, _, _ = request("POST", f"{base(stack)}/message", body,
                           {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400


def test_cors_only_for_allowed_origins_even_with_rasa_cors_star(stack: Stack) -> None:
    allowed = stack.env["ALLOWED_ORIGINS"].split(",")[0].strip()
    preflight = {"Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"}
    _, hdrs, _ = request("OPTIONS", f"{base(stack)}/message", None, {"Origin": allowed, **preflight})
    assert hdrs.get("Access-Control-Allow-Origin") == allowed
    _, hdrs, _ = request("OPTIONS", f"{base(stack)}/message", None,
                         {"Origin": "https://kwaadwillend.example", **preflight})
    assert "Access-Control-Allow-Origin" not in hdrs
    body = json.dumps({"session_id": str(uuid.uuid4()), "text": "/greet"}).encode()
    _, hdrs, _ = request("POST", f"{base(stack)}/message", body,
                         {"Content-Type": "application/json", "Origin": "https://kwaadwillend.example"})
    assert "Access-Control-Allow-Origin" not in hdrs
    _, hdrs, _ = request("GET", f"{base(stack)}/history?session_id={uuid.uuid4()}", None,
                         {"Origin": allowed})
    assert hdrs.get("Access-Control-Allow-Origin") == allowed


def test_demo_page_and_widget_are_served(stack: Stack) -> None:
    with urllib.request.urlopen(f"{base(stack)}/demo", timeout=10) as resp:
        page = resp.read().decode()
    assert 'lang="nl"' in page and "/webhooks/webchat/widget.js" in page
    assert "{{privacy_url}}" not in page
    with urllib.request.urlopen(f"{base(stack)}/widget.js", timeout=10) as resp:
        assert "textContent" in resp.read().decode()
