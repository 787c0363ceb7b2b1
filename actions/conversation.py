"""Turns inside a conversation: "ik snap het niet", "wat betekent ...", "wat kan ik zelf doen",
"en nu?". Each is answered in the state the conversation is in, and none moves the ladder on.

Why: residents with few reading skills lose the thread of a step-by-step answer. A desk worker
then says it again in plainer words, explains the word that was hard, or sums up the choices,
and does not pretend the resident answered the question that was asked.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import AssistantAction, catalogue
from assistant.replies import BUTTON_FAILS, BUTTON_HELPS, BUTTON_HUMAN
from assistant.ladder_text import RUNG_LABEL, rung_buttons, rung_message
from assistant.glossary import Term, explain_terms
from knowledge import RUNGS, get_glossary


def last_bot_text(tracker: Tracker) -> str:
    """The assistant's own last message (not a staff member's), or ''."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot" and not (event.get("metadata") or {}).get("agent"):
            text = (event.get("text") or "").strip()
            if text:
                return text
    return ""


def first_sentence(text: str) -> str:
    """The first sentence of a text (the main point of an answer), without list marks."""
    plain = " ".join(line.lstrip("-• ").strip() for line in text.splitlines() if line.strip())
    match = re.match(r"(.+?[.!?])(?:\s|$)", plain)
    return (match.group(1) if match else plain)[:300]


def explain_term(dispatcher: CollectingDispatcher, term: Term) -> List[EventType]:
    """The plain meaning of one word the resident asked about."""
    dispatcher.utter_message(text=f"{term.term}: {term.explain}\n\nIs het zo duidelijk? U kunt "
                                  "ook een medewerker vragen om het uit te leggen.",
                             buttons=[BUTTON_HUMAN])
    return []


class ActionExplain(AssistantAction):
    """'Ik snap het niet' / 'wat betekent X': say it again simpler, explain the hard words."""

    def name(self) -> Text:
        return "action_explain"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        glossary = get_glossary()
        asked = glossary.asked_meaning(tracker.latest_message.get("text") or "")
        if asked is not None:
            return explain_term(dispatcher, asked)
        last = last_bot_text(tracker)
        if not last:
            dispatcher.utter_message(text="Geen probleem. Vertel in een paar woorden waar u hulp bij "
                                          "zoekt. Dan zoek ik het voor u uit.",
                                     buttons=[BUTTON_HUMAN])
            return []
        words = glossary.find(last)
        lines = [f"Ik zeg het eenvoudiger. In het kort: {first_sentence(last)}"]
        if words:
            lines.append("Wat de moeilijke woorden betekenen:\n" + explain_terms(words))
        lines.append("Wilt u dat iemand het u uitlegt? Een medewerker kan dat ook.")
        buttons = [BUTTON_HUMAN]
        if tracker.get_slot("awaiting") == "ladder":
            buttons = [BUTTON_HELPS, BUTTON_FAILS, BUTTON_HUMAN]
        dispatcher.utter_message(text="\n\n".join(lines), buttons=buttons)
        return []  # the state stays: the question that was asked is still open


class ActionSelfHelp(AssistantAction):
    """'Wat kan ik dan zelf doen?': the 'zelf' rung of the current subject, whatever rung
    the conversation reached (the ladder is offered, never a wall)."""

    def name(self) -> Text:
        return "action_self_help"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        entry = catalogue().entry(tracker.get_slot("entry_id") or "")
        body = (entry.ladder.get("zelf") if entry is not None else None) or ""
        if not body:
            dispatcher.utter_message(text="Waar gaat uw vraag over? Vertel het in een paar woorden. "
                                          "Dan zoek ik wat u zelf kunt doen.")
            return [SlotSet("awaiting", None)]
        dispatcher.utter_message(text=rung_message("zelf", body), buttons=rung_buttons("zelf"))
        return [SlotSet("ladder_rung", "zelf"), SlotSet("awaiting", "ladder")]


class ActionWhatNow(AssistantAction):
    """'En nu?': sum up the choices for the current subject, the current one first."""

    def name(self) -> Text:
        return "action_what_now"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        entry = catalogue().entry(tracker.get_slot("entry_id") or "")
        if entry is None:
            dispatcher.utter_message(text="U kunt mij een vraag stellen over zorg, hulp thuis, geld, "
                                          "werk, opvoeden en meedoen. Of u spreekt een medewerker.",
                                     buttons=[BUTTON_HUMAN])
            return []
        current: Optional[str] = tracker.get_slot("ladder_rung")
        choices = [RUNG_LABEL[r] for r in RUNGS if entry.ladder.get(r) and r != current]
        now_line = f"Nu kijken we naar: {RUNG_LABEL[current]}. " if current in RUNG_LABEL else ""
        listed = "\n".join(f"- {c}" for c in choices)
        dispatcher.utter_message(
            text=f"{now_line}Dit kunt u ook kiezen:\n{listed}\n- een medewerker spreken",
            buttons=[BUTTON_HELPS, BUTTON_FAILS, BUTTON_HUMAN] if current else [BUTTON_HUMAN])
        return []
