"""The webchat channel over real HTTP on loopback, with a stand-in agent instead of a model.

Why a stand-in: these tests check the channel (validation, CORS, replies, history, pushes),
not the dialogue; they run in seconds and do not need models/assistant.tar.gz. The app is built
the way `rasa run` builds it (Rasa's own CORS set to "*", channels registered under /webhooks/),
so the CORS assertions hold for the real server.
"""
from __future__ import annotations

import asyncio
import json
import uuid
from types import SimpleNamespace
from typing import Any, AsyncIterator, Dict, Optional

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage, register
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.server import configure_cors
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Sanic

from channels.webchat import WebchatInput
from assistant.rate_limit import RateLimiter
from tests.support.stack import free_port

ALLOWED = "http://gemeente.test:8080"


class FakeAgent:
    """Answers like a bot would: stores the turn in the tracker store and replies with buttons."""

    def __init__(self) -> None:
        self.tracker_store = InMemoryTrackerStore(Domain.empty())

    async def handle_message(self, message: UserMessage) -> None:
        tracker = await self.tracker_store.get_or_create_tracker(message.sender_id)
        tracker.update(UserUttered(message.text, metadata=message.metadata,
                                   input_channel=message.input_channel))
        reply: Dict[str, Any] = {
            "text": f"U schreef: {message.text}",
            "buttons": [{"title": "Ja", "payload": "/affirm"}],
            "links": [{"title": "Uitleg", "url": "https://example.org/uitleg"},
                      {"title": "Kwaad", "url": "javascript:alert(1)"}],
        }
        tracker.update(BotUttered(reply["text"], data={"buttons": reply["buttons"]},
                                  metadata={"links": reply["links"]}))
        await self.tracker_store.save(tracker)
        await message.output_channel.send_response(message.sender_id, dict(reply))


@pytest.fixture
async def server() -> AsyncIterator[SimpleNamespace]:
    """The channel inside a Sanic app on a free port, as `rasa run --cors "*"` would set it up."""
    channel = WebchatInput.from_credentials({"allowed_origins": f"{ALLOWED}, http://other.test"})
    channel.limiter = RateLimiter(limit=5, window=60)
    Sanic.test_mode = True  # lets Sanic build one app per test in the same process
    app = Sanic(f"webchat_test_{uuid.uuid4().hex[:8]}")
    configure_cors(app, "*")
    app.ctx.agent = FakeAgent()
    register([channel], app, route="/webhooks/")
    port = free_port()
    srv = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True,
                                  access_log=False)
    await srv.startup()
    await srv.before_start()
    await srv.after_start()
    base = f"http://127.0.0.1:{port}/webhooks/webchat"
    async with aiohttp.ClientSession() as http:
        yield SimpleNamespace(base=base, http=http, channel=channel, agent=app.ctx.agent)
    await srv.before_stop()
    srv.close()
    await srv.wait_closed()
    await srv.after_stop()


def sid() -> str:
    return str(uuid.uuid4())


async def post(server: SimpleNamespace, body: Any, headers: Optional[Dict[str, str]] = None,
               raw: Optional[bytes] = None) -> aiohttp.ClientResponse:
    data = raw if raw is not None else json.dumps(body).encode()
    hdrs = {"Content-Type": "application/json", **(headers or {})}
    resp = await server.http.post(f"{server.base}/message", data=data, headers=hdrs)
    await resp.read()
    return resp


async def test_message_returns_replies_with_buttons_and_only_safe_links(server) -> None:
    resp = await post(server, {"session_id": sid(), "text": "Ik zoek hulp"})
    assert resp.status == 200
    replies = await resp.json()
    assert replies == [{
        "text": "U schreef: Ik zoek hulp",
        "buttons": [{"title": "Ja", "payload": "/affirm"}],
        "links": [{"title": "Uitleg", "url": "https://example.org/uitleg"}],
    }]


