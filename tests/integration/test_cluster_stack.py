"""Two Rasa replicas on one PostgreSQL and one Redis: locks and web chat pushes are shared.

Real servers only: Debian's Redis and PostgreSQL started by ``scripts/ensure-redis.sh`` and
``scripts/ensure-postgres.sh`` in temporary directories, and the topology of `make cluster`:
two ``bot.serve`` replicas each with its own action server, two consoles, HAProxy with
``deploy/haproxy.cfg`` in front. What is checked:

- ``REDIS_URL`` gives the Redis lock store: a second holder of a conversation's lock waits, two
  processes never hold one conversation's lock at once (Rasa's own ``RedisLockStore`` did, see
  ``bot/lock_store.py``), and a ticket lives as long as its process renews it;
- a push made in one process reaches a stream opened in another, in order, also after a quiet
  while (Redis pub/sub);
- messages of one conversation sent to both replicas at the same time are each stored once and
  handled one after the other (no interleaved events), and a staff reply given through replica
  B reaches the resident's event stream open on replica A;
- 100 residents × 10 messages over three municipalities through HAProxy, twenty of them taken
  over by staff whose messages go through both replicas: every message stored once and in order,
  every push delivered once, no lock error in any log;
- when replica B dies, its conversation goes on on replica A with nothing lost.
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

from tests.support.stack import REST_TOKEN, ROOT, VENV_BIN, free_port, http_json, make_env

# In `make test` since the lost-message bug was fixed (bot/lock_store.py): 5 runs in a row green
# on 2 busy cores, 2-4 minutes each (README "Running for a region"). `make test-cluster` runs
# this module with the region and PostgreSQL tests alone.
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
    from rasa.core.lock_store import InMemoryLockStore, RedisLockStore

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
    assert isinstance(ConfiguredLockStore(), InMemoryLockStore)


# Two processes take the lock of one conversation, three tasks each at a time; inside the lock a
# counter in Redis goes up and down again, so a second holder at the same moment is seen.
_CONTENDER = """
import asyncio, sys, redis
from bot.lock_store import lock_store_for
url, conversation, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
store, red = lock_store_for(url), redis.StrictRedis.from_url(url)
errors = 0
async def once():
    global errors
    try:
        async with store.lock(conversation, wait_time_in_seconds=0.01):
            if red.incr(conversation + ':inside') > 1:
                red.incr(conversation + ':overlaps')
            await asyncio.sleep(0.002)
            red.decr(conversation + ':inside')
    except Exception as exc:
        errors += 1
        print(type(exc).__name__, exc, file=sys.stderr)
async def main():
    while not red.exists(conversation + ':go'):
        await asyncio.sleep(0.01)
    for _ in range(rounds):
        await asyncio.gather(once(), once(), once())
