"""Faults the assistant survives (issue 9), on a private stack this module may kill and restart.

Covered, each with real processes on loopback:
1. action server down (killed mid-conversation) and slow (a stand-in that sleeps past the
   action timeout): calm Dutch answer, urgent messages still get help lines, the conversation
   continues with its slots once the action server is back;
2. Rasa restarted mid-conversation: slots come back from the SQL tracker store (ladder, takeover);
3. a burst of ten messages from one resident: all answered, processed in order, all stored;
4. two concurrent "ik wil een medewerker" messages: exactly one ticket;
5. tracker database locked briefly (waits, stored), then longer than the busy timeout (a 503
   with a Dutch reason), recovery without restart, nothing half-stored, no corruption;
6. load: 100 concurrent conversations of 10 messages, zero errors, every message stored.

The figures (survived faults, load held, messages lost) go to var/artifacts/fault_figures.json.
"""
from __future__ import annotations

import asyncio
import json
import sqlite3
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import aiohttp
import pytest
import yaml
from aiohttp import web

from tests.support.stack import MODEL, REST_HEADERS, ROOT, Stack, http_json, make_env
from tests.support.presence import make_available

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not MODEL.exists(), reason=f"needs a trained model at {MODEL} (make train)"),
]

ACTION_TIMEOUT = 2
ARTIFACTS = ROOT / "var" / "artifacts"
FIGURES: Dict[str, Any] = {"faults_survived": []}


def _responses() -> Dict[str, str]:
    """Responses Rasa renders itself (the safety fallback is generated from helplines.yml)."""
    out: Dict[str, str] = {}
    for name in ("core.yml", "safety_fallback.yml"):
        domain = yaml.safe_load((ROOT / "bot" / "domain" / name).read_text(encoding="utf-8"))
        out.update({k: v[0]["text"] for k, v in (domain.get("responses") or {}).items()})
    return out


TECHNICAL = _responses()["utter_technical_problem"].split("{")[0].strip()
SAFETY = _responses()["utter_safety_fallback"]


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("faults")
    env = make_env(workdir, {"ACTION_TIMEOUT_SECONDS": str(ACTION_TIMEOUT)})
    stack = Stack(workdir=workdir, env=env, token=env["RASA_API_TOKEN"])
    try:
        stack.start(with_console=False)
        yield stack
    finally:
        stack.stop()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "fault_figures.json").write_text(json.dumps(FIGURES, indent=1))


# -- helpers --------------------------------------------------------------------------------------
def texts(reply: List[dict]) -> List[str]:
    return [m.get("text") or "" for m in reply]


def slots(stack: Stack, sender: str) -> Dict[str, Any]:
    return stack.tracker(sender)["slots"]


def tracker_db(stack: Stack) -> Path:
    return Path(stack.tracker_store_url.replace("sqlite:///", "", 1))


def stored_user_texts(stack: Stack, sender: str) -> List[str]:
    """User messages as the tracker store holds them (not as Rasa's memory has them)."""
    with sqlite3.connect(tracker_db(stack), timeout=30) as conn:
        rows = conn.execute("SELECT data FROM events WHERE sender_id=? AND type_name='user' "
                            "ORDER BY id", (sender,)).fetchall()
    return [json.loads(r[0])["text"] for r in rows]


def post_raw(stack: Stack, sender: str, text: str, timeout: float = 60) -> Tuple[int, str]:
    """POST to the REST channel; returns (status, body) also for HTTP errors."""
    req = urllib.request.Request(f"{stack.rasa_url}/webhooks/rest/webhook", method="POST",
                                 data=json.dumps({"sender": sender, "message": text}).encode(),
                                 headers={"Content-Type": "application/json", **REST_HEADERS})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def assert_alive(stack: Stack) -> None:
    for name, proc in stack.procs.items():
        assert proc.poll() is None, f"{name} exited:\n{stack.log(name)[-3000:]}"


def survived(name: str) -> None:
    FIGURES["faults_survived"].append(name)


def start_ladder(stack: Stack, sender: str) -> Dict[str, Any]:
    reply = stack.rest(sender, "Ik kan mijn huis niet meer zelf schoonmaken")
    assert reply, "no answer to a clear question"
    state = slots(stack, sender)
    assert state["topic"] == "huishoudelijke_hulp" and state["entry_id"], state
    assert state["ladder_rung"] == "zelf", state
    return state


