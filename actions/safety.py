"""The answer to urgent danger: the right help line at once, calm and short, and a person.

Why an action of its own: ConversationGuardPolicy (bot/policies.py) runs it in any state, and
it must never depend on a form, a fallback or a takeover to reach the resident.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import handoff
from actions import helpline_text as helpline_texts
from knowledge import get_glossary
from actions.common import AssistantAction, catalogue
from assistant.replies import BUTTON_HUMAN
from assistant.safety_detector import (CLASSIFIER_SURE, CRISIS_INTENTS, HELPLINE_KEYS, SafetyResult,
                                     detect)

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


def safety_message(result: SafetyResult, unsure: bool = False) -> str:
    """The answer: a calm first sentence that fits the situation, then the help lines in order.

    Why different openings: a collapse needs "bel nu" and nothing else first; danger now needs
    the emergency number at once; a story about violence in the past needs calm words and the
    same help ("ook als het al voorbij is"), not alarm.
    """
    lines = [helpline_text(k) for k in result.helplines] or [helpline_text("112")]
    kinds = set(result.kinds)
    if unsure:
        first = ("Misschien lees ik het verkeerd. Maar als het nu zwaar is, of als u niet "
                 "veilig bent, kunt u hier altijd terecht:")
    elif "medical_emergency" in kinds:
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


def only_learned(result: SafetyResult, intent: Optional[str] = None) -> bool:
    """Did only the learned classifier fire, and without being sure (no reviewed phrase, no
    crisis intent of the NLU, a probability below ``CLASSIFIER_SURE``, no danger now)?

    Why it matters: the classifier also fires on grief, worry and exhaustion. The help lines are
    still shown (recall first), but softly, and the resident's own question is answered too.
    """
    return (result.learned is not None and result.learned < CLASSIFIER_SURE
            and intent not in CRISIS_INTENTS
            and not set(result.kinds) & {"medical_emergency", "acute_danger"})


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
        unsure = only_learned(result, intent.get("name"))
        dispatcher.utter_message(text=safety_message(result, unsure))
        events: List[EventType] = [SlotSet("urgent", ",".join(result.kinds))]
        if tracker.get_slot("takeover"):
            return events  # a staff member is already in the conversation and sees this
        if unsure:
            return events + self._unsure(dispatcher, tracker, result)
        try:
            events += handoff.urgent_ticket(dispatcher, tracker, result)
        except Exception:  # noqa: BLE001 - the help lines above were already given
            logger.exception("urgent ticket could not be written")
            dispatcher.utter_message(text="Wilt u met iemand van de gemeente praten?",
                                     buttons=[BUTTON_HUMAN])
        return events


    @staticmethod
    def _unsure(dispatcher: CollectingDispatcher, tracker: Tracker,
                result: SafetyResult) -> List[EventType]:
        """Only the classifier fired: an urgent ticket for staff to look at, the offer of a
        person, and the answer to the question the resident asked (it may be just that)."""
        from actions import knowledge
        from assistant.decisions import decide
        from assistant.triage import first_rung

        events: List[EventType] = []
        try:
            ticket = handoff.create_urgent_ticket(tracker, result, unsure=True)
            events.append(SlotSet("ticket_id", str(ticket.id)))
        except Exception:  # noqa: BLE001 - the help lines above were already given
            logger.exception("urgent ticket could not be written")
        text = tracker.latest_message.get("text") or ""
        decision = decide(text, tracker.latest_message, catalogue(), get_glossary())
        if decision.topic and not decision.out_of_scope and not decision.clarify \
                and decision.entry is not None:
            decision.safety = SafetyResult(False, (), (), ())  # answer the question itself now
            decision.ladder = first_rung(text, decision.entry.ladder)
            dispatcher.utter_message(text="Over uw vraag zelf:")
            return events + knowledge.answer_decision(dispatcher, tracker, decision)
        dispatcher.utter_message(text="Wilt u met iemand van de gemeente praten?",
                                 buttons=[BUTTON_HUMAN])
        return events
