"""Handoff to a person: a ticket for the KCC, live takeover in office hours, a callback outside.

Why this shape: a resident must always reach a person, and a ticket must never get lost. Inside
office hours the conversation waits for a staff member (the bot steps back, see
bot/policies.py); outside, the resident is asked, with consent, how to be contacted, and is told
when. Contact data goes only into the ticket, never into a slot, so the tracker store (which
masks) never needs to hold it.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import AssistantAction, BUTTON_HUMAN, catalogue, entity, episode, latest_channel, now, user_texts
from actions.ladder_text import RUNG_LABEL
from actions.safety_detector import SafetyResult
from bot.masking import EMAIL, PHONE, mask
from bot.topics import TOPIC_NAMES

logger = logging.getLogger(__name__)

REASONS = {
    "request": "de inwoner vroeg om een medewerker",
    "fallback": "de assistent begreep de vraag niet",
    "complex": "meerdere problemen tegelijk",
    "urgent": "mogelijk acuut gevaar",
    "ladder_exhausted": "zelf, netwerk en gratis hulp lukten niet",
    "melding": "de inwoner wil een melding doen bij het Sociaal Loket",
}


@lru_cache(maxsize=1)
def ticket_store() -> Any:
    from kcc.tickets import TicketStore

    return TicketStore.from_env()


def summary(tracker: Tracker, reason: str, note: str = "", topic: Optional[str] = None) -> str:
    """A few lines for staff: why, the topic, the rung reached, the resident's own words."""
    topic = topic or tracker.get_slot("topic")
    rung = tracker.get_slot("ladder_rung")
    parts = [f"Reden: {REASONS.get(reason, reason)}{'; ' + note if note else ''}."]
    if topic:
        parts.append(f"Onderwerp: {TOPIC_NAMES.get(topic, topic)}.")
    if rung:
        skipped = ", ".join(RUNG_LABEL.get(r, r) for r in tracker.get_slot("rungs_skipped") or [])
        parts.append(f"Aangeboden tot en met: {RUNG_LABEL.get(rung, rung)}."
                     + (f" Al geprobeerd: {skipped}." if skipped else ""))
    words = " | ".join(f'"{t}"' for t in user_texts(tracker))
    if words:
        parts.append(f"De inwoner schreef: {words}")
    return mask(" ".join(parts))[:2000]


def _draft(tracker: Tracker, reason: str, mode: str, urgency: str, note: str = "",
           topic: Optional[str] = None, contact_preference: Optional[str] = None,
           contact_value: Optional[str] = None) -> Any:
    from kcc.tickets import TicketDraft

    return TicketDraft(
        conversation_id=tracker.sender_id, episode=episode(tracker),
        channel=latest_channel(tracker), municipality=catalogue().profile.slug,
        topic=topic or tracker.get_slot("topic"), ladder_rung=tracker.get_slot("ladder_rung"),
        summary=summary(tracker, reason, note, topic), urgency=urgency, mode=mode,
        contact_preference=contact_preference, consent=contact_value is not None,
        contact_value=contact_value, reason=reason)


def start(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str, note: str = "",
          topic: Optional[str] = None) -> List[EventType]:
    """Hand the conversation to a person: live when the KCC is open, else offer a callback."""
    profile = catalogue().profile
    store = ticket_store()
    existing = store.open_for_conversation(tracker.sender_id)
    if profile.is_open(now()):
        ticket = existing
        if ticket is None:
            urgency = "high" if reason in ("complex", "ladder_exhausted") else "normal"
            ticket, _ = store.create(_draft(tracker, reason, "live", urgency, note, topic, "chat"))
        dispatcher.utter_message(
            text=f"Ik geef het gesprek door aan een medewerker van de gemeente {profile.name}. "
                 f"Blijft u in dit gesprek. Een medewerker leest mee en antwoordt hier. Dat kan een paar minuten duren.")
        return [SlotSet("ticket_id", str(ticket.id)), SlotSet("takeover", True),
                SlotSet("agent", None), SlotSet("awaiting", None), SlotSet("handoff_reason", reason)]
    if existing is not None and existing.consent:
        dispatcher.utter_message(text="Uw vraag is al doorgegeven. Een medewerker neemt contact met "
                                      f"u op. {_when(profile)}")
        return [SlotSet("awaiting", None)]
    dispatcher.utter_message(
        text=f"Op dit moment zijn er geen medewerkers. {profile.describe_opening_hours()}\n"
             "Mag een medewerker u terugbellen of een e-mail sturen? Wij bewaren uw nummer of "
             "e-mailadres alleen bij deze vraag.",
        buttons=[{"title": "Ja, bel mij", "payload": '/contact_method{"contact_method":"telefoon"}'},
                 {"title": "Ja, mail mij", "payload": '/contact_method{"contact_method":"email"}'},
                 {"title": "Nee, liever niet", "payload": "/deny"}])
    return [SlotSet("awaiting", "consent"), SlotSet("handoff_reason", reason),
            SlotSet("topic", topic or tracker.get_slot("topic"))]


