"""The harness of the browser tests (tests/browser): Debian's Chromium, a staff console started
as its own process, the keyboard login, and the web chat widget as a resident uses it.

Why here: every browser module started the console, launched Chromium and logged in the same
way, some by importing from another test module; one harness keeps them alike. The ``browser``
fixture is in tests/browser/conftest.py; each module keeps its own scenario (fake Rasa messages,
staff, tickets).
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, Mapping, Optional, Sequence, Union

import pytest
from playwright.sync_api import Browser, Page, expect

from kcc.tickets import TicketDraft
from tests.support.stack import MODEL, ROOT, Stack, free_port
from tests.support.fakes import FakeRasa, ThreadedServer

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "var" / "artifacts"  # screenshots
PASSWORD = "een heel goed wachtwoord"  # of every staff member the browser tests create

NEEDS_CHROMIUM = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                    reason="needs Debian chromium (make browser)")
NEEDS_MODEL = pytest.mark.skipif(not MODEL.exists(),
                                 reason=f"needs a trained model at {MODEL} (make train)")


# -- the staff console ---------------------------------------------------------------------
def console_env(**values: str) -> Dict[str, str]:
    """The environment of a console on its own (no stack): this process's, plus ``values``."""
    return {**os.environ, "MUNICIPALITY": "het-hogeland", "PYTHONPATH": str(ROOT), **values}


@dataclass
class RunningConsole:
    url: str
    process: subprocess.Popen
    log: Path  # the console's stdout and stderr


@contextmanager
def start_console(env: Mapping[str, str], port: Optional[int] = None, *,
                  argv: Optional[Sequence[str]] = None, log: Optional[Path] = None,
                  timeout: float = 60.0) -> Iterator[RunningConsole]:
    """A console process (``python -m kcc.server --port PORT``, or ``python *argv``) that answers
    /healthz; stopped on leaving. If it exits or does not answer within ``timeout`` seconds, a
    RuntimeError shows its output.

    Why a log file, not a pipe: nobody reads a pipe while the test runs, and a full one would
    block the console.
    """
    port = free_port() if port is None else port
    argv = list(argv) if argv is not None else ["-m", "kcc.server", "--port", str(port)]
    own_log = log is None
    if log is None:
        handle, name = tempfile.mkstemp(prefix="console-", suffix=".log")
        os.close(handle)
        log = Path(name)
    url = f"http://127.0.0.1:{port}"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, *argv], cwd=ROOT, env=dict(env), stdout=out,
                                stderr=subprocess.STDOUT)
        try:
            _wait_healthy(proc, url, log, timeout)
            yield RunningConsole(url=url, process=proc, log=log)
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
    if own_log:
        log.unlink(missing_ok=True)


@contextmanager
def start_console_on_fake_rasa(rasa: FakeRasa, log: Path, **env: str) -> Iterator[RunningConsole]:
    """:func:`start_console` (environment :func:`console_env` with ``env``) against ``rasa``
    served on loopback."""
    rasa_server = ThreadedServer(rasa.app()).start()
    try:
        with start_console(console_env(RASA_URL=rasa_server.url, RASA_API_TOKEN=rasa.token, **env),
                           log=log) as running:
            yield running
    finally:
        rasa_server.stop()


def _wait_healthy(proc: subprocess.Popen, url: str, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=2).close()
            return
        except OSError:
            if proc.poll() is not None:
                problem = f"the console exited with code {proc.returncode}"
            elif time.monotonic() > deadline:
                problem = f"the console did not answer {url}/healthz within {timeout:.0f} s"
            else:
                time.sleep(0.2)
                continue
            raise RuntimeError(f"{problem}; its output:\n{log.read_text(errors='replace')}")


def draft(cid: str, **kw) -> TicketDraft:
    """A live web chat ticket about household help, with ``kw`` changed."""
    values = dict(conversation_id=cid, episode=1, channel="webchat", municipality="het-hogeland",
                  topic="huishoudelijke_hulp", ladder_rung="voorliggend_veld", mode="live",
                  summary="Inwoner: 'Ik kan mijn huis niet meer schoonmaken sinds mijn operatie.' "
                          "Bot bood aan: hulp uit het netwerk, WeHelpen, Sociaal Loket.")
    values.update(kw)
    return TicketDraft(**values)


def staff_page(browser: Browser) -> Page:
    """A page in a fresh browser context (its own cookies) at a desktop size, in Dutch."""
    return browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL").new_page()


def login(page_or_browser: Union[Page, Browser], url: str, username: str,
          password: str = PASSWORD) -> Page:
    """Log ``username`` in to the console at ``url`` with the keyboard only, and return the page.

    Given a Browser, a fresh context (see :func:`staff_page`). The login page asks for it at
    /console; the username field has focus, Tab goes to the password, Enter submits, and the
    queue follows at /console.
    """
    page = staff_page(page_or_browser) if isinstance(page_or_browser, Browser) else page_or_browser
    page.goto(f"{url}/console")
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    expect(page.get_by_label("Gebruikersnaam")).to_be_focused()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Wachtwoord")).to_be_focused()
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{url}/console")
    expect(page.get_by_role("heading", name="Wachtrij")).to_be_visible()
    return page


# -- the web chat widget (on the real stack) -----------------------------------------------
BOT = ".gca-msg--bot, .gca-msg--staff"
SESSION_KEY = "gemeente-chat:het-hogeland"


def demo_url(stack: Stack) -> str:
    return f"{stack.rasa_url}/webhooks/webchat/demo"


def resident_page(browser: Browser, stack: Stack) -> Page:
    """The widget's demo page in a fresh browser context at a desktop size, in Dutch."""
    page = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL").new_page()
    page.goto(demo_url(stack))
    return page


def bot_count(page: Page) -> int:
    return page.locator(BOT).count()


def wait_for_reply(page: Page, before: int, timeout: float = 30_000) -> None:
    page.wait_for_function("([sel, n]) => document.querySelectorAll(sel).length > n",
                           arg=[BOT, before], timeout=timeout)
    expect(page.locator(".gca-typing")).to_be_hidden(timeout=timeout)


def open_chat(page: Page, timeout: float = 30_000) -> None:
    page.get_by_role("button", name="Stel uw vraag").click()
    wait_for_reply(page, 0, timeout)


def ask(page: Page, text: str, timeout: float = 30_000) -> None:
    before = bot_count(page)
    page.get_by_label("Uw vraag of bericht").fill(text)
    page.get_by_role("button", name="Verstuur").click()
    wait_for_reply(page, before, timeout)
