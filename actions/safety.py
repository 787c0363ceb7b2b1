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
from actions import helpline_text as helpline_texts
from actions.common import AssistantAction, BUTTON_HUMAN, catalogue
from actions.safety_detector import HELPLINE_KEYS, SafetyResult, detect

logger = logging.getLogger(__name__)

# Rendered from knowledge/content/helplines.yml at import (see actions/helpline_text.py), used
# only if the catalogue cannot be read: safety must not depend on a database.
FALLBACK_LINES: Dict[str, str] = helpline_texts.fallback_lines(HELPLINE_KEYS)
_EMERGENCY = helpline_texts.number("112")


def helpline_text(key: str) -> str:
    """One line per help line, from the catalogue's verified list (or the YAML file directly)."""
    try:
        line = catalogue().helpline(key)
    except Exception:  # noqa: BLE001 - the fallback below keeps the answer safe
        logger.exception("help line %s not readable from the catalogue", key)
        line = None
    if line is None:
        return FALLBACK_LINES.get(key, "")
    return helpline_texts.format_line(line.name, line.number, line.alt_numbers, line.hours, line.url)


def safety_message(result: SafetyResult) -> str:
    """The answer: a calm first sentence that fits the situation, then the help lines in order.

    Why different openings: a collapse needs "bel nu" and nothing else first; danger now needs
    the emergency number at once; a story about violence in the past needs calm words and the
    same help ("ook als het al voorbij is"), not alarm.
    """
    lines = [helpline_text(k) for k in result.helplines] or [helpline_text("112")]
    kinds = set(result.kinds)
    if "medical_emergency" in kinds:
        first = f"Bel nu meteen {_EMERGENCY} voor een ambulance. Blijf bij de persoon tot er hulp is."
    elif "112" in result.helplines:
        first = ("Wat u schrijft is ernstig. U staat er niet alleen voor. "
                 f"Is er nu direct gevaar? Bel dan meteen {_EMERGENCY}.")
    elif result.past:
        first = ("Dank u dat u dit vertelt. Ook als het al voorbij is, kunt u erover praten "
                 "met mensen die hier verstand van hebben:")
    else:
        first = "Wat u schrijft is ernstig. U staat er niet alleen voor."
    text = first + "\n" + "\n".join(f"- {line}" for line in lines if line)
    if "danger_to_others" in kinds and "112" not in result.helplines:
        text += ("\nBent u bang dat u iemand iets aandoet? Bel ook uw huisarts of de "
                 "huisartsenpost; zij kunnen de crisisdienst inschakelen.")
    return text


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
