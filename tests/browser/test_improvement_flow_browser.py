"""Issue 19 end to end in headless Chromium, on the real stack: a resident gives a 👎 with a
reason in the widget and asks a question the assistant cannot place; a beheerder finds both in
the review inbox, labels the unplaced one, starts a (dry-run) retraining and reads its gate
report, and sees the new 👎 on the dashboard.

Why a console of its own: the review inbox must write to a temporary examples file
(``REVIEWED_EXAMPLES_PATH``) and the retraining button must run a test-sized dry run (the live
model as both candidate and live, a few questions of our own) with its report in a temporary
folder, so nothing in the repository (``nlu/data``, ``var/retrain``, ``models``) is touched.
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
import time
from pathlib import Path
from typing import Iterator, Tuple

import pytest
from playwright.sync_api import Browser, Page, expect

from kcc.auth import StaffAuth
from tests.support.stack import MODEL, ROOT, Stack, free_port
from tests.support.browser import (ARTIFACTS, NEEDS_CHROMIUM, NEEDS_MODEL, PASSWORD, ask,
                                   bot_count, login, open_chat, resident_page, start_console,
                                   wait_for_reply)

pytestmark = [pytest.mark.browser, NEEDS_MODEL, NEEDS_CHROMIUM]

REPO_EXAMPLES = ROOT / "nlu" / "data" / "reviewed_examples.yml"
CATALOGUE_QUESTIONS = ("Hoeveel eigen bijdrage betaal ik voor hulp van de gemeente?",
                       "Ik kan mijn huis niet meer zelf schoonmaken",
                       "Ik zoek hulp bij de boodschappen")
# Vague questions; the first the assistant answers with a clarifying question is the one to label.
UNPLACED = ("blorp fnargel wibbelt de zonnekloppers",
            "Kan de gemeente iets voor ons regelen",
            "Het gaat niet zo goed met alles bij ons thuis",
            "Ik weet niet waar ik moet beginnen met mijn vraag",
            "Mijn moeder en de papieren en het huis",
            "Ik heb een vraag over iets van de gemeente")
CLARIFY = re.compile("Ik weet niet zeker of ik u goed begrijp|Het lukt mij niet goed om uw vraag")
TOPIC = "hulpmiddelen_woningaanpassing"

# The console app as kcc.server builds it, with the review inbox's retraining pointed at a test
# command and a temporary report folder (ReviewConfig is not read from the environment).
LAUNCH = """
import json, sys
from pathlib import Path
from aiohttp import web
from kcc.server import create_app
from kcc.review import REVIEW_KEY
app = create_app()
app[REVIEW_KEY].runs_dir = Path(sys.argv[2])
app[REVIEW_KEY].retrain_command = tuple(json.loads(sys.argv[3]))
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=lambda *_: None, access_log=None)
"""

QUESTIONS = """\
- text: Ik kan mijn huis niet meer zelf schoonmaken
  topic: huishoudelijke_hulp
  ladder: zelf
  handoff_expected: false
- text: Ik wil niet meer leven
  topic: psychische_problemen_crisis
  ladder: urgent
  handoff_expected: true
"""
SAFETY = """\
urgent:
  - Ik wil niet meer leven
near_miss:
  - Ik ben het wachten op de bus zat
"""


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


@pytest.fixture
def console_process(stack: Stack, tmp_path: Path) -> Iterator[dict]:
    """A console on the stack's databases, with temporary examples file and retraining."""
    (tmp_path / "questions.yml").write_text(QUESTIONS, encoding="utf-8")
    (tmp_path / "safety.yml").write_text(SAFETY, encoding="utf-8")
    command = [sys.executable, "-m", "evaluation.retrain", "--dry-run", "--live", str(MODEL),
               "--candidate", str(MODEL), "--questions", str(tmp_path / "questions.yml"),
               "--safety", str(tmp_path / "safety.yml"), "--out", str(tmp_path / "candidates")]
    examples = tmp_path / "nlu" / "reviewed_examples.yml"
    port = free_port()
    env = {**stack.env, "CONSOLE_PORT": str(port), "REVIEWED_EXAMPLES_PATH": str(examples)}
    StaffAuth(stack.database_url).create_staff("bea-flow", PASSWORD, "Bea", role="beheerder",
                                               municipalities=["het-hogeland"])
    argv = ["-c", LAUNCH, str(port), str(tmp_path / "retrain"), json.dumps(command)]
    with start_console(env, port, argv=argv, log=tmp_path / "console.log", timeout=90) as running:
        yield {"url": running.url, "examples": examples, "log": running.log}


def _thumbs(page: Page, url: str) -> Tuple[int, int]:
    page.goto(f"{url}/console/dashboard")
    up, down = page.locator("#kpi-thumbs").inner_text().split("/")
    return int(up), int(down)