# -- 1. action server down -------------------------------------------------------------------------
def test_action_server_down_then_back(own: Stack) -> None:
    sender = "fault-actions-down"
    before = start_ladder(own, sender)

    own.stop("actions")
    started = time.monotonic()
    reply = own.rest(sender, "dat lukt niet")
    assert time.monotonic() - started < 10
    assert len(reply) == 1 and reply[0]["text"].startswith(TECHNICAL), reply
    assert "gemeente" in reply[0]["text"]  # the general contact is filled in

    urgent = texts(own.rest(sender, "ik wil niet meer leven"))
    assert urgent == [SAFETY], urgent
    assert "113" in urgent[0] and "112" in urgent[0]
    assert_alive(own)

    own.start_actions()
    reply = own.rest(sender, "dat lukt niet")
    assert reply and not any(t.startswith(TECHNICAL) for t in texts(reply)), reply
    after = slots(own, sender)
    assert after["topic"] == before["topic"] and after["entry_id"] == before["entry_id"]
    assert after["ladder_rung"] == "netwerk", after
    assert stored_user_texts(own, sender) == [
        "Ik kan mijn huis niet meer zelf schoonmaken", "dat lukt niet", "ik wil niet meer leven",
        "dat lukt niet"]
    survived("action server down (killed, then restarted)")


# -- 1b. action server slow ------------------------------------------------------------------------
class SlowActionServer:
    """Listens on the action server's port and answers only after the timeout has passed."""

    def __init__(self, port: int, delay: float) -> None:
        self.port, self.delay, self.calls = port, delay, 0
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.runner: Optional[web.AppRunner] = None

    async def _webhook(self, request: web.Request) -> web.Response:
        self.calls += 1
        await asyncio.sleep(self.delay)
        return web.json_response({"events": [], "responses": []})

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_post("/webhook", self._webhook)
        app.router.add_get("/health", lambda _: web.json_response({"status": "ok"}))
        self.runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    def __enter__(self) -> "SlowActionServer":
        self.thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self.loop).result(10)
        return self

    def __exit__(self, *exc: Any) -> None:
        assert self.runner is not None
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def test_action_server_slow(own: Stack) -> None:
    sender = "fault-actions-slow"
    start_ladder(own, sender)
    own.stop("actions")
    with SlowActionServer(int(own.env["ACTIONS_PORT"]), delay=ACTION_TIMEOUT + 4) as slow:
        started = time.monotonic()
        reply = own.rest(sender, "dat lukt niet")
        elapsed = time.monotonic() - started
        assert slow.calls >= 1
        assert texts(reply) and texts(reply)[0].startswith(TECHNICAL), reply
        assert elapsed < ACTION_TIMEOUT + 3, f"resident waited {elapsed:.1f}s"
        urgent = texts(own.rest(sender, "Mijn man slaat mij en ik ben bang"))
        assert any("0800-2000" in t for t in urgent), urgent
    own.start_actions()
    reply = own.rest(sender, "dat lukt niet")
    assert reply and not texts(reply)[0].startswith(TECHNICAL)
    assert slots(own, sender)["ladder_rung"] == "netwerk"
    assert_alive(own)
    survived(f"action server slow (> ACTION_TIMEOUT_SECONDS={ACTION_TIMEOUT})")


# -- 2. Rasa restarted -----------------------------------------------------------------------------
def trigger(stack: Stack, sender: str, name: str, entities: Dict[str, str]) -> None:
    query = urllib.parse.urlencode({"output_channel": "rest", "token": stack.token})
    http_json("POST", f"{stack.rasa_url}/conversations/{sender}/trigger_intent?{query}",
              {"name": name, "entities": entities}, timeout=60)


