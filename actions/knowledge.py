"""Answers from the service catalogue: the short answer first, then the first ladder rung.

Why: residents get the facts of the municipality's own catalogue (never invented) and, in the
same breath, the first thing they can do, so the conversation moves on instead of ending in text.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Tuple

import yaml

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import handoff
from knowledge import get_glossary
from actions.common import AssistantAction, catalogue, entity, user_texts, utter_long
from assistant.replies import BUTTON_HUMAN, details_button
from assistant.decisions import Decision, clarify_options, decide
from assistant.message import Message
from actions.feedback import offer_feedback
from assistant.ladder_text import rung_buttons, rung_message
from assistant.triage import tried_rungs
from assistant.acknowledge import acknowledgement
from assistant.vocabulary import RUNGS
from assistant.topics import OUT_OF_SCOPE, TOPIC_NAMES, names, topic_ranking


def answer_entry(dispatcher: CollectingDispatcher, entry: Any, rung: Optional[str],
                 tried: List[str], extra_intro: str = "") -> List[EventType]:
    """Short answer of an entry, then the offer of its first rung (or the related entries)."""
    text = f"{extra_intro}\n\n{entry.short_answer}".strip() if extra_intro else entry.short_answer
    if rung is None:
        buttons = [details_button(entry.id), BUTTON_HUMAN]
        utter_long(dispatcher, text, buttons=buttons, links=entry.links)
        offer_feedback(dispatcher, entry)
        return [SlotSet("entry_id", entry.id), SlotSet("topic", entry.topic),
                SlotSet("awaiting", None)]
    utter_long(dispatcher, text, links=entry.links)
    body = entry.ladder.get(rung) or ""
    utter_long(dispatcher, rung_message(rung, body),
               buttons=rung_buttons(rung) + [details_button(entry.id)])
    offer_feedback(dispatcher, entry)
    return [SlotSet("entry_id", entry.id), SlotSet("topic", entry.topic),
            SlotSet("ladder_rung", rung), SlotSet("rungs_skipped", sorted(tried)),
            SlotSet("awaiting", "loket_offer" if rung == "sociaal_loket" else "ladder")]


# From this many words a message is a story, and the answer says what it took it to be about.
LONG_STORY_WORDS = 35


def answer_decision(dispatcher: CollectingDispatcher, tracker: Tracker,
                    decision: Decision) -> List[EventType]:
    """Act on a decision in the order of ``Decision.answer_kind``, which the evaluation counts:
    complex → person, too unsure → ask back, not ours → say so and where to go, else answer
    (naming both needs when there are two) and offer a rung. The safety answer came before."""
    cat = catalogue()
    if decision.complexity.complex:
        return handoff.offer_person(dispatcher, decision.complexity, decision.needs,
                                    decision.topic)
    if decision.clarify:  # too unsure of the topic, also of "not ours": ask
        return ask_back(dispatcher, tracker, decision)
    if decision.out_of_scope:
        term = decision.referral_term
        if term is not None:
            dispatcher.utter_message(text=f"{term.term}: {term.explain}")
        return out_of_scope(dispatcher, decision.topic, decision.text)
    if decision.entry is None:
        dispatcher.utter_message(text=f"Over {TOPIC_NAMES.get(decision.topic or '', 'dit onderwerp')} "
                                      f"heb ik nog geen informatie. {cat.profile.general_contact}",
                                 buttons=[BUTTON_HUMAN])
        return []
    intro = acknowledgement(decision.text) or ""
    if len(decision.text.split()) >= LONG_STORY_WORDS and decision.topic in TOPIC_NAMES:
        # A long story: say in one line what it is taken to be about, so a wrong guess shows.
        intro = (f"{intro} Ik begrijp dat uw vraag gaat over "
                 f"{TOPIC_NAMES[decision.topic]}.").strip()
    if decision.term is not None:  # "wat is een indicatie?": the meaning first, then the answer
        intro = f"{decision.term.term}: {decision.term.explain}"
    pending: List[str] = []
    if len(decision.needs) > 1:
        pending = [t for t in decision.needs[1:] if t not in OUT_OF_SCOPE]
        intro = (f"{intro} Ik lees dat u vragen heeft over {names(decision.needs)}. "
                 f"We beginnen met {TOPIC_NAMES.get(decision.topic or '', '')}. "
                 f"Daarna kijken we naar de rest.").strip()
    tried = sorted(tried_rungs(decision.text))
    # "urgent" and "n/a" are no rung of the ladder: the help lines were given by the safety
    # answer before this one, so the question is answered without a rung.
    rung = decision.ladder if decision.ladder in RUNGS else None
    events = answer_entry(dispatcher, decision.entry, rung, tried, extra_intro=intro)
    return events + [SlotSet("pending_topics", pending), SlotSet("fallback_count", 0.0)]


def ask_back(dispatcher: CollectingDispatcher, tracker: Tracker,
             decision: Decision) -> List[EventType]:
    """Unsure what the resident means: ask with buttons for the likeliest topics (plus a
    person); the second time in a row, hand over. Why here: the answer action and the
    fallback action must ask back on the same decisions the evaluation counts as asking back."""
    count = float(tracker.get_slot("fallback_count") or 0) + 1
    if Message.of(decision.text).in_other_script:
        # Ukrainian, Russian or Arabic: topic buttons in Dutch would not help; say what the
        # assistant reads (in Dutch and English, the languages it does read) and offer a person.
        dispatcher.utter_message(
            text="Ik ben een chatbot. Ik lees alleen Nederlands en een beetje Engels. "
                 "I am a chatbot. I can only read Dutch and some English. "
                 f"Een medewerker kan u helpen. {catalogue().profile.general_contact}",
            buttons=[BUTTON_HUMAN])
        return [SlotSet("fallback_count", count), SlotSet("awaiting", None)]
    if count >= 2:
        dispatcher.utter_message(text="Het lukt mij niet goed om uw vraag te begrijpen. "
                                      "Een medewerker kan u beter helpen.")
        return handoff.start(dispatcher, tracker, reason="fallback") + [
            SlotSet("fallback_count", 0.0)]
    candidates = decision.options or clarify_options(
        decision.text, topic_ranking(tracker.latest_message), catalogue())
    buttons = [{"title": TOPIC_NAMES[t].capitalize(), "payload": f'/choose_topic{{"topic":"{t}"}}'}
               for t in candidates]
    dispatcher.utter_message(
        text="Ik weet niet zeker of ik u goed begrijp. Gaat uw vraag over een van deze "
             "onderwerpen? U kunt het ook anders zeggen.",
        buttons=buttons + [BUTTON_HUMAN])
    return [SlotSet("fallback_count", count), SlotSet("awaiting", "clarify")]


def answer_story(dispatcher: CollectingDispatcher, tracker: Tracker,
                 text: str) -> Optional[List[EventType]]:
    """Answer a message the NLU filed under a conversational intent ("hallo, ik heb schulden",
    "mijn kinderen helpen niet, ik kan de was niet meer doen") when it clearly names a topic.
    Returns None when it does not, so the caller keeps its own answer."""
    if text.startswith("/") or len(text.split()) < 5:
        return None
    decision = decide(text, tracker.latest_message, catalogue(), get_glossary())
    if (decision.topic is None or decision.out_of_scope or decision.clarify
            or decision.confidence < STORY_MIN_CONFIDENCE):
        return None
    return answer_decision(dispatcher, tracker, decision)


# A topic ranked below a conversational intent still decides the answer from this confidence on.
STORY_MIN_CONFIDENCE = 0.25


PRODUCTS_FILE = Path(__file__).resolve().parent.parent / "knowledge" / "content" / "out_of_scope_products.yml"
BUTTON_CAPABILITIES = {"title": "Wat kan ik hier vragen?", "payload": "/ask_capabilities"}
# The resident asks what the assistant does: only then the list of topics.
_CAPABILITY_QUESTION = re.compile(
    r"wat (kun|kan) (je|jij|u)|waar (kun|kan) (je|jij|u) mee helpen|wat voor vragen|wie ben (je|jij)|"
    r"wat (kan|mag) ik (hier )?vragen|wat doe (je|jij)|waarvoor ben (je|jij)", re.I)


@lru_cache(maxsize=1)
def load_products() -> List[Dict[str, Any]]:
    """Municipal products outside the social domain (knowledge/content/out_of_scope_products.yml)."""
    data = yaml.safe_load(PRODUCTS_FILE.read_text(encoding="utf-8")) or {}
    return list(data.get("products") or [])


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return " " + " ".join(re.findall(r"[a-z0-9]+", text)) + " "


def match_product(text: Optional[str]) -> Optional[Dict[str, Any]]:
    """The product a resident's words are about (typos allowed), or None."""
    norm = _normalise(text or "")
    if not norm.strip():
        return None
    tokens = norm.split()
    best: Optional[Tuple[int, Dict[str, Any]]] = None
    for product in load_products():
        if any(_normalise(x).strip() in norm for x in product.get("exclude") or []):
            continue
        for keyword in product.get("keywords") or []:
            kw = _normalise(keyword).strip()
            hit = f" {kw} " in norm
            if not hit and " " not in kw and len(kw) >= 5:
                hit = any(t.startswith(kw) or (len(t) >= 5 and
                                               difflib.SequenceMatcher(None, t, kw).ratio() >= 0.85)
                          for t in tokens)
            if hit and (best is None or len(kw) > best[0]):
                best = (len(kw), product)
    return best[1] if best else None


