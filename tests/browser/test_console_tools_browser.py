"""The worker's tools in headless Chromium: saved replies with the keyboard, a private note,
a callback attempt, a transfer to a colleague (the console against a fake Rasa)."""
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
from kcc.tickets import TicketStore
from tests.browser.test_console_browser import ARGS, ARTIFACTS, CHROMIUM, draft
from tests.integration.stack import ROOT, free_port
from tests.support.fakes import FakeRasa, ThreadedServer

pytestmark = pytest.mark.browser
PASSWORD = "een heel goed wachtwoord"


@pytest.fixture
def console(tmp_path: Path) -> Iterator[dict]:
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed")
    rasa = FakeRasa()
    rasa.say("web-1", "user", "Ik kan mijn huis niet meer schoonmaken.")
    rasa.say("web-1", "bot", "Ik zoek een medewerker voor u. Een moment.")
    rasa_server = ThreadedServer(rasa.app()).start()
    db_url = f"sqlite:///{tmp_path / 'tools.db'}"
    auth = StaffAuth(db_url)
    auth.create_staff("anna", PASSWORD, "Anna")
    auth.create_staff("bert", PASSWORD, "Bert")
    store = TicketStore(db_url)
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
        yield {"url": url, "rasa": rasa, "store": store, "db_url": db_url}
    finally:
        proc.terminate()
        proc.wait(15)
        rasa_server.stop()


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def login(browser, url: str, username: str):
    from playwright.sync_api import expect

    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL").new_page()
    page.goto(f"{url}/console")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_label("Wachtwoord").press("Enter")
    expect(page.get_by_role("heading", name="Wachtrij")).to_be_visible()
    return page


def test_a_saved_reply_is_inserted_with_the_keyboard_and_a_note_stays_private(console, browser) -> None:
    from playwright.sync_api import expect

    url, rasa, store = console["url"], console["rasa"], console["store"]
    tid = store.create(draft("web-1"))[0].id
    page = login(browser, url, "anna")
    page.goto(f"{url}/console/tickets/{tid}")
    page.keyboard.press("o")  # shortcut: take over the conversation
    expect(page.get_by_role("status").filter(has_text="overgenomen")).to_be_visible()
    page.keyboard.press("b")  # shortcut: to the reply box
    box = page.get_by_label("Uw bericht")
    expect(box).to_be_focused()
    page.keyboard.press("/")  # in an empty message: search the saved replies
    search = page.get_by_label("Standaardantwoord zoeken")
    expect(search).to_be_focused()
    page.keyboard.type("loket")
    expect(page.locator("#saved-list .saved-option:not([hidden])")).to_have_count(1)
    page.keyboard.press("Enter")
    expect(box).to_be_focused()
    expect(box).to_have_value("Ik geef uw vraag door aan het Sociaal Loket. Een consulent neemt "
                              "binnen 5 werkdagen contact met u op. U hoeft daarvoor niets te doen.")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_role("status").filter(has_text="verstuurd")).to_be_visible()
    expect(box).to_be_focused()
    sent = rasa.intents("EXTERNAL_staff_message")[0]["body"]["entities"]["staff_text"]
    assert sent.startswith("Ik geef uw vraag door aan het Sociaal Loket")

    # A private note: on the ticket, never in the resident's conversation.
    page.keyboard.press("Escape")
    page.keyboard.press("n")
    expect(page.get_by_label("Nieuwe notitie")).to_be_focused()
    page.keyboard.type("Beloofd: het loket belt morgen voor 12 uur.")
    page.get_by_role("button", name="Notitie bewaren").click()
    expect(page.locator("#notes")).to_contain_text("Beloofd: het loket belt morgen")
    expect(page.locator("#transcript")).to_contain_text("Ik geef uw vraag door")
    expect(page.locator("#transcript")).not_to_contain_text("Beloofd")
    assert all("Beloofd" not in str(call) for call in rasa.calls)
    assert all("Beloofd" not in (e.get("text") or "") for e in rasa.events["web-1"])
    page.screenshot(path=str(ARTIFACTS / "console-tools.png"), full_page=True)


