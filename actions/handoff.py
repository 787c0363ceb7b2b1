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
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import (AssistantAction, catalogue, entity, episode, latest_channel, now,
                            user_texts)
from assistant.replies import BUTTON_HUMAN
from actions.feedback import ask_satisfaction
from assistant.ladder_text import RUNG_LABEL
from assistant.safety_detector import SafetyResult
from assistant.handoff_classifier import UNSURE_PREFIX
from assistant.triage import ACUTE_NEEDS, Complexity
from assistant.masking import EMAIL, PHONE, mask
from assistant.topics import TOPIC_NAMES

logger = logging.getLogger(__name__)

REASONS = {
    "request": "de inwoner vroeg om een medewerker",
    "fallback": "de assistent begreep de vraag niet",
    "complex": "meerdere problemen tegelijk",
    "urgent": "mogelijk acuut gevaar",
    "ladder_exhausted": "zelf, netwerk en gratis hulp lukten niet",
    "melding": "de inwoner wil een melding doen bij het Sociaal Loket",
}
# The kinds of danger as KCC staff read them in the ticket (the detector's names are English).
DANGER_LABEL = {
    "suicide": "gedachten aan zelfdoding", "self_harm": "zelfbeschadiging",
    "domestic_violence": "huiselijk geweld", "coercive_control": "dwingende controle door partner",
    "child_abuse": "kindermishandeling", "sexual_violence": "seksueel geweld",
    "elder_abuse": "ouderenmishandeling", "exploitation": "uitbuiting",
    "danger_to_others": "gevaar voor anderen", "medical_emergency": "medisch spoedgeval",
    "psychiatric_crisis": "psychische crisis", "acute_danger": "gevaar nu",
}
# Ticket urgency per reason: danger first, then what cannot wait (several problems, acute need).
URGENCY = {"urgent": "urgent", "complex": "high", "ladder_exhausted": "high"}

# What the resident reads about why a person helps better here (staff see the reasons as they are).
RESIDENT_WHY = {
    "schulden en zorg tegelijk": "er spelen geldzorgen en zorg tegelijk",
    "schulden en zorgen om kinderen": "u geldzorgen heeft en zich zorgen maakt om uw kinderen",
    "dreigend verlies van woning": "u misschien uw huis kwijtraakt",
    "mantelzorger overbelast": "de zorg voor uw naaste u te zwaar wordt",
    "veiligheid van kinderen": "u zich zorgen maakt over de veiligheid van een kind",
    "kind gaat niet naar school of trekt zich terug": "u zich zorgen maakt om uw kind",
    "inwoner zegt dat alles misloopt": "er veel tegelijk misgaat",
    "inwoner wil een persoon spreken": "u graag met iemand wilt praten",
    "inwoner heeft geen slaapplek": "u geen slaapplek heeft",
    "mantelzorg valt weg": "de zorg voor iemand wegvalt",
    "inkomen afgewezen of gestopt": "uw uitkering of inkomen is afgewezen of gestopt",
    "maatregel op de uitkering": "uw uitkering misschien wordt gekort",
    "besluit over hulp afgewezen of verlaagd": "er een besluit over uw hulp is genomen",
    "bezwaar tegen een besluit": "u het niet eens bent met een besluit",
    "dreigende maatregel bij schulden": "er een deurwaarder, beslag of afsluiting dreigt",
    "iemand zorgt niet meer voor zichzelf": "iemand niet meer goed voor zichzelf zorgt",
    "agressie in een gezin met kinderen": "er agressie is in een gezin met kinderen",
    "problemen op meerdere levensgebieden": "er veel dingen tegelijk spelen",
    "mogelijk acute materiële nood": "u misschien vandaag al hulp nodig heeft",
    "geen eten vandaag": "u vandaag geen eten heeft",
    "gas, stroom of water afgesloten": "uw gas, stroom of water wordt afgesloten",
    "geen slaapplek vannacht": "u vannacht geen slaapplek heeft",
}
# A reason the classifier only guessed: a neutral sentence, never a wrong worry said aloud.
UNSURE_WHY = "uw vraag beter persoonlijk bekeken kan worden"
# Same-day help per acute need: the catalogue entry that says where to go today.
ACUTE_ENTRY = {"geen eten vandaag": "voedselbank",
               "geen slaapplek vannacht": "maatschappelijke-opvang-dakloosheid"}
OFFER_BUTTONS = [{"title": "Ja, graag", "payload": "/affirm"},
                 {"title": "Nee, eerst zelf lezen", "payload": "/deny"}]