def urgent_ticket(dispatcher: CollectingDispatcher, tracker: Tracker,
                  result: SafetyResult) -> List[EventType]:
    """Put an urgent ticket at the top of the KCC queue and offer the resident a person."""
    note = ", ".join(result.kinds)
    ticket, _ = ticket_store().create(_draft(tracker, "urgent", "live", "urgent", note))
    dispatcher.utter_message(text="Wilt u nu met een medewerker van de gemeente praten?",
                             buttons=[BUTTON_HUMAN])
    return [SlotSet("ticket_id", str(ticket.id))]


def _when(profile: Any) -> str:
    nxt = profile.next_opening(now())
    if nxt is None:
        return "Dat gebeurt op de eerstvolgende werkdag."
    days = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
    return f"Dat gebeurt vanaf {days[nxt.weekday()]} {nxt.day}-{nxt.month} om {nxt:%H:%M} uur."


class ActionHandoff(AssistantAction):
    """'Ik wil een medewerker': start the handoff."""

    def name(self) -> Text:
        return "action_handoff"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        return start(dispatcher, tracker, reason="request")


class ActionContactMethod(AssistantAction):
    """The resident consented and chose phone or e-mail: ask for the number or address."""

    def name(self) -> Text:
        return "action_contact_method"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        method = entity(tracker, "contact_method") or tracker.get_slot("contact_method")
        if method not in ("telefoon", "email"):
            return start(dispatcher, tracker, reason=tracker.get_slot("handoff_reason") or "request")
        ask = "Wat is uw telefoonnummer?" if method == "telefoon" else "Wat is uw e-mailadres?"
        dispatcher.utter_message(text=f"{ask} We gebruiken het alleen om u over deze vraag te bereiken.")
        return [SlotSet("contact_method", method), SlotSet("awaiting", "contact_value")]


class ActionCollectContact(AssistantAction):
    """Read the phone number or e-mail address from this message straight into the ticket."""

    def name(self) -> Text:
        return "action_collect_contact"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        method = tracker.get_slot("contact_method") or "telefoon"
        text = tracker.latest_message.get("text") or ""
        found = (PHONE if method == "telefoon" else EMAIL).search(text)
        if found is None:
            retries = sum(1 for e in tracker.events if e.get("event") == "action"
                          and e.get("name") == "action_collect_contact")
            if retries > 1:
                dispatcher.utter_message(
                    text=f"Dat lukt helaas niet. {catalogue().profile.general_contact}",
                    buttons=[BUTTON_HUMAN])
                return [SlotSet("awaiting", None)]
            example = "bijvoorbeeld 06 12345678" if method == "telefoon" else "bijvoorbeeld naam@voorbeeld.nl"
            dispatcher.utter_message(text=f"Ik herken dat niet als {'telefoonnummer' if method == 'telefoon' else 'e-mailadres'}. "
                                          f"Wilt u het nog een keer typen, {example}?")
            return []
        reason = tracker.get_slot("handoff_reason") or "request"
        value = re.sub(r"\s+", " ", found.group(0)).strip()
        ticket, _ = ticket_store().create(_draft(tracker, reason, "callback", "normal",
                                                 contact_preference=method, contact_value=value))
        how = "gebeld" if method == "telefoon" else "gemaild"
        dispatcher.utter_message(text=f"Dank u wel. U wordt {how} door een medewerker van de gemeente "
                                      f"{catalogue().profile.name}. {_when(catalogue().profile)}")
        return [SlotSet("ticket_id", str(ticket.id)), SlotSet("awaiting", None)]


class ActionHandoffWaiting(AssistantAction):
    """While the resident waits for a staff member, confirm their message was passed on."""

    def name(self) -> Text:
        return "action_handoff_waiting"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(text="Uw bericht is bewaard. Een medewerker leest het zo.")
        return []


class ActionTakeoverStart(AssistantAction):
    """A staff member claimed the conversation in the console."""

    def name(self) -> Text:
        return "action_takeover_start"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        agent = entity(tracker, "agent") or "een medewerker"
        dispatcher.utter_message(text=f"U praat nu met {agent}, medewerker van de gemeente "
                                      f"{catalogue().profile.name}.")
        return [SlotSet("takeover", True), SlotSet("agent", agent), SlotSet("awaiting", None)]


class ActionStaffMessage(AssistantAction):
    """A staff member's reply: sent through the resident's channel, stored with the agent's name."""

    def name(self) -> Text:
        return "action_staff_message"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        text = (entity(tracker, "staff_text") or "").strip()
        agent = entity(tracker, "agent") or tracker.get_slot("agent") or "medewerker"
        if text:
            dispatcher.utter_message(text=text, agent=agent)
        return [SlotSet("takeover", True), SlotSet("agent", agent)]


class ActionTakeoverEnd(AssistantAction):
    """The staff member hands the conversation back to the assistant, or closes it."""

    def name(self) -> Text:
        return "action_takeover_end"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        if entity(tracker, "outcome") == "closed":
            text = ("De medewerker heeft het gesprek afgesloten. Heeft u later nog een vraag? "
                    "Dan kunt u mij altijd een bericht sturen.")
        else:
            text = "U praat weer met de digitale assistent. Kan ik u nog ergens mee helpen?"
        dispatcher.utter_message(text=text)
        return [SlotSet("takeover", False), SlotSet("agent", None), SlotSet("ticket_id", None),
                SlotSet("awaiting", None)]
