"""Two Rasa replicas on one PostgreSQL and one Redis: locks and web chat pushes are shared.

Real servers only: Debian's Redis and PostgreSQL started by ``scripts/ensure-redis.sh`` and
``scripts/ensure-postgres.sh`` in temporary directories, two ``bot.serve`` processes, one action
server and one console. What is checked:

- ``REDIS_URL`` gives Rasa's ``RedisLockStore``: a second holder of a conversation's lock waits;
- a push made in one process reaches a stream opened in another, in order (Redis pub/sub);
- messages of one conversation sent to both replicas at the same time are each stored once and
  handled one after the other (no interleaved events), and a staff reply given through replica
  B reaches the resident's event stream open on replica A.
"""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time
import uuid
from typing import Any, Dict, Iterator, List

import aiohttp
import pytest

from tests.integration.stack import ROOT, VENV_BIN, free_port, make_env

# Not in `make test`: one run in three lost the first of ten simultaneous messages of one
# conversation split over two replicas (README "Running for a region", known limits).
pytestmark = [pytest.mark.integration, pytest.mark.cluster]


def _script(name: str, env: Dict[str, str], *args: str) -> str:
    done = subprocess.run(["bash", str(ROOT / "scripts" / name), *args], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = {**os.environ, "REDIS_DIR": str(tmp_path_factory.mktemp("redis") / "server"),
           "REDIS_PORT": str(free_port())}
    url = _script("ensure-redis.sh", env, "start")
    try:
        yield url
    finally:
        _script("ensure-redis.sh", env, "stop")


async def test_redis_lock_store_is_shared(redis_url: str, monkeypatch) -> None:
    from rasa.core.lock_store import RedisLockStore

    from bot.lock_store import ConfiguredLockStore, lock_store_for

    first, second = lock_store_for(redis_url), lock_store_for(redis_url)
    assert isinstance(first, RedisLockStore)
    conversation = f"lock-{uuid.uuid4().hex[:8]}"
    order: List[str] = []

    async def hold(store: Any, name: str, seconds: float) -> None:
        async with store.lock(conversation, wait_time_in_seconds=0.05):
            order.append(f"{name} in")
            await asyncio.sleep(seconds)
            order.append(f"{name} out")

    first_task = asyncio.create_task(hold(first, "a", 0.5))
    await asyncio.sleep(0.1)
    await hold(second, "b", 0.0)
    await first_task
    assert order == ["a in", "a out", "b in", "b out"]
    monkeypatch.setenv("REDIS_URL", redis_url)
    assert isinstance(ConfiguredLockStore(), RedisLockStore)
    monkeypatch.setenv("REDIS_URL", "")
    assert type(ConfiguredLockStore()).__name__ == "InMemoryLockStore"


async def test_pushes_cross_processes_in_order(redis_url: str) -> None:
    from channels.webchat.redis_hub import RedisPushHub

    here, there = RedisPushHub(redis_url), RedisPushHub(redis_url)
    await here.ready()
    await there.ready()
    with here.subscribe("sessie-1", after=None) as stream:
        for n in range(20):
            there.publish("sessie-1", {"text": f"bericht {n}"})
        there.publish("sessie-2", {"text": "voor een ander"})
        got = [(await asyncio.wait_for(stream.queue.get(), 5))[1]["text"] for _ in range(20)]
    assert got == [f"bericht {n}" for n in range(20)]
    await asyncio.sleep(0.2)
    assert stream.queue.empty()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[Dict[str, Any]]:
    from tests.integration.test_region_stack import RegionStack

    pg_env = {**os.environ, "PG_DIR": str(tmp_path_factory.mktemp("pg") / "cluster"),
              "PG_PORT": str(free_port())}
    database = _script("ensure-postgres.sh", pg_env, "start")
    tracker = _script("ensure-postgres.sh", pg_env, "url", "tracker")
    workdir = tmp_path_factory.mktemp("cluster")
    env = make_env(workdir, {"DATABASE_URL": database, "TRACKER_STORE_URL": tracker,
                             "REDIS_URL": redis_url})
    second_port = free_port()
    # The console talks to replica B; residents' streams are opened on replica A.
    env["RASA_URL"] = f"http://127.0.0.1:{second_port}"
    stack = RegionStack(workdir=workdir, env=env, token=env["RASA_API_TOKEN"])
    try:
        stack.start_actions()
        stack.start_rasa()
        replica_b = f"http://127.0.0.1:{second_port}"
        stack._spawn("rasa-b", [str(VENV_BIN / "python"), "-m", "bot.serve", "run",
                                "--enable-api", "-m", str(stack.model()),
                                "--endpoints", "endpoints.yml", "--credentials",
                                "credentials.yml", "--port", str(second_port),
                                "--interface", "127.0.0.1"])
        stack._wait(f"{replica_b}/status?token={stack.token}", "rasa-b", timeout=180)
        stack.start_console()
        yield {"stack": stack, "a": stack.rasa_url, "b": replica_b, "database": database}
    finally:
        stack.stop()
        _script("ensure-postgres.sh", pg_env, "stop")


async def test_one_conversation_on_two_replicas_keeps_its_order(cluster) -> None:
    stack, replicas = cluster["stack"], [cluster["a"], cluster["b"]]
    sender = f"cluster-{uuid.uuid4().hex[:8]}"
    headers = {"Authorization": "Bearer test-rest-token"}
    texts = [f"hallo {n}" for n in range(10)]
    async with aiohttp.ClientSession(headers=headers) as client:
        async def send(n: int) -> int:
            resp = await client.post(f"{replicas[n % 2]}/webhooks/rest/webhook",
                                     json={"sender": sender, "message": texts[n],
                                           "metadata": {"municipality": "tynaarlo"}})
            return resp.status
        statuses = await asyncio.gather(*(send(n) for n in range(len(texts))))
    assert statuses == [200] * len(texts)
    events = stack.tracker(sender)["events"]
    users = [e["text"] for e in events if e["event"] == "user"]
    assert sorted(users) == sorted(texts)  # every message stored exactly once
    # Handled one at a time: after each user message comes its own prediction before the next.
    kinds = [e["event"] for e in events if e["event"] in ("user", "action")]
    for index, kind in enumerate(kinds[:-1]):
        if kind == "user":
            assert kinds[index + 1] == "action", kinds
    logs = stack.log("rasa") + stack.log("rasa-b")
    assert "LockError" not in logs and "Traceback" not in logs


async def test_staff_reply_through_replica_b_reaches_a_stream_on_replica_a(cluster) -> None:
    stack, replica_a = cluster["stack"], cluster["a"]
    session_id = str(uuid.uuid4())
    chat = f"{replica_a}/webhooks/webchat"
    pushed: List[Dict[str, Any]] = []
    async with aiohttp.ClientSession() as resident:
        async def read() -> None:
            async with resident.get(f"{chat}/events?session_id={session_id}") as resp:
                async for raw in resp.content:
                    line = raw.decode().strip()
                    if line.startswith("data:"):
                        pushed.append(json.loads(line[5:]))

        reader = asyncio.create_task(read())
        resp = await resident.post(f"{chat}/message", json={"session_id": session_id,
                                                            "text": "hallo",
                                                            "municipality": "oldambt"})
        assert resp.status == 200
        await asyncio.sleep(1.0)
        async with aiohttp.ClientSession() as console:  # what kcc.rasa_client does, on replica B
            resp = await console.post(
                f"{cluster['b']}/conversations/{session_id}/trigger_intent"
                f"?output_channel=webchat&token={stack.token}",
                json={"name": "EXTERNAL_staff_message",
                      "entities": {"agent": "Olga", "staff_text": "Goedemiddag, met Olga."}})
            assert resp.status == 200, await resp.text()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any(
                "Goedemiddag, met Olga." in (m.get("text") or "") for m in pushed):
            await asyncio.sleep(0.2)
        reader.cancel()
    assert any("Goedemiddag, met Olga." in (m.get("text") or "") for m in pushed), pushed


def test_when_replica_b_dies_its_conversations_go_on_on_replica_a(cluster) -> None:
    stack = cluster["stack"]
    sender = f"cluster-b-{uuid.uuid4().hex[:8]}"
    body = {"sender": sender, "message": "hallo", "metadata": {"municipality": "maastricht"}}
    headers = {"Authorization": "Bearer test-rest-token", "Content-Type": "application/json"}

    def rest(replica: str, message: str) -> List[Dict[str, Any]]:
        import urllib.request

        request = urllib.request.Request(f"{replica}/webhooks/rest/webhook", method="POST",
                                         data=json.dumps({**body, "message": message}).encode(),
                                         headers=headers)
        with urllib.request.urlopen(request, timeout=60) as resp:
            return json.loads(resp.read())

    assert any("gemeente Maastricht" in (m.get("text") or "") for m in rest(cluster["b"], "hallo"))
    rest(cluster["b"], "ik kan mijn huis niet meer schoonmaken")
    stack.stop("rasa-b")  # the replica dies; the balancer would now send this conversation to A
    replies = rest(cluster["a"], "dat lukt niet")
    assert replies, "replica A answers the conversation"
    tracker = stack.tracker(sender)
    users = [e["text"] for e in tracker["events"] if e["event"] == "user"]
    assert users == ["hallo", "ik kan mijn huis niet meer schoonmaken", "dat lukt niet"]
    assert tracker["slots"]["municipality"] == "maastricht"  # nothing of B's work was lost
    assert tracker["slots"]["ladder_rung"] not in (None, "zelf")  # the ladder went on from B's rung
