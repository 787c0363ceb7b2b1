"""The one Chromium of the browser tests (the harness is tests/support/browser.py)."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.support.browser import ARGS, ARTIFACTS, CHROMIUM


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Headless Debian Chromium, one per module; skipped where it is not installed."""
    if not Path(CHROMIUM).exists():
        pytest.skip("needs Debian chromium (make browser)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def browser(chromium: Browser) -> Iterator[Browser]:
    """The module's Chromium for one test; the contexts the test opened are closed after it.

    Why: a page left open keeps its event streams to a console that the test's own fixtures
    stop next (fixtures the test asked for earlier are torn down after this one).
    """
    before = list(chromium.contexts)
    yield chromium
    for context in chromium.contexts:
        if context not in before:
            context.close()
