"""The beheerder's part of issue 19 in headless Chromium: a question the assistant could not
place and a 👎 arrive in the review inbox; the beheerder labels one by keyboard; the dashboard
shows the counts as SVG charts; a KCC account gets the Dutch 403 page."""
from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, expect

from kcc.auth import StaffAuth
from kcc.feedback import FeedbackDraft, FeedbackStore
from tests.support.stack import ROOT
from tests.support.browser import NEEDS_CHROMIUM, PASSWORD, console_env, login, start_console
from tests.unit.test_review import _unclear

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]


async def _store(url: str) -> None:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.tracker_store import MaskingSQLTrackerStore

    domain = Domain.from_directory(str(ROOT / "bot" / "domain"))
    store = MaskingSQLTrackerStore(domain=domain, host=url)
    now = datetime.now(timezone.utc).timestamp()
    events = _unclear("web-1", "kan ik ergens een scootmobiel lenen voor een dagje uit", now - 60)
    await store.save(DialogueStateTracker.from_events("web-1", events, domain.slots))


@pytest.fixture
def console_process(tmp_path: Path) -> Iterator[dict]:
    db_url = f"sqlite:///{tmp_path / 'browser.db'}"
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    with ThreadPoolExecutor(1) as thread:  # Playwright's event loop runs in this one
        thread.submit(asyncio.run, _store(tracker_url)).result()
    auth = StaffAuth(db_url)
    auth.create_staff("bea", PASSWORD, "Bea", role="beheerder", municipalities=["het-hogeland"])
    auth.create_staff("anna", PASSWORD, "Anna")
    FeedbackStore(db_url).add(FeedbackDraft("web-2", "answer", "down", "webchat", "het-hogeland",
                                            "vervoer", "wmo-vervoer", "Hoe kom ik naar de dagbesteding"))
    examples = tmp_path / "nlu" / "reviewed_examples.yml"
    env = console_env(DATABASE_URL=db_url, TRACKER_STORE_URL=tracker_url,
                      RASA_URL="http://127.0.0.1:9", REVIEWED_EXAMPLES_PATH=str(examples))
    with start_console(env, log=tmp_path / "console.log") as running:
        yield {"url": running.url, "examples": examples}


def test_review_inbox_label_and_dashboard_in_chromium(console_process: dict, browser: Browser) -> None:
    url = console_process["url"]
    page = browser.new_page()
    login(page, url, "anna")
    assert page.goto(f"{url}/console/review").status == 403
    expect(page.get_by_role("heading", name="Geen toegang")).to_be_visible()
    page.context.clear_cookies()

    login(page, url, "bea")
    page.get_by_role("link", name="Verbeterlijst").click()
    expect(page.get_by_text("kan ik ergens een scootmobiel lenen voor een dagje uit").first).to_be_visible()
    expect(page.get_by_text("Inwoner gaf 👎").first).to_be_visible()
    item = page.locator(".review-item", has_text="scootmobiel")
    item.get_by_label("Onderwerp").select_option("hulpmiddelen_woningaanpassing")
    item.get_by_role("button", name="Label opslaan").focus()
    page.keyboard.press("Enter")
    expect(page.locator("p.alert-ok")).to_contain_text("Voorbeeld toegevoegd")
    assert "scootmobiel lenen" in console_process["examples"].read_text(encoding="utf-8")
    expect(page.locator(".review-item", has_text="scootmobiel")).to_have_count(0)

    page.get_by_role("link", name="Dashboard").first.click()
    expect(page.locator("#kpi-conversations")).to_have_text("1")
    expect(page.locator("#kpi-thumbs")).to_have_text("0 / 1")
    expect(page.locator("svg.chart").first).to_be_visible()
