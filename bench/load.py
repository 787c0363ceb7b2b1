"""Simulated residents over the REST channel (aiohttp), and the servers they talk to.

Everything runs on loopback, bounded by a message budget and a deadline.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

import aiohttp

from bench.scripts import Turn, answered
from bench.stats import latency_summary
from tests.support.stack import REST_HEADERS

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"
# The bench's long conversations send hundreds of messages from one sender: the REST channel's
# per-sender limit (a protection for residents) would refuse them, so the bench lifts it.
BENCH_ENV = {"REST_RATE_LIMIT": "1000000"}


@dataclass
class Result:
    latencies: List[float] = field(default_factory=list)
    errors: int = 0
    error_samples: List[str] = field(default_factory=list)
    sent: int = 0

    def error(self, what: str) -> None:
        self.errors += 1
        if len(self.error_samples) < 5:
            self.error_samples.append(what[:300])


async def send(
    session: aiohttp.ClientSession,
    url: str,
    sender: str,
    turn: Turn,
    res: Result,
    timeout: float = 60.0,
) -> Optional[float]:
    """One resident message; records latency and errors. Returns the latency or None."""
    start = time.perf_counter()
    res.sent += 1
    try:
        async with session.post(
            url,
            json={"sender": sender, "message": turn.text},
            headers=REST_HEADERS,  # the stock bot ignores it
            timeout=aiohttp.ClientTimeout(total=timeout),
        ) as resp:
            body = await resp.json(content_type=None) if resp.status == 200 else await resp.text()
            elapsed = time.perf_counter() - start
            res.latencies.append(elapsed)
            if resp.status != 200:
                res.error(f"HTTP {resp.status} on {turn.text!r}: {str(body)[:200]}")
            elif not answered(turn, body):
                res.error(f"empty answer on {turn.text!r} ({sender})")
            return elapsed
    except Exception as exc:  # timeouts, resets: all count as errors
        res.latencies.append(time.perf_counter() - start)
        res.error(f"{type(exc).__name__} on {turn.text!r}: {exc}")
        return None


async def run_level(
    base_url: str,
    script: Callable[[int], Sequence[Turn]],
    conversations: int,
    concurrency: int,
    deadline_s: float,
    prefix: str,
) -> Dict[str, float]:
    """`conversations` scripted conversations, `concurrency` at a time; stops at the deadline."""
    url = f"{base_url}/webhooks/rest/webhook"
    res = Result()
    counter = iter(range(conversations))
    stop_at = time.monotonic() + deadline_s
    connector = aiohttp.TCPConnector(limit=concurrency + 5)

    async def worker(session: aiohttp.ClientSession) -> None:
        for n in counter:
            sender = f"{prefix}-{n}-{uuid.uuid4().hex[:8]}"
            for turn in script(n):
                if time.monotonic() > stop_at:
                    return
                await send(session, url, sender, turn, res)

    start = time.perf_counter()
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
    wall = time.perf_counter() - start
    summary = latency_summary(res.latencies, res.errors, wall)
    summary["concurrency"] = concurrency
    summary["timed_out"] = time.monotonic() > stop_at
    summary["error_samples"] = res.error_samples
    return summary


async def long_conversation(base_url: str, turns: Sequence[Turn], sender: str) -> List[float]:
    """Latency of every message of one conversation, in order (errors -> nan)."""
    url = f"{base_url}/webhooks/rest/webhook"
    res = Result()
    out: List[float] = []
    async with aiohttp.ClientSession() as session:
        for turn in turns:
            lat = await send(session, url, sender, turn, res)
            out.append(float("nan") if lat is None or res.errors else lat)
    return out


# --- the stock bot -----------------------------------------------------------------------------
class StockServer:
    """`rasa run` of the stock `rasa init` bot (in-memory tracker store, no custom actions)."""

    def __init__(self, init_dir: Path, model: Path, port: int, logfile: Path):
        self.init_dir, self.model, self.port, self.logfile = init_dir, model, port, logfile
        self.proc: Optional[subprocess.Popen] = None
        self.url = f"http://127.0.0.1:{port}"

    def start(self) -> None:
        env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")
        log = open(self.logfile, "ab")
        self.proc = subprocess.Popen(
            [
                str(VENV_BIN / "rasa"),
                "run",
                "-m",
                str(self.model),
                "--port",
                str(self.port),
                "--interface",
                "127.0.0.1",
                "--credentials",
                "credentials.yml",
                "--endpoints",
                "endpoints.yml",
            ],
            cwd=self.init_dir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def wait_first_answer(
    base_url: str, text: str, proc: Optional[subprocess.Popen], timeout: float = 240.0
) -> float:
    """Poll until the REST channel answers `text`; returns the moment (perf_counter)."""
    import json
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    sender = f"startup-{uuid.uuid4().hex[:8]}"
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        req = urllib.request.Request(
            f"{base_url}/webhooks/rest/webhook",
            method="POST",
            data=json.dumps({"sender": sender, "message": text}).encode(),
            headers={"Content-Type": "application/json", **REST_HEADERS},
        )
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                if json.loads(resp.read() or b"[]"):
                    return time.perf_counter()
        except (urllib.error.URLError, ConnectionError, OSError, ValueError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"no answer from {base_url} within {timeout} s")