@pytest.mark.parametrize("body,status,code", [
    ({"session_id": "abc", "text": "hoi"}, 400, "bad_session"),
    ({"session_id": "../../etc/passwd", "text": "hoi"}, 400, "bad_session"),
    ({"text": "hoi"}, 400, "bad_session"),
    ({"session_id": "SID", "text": "   "}, 400, "empty"),
    ({"session_id": "SID"}, 400, "empty"),
    ({"session_id": "SID", "text": 42}, 400, "bad_format"),
    ({"session_id": "SID", "text": "x" * 2001}, 413, "too_long"),
    (["not", "an", "object"], 400, "bad_format"),
])
async def test_bad_input_gets_a_dutch_refusal(server, body, status, code) -> None:
    if isinstance(body, dict) and body.get("session_id") == "SID":
        body["session_id"] = sid()
    resp = await post(server, body)
    assert resp.status == status
    answer = await resp.json()
    assert answer["error"] == code
    assert answer["message"] and "Traceback" not in answer["message"]


async def test_invalid_json_and_wrong_content_type_are_400(server) -> None:
    resp = await post(server, None, raw=b"{niet: json")
    assert resp.status == 400 and (await resp.json())["error"] == "bad_format"
    resp = await post(server, None, raw=json.dumps({"session_id": sid(), "text": "hoi"}).encode(),
                      headers={"Content-Type": "text/plain"})
    assert resp.status == 400 and (await resp.json())["error"] == "bad_format"


async def test_exactly_2000_characters_is_accepted(server) -> None:
    assert (await post(server, {"session_id": sid(), "text": "a" * 2000})).status == 200


async def test_rate_limit_is_per_session_and_in_dutch(server) -> None:
    session = sid()
    for _ in range(5):
        assert (await post(server, {"session_id": session, "text": "hoi"})).status == 200
    resp = await post(server, {"session_id": session, "text": "hoi"})
    assert resp.status == 429
    assert int(resp.headers["Retry-After"]) >= 1
    assert "Wacht" in (await resp.json())["message"]
    assert (await post(server, {"session_id": sid(), "text": "hoi"})).status == 200


async def test_failure_inside_rasa_is_a_dutch_500_without_trace(server, monkeypatch) -> None:
    async def broken(message: UserMessage) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(server.agent, "handle_message", broken)
    resp = await post(server, {"session_id": sid(), "text": "hoi"})
    body = await resp.text()
    assert resp.status == 500
    assert "database on fire" not in body and "Traceback" not in body
    assert "Er ging iets mis" in json.loads(body)["message"]


