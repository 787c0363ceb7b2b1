"""The conversation around the questions: greeting, privacy, yes/no, clarifying, out of scope.

Why actions instead of fixed responses: the municipality's name, contact and privacy page come
from the selected profile, and "ja"/"nee" mean different things depending on what was asked.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from assistant.settings import settings
from actions import conversation, handoff, knowledge, triage
from knowledge import get_glossary
from actions.common import AssistantAction, catalogue, current_municipality
from assistant.replies import BUTTON_HUMAN
from assistant.decisions import decide

CAPABILITIES = ("Ik help u met vragen over hulp thuis, zorg, vervoer, mantelzorg, opvoeden, "
                "geld en schulden, werk, eenzaamheid en wonen. Ik zoek met u uit wat u zelf kunt "
                "doen, wie kan helpen en wat de gemeente doet.")


def privacy_url() -> str:
    """The privacy statement of the conversation's own municipality."""
    from knowledge.tenants import privacy_page_for

    return privacy_page_for(current_municipality())


class ActionGreet(AssistantAction):
    """Greeting: who is talking (a bot), what it can do, a short privacy notice, a person."""

    def name(self) -> Text:
        return "action_greet"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        profile = catalogue().profile
        dispatcher.utter_message(
            text=f"Goedendag! Ik ben de digitale assistent van de gemeente {profile.name}. Ik ben een "
                 "computerprogramma, geen mens.\n" + CAPABILITIES)
        dispatcher.utter_message(
            text="Wij bewaren dit gesprek een tijdje om u te kunnen helpen. Persoonlijke gegevens "
                 "zoals uw BSN of telefoonnummer maken wij onleesbaar. Deel uw BSN nooit in de chat.",
            links=[{"title": "Privacyverklaring", "url": privacy_url()}])
        dispatcher.utter_message(text="Waar kan ik u mee helpen? U mag het in uw eigen woorden "
                                      "vertellen. Liever een mens? Kies 'Spreek een medewerker'.",
                                 buttons=[BUTTON_HUMAN])
        # Kept in a slot so Rasa can name the contact itself if the action server fails later.
        events: List[EventType] = [SlotSet("municipality_contact", profile.general_contact)]
        story = knowledge.answer_story(dispatcher, tracker, tracker.latest_message.get("text") or "")
        return events + (story or [])


class ActionThanks(AssistantAction):
    """'Dank u': after an offered rung it means the rung helped; otherwise a friendly close."""

    def name(self) -> Text:
        return "action_thanks"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        if tracker.get_slot("awaiting") == "ladder":
            return await triage.ActionLadderHelps().act(dispatcher, tracker, domain)
        dispatcher.utter_message(text="Graag gedaan. Kan ik u nog ergens anders mee helpen?")
        return []


class ActionCapabilities(AssistantAction):
    def name(self) -> Text:
        return "action_capabilities"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(text=CAPABILITIES + " Ik ben een computer. Ik kan u altijd "
                                                     "doorverbinden met een medewerker.",
                                 buttons=[BUTTON_HUMAN])
        return []


class ActionPrivacy(AssistantAction):
    def name(self) -> Text:
        return "action_privacy"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        days = settings().retention_conversation_days
        dispatcher.utter_message(
            text=f"Wij bewaren dit gesprek {days} dagen. Daarna wissen wij het. Een BSN, "
                 "rekeningnummer, telefoonnummer of e-mailadres maken wij onleesbaar. Alleen als u "
                 "zelf vraagt om teruggebeld te worden, bewaren wij uw nummer bij die vraag. "
                 "Medewerkers van de gemeente kunnen het gesprek lezen als u om hulp vraagt.",
            links=[{"title": "Privacyverklaring", "url": privacy_url()}])
        return []


class ActionOutOfScope(AssistantAction):
    def name(self) -> Text:
        return "action_out_of_scope"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        """The NLU's "not ours" is a guess like any other: the same decision as for a topic
        (a social term, a weak guess to ask about, a case for a person) says what to answer."""
        text = tracker.latest_message.get("text") or ""
        if text.startswith("/"):
            intent = (tracker.latest_message.get("intent") or {}).get("name")
            return knowledge.out_of_scope(dispatcher, intent, text=text)
        decision = decide(text, tracker.latest_message, catalogue(), get_glossary())
        return knowledge.answer_decision(dispatcher, tracker, decision)


