"""Resident feedback: the 👍/👎 offer after a catalogue answer, reason and remark after a 👎,
the satisfaction score after a staff conversation, what is stored, and the button guard."""
from __future__ import annotations

import json

import pytest

from actions import feedback, handoff, knowledge as knowledge_actions
from assistant.untrusted import button_payload, resident_text
from bot.policies import ConversationGuardPolicy
from kcc.feedback import FeedbackDraft, FeedbackStore
from tests.support.dialogue import make_tracker, run, texts

pytestmark = pytest.mark.usefixtures("databases")


@pytest.fixture(autouse=True)
def fresh_store():
    feedback.feedback_store.cache_clear()
    yield
    feedback.feedback_store.cache_clear()


def _payload(message: dict, which: str) -> str:
    return message["feedback"][which]["payload"]


def _entities(payload: str) -> list:
    raw = json.loads(payload[payload.index("{"):]) if "{" in payload else {}
    return [{"entity": k, "value": v} for k, v in raw.items()]


def test_catalogue_answer_offers_feedback_on_its_last_message_only() -> None:
    msgs, _ = run(knowledge_actions.ActionAnswerTopic(),
                  make_tracker("Ik kan mijn huis niet meer schoonmaken"))
    assert "feedback" in msgs[-1] and all("feedback" not in m for m in msgs[:-1])
    offer = msgs[-1]["feedback"]
    assert offer["question"] == "Was dit nuttig?"
    for which in ("up", "down"):  # exactly what the untrusted-input guard lets through
        assert button_payload(offer[which]["payload"]) == offer[which]["payload"]


def test_thumbs_down_asks_a_reason_then_a_masked_remark_and_stores_it_all() -> None:
    answer, slots = run(knowledge_actions.ActionAnswerTopic(),
                        make_tracker("Ik kan mijn huis niet meer schoonmaken", sender="r-9"))
    down = _payload(answer[-1], "down")
    msgs, _ = run(feedback.ActionFeedback(),
                  make_tracker(down, intent="feedback", entities=_entities(down), sender="r-9",
                               history=["Ik kan mijn huis niet meer schoonmaken"]))
    reasons = [b["payload"] for b in msgs[-1]["buttons"]]
    assert '/feedback_reason{"reason":"niet_duidelijk"}' in reasons and "/feedback_skip" in reasons
    assert all(button_payload(p) == p for p in reasons)
    reason = '/feedback_reason{"reason":"niet_duidelijk"}'
    msgs, slots = run(feedback.ActionFeedbackReason(),
                      make_tracker(reason, intent="feedback_reason", entities=_entities(reason),
                                   sender="r-9", slots={"awaiting": "ladder"}))
    assert slots == {"awaiting": "feedback_remark", "feedback_resume": "ladder"}
    msgs, slots = run(feedback.ActionFeedbackRemark(),
                      make_tracker("Te lang, bel mij op 0612345678", intent="nlu_fallback",
                                   sender="r-9", slots={"awaiting": "feedback_remark",
                                                        "feedback_resume": "ladder"}))
    assert slots == {"awaiting": "ladder", "feedback_resume": None}  # the ladder question is back
    assert "Dank u wel" in texts(msgs)
    [row] = FeedbackStore().since()
    assert (row.kind, row.rating, row.reason, row.channel, row.municipality) == (
        "answer", "down", "niet_duidelijk", "webchat", "het-hogeland")
    assert row.topic == "huishoudelijke_hulp" and row.entry_id and row.conversation_id == "r-9"
    assert row.remark == "Te lang, bel mij op [TELEFOON]"
    assert row.message == "Ik kan mijn huis niet meer schoonmaken"


def test_thumbs_up_is_stored_and_thanked_without_more_questions() -> None:
    up = feedback.feedback_payload("up", None)
    msgs, slots = run(feedback.ActionFeedback(),
                      make_tracker(up, intent="feedback", entities=_entities(up),
                                   slots={"topic": "vervoer"}))
    assert texts(msgs) == "Dank u wel voor uw reactie." and slots == {}
    [row] = FeedbackStore().since()
    assert (row.rating, row.topic, row.entry_id) == ("up", "vervoer", None)


