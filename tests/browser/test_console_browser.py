"""The console in headless Chromium: keyboard login, live queue, claim, reply, hand back."""
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
    rasa.say("web-1", "bot", "Dat is vervelend. Kan iemand uit uw omgeving helpen?",
             data={"buttons": [{"title": "Ja", "payload": "/ladder_helps"},
                               {"title": "Nee, dat lukt niet", "payload": "/ladder_fails"}]})
    rasa.say("web-1", "user", "Nee, ik wil een medewerker spreken.")
    rasa.say("web-1", "bot", "Ik zoek een medewerker voor u. Een moment.")
    db_url = f"sqlite:///{tmp_path / 'browser.db'}"
    StaffAuth(db_url).create_staff("anna", PASSWORD, "Anna")
    store = TicketStore(db_url)
    store.create(draft("web-1"))
    store.create(draft("tg-7", channel="telegram", topic="mantelzorg", urgency="high",
                       summary="Inwoner: 'Ik zorg voor mijn moeder en ik kan niet meer.'"))
    with start_console_on_fake_rasa(rasa, tmp_path / "console.log",
                                    DATABASE_URL=db_url) as running:
        yield {"url": running.url, "rasa": rasa, "store": store}


def test_console_in_chromium(console_process: dict, browser: Browser) -> None:
    url, rasa, store = console_process["url"], console_process["rasa"], console_process["store"]
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    # keyboard only: the username field has focus, Tab to the password, Enter submits
    login(page, url, "anna")
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
