"""Presence decides what a resident is offered, in Chromium against the real assistant: a worker
who sets away leaves the resident the callback offer at once; an available worker means a queue
place, then the takeover."""
from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from kcc.auth import StaffAuth
from kcc.models import Staff
from kcc.presence import PresenceBoard
from kcc.tickets import TicketStore
from tests.support.stack import Stack
from tests.support.browser import (ARTIFACTS, NEEDS_CHROMIUM, NEEDS_MODEL, PASSWORD, SESSION_KEY,
                                   ask, login, open_chat, resident_page)

pytestmark = [pytest.mark.browser, NEEDS_MODEL, NEEDS_CHROMIUM]


def _everyone_away(stack: Stack) -> None:
    """Other tests on this shared stack may have left someone available."""
    board = PresenceBoard(stack.database_url)
    with board._session() as s:  # noqa: SLF001 - test set-up
        ids = [row.id for row in s.query(Staff).all()]
    for staff_id in ids:
        board.set_status(staff_id, "away")


def test_away_means_a_callback_at_once_and_available_a_place_then_the_takeover(
        browser: Browser, stack: Stack) -> None:
    try:
        StaffAuth(stack.database_url).create_staff("petra", PASSWORD, "Petra")
    except ValueError:
        pass
    _everyone_away(stack)
    worker = login(browser, stack.console_url, "petra")
    status = worker.get_by_label("Uw status")
    expect(status).to_have_value("available")
    status.select_option("away")
    expect(worker.locator("#live-status")).to_contain_text("Afwezig")

    resident = resident_page(browser, stack)
    open_chat(resident)
    ask(resident, "Ik wil een medewerker spreken")
    last = resident.locator(".gca-msg--bot").last
    expect(resident.locator(".gca-msg--bot").filter(has_text="geen medewerker beschikbaar")).to_have_count(1)
    expect(last.get_by_role("button", name="Ja, bel mij")).to_be_visible()
    resident.screenshot(path=str(ARTIFACTS / "widget-nobody-available.png"))

    # Petra is back: the next request waits in the queue for her, and she takes it over.
    status.select_option("available")
    expect(worker.locator("#live-status")).to_contain_text("Beschikbaar")
    ask(resident, "Ik wil toch liever chatten met een medewerker")
    waiting = resident.locator(".gca-msg--bot").filter(has_text="wachtrij")
    expect(waiting.last).to_contain_text("1 medewerker beschikbaar")
    expect(waiting.last).to_contain_text("U bent de eerste in de wachtrij")
    session = resident.evaluate(f"localStorage.getItem('{SESSION_KEY}')")
    ticket = TicketStore(stack.database_url).open_for_conversation(session)
    assert ticket is not None and ticket.mode == "live"
    worker.goto(f"{stack.console_url}/console")
    worker.locator(f'#queue a[href="/console/tickets/{ticket.id}"]').click()
    worker.get_by_role("button", name="Gesprek overnemen").click()
    expect(resident.locator("#gca-title")).to_have_text("U praat met Petra van de gemeente",
                                                        timeout=30_000)
    resident.screenshot(path=str(ARTIFACTS / "widget-queue-place-then-takeover.png"))
    worker.context.close()
    resident.context.close()
