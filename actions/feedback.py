"""Feedback from residents: "Was dit nuttig?" after a catalogue answer, a reason after a 👎,
an optional remark, and a satisfaction score after a conversation with a staff member.

Why here and not in the channels: the action knows which answer (topic, catalogue entry) the
resident judges, and one store (``kcc.feedback``) serves every channel. The offer itself is a
marker on the answer's last message (``feedback``); each channel draws it in its own way (a small
bar in the widget, an extra keyboard row in Telegram), so it never pushes the conversation aside.
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import AssistantAction, catalogue, entity, latest_channel, user_texts
from assistant.replies import BUTTON_HUMAN

REMARK_AWAITING = "feedback_remark"
SKIP_BUTTON = {"title": "Overslaan", "payload": "/feedback_skip"}
REASON_TITLES = {
    "niet_mijn_vraag": "Het was niet mijn vraag",
    "niet_duidelijk": "Het was niet duidelijk",
    "klopt_niet": "Het klopt niet",
    "wil_mens": "Ik wil een mens spreken",
}
SCORE_TITLES = {"1": "1 (slecht)", "2": "2", "3": "3", "4": "4", "5": "5 (heel goed)"}


@lru_cache(maxsize=1)
def feedback_store() -> Any:
    from kcc.feedback import FeedbackStore

    return FeedbackStore()


def feedback_payload(rating: str, entry_id: Optional[str]) -> str:
    """The button payload of a 👍 or 👎 (admitted by ``assistant.untrusted``)."""
    entities = {"rating": rating, **({"entry_id": entry_id} if entry_id else {})}
    return "/feedback" + json.dumps(entities, separators=(",", ":"))


def offer_feedback(dispatcher: CollectingDispatcher, entry: Any) -> None:
    """Mark the last message of a catalogue answer so the channel offers 👍/👎 under it."""
    if not dispatcher.messages:
        return
    dispatcher.messages[-1]["feedback"] = {
        "question": "Was dit nuttig?",
        "up": {"title": "👍", "label": "Ja, dit was nuttig", "payload": feedback_payload("up", entry.id)},
        "down": {"title": "👎", "label": "Nee, dit was niet nuttig",
                 "payload": feedback_payload("down", entry.id)},
    }


def ask_satisfaction(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """After a conversation with a staff member: one question, a score from 1 to 5."""
    if not tracker.get_slot("agent"):
        return  # nobody talked with the resident (a ticket handed back unclaimed)
    dispatcher.utter_message(
        text="Hoe tevreden bent u over het gesprek met de medewerker? Kies een cijfer van 1 tot 5.",
        buttons=[{"title": title, "payload": f'/satisfaction{{"score":"{score}"}}'}
                 for score, title in SCORE_TITLES.items()])


def municipality_of(tracker: Tracker) -> str:
    """The conversation's municipality when the channel set one, else the deployment's."""
    return tracker.get_slot("municipality") or catalogue().profile.slug


def _draft(tracker: Tracker, kind: str, rating: str, entry_id: Optional[str]) -> Any:
    from kcc.feedback import FeedbackDraft

    entry = catalogue().entry(entry_id) if entry_id else None
    earlier = user_texts(tracker, limit=1)
    return FeedbackDraft(conversation_id=tracker.sender_id, kind=kind, rating=rating,
                         channel=latest_channel(tracker), municipality=municipality_of(tracker),
                         topic=entry.topic if entry is not None else tracker.get_slot("topic"),
                         entry_id=entry.id if entry is not None else None,
                         message=earlier[-1] if earlier and kind == "answer" else None)


def _ask_remark(tracker: Tracker) -> List[EventType]:
    """Ask for an optional remark; the ladder's own question comes back afterwards."""
    awaiting = tracker.get_slot("awaiting")
    resume = tracker.get_slot("feedback_resume") if awaiting == REMARK_AWAITING else awaiting
    return [SlotSet("feedback_resume", resume), SlotSet("awaiting", REMARK_AWAITING)]


def _resume(tracker: Tracker) -> List[EventType]:
    return [SlotSet("awaiting", tracker.get_slot("feedback_resume")), SlotSet("feedback_resume", None)]


class ActionFeedback(AssistantAction):
    """👍 or 👎 on an answer: stored at once; a 👎 asks what was wrong."""

    def name(self) -> Text:
        return "action_feedback"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        rating = entity(tracker, "rating")
        if rating not in ("up", "down"):
            return []
        feedback_store().add(_draft(tracker, "answer", rating, entity(tracker, "entry_id")))
        if rating == "up":
            dispatcher.utter_message(text="Dank u wel voor uw reactie.")
            return []
        dispatcher.utter_message(
            text="Dank u wel. Wat was er niet goed aan mijn antwoord?",
            buttons=[{"title": title, "payload": f'/feedback_reason{{"reason":"{code}"}}'}
                     for code, title in REASON_TITLES.items()] + [SKIP_BUTTON])
        return []


class ActionFeedbackReason(AssistantAction):
    """The reason of a 👎; then an optional remark in the resident's own words."""

    def name(self) -> Text:
        return "action_feedback_reason"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        reason = entity(tracker, "reason")
        latest = feedback_store().latest(tracker.sender_id, kinds=("answer",))
        if reason not in REASON_TITLES or latest is None:
            return []
        feedback_store().set_reason(latest.id, reason)
        if reason == "wil_mens":
            dispatcher.utter_message(text="Dat kan. Een medewerker van de gemeente kijkt graag met "
                                          "u mee.", buttons=[BUTTON_HUMAN, SKIP_BUTTON])
            return []
        dispatcher.utter_message(
            text="Dank u wel. Wilt u nog in uw eigen woorden zeggen wat er beter kan? Typ het "
                 "hieronder. Schrijf geen persoonlijke gegevens op.", buttons=[SKIP_BUTTON])
        return _ask_remark(tracker)


class ActionSatisfaction(AssistantAction):
    """The score after a conversation with a staff member; then an optional remark."""

    def name(self) -> Text:
        return "action_satisfaction"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        score = entity(tracker, "score")
        if score not in SCORE_TITLES:
            return []
        feedback_store().add(_draft(tracker, "staff", score, None))
        dispatcher.utter_message(
            text="Dank u wel. Wilt u nog iets zeggen over het gesprek? Typ het hieronder. "
                 "Schrijf geen persoonlijke gegevens op.", buttons=[SKIP_BUTTON])
        return _ask_remark(tracker)


class ActionFeedbackRemark(AssistantAction):
    """The resident's remark after a reason or score (routed here by bot/policies.py)."""

    def name(self) -> Text:
        return "action_feedback_remark"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        text = (tracker.latest_message.get("text") or "").strip()
        latest = feedback_store().latest(tracker.sender_id)
        if latest is not None and text:
            feedback_store().set_remark(latest.id, text)
        dispatcher.utter_message(text="Dank u wel. Wij gebruiken uw reactie om de assistent beter "
                                      "te maken. Heeft u nog een vraag? Stel die gerust.")
        return _resume(tracker)


class ActionFeedbackSkip(AssistantAction):
    """No reason or remark: fine, the conversation goes on where it was."""

    def name(self) -> Text:
        return "action_feedback_skip"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(text="Goed. Heeft u nog een vraag? Stel die gerust.")
        if tracker.get_slot("awaiting") == REMARK_AWAITING:
            return _resume(tracker)
        return []
