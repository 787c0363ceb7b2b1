"""The console in headless Chromium: keyboard login, live queue, claim, reply, hand back."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from kcc.auth import StaffAuth
from tests.support.fakes import FakeRasa, ThreadedServer
from kcc.tickets import TicketDraft, TicketStore
from tests.integration.stack import ROOT, free_port

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = ROOT / "var" / "artifacts"
PASSWORD = "een heel goed wachtwoord"


def draft(cid: str, **kw) -> TicketDraft:
    values = dict(conversation_id=cid, episode=1, channel="webchat", municipality="het-hogeland",
                  topic="huishoudelijke_hulp", ladder_rung="voorliggend_veld", mode="live",
                  summary="Inwoner: 'Ik kan mijn huis niet meer schoonmaken sinds mijn operatie.' "
                          "Bot bood aan: hulp uit het netwerk, WeHelpen, Sociaal Loket.")
    values.update(kw)
    return TicketDraft(**values)


@pytest.fixture
def console(tmp_path: Path) -> Iterator[dict]:
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed")
    rasa = FakeRasa()
    rasa.say("web-1", "user", "Ik kan mijn huis niet meer schoonmaken.")
    rasa.say("web-1", "bot", "Dat is vervelend. Kan iemand uit uw omgeving helpen?",
             data={"buttons": [{"title": "Ja", "payload": "/ladder_helps"},
                               {"title": "Nee, dat lukt niet", "payload": "/ladder_fails"}]})
    rasa.say("web-1", "user", "Nee, ik wil een medewerker spreken.")
    rasa.say("web-1", "bot", "Ik zoek een medewerker voor u. Een moment.")
    rasa_server = ThreadedServer(rasa.app()).start()
    db_url = f"sqlite:///{tmp_path / 'browser.db'}"
    StaffAuth(db_url).create_staff("anna", PASSWORD, "Anna")
    store = TicketStore(db_url)
    store.create(draft("web-1"))
    store.create(draft("tg-7", channel="telegram", topic="mantelzorg", urgency="high",
                       summary="Inwoner: 'Ik zorg voor mijn moeder en ik kan niet meer.'"))
    port = free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "RASA_URL": rasa_server.url,
           "RASA_API_TOKEN": rasa.token, "MUNICIPALITY": "het-hogeland", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "kcc.server", "--port", str(port)], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(proc.stdout.read().decode(errors="replace"))
            time.sleep(0.2)
    try:
        yield {"url": url, "rasa": rasa, "store": store}
    finally:
        proc.terminate()
        proc.wait(15)
        rasa_server.stop()


def test_console_in_chromium(console: dict) -> None:
    from playwright.sync_api import expect, sync_playwright

    url, rasa, store = console["url"], console["rasa"], console["store"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="nl-NL")
        try:
            page.goto(f"{url}/console")
            expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()

            # keyboard only: the username field has focus, Tab to the password, Enter submits
            expect(page.get_by_label("Gebruikersnaam")).to_be_focused()
            page.keyboard.type("anna")
            page.keyboard.press("Tab")
            expect(page.get_by_label("Wachtwoord")).to_be_focused()
            page.keyboard.type(PASSWORD)
            page.keyboard.press("Enter")
            expect(page.get_by_role("heading", name="Wachtrij")).to_be_visible()
            rows = page.locator("#queue tbody tr")
            expect(rows).to_have_count(2)
            expect(rows.first).to_contain_text("Hoog")  # urgency first

            # a new urgent ticket appears without reloading (SSE)
            store.create(draft("web-9", urgency="urgent", topic="huiselijk_geweld_veiligheid",
                               summary="Inwoner: 'Ik voel me thuis niet veilig.'"))
            expect(rows).to_have_count(3, timeout=15000)
            expect(rows.first).to_contain_text("Spoed")
            page.screenshot(path=str(ARTIFACTS / "console-queue.png"), full_page=True)

            page.get_by_role("link", name="Huishoudelijke hulp").click()
            expect(page.get_by_role("heading", name="Gesprek", exact=True)).to_be_visible()
            transcript = page.locator("#transcript")
            expect(transcript).to_contain_text("Nee, ik wil een medewerker spreken.")
            page.get_by_role("button", name="Gesprek overnemen").click()
            expect(page.get_by_role("status").filter(has_text="overgenomen")).to_be_visible()
            start = rasa.intents("EXTERNAL_takeover_start")[0]
            assert start["body"]["entities"] == {"agent": "Anna"}

            page.get_by_label("Uw bericht").fill("Goedemiddag, u spreekt met Anna van de gemeente. "
                                                 "Ik help u verder.")
            page.get_by_role("button", name="Versturen").click()
            expect(page.get_by_role("status").filter(has_text="verstuurd")).to_be_visible()
            expect(page.get_by_label("Uw bericht")).to_be_focused()  # no reload, keep typing
            expect(page.get_by_label("Uw bericht")).to_have_value("")
            sent = rasa.intents("EXTERNAL_staff_message")[0]
            assert sent["body"]["entities"]["staff_text"].startswith("Goedemiddag, u spreekt")
            assert sent["query"]["output_channel"] == "webchat"
            expect(page.locator("#transcript")).to_contain_text("Anna (medewerker)")

            # the resident answers; the open page shows it by itself
            rasa.say("web-1", "user", "Dank u wel, fijn dat u er bent.")
            expect(page.locator("#transcript")).to_contain_text("fijn dat u er bent", timeout=15000)
            page.screenshot(path=str(ARTIFACTS / "console.png"), full_page=True)

            page.locator("#handback-outcome").select_option("beantwoord")
            page.get_by_role("button", name="Terug naar de assistent").click()
            expect(page.get_by_role("status").filter(has_text="teruggegeven")).to_be_visible()
            end = rasa.intents("EXTERNAL_takeover_end")[0]["body"]["entities"]
            assert end == {"agent": "Anna", "outcome": "resume"}
        finally:
            browser.close()