asyncio.run(main())
print(errors)
"""


def test_two_processes_never_hold_one_conversation_lock_at_once(redis_url: str) -> None:
    """Rasa's RedisLockStore changes a lock by GET and SET; two processes taking a ticket at
    once both got ticket 0 (seen: 3 overlaps in 60 turns, and hangs). Ours uses transactions."""
    import redis

    conversation = f"race-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REDIS_URL": redis_url}
    procs = [subprocess.Popen([str(VENV_BIN / "python"), "-c", _CONTENDER, redis_url,
                               conversation, "100"], cwd=ROOT, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(2)]
    red = redis.StrictRedis.from_url(redis_url)
    time.sleep(3)  # both have imported Rasa's lock store and wait for the start
    red.set(conversation + ":go", 1)
    outputs = [proc.communicate(timeout=240) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], [err[-2000:] for _, err in outputs]
    assert [out.strip() for out, _ in outputs] == ["0", "0"], [err[-2000:] for _, err in outputs]
    assert red.get(conversation + ":overlaps") is None  # never two holders at once
    assert red.get("assistant:lock:" + conversation) is None  # the last one out deleted it


async def test_a_waiting_ticket_outlives_rasas_fixed_lifetime(redis_url: str, monkeypatch) -> None:
    """Rasa lets a ticket expire a fixed time after it was issued, even while its holder still
    works or waits; ours is renewed by its process, and expires only when that process is gone."""
    from bot import lock_store

    monkeypatch.setattr(lock_store, "RENEW_EVERY_SECONDS", 0.1)
    store = lock_store.lock_store_for(redis_url)
    conversation = f"lease-{uuid.uuid4().hex[:8]}"
    order: List[str] = []

    async def hold(name: str, seconds: float) -> None:
        async with store.lock(conversation, lock_lifetime=0.5, wait_time_in_seconds=0.05):
            order.append(f"{name} in")
            await asyncio.sleep(seconds)
            order.append(f"{name} out")

    first = asyncio.create_task(hold("a", 1.5))  # three lifetimes long
    await asyncio.sleep(0.1)
    await hold("b", 0.0)
    await first
    assert order == ["a in", "a out", "b in", "b out"]
    # A ticket nobody renews (its replica died) expires, and the next holder gets in.
    store.issue_ticket(conversation, 0.3)
    await asyncio.wait_for(hold("c", 0.0), 10)
    assert order[-2:] == ["c in", "c out"]


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


def _spawn(stack: Any, name: str, args: List[str], **env: str) -> None:
    """Start one more process of the stack, with some environment of its own."""
    log = open(stack.workdir / f"{name}.log", "ab")
    stack.procs[name] = subprocess.Popen([str(VENV_BIN / "python"), "-m", *args], cwd=ROOT,
                                         env={**stack.env, **env}, stdout=log,
                                         stderr=subprocess.STDOUT)


def _rasa_args(port: int) -> List[str]:
    return ["bot.serve", "run", "--enable-api", "-m", str(_model()), "--endpoints",
            "endpoints.yml", "--credentials", "credentials.yml", "--port", str(port),
            "--interface", "127.0.0.1"]


def _model() -> Any:
    from tests.integration.test_region_stack import RegionStack

    return RegionStack.model()


async def test_a_push_after_a_quiet_while_still_arrives(redis_url: str, caplog) -> None:
    """The listener read with the 5 s socket timeout: after 5 quiet seconds it failed and
    reconnected, and a push made in that second was lost."""
    from channels.webchat.redis_hub import RedisPushHub

    here, there = RedisPushHub(redis_url), RedisPushHub(redis_url)
    await here.ready()
    await there.ready()
    with here.subscribe("stil", after=None) as stream:
        await asyncio.sleep(7)
        there.publish("stil", {"text": "na een stille tijd"})
        got = await asyncio.wait_for(stream.queue.get(), 5)
    assert got[1]["text"] == "na een stille tijd"
    assert "lost Redis" not in caplog.text


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[Dict[str, Any]]:
    """The topology of `make cluster`: two Rasa replicas, each with its own action server, two
    consoles, HAProxy with deploy/haproxy.cfg in front; one PostgreSQL, one Redis."""
    from tests.integration.test_region_stack import RegionStack

    pg_env = {**os.environ, "PG_DIR": str(tmp_path_factory.mktemp("pg") / "cluster"),
              "PG_PORT": str(free_port())}
    database = _script("ensure-postgres.sh", pg_env, "start")
    tracker = _script("ensure-postgres.sh", pg_env, "url", "tracker")
    workdir = tmp_path_factory.mktemp("cluster")
    # ACTION_TIMEOUT_SECONDS: these tests are about where events go, not about speed; on 2
    # cores shared with other test runs an action call took more than the default 10 s.
    # TRUSTED_PROXIES: every resident of the load test reaches the replicas through HAProxy on
    # 127.0.0.1; each web chat resident gives its own address (see webchat_resident), as
    # residents behind a real proxy have, so the web chat's per-address limit (120 a minute per
    # replica) counts residents, not the balancer.
    env = make_env(workdir, {"DATABASE_URL": database, "TRACKER_STORE_URL": tracker,
                             "REDIS_URL": redis_url, "ACTION_TIMEOUT_SECONDS": "30",
                             "TRUSTED_PROXIES": "127.0.0.1"})
    ports = {name: free_port() for name in ("rasa_b", "actions_b", "console_b", "lb_rasa",
                                            "lb_console")}
    balancer = f"http://127.0.0.1:{ports['lb_rasa']}"
    env["RASA_URL"] = balancer  # the consoles reach Rasa through the balancer
    stack = RegionStack(workdir=workdir, env=env, token=env["RASA_API_TOKEN"])
    replica_a = f"http://127.0.0.1:{env['RASA_PORT']}"
    replica_b = f"http://127.0.0.1:{ports['rasa_b']}"
    try:
        stack.start_actions()
        _spawn(stack, "actions-b", ["actions.server", "--port", str(ports["actions_b"])])
        # Both replicas load their model at the same time (about two minutes on 2 busy cores).
        _spawn(stack, "rasa", _rasa_args(int(env["RASA_PORT"])))
        _spawn(stack, "rasa-b", _rasa_args(ports["rasa_b"]),
               ACTION_SERVER_URL=f"http://127.0.0.1:{ports['actions_b']}/webhook")
        stack.rasa_url = replica_a
        stack._wait(f"http://127.0.0.1:{ports['actions_b']}/health", "actions-b")
        stack._wait(f"{replica_a}/status?token={stack.token}", "rasa", timeout=400)
        stack._wait(f"{replica_b}/status?token={stack.token}", "rasa-b", timeout=400)
        stack.start_console()
        _spawn(stack, "console-b", ["kcc.server", "--port", str(ports["console_b"])])
        stack._wait(f"http://127.0.0.1:{ports['console_b']}/healthz", "console-b")
        _script("ensure-package.sh", dict(os.environ), "haproxy")  # Debian's, installed when missing
        log = open(workdir / "balancer.log", "ab")
        stack.procs["balancer"] = subprocess.Popen(
            ["haproxy", "-db", "-f", str(ROOT / "deploy" / "haproxy.cfg")], cwd=ROOT,
            stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, "LB_HOST": "127.0.0.1", "RASA_PORT": str(ports["lb_rasa"]),
                 "CONSOLE_PORT": str(ports["lb_console"]),
                 "RASA1_ADDR": f"127.0.0.1:{env['RASA_PORT']}",
                 "RASA2_ADDR": f"127.0.0.1:{ports['rasa_b']}",
                 "CONSOLE1_ADDR": f"127.0.0.1:{env['CONSOLE_PORT']}",
                 "CONSOLE2_ADDR": f"127.0.0.1:{ports['console_b']}"})
        stack._wait(f"{balancer}/status?token={stack.token}", "balancer")
        for replica in (replica_a, replica_b):  # each action server loads its data once
            http_json("POST", f"{replica}/webhooks/rest/webhook", timeout=120,
                      body={"sender": f"warm-up-{uuid.uuid4().hex[:6]}", "message": "hallo"},
                      headers={"Authorization": f"Bearer {REST_TOKEN}"})
        yield {"stack": stack, "a": replica_a, "b": replica_b, "balancer": balancer,
               "console_balancer": f"http://127.0.0.1:{ports['lb_console']}",
               "database": database}
    finally:
        stack.stop()
        _script("ensure-postgres.sh", pg_env, "stop")


LOCK_TROUBLE = ("LockError", "Could not acquire lock", "Error while acquiring lock",
                "could not renew", "lost Redis", "push via Redis failed")
ACTION_CALL_FAILED = "Encountered an exception while running action"


def _problems(stack: Any) -> List[str]:
    """Lock and Redis trouble in the servers' logs, and every unhandled error except a failed
    action call: on 2 cores shared with other test runs a call to the action server now and
    then timed out or found its connection closed; Rasa then answers without the action's
    events and the message is still stored, which is what these tests check (the failures
    are printed)."""
    found, action_calls = [], 0
    for name in ("rasa", "rasa-b", "actions", "actions-b"):
        logged = ""  # the last timestamped line: what a traceback below it belongs to
        lines = stack.log(name).splitlines()
        for index, line in enumerate(lines):
            if any(word in line for word in LOCK_TROUBLE):
                found.append(f"{name}: {line}")
            if line[:4].isdigit():
                logged = line
                action_calls += ACTION_CALL_FAILED in line
            elif line.startswith("Traceback") and ACTION_CALL_FAILED not in logged:
                last = next((later for later in lines[index + 1:]
                             if later and not later[0].isspace()), "")
                found.append(f"{name}: {last}")
    print(f"action calls that failed under load: {action_calls}")
    return found


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
    assert not _problems(stack)


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


MUNICIPALITIES = ("oldambt", "het-hogeland", "tynaarlo")
RESIDENTS, MESSAGES, TAKEOVERS = 100, 10, 20  # 1,000 messages; 20 web chat residents get staff
RESIDENT_TEXTS = [
    "hallo", "ik heb hulp nodig in het huishouden", "ik woon alleen sinds vorig jaar",
    "kan iemand mij helpen met de boodschappen", "hoe vraag ik een rolstoel aan",
    "wat kost dat", "ik heb geen auto", "is er vervoer naar het ziekenhuis",
    "mijn buurman helpt soms", "bedankt voor de informatie",
]


async def test_many_residents_on_the_cluster_each_message_stored_once_and_in_order(cluster) -> None:
    """100 residents × 10 messages through HAProxy over three municipalities; twenty of them are
    web chat residents whose conversation a staff member takes over, with staff messages sent
    through both replicas (so at least one of them crosses to the replica that does not serve
    the resident's stream). Every message is stored once and in order, every staff message
    reaches the resident's stream once, and no server logs a lock error."""
    stack, balancer = cluster["stack"], cluster["balancer"]
    replicas = [cluster["a"], cluster["b"]]
    run = uuid.uuid4().hex[:6]
    timeout = aiohttp.ClientTimeout(total=180)
    pushed: Dict[str, List[str]] = {}
    staff_texts: Dict[str, List[str]] = {}
    failures: List[str] = []

    async with aiohttp.ClientSession(timeout=timeout) as client:
        async def rest_resident(n: int) -> str:
            sender = f"load-{run}-{n}"
            for text in RESIDENT_TEXTS[:MESSAGES]:
                resp = await client.post(
                    f"{balancer}/webhooks/rest/webhook", headers={"Authorization": f"Bearer {REST_TOKEN}"},
                    json={"sender": sender, "message": text,
                          "metadata": {"municipality": MUNICIPALITIES[n % 3]}})
                if resp.status != 200:
                    failures.append(f"{sender} {text!r}: {resp.status} {await resp.text()}")
                await resp.read()
            return sender

        async def read_stream(session_id: str, opened: asyncio.Event) -> None:
            async with client.get(f"{balancer}/webhooks/webchat/events?session_id={session_id}",
                                  timeout=aiohttp.ClientTimeout(total=None)) as resp:
                opened.set()
                async for raw in resp.content:
                    line = raw.decode().strip()
                    if line.startswith("data:"):
                        pushed[session_id].append(json.loads(line[5:]).get("text") or "")

        async def staff(session_id: str, replica: str, text: str) -> None:
            resp = await client.post(
                f"{replica}/conversations/{session_id}/trigger_intent"
                f"?output_channel=webchat&token={stack.token}",
                json={"name": "EXTERNAL_staff_message",
                      "entities": {"agent": "Olga", "staff_text": text}})
            if resp.status != 200:
                failures.append(f"staff {session_id}: {resp.status} {await resp.text()}")
            await resp.read()

        async def webchat_resident(n: int) -> str:
            session_id = str(uuid.uuid4())
            pushed[session_id], staff_texts[session_id] = [], []
            opened = asyncio.Event()
            reader = asyncio.create_task(read_stream(session_id, opened))
            await asyncio.wait_for(opened.wait(), 60)
            for index, text in enumerate(RESIDENT_TEXTS[:MESSAGES]):
                resp = await client.post(f"{balancer}/webhooks/webchat/message",
                                         json={"session_id": session_id, "text": text,
                                               "municipality": MUNICIPALITIES[n % 3]},
                                         headers={"X-Forwarded-For": f"192.0.2.{n + 1}"})
                if resp.status != 200:
                    failures.append(f"{session_id} {text!r}: {resp.status} {await resp.text()}")
                await resp.read()
                if index in (3, 6):  # the staff member answers, once through each replica
                    reply = f"Medewerker {index} voor bewoner {n}"
                    staff_texts[session_id].append(reply)
                    await staff(session_id, replicas[index % 2], reply)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not all(
                    reply in pushed[session_id] for reply in staff_texts[session_id]):
                await asyncio.sleep(0.2)
            reader.cancel()
            return session_id

        started = time.monotonic()
        senders = await asyncio.gather(
            *(webchat_resident(n) if n < TAKEOVERS else rest_resident(n)
              for n in range(RESIDENTS)))
        seconds = time.monotonic() - started
    print(f"cluster load: {RESIDENTS * MESSAGES} messages in {seconds:.0f} s "
          f"({RESIDENTS * MESSAGES / seconds:.1f} msg/s, web chat waits for pushes included)")
    assert not failures, failures[:10]

    for n, sender in enumerate(senders):
        events = stack.tracker(sender)["events"]
        said = [e["text"] for e in events if e["event"] == "user"
                and not (e.get("text") or "").startswith("EXTERNAL:")]
        assert said == RESIDENT_TEXTS[:MESSAGES], (sender, said)  # each once, in order
        if sender in staff_texts:
            stored = [e.get("text") for e in events if e["event"] == "bot"]
            for reply in staff_texts[sender]:
                assert stored.count(reply) == 1, (sender, reply, stored)
                assert pushed[sender].count(reply) == 1, (sender, reply, pushed[sender])
    assert not _problems(stack), _problems(stack)[:10]


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
