"""`python -m kcc.insights --json` against conversations made for it: stored through the real
(masking) tracker store, with real tickets and feedback in a temporary SQLite database."""
from __future__ import annotations

import asyncio
import json
from datetime import date, datetime, timedelta

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from kcc import insights
from bot.tracker_store import MaskingSQLTrackerStore
from kcc.feedback import FeedbackDraft, FeedbackStore
from kcc.tickets import TicketDraft, TicketStore

DAY = datetime(2026, 11, 24, 10, 0)  # a Tuesday, 11:00 Dutch time


def _user(text: str, intent: str, at: float, ranking=None, channel: str = "webchat") -> UserUttered:
    ranking = ranking or [{"name": intent, "confidence": 0.9}]
    return UserUttered(text, {"name": intent, "confidence": ranking[0]["confidence"]},
                       parse_data={"intent": {"name": intent, "confidence": ranking[0]["confidence"]},
                                   "intent_ranking": ranking, "entities": []},
                       timestamp=at, input_channel=channel)


def _turn(user: UserUttered, action: str) -> list:
    return [user, ActionExecuted(action, timestamp=user.timestamp + 0.1),
            BotUttered("antwoord", timestamp=user.timestamp + 0.2),
            ActionExecuted("action_listen", timestamp=user.timestamp + 0.3)]


async def _store(url: str, conversations: dict) -> None:
    domain = Domain.from_directory("bot/domain")
    store = MaskingSQLTrackerStore(domain=domain, host=url)
    for sender, events in conversations.items():
        await store.save(DialogueStateTracker.from_events(sender, events, domain.slots))


@pytest.fixture
def made(tmp_path, monkeypatch):
    """Four conversations: answered; a question back then gone; a person; out of scope but social."""
    db_url = f"sqlite:///{tmp_path / 'assistant.db'}"
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("TRACKER_STORE_URL", tracker_url)
    monkeypatch.setenv("MUNICIPALITY", "het-hogeland")
    t = (DAY - datetime(1970, 1, 1)).total_seconds()  # DAY is naive UTC
    social = [{"name": "out_of_scope_other", "confidence": 0.4},
              {"name": "eenzaamheid_meedoen", "confidence": 0.3}]
    asyncio.run(_store(tracker_url, {
        "answered": [*_turn(_user("Ik kan mijn huis niet schoonmaken", "huishoudelijke_hulp", t),
                            "action_answer_topic"),
                     *_turn(_user("/feedback{\"rating\":\"up\"}", "feedback", t + 5), "action_feedback")],
        "asked-back": [*_turn(_user("hoe zit dat met die pas, bel 0612345678", "nlu_fallback", t + 60),
                              "action_clarify")],
        "person": [SlotSet("municipality", "oldambt"),
                   *_turn(_user("Ik heb schulden", "schulden_geldzorgen", t + 120, channel="telegram"),
                          "action_answer_topic"),
                   *_turn(_user("Ik wil een mens", "request_human", t + 130, channel="telegram"),
                          "action_handoff"),
                   *_turn(UserUttered("EXTERNAL: EXTERNAL_takeover_start",
                                      {"name": "EXTERNAL_takeover_start", "confidence": 1.0},
                                      metadata={"is_external": True}, timestamp=t + 400),
                          "action_takeover_start")],
        "lonely": [*_turn(_user("ik zit de hele dag alleen thuis", "out_of_scope_other", t + 200,
                                ranking=social), "action_out_of_scope")],
    }))
    tickets = TicketStore(db_url)
    live, _ = tickets.create(TicketDraft(conversation_id="person", episode=1, channel="telegram",
                                         municipality="oldambt", topic="schulden_geldzorgen",
                                         summary="Inwoner wil een mens.", mode="live"))
    tickets.claim(live.id, "anna", "Anna")
    callback, _ = tickets.create(TicketDraft(conversation_id="person", episode=2, channel="telegram",
                                             municipality="oldambt", topic="schulden_geldzorgen",
                                             summary="Terugbellen.", mode="callback"))
    feedback = FeedbackStore(db_url)
    feedback.add(FeedbackDraft("answered", "answer", "up", "webchat", "het-hogeland",
                               "huishoudelijke_hulp", "wmo-huishoudelijke-hulp"))
    down = feedback.add(FeedbackDraft("person", "answer", "down", "telegram", "oldambt",
                                      "schulden_geldzorgen", None, "Ik heb schulden"))
    feedback.set_reason(down, "klopt_niet")
    return tracker_url, db_url