def test_rasa_restart_keeps_ladder_and_takeover(own: Stack) -> None:
    ladder, taken = "fault-restart-ladder", "fault-restart-takeover"
    start_ladder(own, ladder)
    own.rest(ladder, "dat lukt niet")
    before = slots(own, ladder)
    assert before["ladder_rung"] == "netwerk"

    make_available(own.database_url)
    handoff = texts(own.rest(taken, "Ik wil een medewerker spreken"))
    assert any("medewerker" in t for t in handoff)
    trigger(own, taken, "EXTERNAL_takeover_start", {"agent": "Anna"})
    state = slots(own, taken)
    assert state["takeover"] is True and state["agent"] == "Anna" and state["ticket_id"]

    own.stop("rasa")
    own.start_rasa()

    restored = slots(own, ladder)
    for key in ("topic", "entry_id", "ladder_rung"):
        assert restored[key] == before[key], key
    own.rest(ladder, "dat lukt niet")
    assert slots(own, ladder)["ladder_rung"] == "voorliggend_veld"

    assert slots(own, taken)["takeover"] is True and slots(own, taken)["ticket_id"] == state["ticket_id"]
    assert own.rest(taken, "Bent u er nog?") == []  # staff has the conversation: the bot is silent
    assert stored_user_texts(own, taken)[-1] == "Bent u er nog?"
    # Safety still answers during a takeover, also after the restart.
    assert any("113" in t for t in texts(own.rest(taken, "ik wil er een einde aan maken")))
    survived("Rasa server restarted mid-conversation (ladder and takeover restored)")


# -- 3. burst --------------------------------------------------------------------------------------
BURST = ["Hallo", "Ik heb een vraag over de Wmo", "Mijn moeder kan niet meer koken",
         "Wie kan er helpen?", "Wat kost dat?", "Hoe lang duurt dat?", "Kan het sneller?",
         "Ik woon in Winsum", "Dank u wel", "Tot ziens"]


def test_burst_of_ten_messages_from_one_resident(own: Stack) -> None:
    sender = "fault-burst"

    def send(i: int) -> Tuple[int, str]:
        # Leave in this order, all while the first ones are still in flight (a message takes
        # about a second here); 0.2 s apart, so a loaded machine does not swap two on their way
        # to the lock, which is not what this test is about.
        time.sleep(i * 0.2)
        return post_raw(own, sender, BURST[i])

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(send, range(10)))
    assert [status for status, _ in results] == [200] * 10, results
    assert all(json.loads(body) for _, body in results), "a message got no answer"
    assert stored_user_texts(own, sender) == BURST
    # Processed one at a time: every message got its own reply before the next one was read.
    events = own.tracker(sender)["events"]
    kinds = [e["event"] for e in events if e["event"] in ("user", "bot")]
    turns = "".join("u" if k == "user" else "b" for k in kinds)
    assert "uu" not in turns and turns.startswith("ub"), turns
    survived("burst of 10 concurrent messages from one resident")


# -- 4. double click on "medewerker" -----------------------------------------------------------------
def tickets_for(stack: Stack, sender: str) -> List[tuple]:
    path = stack.database_url.replace("sqlite:///", "", 1)
    with sqlite3.connect(path, timeout=30) as conn:
        return conn.execute("SELECT id, episode, status FROM kcc_tickets WHERE conversation_id=?",
                            (sender,)).fetchall()


def test_two_concurrent_requests_for_a_person_make_one_ticket(own: Stack) -> None:
    sender = "fault-double-click"
    own.rest(sender, "Ik heb schulden en weet niet wat ik moet doen")
    make_available(own.database_url)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _: post_raw(own, sender, "ik wil een medewerker spreken"),
                                range(2)))
    assert [s for s, _ in results] == [200, 200], results
    assert len(tickets_for(own, sender)) == 1, tickets_for(own, sender)
    # A third click (a retry by an impatient resident) does not add one either.
    post_raw(own, sender, "ik wil een medewerker spreken")
    assert len(tickets_for(own, sender)) == 1
    assert slots(own, sender)["takeover"] is True
    survived("double click on 'medewerker' (one ticket)")


