"""The whole assistant as real processes on loopback, for integration and browser tests.

Why real processes: the channels, the console and the handoff only mean something when a real
Rasa server, a real action server and the real console talk HTTP to each other. Each test session
gets its own temporary databases, so tests never touch `var/`.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
MODEL = ROOT / "models" / "assistant.tar.gz"
REST_TOKEN = "test-rest-token"
REST_HEADERS = {"Authorization": f"Bearer {REST_TOKEN}"}


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_json(method: str, url: str, body: Optional[Any] = None, timeout: float = 30.0,
              headers: Optional[Dict[str, str]] = None) -> Any:
    """One JSON request with the standard library; raises on HTTP errors."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        raw = resp.read()
    return json.loads(raw) if raw else None


@dataclass
class Stack:
    """Handles to a running assistant: URLs, token and the processes behind them."""

    workdir: Path
    env: Dict[str, str]
    rasa_url: str = ""
    actions_url: str = ""
    console_url: str = ""
    token: str = "test-token"
    procs: Dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def database_url(self) -> str:
        return self.env["DATABASE_URL"]

    @property
    def tracker_store_url(self) -> str:
        return self.env["TRACKER_STORE_URL"]

    # -- lifecycle -------------------------------------------------------------------
    def start(self, with_console: bool = True) -> "Stack":
        self.start_actions()
        self.start_rasa()
        if with_console:
            self.start_console()
        return self

    def start_actions(self) -> None:
        port = int(self.env["ACTIONS_PORT"])
        self._spawn("actions", [str(VENV_BIN / "python"), "-m", "actions.server",
                                "--port", str(port)])
        self.actions_url = f"http://127.0.0.1:{port}"
        self._wait(f"{self.actions_url}/health", "actions")

    def start_rasa(self) -> None:
        port = int(self.env["RASA_PORT"])
        self._spawn("rasa", [str(VENV_BIN / "python"), "-m", "bot.serve", "run", "--enable-api",
                             "-m", str(MODEL), "--endpoints", "endpoints.yml",
                             "--credentials", "credentials.yml", "--port", str(port),
                             "--interface", "127.0.0.1"])
        self.rasa_url = f"http://127.0.0.1:{port}"
        self._wait(f"{self.rasa_url}/status?token={self.token}", "rasa", timeout=180)

    def start_console(self) -> None:
        port = int(self.env["CONSOLE_PORT"])
        self._spawn("console", [str(VENV_BIN / "python"), "-m", "kcc.server", "--port", str(port)])
        self.console_url = f"http://127.0.0.1:{port}"
        self._wait(f"{self.console_url}/healthz", "console")

    def stop(self, name: Optional[str] = None) -> None:
        names = [name] if name else list(self.procs)
        for n in names:
            proc = self.procs.pop(n, None)
            if proc and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()

    def log(self, name: str) -> str:
        """What a process printed so far (for assertion messages)."""
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    # -- talking to it -----------------------------------------------------------------
    def rest(self, sender: str, text: str, metadata: Optional[dict] = None) -> List[dict]:
        """Send one resident message over the REST channel; returns the bot's messages."""
        body: Dict[str, Any] = {"sender": sender, "message": text}
        if metadata:
            body["metadata"] = metadata
        return http_json("POST", f"{self.rasa_url}/webhooks/rest/webhook", body, timeout=60,
                         headers=REST_HEADERS)

    def tracker(self, sender: str) -> dict:
        return http_json("GET", f"{self.rasa_url}/conversations/{sender}/tracker?token={self.token}")

    # -- internals ---------------------------------------------------------------------
    def _spawn(self, name: str, cmd: List[str]) -> None:
        log = open(self.workdir / f"{name}.log", "ab")
        self.procs[name] = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT)

    def _wait(self, url: str, name: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            proc = self.procs[name]
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}:\n{self.log(name)[-4000:]}")
            try:
                with urllib.request.urlopen(url, timeout=2):
                    return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
        raise RuntimeError(f"{name} did not come up at {url}:\n{self.log(name)[-4000:]}")


def make_env(workdir: Path, extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
    """Environment for a test stack: fresh ports, temporary SQLite files, test secrets."""
    env = dict(os.environ)
    env.update({
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PYTHONHASHSEED": "0",
        "PYTHONPATH": str(ROOT),
        "MUNICIPALITY": "het-hogeland",
        "DATABASE_URL": f"sqlite:///{workdir / 'assistant.db'}",
        "TRACKER_STORE_URL": f"sqlite:///{workdir / 'tracker.db'}",
        "RASA_PORT": str(free_port()),
        "ACTIONS_PORT": str(free_port()),
        "CONSOLE_PORT": str(free_port()),
        "TELEGRAM_TOKEN": "",
        "TELEGRAM_SECRET": "",
        "TELEGRAM_PUBLIC_URL": "",
        "TELEGRAM_API_BASE": "",
        "WHATSAPP_TOKEN": "", "WHATSAPP_APP_SECRET": "", "WHATSAPP_VERIFY_TOKEN": "",
        "WHATSAPP_PHONE_NUMBER_ID": "", "WHATSAPP_API_BASE": "",
        "RASA_API_TOKEN": "test-token",
        "REST_TOKEN": REST_TOKEN,
        "ACTION_SERVER_TOKEN": "test-action-token",
        "TRUSTED_PROXIES": "",
        # Office hours are part of the handoff logic; tests pin the clock via this variable.
        "ASSISTANT_NOW": "2026-11-24T10:00:00",  # a Tuesday morning: inside office hours
    })
    env["RASA_URL"] = f"http://127.0.0.1:{env['RASA_PORT']}"
    env["ACTION_SERVER_URL"] = f"http://127.0.0.1:{env['ACTIONS_PORT']}/webhook"
    env["CONSOLE_URL"] = f"http://127.0.0.1:{env['CONSOLE_PORT']}"
    env["ALLOWED_ORIGINS"] = f"{env['CONSOLE_URL']},http://localhost:{env['CONSOLE_PORT']}"
    env.update(extra or {})
    return env