def test_insights_json_counts_the_conversation_made_for_it(made, capsys) -> None:
    assert insights.main(["--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    expected = {"conversations": 4, "messages": 6, "helped_without_person": 1, "handoffs": 2,
                "callbacks": 1, "callbacks_within_working_day": 0, "feedback_up": 1,
                "feedback_down": 1, "unanswered": 2, "dropped_out": 1}
    assert {k: figures[k] for k in expected} == expected
    assert figures["containment"] == 0.25
    assert figures["topics"] == {"huishoudelijke_hulp": 1, "schulden_geldzorgen": 1,
                                 "out_of_scope_other": 1}
    assert figures["per_day"] == {"2026-11-24": {"telegram": 1, "webchat": 3}}
    assert figures["busiest_hours"]["11"] == 6
    assert figures["feedback_reasons"] == {"klopt_niet": 1}
    assert figures["feedback_per_topic"]["schulden_geldzorgen"] == {"up": 0, "down": 1}
    assert figures["wait_minutes_median"] is not None


def test_filters_by_period_channel_and_municipality(made, capsys) -> None:
    insights.main(["--json", "--since", (DAY + timedelta(days=1)).date().isoformat()])
    assert json.loads(capsys.readouterr().out)["conversations"] == 0
    facts = insights.Facts.read()
    only = facts.figures(insights.Filters(municipalities=frozenset({"oldambt"})))
    assert (only["conversations"], only["handoffs"], only["feedback_down"]) == (1, 2, 1)
    assert facts.figures(insights.Filters(channel="webchat"))["conversations"] == 3


def test_the_inbox_lists_what_went_wrong_masked_and_newest_first(made) -> None:
    items = insights.Facts.read().inbox()
    whys = [i["why"] for i in items]
    assert sorted(whys) == ["fallback", "out_of_scope_social", "thumbs_down"]
    assert [i["at"] for i in items] == sorted((i["at"] for i in items), reverse=True)
    fallback = next(i for i in items if i["why"] == "fallback")
    assert fallback["text"] == "hoe zit dat met die pas, bel [TELEFOON]"
    assert all(i["municipality"] in ("het-hogeland", "oldambt") for i in items)


def test_one_working_day_skips_the_weekend_and_public_holidays() -> None:
    friday = datetime(2026, 11, 27, 15, 0)
    assert insights.working_day_after(friday).date() == date(2026, 11, 30)
    christmas_eve = datetime(2026, 12, 24, 9, 0)
    assert insights.working_day_after(christmas_eve).date() == date(2026, 12, 28)


def test_an_unsure_out_of_scope_answer_goes_to_the_inbox_and_a_sure_one_does_not() -> None:
    def message(confidence: float) -> insights.Message:
        return insights.Message(DAY, "blorp fnargel wibbelt", "out_of_scope_other",
                                [("out_of_scope_other", confidence)], "webchat",
                                ["action_out_of_scope"])

    assert insights.why_unhandled(message(0.2)) == "out_of_scope_unsure"
    assert insights.why_unhandled(message(0.9)) is None
    assert "out_of_scope_unsure" in insights.WHY


def test_an_answer_action_that_asked_back_counts_as_asking_back() -> None:
    """The answer action asks back when it is too unsure of the topic (awaiting = clarify), not
    only action_clarify: such a message belongs in the review inbox too."""
    import json as _json

    from kcc.insights import conversations, why_unhandled

    parse = {"intent": {"name": "jeugdhulp_opvoeden", "confidence": 0.16}, "intent_ranking": []}
    events = [("s1", 1.0, "user", _json.dumps({"event": "user", "text": "het gaat niet goed thuis",
                                                "timestamp": 1.0, "parse_data": parse})),
              ("s1", 1.1, "action", _json.dumps({"event": "action", "name": "action_answer_topic",
                                                  "timestamp": 1.1})),
              ("s1", 1.2, "slot", _json.dumps({"event": "slot", "name": "awaiting", "value": "clarify",
                                                "timestamp": 1.2}))]
    [conv] = conversations(events, "het-hogeland")
    assert why_unhandled(conv.messages[0]) == "clarify"