async def test_cors_reflects_only_allowed_origins(server) -> None:
    body = {"session_id": sid(), "text": "hoi"}
    allowed = await post(server, body, headers={"Origin": ALLOWED})
    assert allowed.headers.get("Access-Control-Allow-Origin") == ALLOWED
    other = await post(server, body, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


async def test_cors_preflight(server) -> None:
    headers = {"Origin": ALLOWED, "Access-Control-Request-Method": "POST",
               "Access-Control-Request-Headers": "content-type"}
    resp = await server.http.options(f"{server.base}/message", headers=headers)
    assert resp.status in (200, 204)
    assert resp.headers.get("Access-Control-Allow-Origin") == ALLOWED
    assert "content-type" in resp.headers.get("Access-Control-Allow-Headers", "").lower()
    headers["Origin"] = "https://evil.example"
    resp = await server.http.options(f"{server.base}/message", headers=headers)
    assert "Access-Control-Allow-Origin" not in resp.headers


async def test_history_shows_user_and_bot_messages_and_button_labels(server) -> None:
    session = sid()
    await post(server, {"session_id": session, "text": "/greet"})
    await post(server, {"session_id": session, "text": "Mijn vraag"})
    await post(server, {"session_id": session, "text": "/affirm", "label": "Ja"})
    tracker = await server.agent.tracker_store.retrieve(session)
    tracker.update(UserUttered("EXTERNAL: EXTERNAL_staff_message"))
    tracker.update(BotUttered("Goedemiddag", metadata={"agent": "Anna"}))
    await server.agent.tracker_store.save(tracker)

    resp = await server.http.get(f"{server.base}/history", params={"session_id": session})
    answer = await resp.json()
    users = [m["text"] for m in answer["messages"] if m["sender"] == "user"]
    assert users == ["Mijn vraag", "Ja"]  # the hidden /greet and EXTERNAL: events are skipped
    assert answer["messages"][-1] == {"sender": "bot", "text": "Goedemiddag", "agent": "Anna"}
    assert all("javascript:" not in json.dumps(m) for m in answer["messages"])
    assert answer["cursor"]


async def test_history_of_unknown_session_is_empty_and_bad_id_is_400(server) -> None:
    resp = await server.http.get(f"{server.base}/history", params={"session_id": sid()})
    assert (await resp.json())["messages"] == []
    resp = await server.http.get(f"{server.base}/history", params={"session_id": "x"})
    assert resp.status == 400


async def read_event(resp: aiohttp.ClientResponse, timeout: float = 5.0) -> Dict[str, Any]:
    """The next `data:` event of an SSE stream, with its id."""
    event: Dict[str, Any] = {}
    while True:
        line = (await asyncio.wait_for(resp.content.readline(), timeout)).decode().rstrip("\n")
        if line.startswith("id: "):
            event["id"] = line[4:]
        elif line.startswith("data: "):
            event["data"] = json.loads(line[6:])
        elif line == "" and "data" in event:
            return event


async def test_push_reaches_every_open_stream_of_that_session_only(server) -> None:
    session, stranger = sid(), sid()
    output = server.channel.get_output_channel()
    streams = [await server.http.get(f"{server.base}/events", params={"session_id": s},
                                     headers={"Origin": ALLOWED}) for s in (session, session, stranger)]
    assert all(s.status == 200 for s in streams)
    assert streams[0].headers["Content-Type"].startswith("text/event-stream")
    assert streams[0].headers.get("Access-Control-Allow-Origin") == ALLOWED
    await asyncio.sleep(0.1)
    await output.send_response(session, {"text": "Goedemiddag", "agent": "Anna",
                                         "utter_action": "action_staff_message"})
    for stream in streams[:2]:
        event = await read_event(stream)
        assert event["data"] == {"text": "Goedemiddag", "agent": "Anna"}
    with pytest.raises(asyncio.TimeoutError):
        await read_event(streams[2], timeout=0.5)
    for stream in streams:
        stream.close()


async def test_stream_replays_what_was_pushed_after_the_history_cursor(server) -> None:
    session = sid()
    cursor = (await (await server.http.get(f"{server.base}/history",
                                           params={"session_id": session})).json())["cursor"]
    await server.channel.get_output_channel().send_response(session, {"text": "Tussendoor"})
    stream = await server.http.get(f"{server.base}/events",
                                   params={"session_id": session, "after": cursor})
    event = await read_event(stream)
    assert event["data"]["text"] == "Tussendoor"
    stream.close()
    again = await server.http.get(f"{server.base}/events", params={"session_id": session},
                                  headers={"Last-Event-ID": event["id"]})
    with pytest.raises(asyncio.TimeoutError):
        await read_event(again, timeout=0.5)
    again.close()


async def test_stream_with_bad_session_is_400(server) -> None:
    resp = await server.http.get(f"{server.base}/events", params={"session_id": "nope"})
    assert resp.status == 400


async def test_widget_assets_and_demo_page_are_served(server) -> None:
    for name, kind in [("widget.js", "javascript"), ("widget.css", "text/css"),
                       ("vendor/utrecht-button.css", "text/css")]:
        resp = await server.http.get(f"{server.base}/{name}")
        assert resp.status == 200, name
        assert kind in resp.headers["Content-Type"]
    demo = await server.http.get(f"{server.base}/demo")
    page = await demo.text()
    assert demo.status == 200 and 'lang="nl"' in page and "widget.js" in page
    assert "script-src 'self'" in demo.headers["Content-Security-Policy"]
    assert (await server.http.get(f"{server.base}/..%2F..%2Fchannel.py")).status == 404
    assert (await server.http.get(f"{server.base}/nope.js")).status == 404


def test_the_widget_learns_when_a_person_takes_over_and_hands_back() -> None:
    from channels.webchat.messages import to_widget

    assert to_widget({"text": "U praat nu met Anna.", "person": "Anna"})["person"] == "Anna"
    assert to_widget({"text": "U praat weer met de assistent.", "person": ""})["person"] == ""
    assert "person" not in to_widget({"text": "Gewoon een antwoord."})