def urgency_for(reason: str) -> str:
    return URGENCY.get(reason, "normal")


def why_text(reasons: Any) -> str:
    """One short resident sentence about why a person helps better here."""
    phrases = list(dict.fromkeys(
        UNSURE_WHY if r.startswith(UNSURE_PREFIX) else RESIDENT_WHY.get(r, "er veel dingen tegelijk spelen")
        for r in reasons))[:2]
    return " en ".join(phrases)


def offer_person(dispatcher: CollectingDispatcher, complexity: Complexity, needs: List[str],
                 topic: Optional[str]) -> List[EventType]:
    """Say briefly why a person is better here, give same-day help when it cannot wait, and
    offer the handoff; it is never forced (the resident may read on alone)."""
    cat = catalogue()
    if complexity.acute:
        lines = []
        for reason in complexity.reasons:
            entry = cat.entry(ACUTE_ENTRY.get(reason, "")) if reason in ACUTE_NEEDS else None
            if entry is not None:
                lines.append(entry.short_answer)
        lines.append(f"Neem vandaag nog contact op met de gemeente. {cat.profile.general_contact}")
        dispatcher.utter_message(text=f"Ik lees dat {why_text(complexity.reasons)}. Dat kan niet "
                                      "wachten. " + " ".join(lines))
        question = "Zal ik een medewerker vragen om vandaag nog met u mee te denken?"
    else:
        dispatcher.utter_message(text=f"Ik lees dat {why_text(complexity.reasons)}. Dan kan een "
                                      "medewerker u beter helpen dan ik. Die bekijkt alles samen "
                                      "met u.")
        question = "Wilt u dat een medewerker met u meedenkt?"
    dispatcher.utter_message(text=question, buttons=OFFER_BUTTONS)
    return [SlotSet("awaiting", "handoff_offer"), SlotSet("handoff_reason", "complex"),
            SlotSet("handoff_note", "; ".join(complexity.reasons)),
            SlotSet("topic", topic), SlotSet("pending_topics", [t for t in needs if t != topic])]


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

    channel = latest_channel(tracker)
    if channel == "whatsapp" and mode == "callback":
        # WhatsApp allows a free reply only within 24 hours of the resident's last message.
        note = (f"{note}; " if note else "") + WHATSAPP_CALLBACK_NOTE
    return TicketDraft(
        conversation_id=tracker.sender_id, episode=episode(tracker),
        channel=channel, municipality=catalogue().profile.slug,
        topic=topic or tracker.get_slot("topic"), ladder_rung=tracker.get_slot("ladder_rung"),
        summary=summary(tracker, reason, note, topic), urgency=urgency, mode=mode,
        contact_preference=contact_preference, consent=contact_value is not None,
        contact_value=contact_value, reason=reason)


def start(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str, note: str = "",
          topic: Optional[str] = None) -> List[EventType]:
    """Hand the conversation to a person: live when the KCC is open and someone is available
    to take it, else offer a callback at once (saying honestly why)."""
    profile = catalogue().profile
    store = ticket_store()
    existing = store.open_for_conversation(tracker.sender_id)
    is_open = profile.is_open(now())
    if is_open and store.staff_available(profile.slug):
        ticket = existing
        if ticket is None:
            ticket, _ = store.create(_draft(tracker, reason, "live", urgency_for(reason), note,
                                            topic, "chat"))
        expect, buttons = waiting(store, profile.slug, ticket.id)
        dispatcher.utter_message(
            text=f"Ik geef het gesprek door aan een medewerker van de gemeente {profile.name}. "
                 f"Blijft u in dit gesprek. Een medewerker leest mee en antwoordt hier. {expect}",
            buttons=buttons)
        return [SlotSet("ticket_id", str(ticket.id)), SlotSet("takeover", True),
                SlotSet("agent", None), SlotSet("awaiting", None), SlotSet("handoff_reason", reason)]
    if existing is not None and existing.consent:
        dispatcher.utter_message(text="Uw vraag is al doorgegeven. Een medewerker neemt contact met "
                                      f"u op. {_when(profile)}")
        return [SlotSet("awaiting", None)]
    after_danger = reason == "urgent" or (existing is not None and existing.urgency == "urgent")
    reminder = f"{danger_reminder()}\n" if after_danger else ""
    if is_open:  # open, but everyone is busy or away
        why = ("Er is op dit moment geen medewerker beschikbaar om met u te chatten. "
               "Iedereen is in gesprek of even weg.")
    else:
        why = f"Op dit moment zijn er geen medewerkers van de gemeente. {profile.describe_opening_hours()}"
    dispatcher.utter_message(
        text=f"{why}\n{reminder}"
             f"Mag een medewerker u terugbellen of een e-mail sturen? {_when(profile)} Wij "
             "bewaren uw nummer of e-mailadres alleen bij deze vraag.",
        buttons=CONSENT_BUTTONS)
    events = [SlotSet("awaiting", "consent"),
              SlotSet("handoff_reason", "urgent" if after_danger else reason),
              SlotSet("topic", topic or tracker.get_slot("topic"))]
    if tracker.get_slot("takeover") and not tracker.get_slot("agent"):
        events.append(SlotSet("takeover", False))  # was waiting; nobody will take it now
    return events


