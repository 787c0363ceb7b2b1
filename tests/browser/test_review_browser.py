"""The beheerder's part of issue 19 in headless Chromium: a question the assistant could not
place and a 👎 arrive in the review inbox; the beheerder labels one by keyboard; the dashboard
shows the counts as SVG charts; a KCC account gets the Dutch 403 page."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest

from kcc.auth import StaffAuth
from kcc.feedback import FeedbackDraft, FeedbackStore
from tests.browser.test_console_browser import ARGS, CHROMIUM, PASSWORD
from tests.integration.stack import ROOT, free_port
from tests.unit.test_review import _unclear

pytestmark = pytest.mark.browser


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
def console(tmp_path: Path) -> Iterator[dict]:
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed")
    db_url = f"sqlite:///{tmp_path / 'browser.db'}"
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    asyncio.run(_store(tracker_url))
    auth = StaffAuth(db_url)
    auth.create_staff("bea", PASSWORD, "Bea", role="beheerder", municipalities=["het-hogeland"])
    auth.create_staff("anna", PASSWORD, "Anna")
    FeedbackStore(db_url).add(FeedbackDraft("web-2", "answer", "down", "webchat", "het-hogeland",
                                            "vervoer", "wmo-vervoer", "Hoe kom ik naar de dagbesteding"))
    port = free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "TRACKER_STORE_URL": tracker_url,
           "RASA_URL": "http://127.0.0.1:9", "MUNICIPALITY": "het-hogeland", "PYTHONPATH": str(ROOT),
           "REVIEWED_EXAMPLES_PATH": str(tmp_path / "nlu" / "reviewed_examples.yml")}
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
        yield {"url": url, "examples": tmp_path / "nlu" / "reviewed_examples.yml"}
    finally:
        proc.terminate()
        proc.wait(15)


def _login(page, url: str, username: str) -> None:
    page.goto(f"{url}/console/login")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{url}/console")


def test_review_inbox_label_and_dashboard_in_chromium(console: dict) -> None:
    from playwright.sync_api import expect, sync_playwright

    url = console["url"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        _login(page, url, "anna")
        assert page.goto(f"{url}/console/review").status == 403
        expect(page.get_by_role("heading", name="Geen toegang")).to_be_visible()
        page.context.clear_cookies()

        _login(page, url, "bea")
        page.get_by_role("link", name="Verbeterlijst").click()
        expect(page.get_by_text("kan ik ergens een scootmobiel lenen voor een dagje uit").first).to_be_visible()
        expect(page.get_by_text("Inwoner gaf 👎").first).to_be_visible()
        item = page.locator(".review-item", has_text="scootmobiel")
        item.get_by_label("Onderwerp").select_option("hulpmiddelen_woningaanpassing")
        item.get_by_role("button", name="Label opslaan").focus()
        page.keyboard.press("Enter")
        expect(page.locator("p.alert-ok")).to_contain_text("Voorbeeld toegevoegd")
        assert "scootmobiel lenen" in console["examples"].read_text(encoding="utf-8")
        expect(page.locator(".review-item", has_text="scootmobiel")).to_have_count(0)

        page.get_by_role("link", name="Dashboard").first.click()
        expect(page.locator("#kpi-conversations")).to_have_text("1")
        expect(page.locator("#kpi-thumbs")).to_have_text("0 / 1")
        expect(page.locator("svg.chart").first).to_be_visible()
        browser.close()
