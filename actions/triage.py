"""The ladder walk: after each rung the resident says "dat helpt" or "dat lukt niet".

Why: like a patient desk worker, the assistant offers the next rung only when the previous one
does not work, skips what the resident already tried, and hands over when the ladder is done.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import handoff, knowledge
from actions.common import AssistantAction, catalogue, utter_long
from assistant.replies import BUTTON_HUMAN, details_button
from assistant.ladder_text import bridge, rung_buttons, rung_message
from assistant.triage import next_rung, tried_rungs
from assistant.topics import TOPIC_NAMES


def offer_pending_topic(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """After one need is settled, come back to the next one the resident mentioned."""
    pending = list(tracker.get_slot("pending_topics") or [])
    if not pending:
        return [SlotSet("awaiting", None)]
    dispatcher.utter_message(
        text=f"U had ook een vraag over {TOPIC_NAMES.get(pending[0], pending[0])}. "
             f"Zal ik daar nu naar kijken?",
        buttons=[{"title": "Ja, graag", "payload": "/affirm"},
                 {"title": "Nee, dank u", "payload": "/deny"}])
    return [SlotSet("awaiting", "pending_topic")]


class ActionLadderHelps(AssistantAction):
    """The offered rung helps: close this need warmly, then any other need."""

    def name(self) -> Text:
        return "action_ladder_helps"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        if not tracker.get_slot("entry_id"):
            dispatcher.utter_message(text="Fijn. Waar kan ik u mee helpen?")
            return []
        dispatcher.utter_message(
            text="Fijn dat u hiermee verder kunt. Lukt het toch niet? Dan kunt u hier altijd "
                 "terugkomen of een medewerker spreken.")
        return offer_pending_topic(dispatcher, tracker)


class ActionLadderNext(AssistantAction):
    """The offered rung does not work: offer the next one, skipping what was tried."""

    def name(self) -> Text:
        return "action_ladder_next"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        return advance(dispatcher, tracker)


def _ask_story(dispatcher: CollectingDispatcher) -> List[EventType]:
    dispatcher.utter_message(text="Vertel gerust in uw eigen woorden wat er speelt. "
                                  "Dan kijk ik wat er mogelijk is.", buttons=[BUTTON_HUMAN])
    return []


def advance(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """Move one rung up the ladder of the current entry (shared by 'dat lukt niet' and 'nee')."""
    entry = catalogue().entry(tracker.get_slot("entry_id") or "")
    text = tracker.latest_message.get("text") or ""
    if entry is None:
        # No rung was offered yet, so "lukt niet" is part of a story: read it as a question.
        return knowledge.answer_story(dispatcher, tracker, text) or _ask_story(dispatcher)
    skipped = set(tracker.get_slot("rungs_skipped") or []) | set(tried_rungs(text))
    current = tracker.get_slot("ladder_rung")
    rung = next_rung(current, entry.ladder, skipped)
    if rung is None:
        dispatcher.utter_message(
            text="Dan is het goed dat een medewerker met u meekijkt. Ik geef uw vraag door.")
        return handoff.start(dispatcher, tracker, reason="ladder_exhausted", topic=entry.topic)
    utter_long(dispatcher, rung_message(rung, entry.ladder.get(rung) or "", lead=bridge(text),
                                        failed_before=True),
               buttons=rung_buttons(rung) + [details_button(entry.id)])
    return [SlotSet("ladder_rung", rung), SlotSet("rungs_skipped", sorted(skipped)),
            SlotSet("awaiting", "loket_offer" if rung == "sociaal_loket" else "ladder")]