def test_a_callback_attempt_is_recorded(console, browser) -> None:
    from playwright.sync_api import expect

    url, store = console["url"], console["store"]
    tid = store.create(draft("cb-1", mode="callback", contact_preference="telefoon", consent=True,
                             contact_value="06 12345678"))[0].id
    page = login(browser, url, "anna")
    page.get_by_role("link", name="Terugbellen").click()
    expect(page.get_by_role("heading", name="Terugbellen")).to_be_visible()
    expect(page.locator("#callbacks")).to_contain_text("06 12345678")
    page.get_by_role("link", name=f"#{tid}", exact=False).click()
    page.get_by_role("button", name="Terugbelverzoek oppakken").click()
    for _ in range(3):
        page.get_by_label("Niet bereikt").check()
        page.get_by_role("button", name="Poging bewaren").click()
        expect(page.get_by_role("status").filter(has_text="De poging is bewaard")).to_be_visible()
    expect(page.locator("#gave-up")).to_contain_text("3 pogingen mislukt")
    expect(page.locator("#attempts li")).to_have_count(3)
    page.goto(f"{url}/console/callbacks")
    expect(page.locator("#callbacks")).to_contain_text("3 pogingen mislukt")
    page.screenshot(path=str(ARTIFACTS / "console-callbacks.png"), full_page=True)


def test_a_transfer_reaches_the_colleague(console, browser) -> None:
    from playwright.sync_api import expect

    url, rasa, store = console["url"], console["rasa"], console["store"]
    tid = store.create(draft("web-1"))[0].id
    anna = login(browser, url, "anna")
    bert = login(browser, url, "bert")  # Bert has the queue open
    anna.goto(f"{url}/console/tickets/{tid}")
    anna.get_by_role("button", name="Gesprek overnemen").click()
    anna.get_by_label("Collega", exact=True).select_option("bert")
    anna.get_by_label("Notitie voor uw collega").fill("Mevrouw wil weten of de Wmo de schoonmaak betaalt.")
    anna.get_by_role("button", name="Aanbieden").click()
    expect(anna.get_by_role("status").filter(has_text="aangeboden aan uw collega")).to_be_visible()
    # Bert's open queue shows the offer by itself (live), with the note.
    inbox = bert.locator("#transfers-inbox")
    expect(inbox).to_contain_text("Mevrouw wil weten of de Wmo", timeout=15000)
    bert.screenshot(path=str(ARTIFACTS / "console-transfer.png"), full_page=True)
    inbox.get_by_role("button", name="Aannemen").click()
    expect(bert.get_by_role("status").filter(has_text="U hebt het ticket aangenomen")).to_be_visible()
    expect(bert.get_by_label("Uw bericht")).to_be_visible()  # Bert can reply now
    assert store.get(tid).staff == "bert"
    assert rasa.intents("EXTERNAL_takeover_start")[-1]["body"]["entities"] == {"agent": "Bert"}
    anna.reload()
    expect(anna.locator("aside")).to_contain_text("Opgepakt door Bert")


def test_a_new_urgent_ticket_rings_and_notifies_only_after_a_gesture(console, browser) -> None:
    from playwright.sync_api import expect

    url, store = console["url"], console["store"]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    context.grant_permissions(["notifications"], origin=url)
    page = context.new_page()
    page.add_init_script("""
        window.__shown = [];
        const Real = window.Notification;
        window.Notification = function (title, options) { window.__shown.push(title); return new Real(title, options); };
        window.Notification.permission = Real.permission;
        window.Notification.requestPermission = () => Real.requestPermission();
    """)
    page.goto(f"{url}/console")
    page.get_by_label("Gebruikersnaam").fill("anna")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_label("Wachtwoord").press("Enter")
    queue = page.locator("#queue")
    expect(page.get_by_role("heading", name="Wachtrij")).to_be_visible()
    first = store.create(draft("urgent-1", urgency="urgent", summary="Inwoner: 'ik ben bang.'"))[0].id
    expect(queue).to_have_attribute("data-alerted", str(first), timeout=15000)
    assert queue.get_attribute("data-alert-sound") == "0"  # no gesture yet: no sound,
    assert queue.get_attribute("data-alert-notification") == "0"  # and no notification
    page.get_by_role("button", name="Geluid en melding bij spoed aanzetten").click()
    expect(page.locator("#alerts-state")).to_contain_text("meldingen aan")
    second = store.create(draft("urgent-2", urgency="urgent", summary="Inwoner: 'help.'"))[0].id
    expect(queue).to_have_attribute("data-alerted", f"{first},{second}", timeout=15000)
    assert queue.get_attribute("data-alert-notification") == "1"
    assert page.evaluate("window.__shown") == ["Nieuw spoedticket"]
    context.close()