def _host(url: str) -> str:
    return re.sub(r"^https?://", "", url).rstrip("/")


def out_of_scope_product_text(product: Dict[str, Any], profile: Any) -> Tuple[str, List[Dict[str, str]]]:
    """Answer for one product: what it is about, where to go, and ONE link."""
    first = f"Over {product['phrase']} kan ik u helaas niet helpen."
    if product.get("where") == "national" and product.get("national_url"):
        url = product["national_url"]
        text = f"{first} Dat regelt u via {_host(url)}."
        return text, [{"title": product.get("national_title") or _host(url), "url": url}]
    if profile.website:
        text = (f"{first} Dat regelt u bij de gemeente {profile.name}. Kijk op {_host(profile.website)}. "
                f"Zoek daar op '{product['search']}'.")
        return text, [{"title": f"Website van de gemeente {profile.name}", "url": profile.website}]
    return f"{first} {profile.general_contact}", []


def out_of_scope(dispatcher: CollectingDispatcher, topic: Optional[str],
                 text: Optional[str] = None) -> List[EventType]:
    """Say honestly what the assistant cannot do and where to go instead: for a municipal product
    (paspoort, grofvuil, parkeren, ...) name it and give the one page for it. The list of what
    the assistant does comes only when the resident asks for it."""
    cat = catalogue()
    product = match_product(text)
    if product is not None:
        answer, links = out_of_scope_product_text(product, cat.profile)
        utter_long(dispatcher, answer, buttons=[BUTTON_HUMAN], links=links)
        return [SlotSet("awaiting", None)]
    entries = cat.entries_for_topic(topic) if topic else []
    if topic == "out_of_scope_other" and not _CAPABILITY_QUESTION.search(text or ""):
        entries = []  # "het weer morgen" is no question about what the assistant does
    if entries:
        utter_long(dispatcher, entries[0].short_answer, buttons=[BUTTON_HUMAN], links=entries[0].links)
    else:
        dispatcher.utter_message(
            text=f"Daar kan ik u helaas niet mee helpen. {cat.profile.general_contact}",
            buttons=[BUTTON_CAPABILITIES, BUTTON_HUMAN],
            links=[{"title": f"Website van de gemeente {cat.profile.name}", "url": cat.profile.website}]
            if cat.profile.website else [])
    return [SlotSet("awaiting", None)]


