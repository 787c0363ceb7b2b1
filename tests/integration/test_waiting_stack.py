"""The resident who waits for a live chat is offered a callback by the assistant itself, through
the real Rasa, action server and console (CALLBACK_OFFER_MINUTES made short for the test)."""
from __future__ import annotations

import time
from typing import Iterator

import pytest

from tests.support.stack import MODEL, Stack, make_env
from tests.support.presence import make_available

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not MODEL.exists(), reason=f"needs a trained model at {MODEL} (make train)"),
]


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("waiting")
    stack = Stack(workdir=workdir, env=make_env(workdir, {"CALLBACK_OFFER_MINUTES": "0.05"}))
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


def _bot_texts(stack: Stack, sender: str) -> list:
    return [e.get("text") or "" for e in stack.tracker(sender)["events"] if e.get("event") == "bot"]


def test_a_long_wait_brings_the_callback_offer_once(own: Stack) -> None:
    make_available(own.database_url)
    sender = "waits-long"
    replies = own.rest(sender, "Ik wil een medewerker spreken")
    assert any("wachtrij" in (m.get("text") or "") for m in replies), replies
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        offers = [t for t in _bot_texts(own, sender) if t.startswith("U wacht nu")]
        if offers:
            break
        time.sleep(1)
    assert len(offers) == 1, _bot_texts(own, sender)
    assert "Wilt u liever gebeld worden?" in offers[0] and "blijft bewaard" in offers[0]
    time.sleep(5)  # a few more rounds of the console's check: still one offer
    assert len([t for t in _bot_texts(own, sender) if t.startswith("U wacht nu")]) == 1
    # The resident takes it: the callback replaces the wait.
    answer = own.rest(sender, '/contact_method{"contact_method":"telefoon"}')
    assert any("telefoonnummer" in (m.get("text") or "") for m in answer), answer
