"""The answer to urgent danger: the right help line at once, calm and short, and a person.

Why an action of its own: ConversationGuardPolicy (bot/policies.py) runs it in any state, and
it must never depend on a form, a fallback or a takeover to reach the resident.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import handoff
from actions.common import AssistantAction, BUTTON_HUMAN, catalogue
from actions.safety_detector import SafetyResult, detect

logger = logging.getLogger(__name__)

# Verified numbers, used only if the catalogue cannot be read: safety must not depend on a database.
FALLBACK_LINES = {
    "112": "Bel 112 als er nu direct gevaar is.",
    "113": "Bel 113 Zelfmoordpreventie: 113 of gratis 0800-0113. Dag en nacht. Chatten kan op 113.nl.",
    "veilig_thuis": "Bel Veilig Thuis: 0800-2000. Gratis, dag en nacht.",
    "centrum_seksueel_geweld": "Bel het Centrum Seksueel Geweld: 0800-0188. Gratis, dag en nacht.",
    "kindertelefoon": "Ben je jonger dan 18? Bel De Kindertelefoon: 0800-0432. Gratis.",
    "luisterlijn": "Wilt u uw verhaal kwijt? Bel De Luisterlijn: 088-0767 000. Dag en nacht.",
}


def helpline_text(key: str) -> str:
    """One line per help line, from the catalogue's verified list."""
    try:
        line = catalogue().helpline(key)
    except Exception:  # noqa: BLE001 - the fallback below keeps the answer safe
        logger.exception("help line %s not readable from the catalogue", key)
        line = None
    if line is None:
        return FALLBACK_LINES.get(key, "")
    numbers = " of ".join([line.number, *line.alt_numbers]) if line.number else ""
    hours = f" {line.hours[0].upper()}{line.hours[1:]}." if line.hours else ""
    site = f" {line.url}" if line.url else ""
    return f"{line.name}: bel {numbers}.{hours}{site}".replace("..", ".")


def safety_message(result: SafetyResult) -> str:
    lines = [helpline_text(k) for k in result.helplines] or [helpline_text("112")]
    first = "Wat u schrijft is ernstig. U staat er niet alleen voor."
    if "112" in result.helplines:
        first += " Is er nu direct gevaar? Bel dan meteen 112."
    return first + "\n" + "\n".join(f"- {line}" for line in lines if line)


class ActionSafety(AssistantAction):
    """Urgent danger: help lines first, an urgent ticket for the KCC, and a person offered."""

    def name(self) -> Text:
        return "action_safety"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        message = tracker.latest_message
        intent = (message.get("intent") or {})
        result = detect(message.get("text") or "", intent.get("name"),
                        float(intent.get("confidence") or 0.0))
        if not result.urgent:  # the policy saw danger; keep the answer even if this run differs
            result = SafetyResult(True, ("acute_danger",), ("112", "113", "veilig_thuis"), ())
        dispatcher.utter_message(text=safety_message(result))
        events: List[EventType] = [SlotSet("urgent", ",".join(result.kinds))]
        if tracker.get_slot("takeover"):
            return events  # a staff member is already in the conversation and sees this
        try:
            events += handoff.urgent_ticket(dispatcher, tracker, result)
        except Exception:  # noqa: BLE001 - the help lines above were already given
            logger.exception("urgent ticket could not be written")
            dispatcher.utter_message(text="Wilt u met iemand van de gemeente praten?",
                                     buttons=[BUTTON_HUMAN])
        return events
