"""The assistant's side of the callback offer after a long wait (action_waiting_check)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from actions import handoff
from bot.policies import EXTERNAL_ACTIONS, SILENT_ACTIONS
from kcc.models import Ticket, utcnow
from tests.support.dialogue import make_tracker, run, texts

pytestmark = pytest.mark.usefixtures("databases")


def _waiting_ticket(minutes: int = 6) -> int:
    msgs, slots = run(handoff.ActionHandoff(), make_tracker("ik wil een medewerker", "request_human"))
    assert slots["takeover"] is True
    store = handoff.ticket_store()
    with store.session() as s, s.begin():
        s.get(Ticket, int(slots["ticket_id"])).created_at = utcnow() - timedelta(minutes=minutes)
    return int(slots["ticket_id"])


def test_after_a_long_wait_the_callback_is_offered() -> None:
    _waiting_ticket(6)
    msgs, _ = run(handoff.ActionWaitingCheck(), make_tracker(
        "EXTERNAL: EXTERNAL_waiting_check", "EXTERNAL_waiting_check", {"takeover": True}))
    said = texts(msgs)
    assert said.startswith("U wacht nu 6 minuten.") and "eerste in de wachtrij" in said
    assert "Wilt u liever gebeld worden?" in said and "blijft bewaard" in said
    assert msgs[-1]["buttons"][0]["title"] == "Bel mij liever terug"


def test_nothing_is_said_once_someone_picked_up() -> None:
    tid = _waiting_ticket(6)
    handoff.ticket_store().claim(tid, "dienst", "Dienst")
    msgs, _ = run(handoff.ActionWaitingCheck(), make_tracker(
        "EXTERNAL: EXTERNAL_waiting_check", "EXTERNAL_waiting_check", {"takeover": True}))
    assert msgs == []
    msgs, _ = run(handoff.ActionWaitingCheck(), make_tracker(
        "EXTERNAL: EXTERNAL_waiting_check", "EXTERNAL_waiting_check",
        {"takeover": True, "agent": "Dienst"}))
    assert msgs == []


def test_the_guard_runs_it_only_from_the_trigger_api_and_it_may_be_silent() -> None:
    assert EXTERNAL_ACTIONS["EXTERNAL_waiting_check"] == "action_waiting_check"
    assert "action_waiting_check" in SILENT_ACTIONS