CALLBACK_INSTEAD = [{"title": "Bel mij liever terug",
                     "payload": '/contact_method{"contact_method":"telefoon"}'}]


def waiting(store: Any, municipality: Optional[str] = None,
            ticket_id: Optional[int] = None) -> Tuple[str, List[Dict[str, str]]]:
    """What the resident can expect, with the buttons that go with it: how many staff are
    available, the place in the queue and an estimate of the wait, or (nobody available) the
    offer to be called back.

    Why: a resident who waits without knowing whether anyone is there gives up; one who knows
    nobody is available right now can choose to be called back instead. The estimate comes from
    how long pick-ups took in the last hour (else the last week), times the place in the queue,
    shared over the staff available; without any pick-ups nobody promises a time.
    """
    available = store.staff_available(municipality)
    if not available:
        return ("Er is op dit moment geen medewerker beschikbaar. Een medewerker reageert zodra "
                "er iemand is. Wilt u liever gebeld worden? Dat kan ook.", CALLBACK_INSTEAD)
    who = ("Er is nu 1 medewerker beschikbaar." if available == 1
           else f"Er zijn nu {available} medewerkers beschikbaar.")
    place = store.queue_place(ticket_id) if ticket_id is not None else None
    where = (" U bent de eerste in de wachtrij." if place == 1
             else f" U bent nummer {place} in de wachtrij." if place else "")
    pickup = store.pickup_minutes()
    if pickup is None:
        pickup = store.typical_wait_minutes()
    if pickup is None:
        return f"{who}{where} Dat kan een paar minuten duren.", CALLBACK_INSTEAD
    estimate = max(1, round(pickup * (place or 1) / available))
    minutes = "1 minuut" if estimate == 1 else f"{estimate} minuten"
    return f"{who}{where} De wachttijd is ongeveer {minutes}.", CALLBACK_INSTEAD


CONSENT_BUTTONS = [{"title": "Ja, bel mij", "payload": '/contact_method{"contact_method":"telefoon"}'},
                   {"title": "Ja, mail mij", "payload": '/contact_method{"contact_method":"email"}'},
                   {"title": "Nee, liever niet", "payload": "/deny"}]


def danger_reminder(acute: bool = True) -> str:
    """The help lines again, short, for a resident in danger whom no one can take over now."""
    cat = catalogue()
    parts = ["Bent u nu in gevaar? Bel dan meteen 112."] if acute else []
    for key in ("113", "veilig_thuis"):
        line = cat.helpline(key)
        if line is not None and line.number:
            parts.append(f"{line.name}: {line.number}, dag en nacht.")
    return " ".join(parts)


def create_urgent_ticket(tracker: Tracker, result: SafetyResult, unsure: bool = False) -> Any:
    """The urgent ticket at the top of the KCC queue, naming the danger in Dutch (marked
    "onzeker" when only the learned classifier fired, unsure)."""
    note = ", ".join(DANGER_LABEL.get(k, k) for k in result.kinds)
    ticket, _ = ticket_store().create(_draft(tracker, "urgent", "live", "urgent",
                                             f"onzeker: {note}" if unsure else note))
    return ticket


