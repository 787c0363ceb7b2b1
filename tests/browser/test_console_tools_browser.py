"""The worker's tools in headless Chromium: saved replies with the keyboard, a private note,
a callback attempt, a transfer to a colleague (the console against a fake Rasa)."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, expect

from kcc.auth import StaffAuth
from kcc.tickets import TicketStore
from tests.support.browser import (ARTIFACTS, NEEDS_CHROMIUM, PASSWORD, draft, login,
                                   start_console_on_fake_rasa)
from tests.support.fakes import FakeRasa

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]


@pytest.fixture
def console_process(tmp_path: Path) -> Iterator[dict]:
    rasa = FakeRasa()
    rasa.say("web-1", "user", "Ik kan mijn huis niet meer schoonmaken.")
    rasa.say("web-1", "bot", "Ik zoek een medewerker voor u. Een moment.")
    db_url = f"sqlite:///{tmp_path / 'tools.db'}"
    auth = StaffAuth(db_url)
    auth.create_staff("anna", PASSWORD, "Anna")
    auth.create_staff("bert", PASSWORD, "Bert")
    store = TicketStore(db_url)
    with start_console_on_fake_rasa(rasa, tmp_path / "console.log",
                                    DATABASE_URL=db_url) as running:
        yield {"url": running.url, "rasa": rasa, "store": store, "db_url": db_url}


def test_a_saved_reply_is_inserted_with_the_keyboard_and_a_note_stays_private(
        console_process: dict, browser: Browser) -> None:
    url, rasa, store = console_process["url"], console_process["rasa"], console_process["store"]
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


def test_a_callback_attempt_is_recorded(console_process: dict, browser: Browser) -> None:
    url, store = console_process["url"], console_process["store"]
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


def test_a_transfer_reaches_the_colleague(console_process: dict, browser: Browser) -> None:
    url, rasa, store = console_process["url"], console_process["rasa"], console_process["store"]
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


def test_a_new_urgent_ticket_rings_and_notifies_only_after_a_gesture(
        console_process: dict, browser: Browser) -> None:
    url, store = console_process["url"], console_process["store"]
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
    login(page, url, "anna")  # the queue is shown
    queue = page.locator("#queue")
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
