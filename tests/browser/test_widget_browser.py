"""The chat widget in headless Chromium against the real assistant's demo page.

Covers what a resident does (open, greeting, a question, a button, reload, a staff reply),
how it is done (keyboard only, phone, 200 % zoom, 320 px) and what must never happen (markup
from a message executing, serious accessibility violations). Screenshots go to var/artifacts/.
"""
from __future__ import annotations

import json
from typing import Iterator, List

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.stack import ROOT, Stack, http_json
from tests.support.browser import (ARTIFACTS, NEEDS_CHROMIUM, NEEDS_MODEL, SESSION_KEY, ask,
                                   bot_count, demo_url, open_chat, resident_page, wait_for_reply)

pytestmark = [pytest.mark.browser, NEEDS_MODEL, NEEDS_CHROMIUM]

AXE = ROOT / "var" / "node" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def page(browser: Browser, stack: Stack) -> Iterator[Page]:
    page = resident_page(browser, stack)
    yield page
    page.context.close()


def trigger(stack: Stack, session: str, name: str, entities: dict) -> None:
    http_json("POST", f"{stack.rasa_url}/conversations/{session}/trigger_intent"
                      f"?output_channel=webchat&token={stack.token}",
              {"name": name, "entities": entities})


def test_open_greet_ask_click_and_reload(page: Page, stack: Stack) -> None:
    open_chat(page)
    panel = page.get_by_role("dialog", name="Digitale assistent")
    expect(panel).to_contain_text("digitale assistent")
    footer = page.locator(".gca-footer")  # always there, whatever the bot says
    expect(footer.get_by_role("button", name="Spreek een medewerker")).to_be_visible()
    expect(footer.get_by_role("link", name="Privacy")).to_have_attribute(
        "href", f"{stack.console_url}/privacy")
    assert page.locator(".gca-msg--bot .gca-msg__text").first.inner_text().strip()

    ask(page, "Ik kan mijn huis niet meer zelf schoonmaken")
    choices = page.locator(".gca-msg--bot .gca-choices button")
    if choices.count():
        before = bot_count(page)
        title = choices.last.inner_text()
        choices.last.click()
        wait_for_reply(page, before)
        expect(page.locator(".gca-msg--user .gca-msg__text").last).to_have_text(title)
    page.screenshot(path=str(ARTIFACTS / "widget-desktop.png"))

    shown = page.locator(".gca-msg").all_inner_texts()
    page.reload()
    expect(page.get_by_role("dialog")).to_be_visible()  # the panel stays open across pages
    page.wait_for_function("n => document.querySelectorAll('.gca-msg').length >= n", arg=len(shown))
    assert page.locator(".gca-msg").all_inner_texts() == shown
    expect(page.locator(".gca-msg--user").first).to_contain_text("schoonmaken")


def test_an_idle_conversation_is_forgotten_on_a_shared_computer(page: Page) -> None:
    open_chat(page)
    ask(page, "Ik zoek hulp bij de boodschappen")
    old = page.evaluate(f"localStorage.getItem('{SESSION_KEY}')")
    # 31 minutes without a message (the default idle time is 30).
    page.evaluate(f"localStorage.setItem('{SESSION_KEY}:seen', String(Date.now() - 31 * 60000))")
    page.reload()
    page.wait_for_timeout(1000)
    assert "boodschappen" not in " ".join(page.locator(".gca-msg").all_inner_texts())
    assert page.evaluate(f"localStorage.getItem('{SESSION_KEY}')") in (None, "") or \
        page.evaluate(f"localStorage.getItem('{SESSION_KEY}')") != old


