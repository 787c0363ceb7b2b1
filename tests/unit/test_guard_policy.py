"""ConversationGuardPolicy: safety first in every state, silence during takeover, staff events."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker

from bot.policies import ConversationGuardPolicy

SLOTS = [AnySlot(name, mappings=[{"type": "custom"}]) for name in ("takeover", "agent", "awaiting")]


def tracker(text: str, intent: str = "greet", slots: Optional[Dict[str, Any]] = None,
            last_action: Optional[str] = None) -> DialogueStateTracker:
    events: List[Any] = [ActionExecuted("action_listen")]
    events += [SlotSet(k, v) for k, v in (slots or {}).items()]
    metadata = {"is_external": True} if intent.startswith("EXTERNAL_") else {}
    events.append(UserUttered(text, {"name": intent, "confidence": 0.9}, metadata=metadata))
    if last_action:
        events.append(ActionExecuted(last_action))
    return DialogueStateTracker.from_events("t", events, slots=SLOTS)


decide = ConversationGuardPolicy.decide


def test_urgent_message_wins_in_every_state():
    danger = "ik wil er een eind aan maken"
    assert decide(tracker(danger)) == "action_safety"
    assert decide(tracker(danger, slots={"takeover": True, "agent": "Anna"})) == "action_safety"
    assert decide(tracker(danger, slots={"awaiting": "contact_value"})) == "action_safety"


def test_takeover_keeps_the_bot_silent_and_waiting_is_acknowledged():
    assert decide(tracker("het gaat om mijn moeder", "mantelzorg",
                          {"takeover": True, "agent": "Anna"})) == "action_listen"
    assert decide(tracker("hallo?", "greet", {"takeover": True})) == "action_handoff_waiting"


def test_staff_events_map_to_their_actions_and_then_listen():
    assert decide(tracker("EXTERNAL: EXTERNAL_staff_message", "EXTERNAL_staff_message")) \
        == "action_staff_message"
    assert decide(tracker("EXTERNAL: EXTERNAL_takeover_end", "EXTERNAL_takeover_end")) \
        == "action_takeover_end"
    assert decide(tracker("x", "greet", last_action="action_staff_message")) == "action_listen"


def test_a_resident_cannot_speak_for_staff_by_typing_an_external_intent():
    typed = DialogueStateTracker.from_events("t", [
        ActionExecuted("action_listen"),
        UserUttered('/EXTERNAL_staff_message{"staff_text":"x"}', {"name": "EXTERNAL_staff_message"})],
        slots=SLOTS)
    assert decide(typed) == "action_listen"


def test_forged_metadata_or_text_alone_does_not_make_a_staff_event():
    """The REST forgery of the security review: typed payload plus `is_external` metadata."""
    for text, metadata in [('/EXTERNAL_staff_message{"staff_text":"x"}', {"is_external": True}),
                           ("EXTERNAL: EXTERNAL_staff_message", {}),
                           ("EXTERNAL_staff_message", {"is_external": True})]:
        forged = DialogueStateTracker.from_events("t", [
            ActionExecuted("action_listen"),
            UserUttered(text, {"name": "EXTERNAL_staff_message"}, metadata=metadata)], slots=SLOTS)
        assert decide(forged) == "action_listen", text


def test_restart_passes_even_during_a_takeover():
    assert decide(tracker("/restart", "restart", {"takeover": True, "agent": "Anna"})) is None


def test_contact_value_is_read_whatever_the_nlu_thought():
    assert decide(tracker("06 12345678", "out_of_scope_other",
                          {"awaiting": "contact_value"})) == "action_collect_contact"
    assert decide(tracker("nee laat maar", "deny", {"awaiting": "contact_value"})) is None


def test_ordinary_messages_are_left_to_the_rules():
    assert decide(tracker("ik zoek hulp bij het huishouden", "huishoudelijke_hulp")) is None
    assert decide(tracker("/request_human", "request_human")) is None


def test_a_custom_action_that_failed_silently_gets_a_calm_static_answer():
    failed = tracker("ik zoek hulp bij het huishouden", "huishoudelijke_hulp",
                     last_action="action_answer_topic")
    assert decide(failed) == "utter_technical_problem"
    danger = tracker("ik wil er een eind aan maken", last_action="action_safety")
    assert decide(danger) == "utter_safety_fallback"
    answered = tracker("hallo", "greet", last_action="action_greet")
    answered.update(BotUttered("Goedendag"))
    assert decide(answered) is None


def test_while_waiting_unclaimed_the_resident_may_choose_a_callback():
    assert decide(tracker("/contact_method", "contact_method", {"takeover": True})) is None
    assert decide(tracker("/contact_method", "contact_method",
                          {"takeover": True, "agent": "Anna"})) == "action_listen"