def urgent_ticket(dispatcher: CollectingDispatcher, tracker: Tracker,
                  result: SafetyResult) -> List[EventType]:
    """Put an urgent ticket at the top of the KCC queue and offer the resident a person."""
    ticket = create_urgent_ticket(tracker, result)
    profile = catalogue().profile
    if profile.is_open(now()) and ticket_store().staff_available(profile.slug):
        dispatcher.utter_message(text="Wilt u nu met een medewerker van de gemeente praten?",
                                 buttons=[BUTTON_HUMAN])
        return [SlotSet("ticket_id", str(ticket.id))]
    # Nobody can take over now: say so first, then ask how a person may reach the resident.
    dispatcher.utter_message(
        text=("Er is nu geen medewerker beschikbaar om met u te chatten." if profile.is_open(now())
              else "Er zijn nu geen medewerkers van de gemeente.")
             + " De hulplijnen hierboven zijn wel dag en nacht bereikbaar. Mag een medewerker u "
               f"terugbellen of mailen? {_when(profile)}",
        buttons=CONSENT_BUTTONS)
    return [SlotSet("ticket_id", str(ticket.id)), SlotSet("awaiting", "consent"),
            SlotSet("handoff_reason", "urgent")]


_URGENCY_RANK = {"normal": 0, "high": 1, "urgent": 2}
WHATSAPP_CALLBACK_NOTE = ("antwoord via WhatsApp kan alleen binnen 24 uur na het laatste bericht "
                          "van de inwoner; daarna bellen of een goedgekeurd sjabloon")


def _when(profile: Any) -> str:
    if profile.is_open(now()):  # open, but nobody available to chat: a call today
        return "Dat gebeurt zo snel mogelijk."
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
        events = [SlotSet("contact_method", method), SlotSet("awaiting", "contact_value")]
        if tracker.get_slot("takeover") and not tracker.get_slot("agent"):
            # Waiting for a chat nobody has claimed: the resident chose a callback instead.
            events.append(SlotSet("takeover", False))
        return events


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
        store = ticket_store()
        existing = store.open_for_conversation(tracker.sender_id)
        if existing is not None and existing.episode == episode(tracker):
            # The urgent ticket made after danger: the contact data goes onto that one.
            ticket = store.add_callback(existing.id, method, value,
                                        urgency=max(existing.urgency, urgency_for(reason),
                                                    key=_URGENCY_RANK.get))
        else:
            ticket, _ = store.create(_draft(tracker, reason, "callback", urgency_for(reason),
                                            note=tracker.get_slot("handoff_note") or "",
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
        ticket_id = tracker.get_slot("ticket_id")
        expect, buttons = waiting(ticket_store(), catalogue().profile.slug,
                                  int(ticket_id) if str(ticket_id or "").isdigit() else None)
        dispatcher.utter_message(text=f"Uw bericht is bewaard. {expect}", buttons=buttons)
        return []


class ActionWaitingCheck(AssistantAction):
    """The console's call after CALLBACK_OFFER_MINUTES without a pick-up (kcc/waiting.py):
    say how long the resident has waited and offer the callback, if they still wait."""

    def name(self) -> Text:
        return "action_waiting_check"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        if not tracker.get_slot("takeover") or tracker.get_slot("agent"):
            return []  # picked up meanwhile, or no longer waiting: nothing to say
        store = ticket_store()
        ticket = store.open_for_conversation(tracker.sender_id)
        if ticket is None or ticket.status != "open" or ticket.mode != "live":
            return []
        from kcc.models import utcnow

        waited = max(1, round((utcnow() - ticket.created_at).total_seconds() / 60))
        expect, _ = waiting(store, ticket.municipality, ticket.id)
        if "gebeld" not in expect:  # staff available, all busy: say so and offer the callback
            expect = (f"Er is nog geen medewerker vrij om met u te chatten. {expect} Wilt u "
                      "liever gebeld worden? Dan hoeft u niet te blijven wachten.")
        dispatcher.utter_message(
            text=f"U wacht nu {waited} {'minuut' if waited == 1 else 'minuten'}. {expect} Wat u "
                 "al schreef, blijft bewaard.", buttons=CALLBACK_INSTEAD)
        return []


class ActionTakeoverStart(AssistantAction):
    """A staff member claimed the conversation in the console."""

    def name(self) -> Text:
        return "action_takeover_start"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        agent = entity(tracker, "agent") or "een medewerker"
        # `person` tells the channels that a person now talks (the widget shows it in its header).
        dispatcher.utter_message(text=f"U praat nu met {agent}, medewerker van de gemeente "
                                      f"{catalogue().profile.name}.", person=agent)
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
        dispatcher.utter_message(text=text, person="")
        ask_satisfaction(dispatcher, tracker)
        return [SlotSet("takeover", False), SlotSet("agent", None), SlotSet("ticket_id", None),
                SlotSet("awaiting", None)]