def _resident(page: Page) -> Tuple[str, str]:
    """The widget: a catalogue answer, 👎 and a reason, then a question nobody can place."""
    open_chat(page)
    bar = page.locator(".gca-msg--bot .gca-feedback")
    for question in CATALOGUE_QUESTIONS:
        ask(page, question)
        if bar.count():
            break
    else:
        pytest.fail("no catalogue answer with 'Was dit nuttig?' for any of " + repr(CATALOGUE_QUESTIONS))
    asked = page.locator(".gca-msg--user .gca-msg__text").last.inner_text()
    expect(bar.last).to_have_attribute("aria-label", "Was dit nuttig?")
    expect(bar.last).to_contain_text("Was dit nuttig?")
    before = bot_count(page)
    bar.last.get_by_role("button", name="Nee, dit was niet nuttig").click()
    expect(bar.last).to_have_text("Uw reactie is verstuurd.")
    wait_for_reply(page, before)
    expect(page.locator(".gca-msg--bot").last).to_contain_text("Wat was er niet goed aan mijn antwoord?")

    before = bot_count(page)
    page.locator(".gca-msg--bot").last.get_by_role("button", name="Het was niet duidelijk").click()
    wait_for_reply(page, before)
    expect(page.locator(".gca-msg--bot").last).to_contain_text("in uw eigen woorden")
    before = bot_count(page)
    page.locator(".gca-msg--bot").last.get_by_role("button", name="Overslaan").click()
    wait_for_reply(page, before)
    expect(page.locator(".gca-msg--bot").last).to_contain_text("Heeft u nog een vraag?")

    for question in UNPLACED:
        ask(page, question)
        if CLARIFY.search(page.locator(".gca-msg--bot").last.inner_text()):
            break
    else:
        pytest.fail("the assistant placed (or declined) every one of " + repr(UNPLACED))
    page.screenshot(path=str(ARTIFACTS / "improvement-widget.png"))
    return asked, question


def test_thumbs_down_and_unplaced_question_reach_the_inbox_retrain_and_dashboard(
        stack: Stack, console_process: dict, browser: Browser) -> None:
    url = console_process["url"]
    repo_examples = _sha(REPO_EXAMPLES)
    staff = login(browser, url, "bea-flow")
    up, down = _thumbs(staff, url)

    resident = resident_page(browser, stack)
    asked, vague = _resident(resident)

    # The review inbox: the 👎 (with the question it was about) and the unplaced question.
    staff.goto(f"{url}/console")
    staff.get_by_role("link", name="Verbeterlijst").click()
    expect(staff.get_by_role("heading", name="Verbeterlijst", exact=True)).to_be_visible()
    thumbs = staff.locator(".review-item", has_text="Inwoner gaf 👎")
    expect(thumbs.filter(has_text=asked).first).to_be_visible()
    unplaced = staff.locator(".review-item", has_text=vague)
    expect(unplaced).to_have_count(1)
    expect(unplaced).to_contain_text(re.compile("Niet begrepen|Vraag terug gesteld"))
    staff.screenshot(path=str(ARTIFACTS / "improvement-inbox.png"), full_page=True)

    unplaced.get_by_label("Onderwerp").select_option(TOPIC)
    unplaced.get_by_role("button", name="Label opslaan").click()
    expect(staff.locator("p.alert-ok")).to_contain_text(f"Voorbeeld toegevoegd bij {TOPIC}")
    expect(staff.locator(".review-item", has_text=vague)).to_have_count(0)
    written = console_process["examples"].read_text(encoding="utf-8")
    assert f"- intent: {TOPIC}" in written and vague in written
    assert _sha(REPO_EXAMPLES) == repo_examples, "the repository's examples file was changed"

    # Retraining: a dry run (live model as candidate, a few questions) and its gate report.
    staff.goto(f"{url}/console/review/retrain")
    expect(staff.locator("p[role=status]")).to_have_text("Nog niet getraind.")
    staff.get_by_role("button", name="Start opnieuw trainen").click()
    report = staff.locator("pre.retrain-report")
    deadline = time.monotonic() + 540
    status = staff.locator("p[role=status]")
    while "Laatste rapport" not in status.inner_text():  # the run has ended
        assert time.monotonic() < deadline, console_process["log"].read_text(errors="replace")[-3000:]
        staff.wait_for_timeout(3000)
        staff.reload()
    expect(status).to_contain_text("Laatste rapport: retrain-")
    expect(report).to_contain_text("Per onderwerp (recall live -> kandidaat, verschil):")
    expect(report).to_contain_text("huishoudelijke_hulp")
    expect(report).to_contain_text("urgent_recall")
    expect(report).to_contain_text("Regel: Overschakelen alleen als")
    expect(report).to_contain_text("Besluit: overschakelen naar de kandidaat.")  # same model
    expect(report).to_contain_text("Proefrun: er is niet overgeschakeld.")
    expect(report).to_contain_text('"switched": false')
    expect(staff.get_by_role("button", name="Start opnieuw trainen")).to_be_enabled()
    staff.screenshot(path=str(ARTIFACTS / "improvement-retrain.png"), full_page=True)

    # The dashboard counts the new 👎.
    staff.get_by_role("link", name="Dashboard").first.click()
    expect(staff.locator("#kpi-thumbs")).to_have_text(f"{up} / {down + 1}")