class ActionAnswerTopic(AssistantAction):
    """A resident asked about a topic: answer from the catalogue and start the ladder."""

    def name(self) -> Text:
        return "action_answer_topic"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        forced = entity(tracker, "topic") if text.startswith("/") else None
        if forced:  # a topic chosen with a button: use the resident's earlier words for the entry
            earlier = user_texts(tracker, limit=1)
            text = earlier[-1] if earlier else ""
        decision = decide(text, tracker.latest_message, catalogue(), get_glossary(),
                                    forced_topic=forced)
        return answer_decision(dispatcher, tracker, decision)


class ActionDetails(AssistantAction):
    """More about the current (or chosen) entry, with its related entries as buttons."""

    def name(self) -> Text:
        return "action_details"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        cat = catalogue()
        entry = cat.entry(entity(tracker, "entry_id") or tracker.get_slot("entry_id") or "")
        if entry is None:
            dispatcher.utter_message(text="Waar wilt u meer over weten? Stelt u uw vraag gerust in "
                                          "uw eigen woorden.")
            return []
        related = [cat.entry(rid) for rid in entry.related]
        buttons = [{"title": r.title, "payload": f'/choose_entry{{"entry_id":"{r.id}"}}'}
                   for r in related if r is not None][:3]
        utter_long(dispatcher, entry.details or entry.short_answer, buttons=buttons + [BUTTON_HUMAN],
                   links=entry.links)
        offer_feedback(dispatcher, entry)
        return [SlotSet("entry_id", entry.id), SlotSet("topic", entry.topic)]


class ActionChooseEntry(AssistantAction):
    """The resident picked a related entry: answer it and offer its first rung."""

    def name(self) -> Text:
        return "action_choose_entry"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        entry = catalogue().entry(entity(tracker, "entry_id") or "")
        if entry is None:
            dispatcher.utter_message(text="Dat onderwerp kan ik niet vinden. Stelt u uw vraag in uw "
                                          "eigen woorden?")
            return []
        from assistant.triage import first_rung

        return answer_entry(dispatcher, entry, first_rung("", entry.ladder), [])