def test_staff_message_arrives_during_takeover(page: Page, stack: Stack) -> None:
    open_chat(page)
    session = page.evaluate(f"localStorage.getItem('{SESSION_KEY}')")
    page.wait_for_timeout(500)  # the event stream is open
    before = bot_count(page)
    trigger(stack, session, "EXTERNAL_takeover_start", {"agent": "Anna"})
    trigger(stack, session, "EXTERNAL_staff_message", {"agent": "Anna", "staff_text": "Goedemiddag"})
    staff = page.locator(".gca-msg--staff")
    expect(staff.last).to_contain_text("Anna (medewerker)", timeout=30_000)
    expect(staff.last).to_contain_text("Goedemiddag")
    expect(page.locator("#gca-title")).to_have_text("U praat met Anna van de gemeente")
    expect(page.locator(".gca-footer").get_by_role("button", name="Spreek een medewerker")).to_be_hidden()
    assert bot_count(page) > before
    page.screenshot(path=str(ARTIFACTS / "widget-staff.png"))


def test_keyboard_only(page: Page) -> None:
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('gca-launcher')"):
            break
    else:
        pytest.fail("the launcher cannot be reached with Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # visible focus
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "gca-input"
    wait_for_reply(page, 0)
    before = bot_count(page)
    page.keyboard.type("Ik heb schulden")
    page.keyboard.press("Enter")
    wait_for_reply(page, before)
    focusable: List[str] = []
    for _ in range(12):
        page.keyboard.press("Tab")
        focusable.append(page.evaluate("document.activeElement.textContent.trim()"))
    assert "Spreek een medewerker" in focusable and "Privacy (opent in nieuw venster)" in focusable
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    assert page.evaluate("document.activeElement.classList.contains('gca-launcher')")


def test_markup_in_a_message_is_text_and_never_runs(page: Page) -> None:
    dialogs: List[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_chat(page)
    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    ask(page, evil)
    page.wait_for_timeout(500)
    assert dialogs == []
    expect(page.locator(".gca-msg--user .gca-msg__text").last).to_have_text(evil)
    assert page.locator(".gca-log script, .gca-log img").count() == 0
    page.reload()
    page.wait_for_timeout(1000)
    assert dialogs == []


@pytest.mark.parametrize("name,viewport,scale", [
    ("phone", {"width": 375, "height": 667}, 1),
    ("zoom200", {"width": 640, "height": 400}, 2),  # 1280x800 at 200 % zoom
    ("reflow320", {"width": 320, "height": 568}, 1),
])
def test_small_screens_and_zoom(browser: Browser, stack: Stack, name: str, viewport: dict,
                                scale: int) -> None:
    context = browser.new_context(viewport=viewport, device_scale_factor=scale)
    page = context.new_page()
    page.goto(demo_url(stack))
    open_chat(page)
    ask(page, "Wat kan ik hier vragen?")
    box = page.locator(".gca-panel").bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 1
    no_sideways = "el => el.scrollWidth <= el.clientWidth + 1"
    assert page.locator(".gca-panel").evaluate(no_sideways)
    for button in (page.locator(".gca-form").get_by_role("button", name="Verstuur"),
                   page.locator(".gca-footer").get_by_role("button", name="Spreek een medewerker")):
        button.scroll_into_view_if_needed()
        expect(button).to_be_in_viewport()
    page.screenshot(path=str(ARTIFACTS / f"widget-{name}.png"))
    context.close()


def test_no_serious_accessibility_violations(browser: Browser, stack: Stack) -> None:
    if not AXE.exists():
        pytest.skip("axe-core missing (make browser)")
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    page = context.new_page()
    page.goto(demo_url(stack))
    page.add_script_tag(path=str(AXE))
    results = {}
    for state in ("closed", "open"):
        if state == "open":
            open_chat(page)
            ask(page, "Ik zoek hulp bij het opvoeden van mijn kind")
        report = page.evaluate("""async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }""")
        results[state] = [v for v in report if v["impact"] in ("serious", "critical")]
    context.close()
    assert results == {"closed": [], "open": []}, json.dumps(results, indent=1)


# --- a long answer, focus after a choice, tappable links, masked values (phone and zoom) ---------
FIRST_NEW_BOT = """n => {
    const bots = document.querySelectorAll('.gca-msg--bot, .gca-msg--staff');
    return bots[n] || null;
}"""


def first_line_visible(page: Page, index: int) -> bool:
    return page.evaluate("""n => {
        const item = document.querySelectorAll('.gca-msg--bot, .gca-msg--staff')[n];
        const log = document.querySelector('.gca-scroll').getBoundingClientRect();
        const box = item.getBoundingClientRect();
        return box.top >= log.top - 1 && box.top < log.bottom - 10;
    }""", index)


@pytest.mark.parametrize("name,viewport,scale", [
    ("phone390", {"width": 390, "height": 844}, 3),
    ("phone390-zoom200", {"width": 390, "height": 422}, 2),  # 390 px phone, text at 200 %
    ("zoom200", {"width": 640, "height": 400}, 2),           # 1280x800 at 200 % zoom
])
def test_long_answer_starts_at_its_first_line_and_focus_follows(
        browser: Browser, stack: Stack, name: str, viewport: dict, scale: int) -> None:
    context = browser.new_context(viewport=viewport, device_scale_factor=scale, locale="nl-NL",
                                  has_touch=True)
    page = context.new_page()
    page.goto(demo_url(stack))
    open_chat(page)
    ask(page, "Hoeveel eigen bijdrage betaal ik voor hulp van de gemeente?")
    details = page.locator(".gca-msg--bot .gca-choices button", has_text="Meer uitleg").last
    expect(details).to_be_visible()
    before = bot_count(page)
    details.focus()
    page.keyboard.press("Enter")  # chosen by keyboard
    wait_for_reply(page, before)
    page.wait_for_timeout(300)
    # The first line of the new (long) answer is in view, not only its tail.
    assert first_line_visible(page, before), "the start of the new answer is scrolled out of view"
    # Focus left the chosen button: it is on the new answer (or the input).
    focus = page.evaluate("""() => {
        const a = document.activeElement;
        return {msg: a.classList.contains('gca-msg'), input: a.id === 'gca-input',
                button: a.tagName === 'BUTTON' && !!a.closest('.gca-choices')};
    }""")
    assert (focus["msg"] or focus["input"]) and not focus["button"], focus
    if focus["msg"]:
        assert page.evaluate("document.activeElement === document.querySelectorAll("
                             "'.gca-msg--bot, .gca-msg--staff')[%d]" % before)
    # Links are tappable: a tel: link for the CAK and http(s) links, visible once scrolled to.
    tel = page.locator('.gca-log a[href^="tel:"]')
    assert tel.count() >= 1
    assert all(__import__("re").fullmatch(r"tel:[0-9+-]+", h or "") for h in
               tel.evaluate_all("els => els.map(e => e.getAttribute('href'))"))
    tel.first.scroll_into_view_if_needed()
    expect(tel.first).to_be_visible()
    expect(tel.first).to_be_in_viewport()
    web = page.locator('.gca-log a[href^="http"]')
    assert web.count() >= 1
    box = tel.first.bounding_box()
    assert box and box["height"] >= 24, "a link must be big enough to tap"
    no_sideways = "el => el.scrollWidth <= el.clientWidth + 1"
    assert page.locator(".gca-panel").evaluate(no_sideways)
    page.screenshot(path=str(ARTIFACTS / f"widget-long-{name}.png"))
    context.close()


def test_choice_by_mouse_moves_focus_off_the_button(page: Page) -> None:
    open_chat(page)
    ask(page, "Ik heb schulden")
    choice = page.locator(".gca-msg--bot .gca-choices button").last
    before = bot_count(page)
    choice.click()
    wait_for_reply(page, before)
    page.wait_for_timeout(300)
    assert page.evaluate("""() => {
        const a = document.activeElement;
        return a.id === 'gca-input' || a.classList.contains('gca-msg');
    }""")


def test_masked_number_in_history_is_explained(page: Page) -> None:
    open_chat(page)
    ask(page, "Mijn telefoonnummer is 0612345678 en ik heb schulden")
    page.reload()
    page.wait_for_function("() => document.querySelectorAll('.gca-msg--user').length >= 1")
    user = page.locator(".gca-msg--user", has_text="[TELEFOON]")
    expect(user.first).to_be_visible(timeout=10_000)
    expect(user.first.locator(".gca-msg__note")).to_contain_text("tonen we hier niet")