class ActionClarify(AssistantAction):
    """Unsure what the resident means: ask with buttons for the likeliest topics, then hand over."""

    def name(self) -> Text:
        return "action_clarify"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        decision = decide(text, tracker.latest_message, catalogue(), get_glossary())
        if decision.term is not None and not decision.topic:
            return conversation.explain_term(dispatcher, decision.term)
        if (decision.topic and not decision.clarify) or decision.complexity.complex:
            return knowledge.answer_decision(dispatcher, tracker, decision)
        return knowledge.ask_back(dispatcher, tracker, decision)


class ActionConfirm(AssistantAction):
    """'Ja': what it agrees to depends on the question the assistant just asked."""

    def name(self) -> Text:
        return "action_confirm"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        awaiting = tracker.get_slot("awaiting")
        if awaiting == "ladder":
            return await triage.ActionLadderHelps().act(dispatcher, tracker, domain)
        if awaiting == "loket_offer":
            return handoff.start(dispatcher, tracker, reason="request",
                                 note=handoff.REASONS["melding"])
        if awaiting == "handoff_offer":
            return handoff.start(dispatcher, tracker, reason=tracker.get_slot("handoff_reason")
                                 or "complex", note=tracker.get_slot("handoff_note") or "")
        if awaiting == "consent":
            dispatcher.utter_message(
                text="Hoe wilt u dat wij contact opnemen?",
                buttons=[{"title": "Bel mij", "payload": '/contact_method{"contact_method":"telefoon"}'},
                         {"title": "Mail mij", "payload": '/contact_method{"contact_method":"email"}'}])
            return []
        if awaiting == "pending_topic":
            pending = list(tracker.get_slot("pending_topics") or [])
            if pending:
                decision = decide("", tracker.latest_message, catalogue(), get_glossary(),
                                    forced_topic=pending[0])
                events = knowledge.answer_decision(dispatcher, tracker, decision)
                return events + [SlotSet("pending_topics", pending[1:])]
        dispatcher.utter_message(text="Waar kan ik u mee helpen? Vertel het gerust in uw eigen woorden.")
        return [SlotSet("awaiting", None)]


class ActionDecline(AssistantAction):
    """'Nee': decline what was just offered, without closing any door."""

    def name(self) -> Text:
        return "action_decline"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        awaiting = tracker.get_slot("awaiting")
        if awaiting == "ladder":
            return triage.advance(dispatcher, tracker)
        profile = catalogue().profile
        if awaiting in ("consent", "contact_value"):
            dispatcher.utter_message(text=f"Dat is goed. U kunt zelf contact opnemen. "
                                          f"{profile.general_contact}")
            return [SlotSet("awaiting", None), SlotSet("contact_method", None)]
        if awaiting == "loket_offer":
            dispatcher.utter_message(text=f"Dat is goed. Wilt u later toch contact? "
                                          f"{profile.general_contact}")
            return triage.offer_pending_topic(dispatcher, tracker)
        if awaiting == "handoff_offer":
            topic = tracker.get_slot("topic")
            if topic:  # read on alone: the answer on the subject, with its ladder
                decision = decide("", tracker.latest_message, catalogue(), get_glossary(),
                                    forced_topic=topic)
                dispatcher.utter_message(text="Dat is goed. Hier leest u wat u zelf kunt doen. "
                                              "Een medewerker kan later altijd nog.")
                return knowledge.answer_decision(dispatcher, tracker, decision)
            dispatcher.utter_message(text=f"Dat is goed. Wilt u later toch iemand spreken? "
                                          f"{profile.general_contact}")
            return [SlotSet("awaiting", None)]
        if awaiting == "pending_topic":
            dispatcher.utter_message(text="Goed. Kan ik u nog ergens anders mee helpen?")
            return [SlotSet("awaiting", None), SlotSet("pending_topics", [])]
        dispatcher.utter_message(text="Goed. Kan ik u nog ergens anders mee helpen?")
        return [SlotSet("awaiting", None)]
