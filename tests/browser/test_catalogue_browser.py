"""Issue 20 in headless Chromium, on the real stack (Rasa + action server + console): beheerder A
changes opening hours and a ladder text, the B1 check warns while typing, A cannot publish alone,
beheerder B approves, the widget shows the new text on the next conversation, A rolls back and
the widget shows the national text again."""
from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from kcc.auth import StaffAuth
from tests.support.stack import Stack
from tests.support.browser import (ARTIFACTS, NEEDS_CHROMIUM, NEEDS_MODEL, PASSWORD, ask, login,
                                   open_chat, resident_page, staff_page)

pytestmark = [pytest.mark.browser, NEEDS_MODEL, NEEDS_CHROMIUM]

SLUG = "het-hogeland"
ENTRY = "hulp-bij-het-huishouden"
QUESTION = "Ik kan mijn huis niet meer schoonmaken"
OLD_ZELF = "Maak het werk kleiner"  # the national ladder text (rung "zelf") of ENTRY
NEW_ZELF = "Zet een wekker en ruim elke dag een kast op. Zo blijft het werk klein."
LONG = ("Als u hulp nodig heeft bij het huishouden en u dat niet zelf kunt regelen met uw familie "
        "of buren dan kunt u altijd contact opnemen met het Sociaal Loket.")
RUNG_INTRO = "Dit kunt u misschien zelf doen"
REPLY = 90_000  # the CPU is shared with other runs


def console_page(browser: Browser, stack: Stack, username: str) -> Page:
    """A fresh browser context with ``username`` logged in to the console."""
    page = staff_page(browser)
    page.set_default_timeout(30_000)
    return login(page, stack.console_url, username)


def widget_answer(browser: Browser, stack: Stack) -> str:
    """What a new resident reads in the web chat after asking QUESTION."""
    page = resident_page(browser, stack)
    try:
        open_chat(page, REPLY)
        ask(page, QUESTION, REPLY)
        expect(page.locator(".gca-log")).to_contain_text(RUNG_INTRO, timeout=REPLY)
        return page.locator(".gca-log").inner_text()
    finally:
        page.context.close()


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