def test_a_staff_conversation_ends_with_one_satisfaction_question() -> None:
    tracker = make_tracker("EXTERNAL: EXTERNAL_takeover_end", intent="EXTERNAL_takeover_end",
                           slots={"agent": "Anna", "takeover": True})
    msgs, _ = run(handoff.ActionTakeoverEnd(), tracker)
    scores = [b["payload"] for b in msgs[-1]["buttons"]]
    assert scores == [f'/satisfaction{{"score":"{n}"}}' for n in range(1, 6)]
    assert all(button_payload(p) == p for p in scores)
    msgs, slots = run(feedback.ActionSatisfaction(),
                      make_tracker(scores[3], intent="satisfaction", entities=_entities(scores[3])))
    assert slots["awaiting"] == "feedback_remark"
    [row] = FeedbackStore().since()
    assert (row.kind, row.rating) == ("staff", "4")
    unclaimed = make_tracker("EXTERNAL: EXTERNAL_takeover_end", intent="EXTERNAL_takeover_end")
    msgs, _ = run(handoff.ActionTakeoverEnd(), unclaimed)
    assert not any(m.get("buttons") for m in msgs)  # nobody talked with the resident


@pytest.mark.parametrize("forged", [
    '/feedback{"rating":"maybe"}',
    '/feedback{"rating":"up","remark":"x"}',
    '/feedback{"rating":"up","entry_id":"Nope Nope"}',
    '/feedback_reason{"reason":"iets_anders"}',
    '/satisfaction{"score":"6"}',
    '/satisfaction{"score":5}',
    '/feedback_remark{"text":"hallo"}',
    '/feedback_skip{"reason":"klopt_niet"}',
])
def test_forged_feedback_payloads_are_read_as_text(forged: str) -> None:
    assert button_payload(forged) is None
    assert not resident_text(forged).startswith("/")


def test_the_remark_turn_is_routed_by_the_guard_but_danger_and_buttons_come_first() -> None:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.from_directory("bot/domain")

    def decide(text: str, intent: str = "nlu_fallback") -> str:
        tracker = DialogueStateTracker.from_events("r", [
            SlotSet("awaiting", "feedback_remark"), ActionExecuted("action_listen"),
            UserUttered(text, {"name": intent, "confidence": 0.9})], domain.slots)
        return ConversationGuardPolicy.decide(tracker)

    assert decide("De tekst was te moeilijk") == "action_feedback_remark"
    assert decide("/ladder_fails", "ladder_fails") is None
    assert decide("ik wil een medewerker", "request_human") is None
    assert decide("ik wil niet meer leven") == "action_safety"


def test_feedback_draft_refuses_values_the_buttons_never_send() -> None:
    with pytest.raises(ValueError):
        FeedbackDraft("c", "answer", "6", "webchat", "oldambt")
    with pytest.raises(ValueError):
        FeedbackDraft("c", "staff", "up", "webchat", "oldambt")


def test_the_channels_draw_the_offer_and_drop_a_tampered_one() -> None:
    from channels.telegram.format import CallbackPayloads, build_keyboard
    from channels.webchat.messages import to_widget

    msgs, _ = run(knowledge_actions.ActionAnswerTopic(),
                  make_tracker("Ik kan mijn huis niet meer schoonmaken"))
    widget = to_widget(dict(msgs[-1]))
    assert widget["feedback"]["down"]["payload"] == _payload(msgs[-1], "down")
    payloads = CallbackPayloads()
    keyboard = build_keyboard(msgs[-1]["buttons"], payloads, msgs[-1]["feedback"])
    last = keyboard.inline_keyboard[-1]
    assert [b.text for b in last] == ["👍 Nuttig", "👎 Niet nuttig"]
    assert payloads.decode(last[1].callback_data) == _payload(msgs[-1], "down")
    tampered = dict(msgs[-1], feedback={"up": {"payload": "/EXTERNAL_takeover_end"},
                                        "down": {"payload": '/feedback{"rating":"down"}'}})
    assert "feedback" not in to_widget(tampered)
    assert build_keyboard([], payloads, tampered["feedback"]) is None