# -- 5. database locked, then unavailable ----------------------------------------------------------------
def test_tracker_database_locked_for_a_while(own: Stack) -> None:
    sender = "fault-db-locked"
    own.rest(sender, "Hallo")
    lock = sqlite3.connect(tracker_db(own), timeout=30, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")  # another writer holds the database
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(post_raw, own, sender, "Ik zoek hulp bij het huishouden")
            time.sleep(3)
            assert not pending.done(), "the write should wait for the lock"
            lock.execute("COMMIT")
            status, body = pending.result(timeout=60)
    finally:
        lock.close()
    assert status == 200 and json.loads(body), body
    assert stored_user_texts(own, sender) == ["Hallo", "Ik zoek hulp bij het huishouden"]
    survived("tracker database locked for 3 s (waited, nothing lost)")


def test_tracker_database_unavailable_then_back(own: Stack) -> None:
    """Another writer holds the database longer than Rasa's busy timeout (10 s): the message
    gets a 503 with a Dutch reason (it was not stored, and the resident is told so), nothing is
    half-written, and the next message works without a restart.

    (Taking the file away does not simulate an outage here: Rasa keeps pooled connections open.)
    """
    sender = "fault-db-gone"
    own.rest(sender, "Hallo")
    own.rest(sender, "Ik kan mijn huis niet meer zelf schoonmaken")
    stored_before = stored_user_texts(own, sender)
    lock = sqlite3.connect(tracker_db(own), timeout=30, isolation_level=None)
    lock.execute("BEGIN IMMEDIATE")
    try:
        status, body = post_raw(own, sender, "dat lukt niet")
        assert status == 503, (status, body)
        answer = json.loads(body)
        assert answer["error"] == "server_error" and "niet verwerkt" in answer["message"]
        assert "Traceback" not in body and "sqlite" not in body.lower()
        assert_alive(own)
    finally:
        lock.execute("ROLLBACK")
        lock.close()
    assert "tracker store unavailable" in own.log("rasa")
    # Back without a restart; what was stored before is all there, nothing half-stored.
    reply = own.rest(sender, "dat lukt niet")
    assert reply
    assert stored_user_texts(own, sender) == stored_before + ["dat lukt niet"]
    assert slots(own, sender)["ladder_rung"] == "netwerk"
    with sqlite3.connect(tracker_db(own)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    survived("tracker database unavailable > busy timeout (503 with a Dutch reason, "
             "recovered without restart)")


# -- 6. load -----------------------------------------------------------------------------------------
LOAD_MESSAGES = ["Hallo", "Ik kan mijn huis niet meer schoonmaken", "dat lukt niet",
                 "Wat kost dat?", "Ik heb schulden", "Mijn zoon heeft problemen op school",
                 "Kan ik vervoer krijgen naar het ziekenhuis?", "Dat helpt", "Dank u wel",
                 "Tot ziens"]
CONVERSATIONS = 100


def test_load_hundred_conversations_of_ten_messages(own: Stack) -> None:
    url = f"{own.rasa_url}/webhooks/rest/webhook"
    errors: List[str] = []
    latencies: List[float] = []

    async def conversation(session: aiohttp.ClientSession, n: int) -> None:
        for text in LOAD_MESSAGES:
            started = time.monotonic()
            try:
                async with session.post(url, json={"sender": f"load-{n:03d}", "message": text},
                                        headers=REST_HEADERS) as r:
                    body = await r.text()
                    if r.status != 200:
                        errors.append(f"{r.status}: {body[:200]}")
            except Exception as exc:  # noqa: BLE001 - counted as an error
                errors.append(repr(exc))
            latencies.append(time.monotonic() - started)

    async def run() -> float:
        timeout = aiohttp.ClientTimeout(total=120)
        connector = aiohttp.TCPConnector(limit=CONVERSATIONS)
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
            started = time.monotonic()
            await asyncio.gather(*(conversation(session, n) for n in range(CONVERSATIONS)))
            return time.monotonic() - started

    duration = asyncio.run(run())
    sent = CONVERSATIONS * len(LOAD_MESSAGES)
    assert errors == [], errors[:5]
    with sqlite3.connect(tracker_db(own), timeout=30) as conn:
        rows = conn.execute("SELECT sender_id, count(*) FROM events WHERE type_name='user' AND "
                            "sender_id LIKE 'load-%' GROUP BY sender_id").fetchall()
    per_conversation = dict(rows)
    stored = sum(per_conversation.values())
    assert len(per_conversation) == CONVERSATIONS
    assert set(per_conversation.values()) == {len(LOAD_MESSAGES)}
    assert stored == sent
    latencies.sort()
    FIGURES["load"] = {
        "conversations": CONVERSATIONS, "messages_per_conversation": len(LOAD_MESSAGES),
        "messages_sent": sent, "messages_stored": stored, "messages_lost": sent - stored,
        "errors": len(errors), "seconds": round(duration, 1),
        "messages_per_second": round(sent / duration, 1),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000),
        "p95_ms": round(latencies[int(len(latencies) * 0.95)] * 1000),
    }
    print("load:", FIGURES["load"])
    assert duration < 240, f"load took {duration:.0f}s"
    survived("load: 100 concurrent conversations x 10 messages")
