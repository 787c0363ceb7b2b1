"""Issue 20 in headless Chromium, on the real stack (Rasa + action server + console): beheerder A
changes opening hours and a ladder text, the B1 check warns while typing, A cannot publish alone,
beheerder B approves, the widget shows the new text on the next conversation, A rolls back and
the widget shows the national text again."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from kcc.auth import StaffAuth
from tests.browser.test_console_browser import ARGS, ARTIFACTS, CHROMIUM, PASSWORD
from tests.browser.test_widget_browser import bot_count, demo_url, wait_for_reply
from tests.integration.stack import MODEL, Stack

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not MODEL.exists(), reason=f"needs a trained model at {MODEL} (make train)"),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian chromium (make browser)"),
]

SLUG = "het-hogeland"
ENTRY = "hulp-bij-het-huishouden"
QUESTION = "Ik kan mijn huis niet meer schoonmaken"
OLD_ZELF = "Maak het werk kleiner"  # the national ladder text (rung "zelf") of ENTRY
NEW_ZELF = "Zet een wekker en ruim elke dag een kast op. Zo blijft het werk klein."
LONG = ("Als u hulp nodig heeft bij het huishouden en u dat niet zelf kunt regelen met uw familie "
        "of buren dan kunt u altijd contact opnemen met het Sociaal Loket.")
RUNG_INTRO = "Dit kunt u misschien zelf doen"
REPLY = 90_000  # the CPU is shared with other runs


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def console_page(browser: Browser, stack: Stack, username: str) -> Page:
    """A fresh browser context with ``username`` logged in to the console."""
    page = browser.new_context(viewport={"width": 1280, "height": 900},
                               locale="nl-NL").new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{stack.console_url}/console/login")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{stack.console_url}/console")
    return page


def widget_answer(browser: Browser, stack: Stack) -> str:
    """What a new resident reads in the web chat after asking QUESTION."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL")
    page = context.new_page()
    try:
        page.goto(demo_url(stack))
        page.get_by_role("button", name="Stel uw vraag").click()
        wait_for_reply(page, 0, REPLY)
        before = bot_count(page)
        page.get_by_label("Uw vraag of bericht").fill(QUESTION)
        page.get_by_role("button", name="Verstuur").click()
        wait_for_reply(page, before, REPLY)
        expect(page.locator(".gca-log")).to_contain_text(RUNG_INTRO, timeout=REPLY)
        return page.locator(".gca-log").inner_text()
    finally:
        context.close()


def test_edit_four_eyes_widget_and_rollback(browser: Browser, stack: Stack) -> None:
    auth = StaffAuth(stack.database_url)
    for username in ("aafke", "bram"):
        auth.create_staff(username, PASSWORD, username.title(), role="beheerder",
                          municipalities=[SLUG])
    catalogue = f"{stack.console_url}/console/catalogue/{SLUG}"

    # Before any edit the resident gets the national text (this also loads the catalogue).
    before = widget_answer(browser, stack)
    assert OLD_ZELF in before and NEW_ZELF not in before, before

    a = console_page(browser, stack, "aafke")
    # Opening hours: Friday only in the morning.
    a.goto(f"{catalogue}/gemeente")
    friday = a.get_by_label("Openingstijden vrijdag")
    expect(friday).to_have_value("08:30-17:00")
    friday.fill("08:30-12:00")
    a.get_by_role("button", name="Opslaan in concept").click()
    expect(a.locator("p.alert-ok")).to_contain_text("Opgeslagen in het concept")
    expect(a.get_by_label("Openingstijden vrijdag")).to_have_value("08:30-12:00")

    # The ladder text: a 30-word sentence typed in gets a visible B1 warning, then the real text.
    a.goto(f"{catalogue}/entries/{ENTRY}")
    zelf = a.get_by_label("Ladder: zelf")
    expect(zelf).to_contain_text(OLD_ZELF)
    report = a.locator("#" + zelf.get_attribute("data-b1"))
    assert len(LONG.split()) == 30
    zelf.fill("")
    zelf.press_sequentially(LONG)
    expect(report.locator(".b1-warning")).to_be_visible(timeout=REPLY)
    expect(report).to_contain_text("niet makkelijk genoeg")
    expect(report).to_contain_text("Deze zin heeft 30 woorden")
    a.screenshot(path=str(ARTIFACTS / "catalogue-b1.png"), full_page=True)
    zelf.fill(NEW_ZELF)
    a.get_by_role("button", name="Opslaan in concept").click()
    expect(a.locator("p.alert-ok")).to_contain_text("Opgeslagen in het concept")
    expect(a.get_by_label("Ladder: zelf")).to_have_value(NEW_ZELF)

    # A cannot publish alone: the button is disabled, and a forced submit is refused.
    a.goto(catalogue)
    approve = a.get_by_role("button", name="Goedkeuren en publiceren")
    expect(approve).to_be_disabled()
    expect(a.get_by_text("U kunt het daarom niet zelf goedkeuren.")).to_be_visible()
    a.evaluate("() => { const b = [...document.querySelectorAll('button')].find("
               "x => x.textContent.includes('Goedkeuren')); b.disabled = false; b.click(); }")
    expect(a.get_by_role("alert")).to_contain_text("Een andere beheerder moet het goedkeuren")
    assert OLD_ZELF in widget_answer(browser, stack)  # nothing reached residents

    # B, in a second browser context, reviews the draft and approves it.
    b = console_page(browser, stack, "bram")
    b.goto(f"{catalogue}/geschiedenis")
    pending = b.locator("section", has=b.get_by_role("heading", name="Concept (nog niet gepubliceerd)"))
    expect(pending).to_contain_text("08:30-12:00")
    expect(pending).to_contain_text(NEW_ZELF)
    b.goto(catalogue)
    b.get_by_role("button", name="Goedkeuren en publiceren").click()
    expect(b.locator("p.alert-ok")).to_contain_text("Goedgekeurd")
    expect(b.get_by_text("versie 1 (goedgekeurd door bram)")).to_be_visible()
    b.screenshot(path=str(ARTIFACTS / "catalogue-approved.png"), full_page=True)

    after = widget_answer(browser, stack)
    assert NEW_ZELF in after and OLD_ZELF not in after, after

    # A rolls back to the national texts; the next resident reads the old text again.
    a.goto(catalogue)
    a.get_by_role("link", name="Geschiedenis en terugzetten").click()
    expect(a.get_by_role("heading", name="Versie 1")).to_be_visible()
    a.get_by_role("button", name="Terug naar alleen de landelijke teksten").click()
    expect(a.locator("p.alert-ok")).to_contain_text("Teruggezet")
    expect(a.get_by_role("heading", name="Versie 2")).to_be_visible()

    restored = widget_answer(browser, stack)
    assert OLD_ZELF in restored and NEW_ZELF not in restored, restored
    a.context.close()
    b.context.close()
