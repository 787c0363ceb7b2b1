"""What the assistant decides about one resident message: topic, danger, complexity, first rung.

Why one function: the actions act on this decision and the evaluation CLI measures it, so the
numbers in the README are the numbers of the real assistant, not of a copy of its logic.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, List, Mapping, Optional, Sequence, Tuple

from assistant.message import Message
from assistant.safety_detector import SafetyResult, detect
from assistant.triage import (Complexity, assess_complexity, detect_needs, first_rung,
                                  keyword_topics)
from assistant.topics import IN_SCOPE, OUT_OF_SCOPE, TOPICS, topic_ranking

# Below this NLU confidence the catalogue search is asked to confirm or rescue the topic.
# LOW_CONFIDENCE and CLARIFY_BELOW are chosen with `python -m evaluation.calibrate` on the development
# question files (never on the frozen test set): 0.4 / 0.35 gave the fewest wrong answers
# without asking back more often than one question in seven.
LOW_CONFIDENCE = 0.4
# A catalogue hit this strong decides the topic even when the NLU did not rank it.
STRONG_RETRIEVAL = 0.35
# A catalogue hit this strong decides the topic when the NLU ranked that topic in its top 3.
AGREEING_RETRIEVAL = 0.2
# Below this NLU confidence, without a rescue, the assistant asks instead of answering.
CLARIFY_BELOW = 0.35
# At most this many topics are offered when the assistant asks which one is meant.
MAX_OPTIONS = 3
# Topics whose glossary words (bezwaar, gemeente, loket) also occur in questions about other
# subjects: a term of another subject beside them decides, not these.
GENERIC_TOPICS = frozenset({"bezwaar_klacht", "sociaal_loket_contact"})
# A non-social term ("WOZ-waarde", "paspoort") makes the question not ours when the NLU is not
# more sure than this of a specific social topic.
OUT_OF_SCOPE_TERM_OVERRULES_BELOW = 0.6
#: What the resident experiences as the first answer (see ``Decision.answer_kind``).
ANSWER_KINDS = ("answer", "clarify", "out_of_scope", "urgent", "handoff")


@dataclass
class Decision:
    """Everything the first answer to a message depends on."""

    text: str
    intent: Optional[str]
    topic: Optional[str]
    confidence: float
    safety: SafetyResult
    needs: List[str] = field(default_factory=list)
    complexity: Complexity = field(default_factory=lambda: Complexity(False, ()))
    entry: Any = None
    ladder: Optional[str] = None
    rescued: bool = False
    clarify: bool = False
    ranking: List[Tuple[str, float]] = field(default_factory=list)
    options: List[str] = field(default_factory=list)
    term: Any = None  # the glossary term whose meaning the resident asked, if any
    terms: List[Any] = field(default_factory=list)  # every glossary term in the text

    @property
    def urgent(self) -> bool:
        return self.safety.urgent

    @property
    def out_of_scope(self) -> bool:
        return self.topic in OUT_OF_SCOPE

    @property
    def referral_term(self) -> Any:
        """The term an out-of-scope answer explains first: the one asked about, else the first
        non-social term in the text. Why: its sourced explanation says who does handle it (the
        CIZ, the CJIB, the zorgkantoor), which helps more than "not my subject" alone."""
        if not self.out_of_scope:
            return None
        if self.term is not None:
            return self.term
        return next((t for t in self.terms if t.topic in OUT_OF_SCOPE), None)

    @property
    def handoff(self) -> bool:
        """A person should take over: danger, a complex situation, or an explicit wish."""
        return self.urgent or self.complexity.complex or self.intent == "request_human"

    @property
    def answer_kind(self) -> str:
        """What the resident gets first: help lines, a person, a question back, a referral
        elsewhere, or a catalogue answer on ``topic``. Same order as the actions decide."""
        if self.urgent:
            return "urgent"
        if self.handoff:
            return "handoff"
        if self.clarify or self.topic is None:
            return "clarify"
        if self.out_of_scope:
            return "out_of_scope"
        return "answer"


def decide(text: str, parse: Mapping[str, Any], catalogue: Any, glossary: Any,
           forced_topic: Optional[str] = None) -> Decision:
    """Decide about one message from its NLU parse, the catalogue and the glossary.

    The catalogue and glossary are passed in, not looked up, so this core stays free of I/O and
    of the knowledge package: the caller (an action, the evaluation CLI) owns where they come from.
    """
    message = Message.of(text)  # read once, handed to every detector below
    intent = (parse.get("intent") or {}).get("name")
    ranking = topic_ranking(parse)
    topic, confidence = ranking[0] if ranking else (None, 0.0)
    rescued = clarify = False
    terms = glossary.find(text)
    asked = glossary.asked_meaning(text, terms)
    outside = _outside_topic(terms, topic, confidence)
    if forced_topic in TOPICS:
        topic, confidence = forced_topic, 1.0
    elif asked is not None and asked.topic in TOPICS:
        topic, rescued = asked.topic, asked.topic != topic
    elif outside is not None:
        topic, rescued = outside, outside != topic
    elif intent == "nlu_fallback" or confidence < LOW_CONFIDENCE or topic is None:
        # A specific term that names the NLU's own (weak) guess confirms it ("leerlingenvervoer"
        # in a story in broken English): no catalogue search is needed to rescue it.
        term_topic = _term_topic(terms)
        confirmed = intent != "nlu_fallback" and topic is not None and term_topic == topic
        rescue = None if confirmed else (_rescue(text, ranking, catalogue) or term_topic)
        if rescue:
            topic, rescued = rescue, True
        elif confidence < CLARIFY_BELOW and not confirmed:
            clarify = True
    safety = detect(message, topic, confidence)
    # The NLU ranks a second need low (one intent per message); a keyword hit in the text counts.
    needs = [t for t in detect_needs(message, ranking, min_score=0.0) if t in TOPICS] if ranking else []
    if topic and (topic in needs or topic not in OUT_OF_SCOPE):
        needs = [topic] + [t for t in needs if t != topic]
    # Count a need only when the words support it, or the NLU is sure: a guessed topic must not
    # make a plain question look like three problems at once.
    supported = set(keyword_topics(message))
    counted = [t for t in needs if t in supported or (t == topic and confidence >= LOW_CONFIDENCE)]
    # Not our subject (an objection to the WOZ-waarde, a WW stopped by UWV): no case for the social
    # team, whatever social words come with it; the rules for acute needs still read the text.
    # A weak "not ours" guess that makes the assistant ask back is no such finding: the case is
    # judged on its words (a refused kwijtschelding, a neighbour who neglects himself).
    guessed_outside = clarify and topic in OUT_OF_SCOPE
    if topic in OUT_OF_SCOPE and not guessed_outside:
        counted = [topic]
    complexity = assess_complexity(message, counted or ([topic] if topic and not guessed_outside else []))
    decision = Decision(text=text, intent=intent, topic=topic, confidence=confidence,
                        safety=safety, needs=needs, complexity=complexity, rescued=rescued,
                        clarify=clarify, ranking=ranking, term=asked, terms=list(terms))
    if clarify or topic is None:
        decision.options = clarify_options(text, ranking, catalogue)
    if topic and topic not in OUT_OF_SCOPE:
        decision.entry = pick_entry(text, topic, catalogue)
        if decision.entry is not None:
            decision.ladder = first_rung(message, decision.entry.ladder)
    if decision.urgent:
        decision.ladder = "urgent"
    return decision


def _outside_topic(terms: Sequence[Any], nlu_topic: Optional[str],
                   confidence: float) -> Optional[str]:
    """Not our subject, from the glossary: a term of a non-social subject (WOZ-waarde,
    parkeerbon, paspoort) beside no specific social term, unless the NLU is sure of a specific
    social topic. "Bezwaar tegen mijn WOZ-waarde" is not a Wmo objection."""
    specific = {t.topic for t in terms if t.topic in IN_SCOPE and t.topic not in GENERIC_TOPICS}
    outside = [t.topic for t in terms if t.topic in OUT_OF_SCOPE]
    nlu_specific = nlu_topic in IN_SCOPE and nlu_topic not in GENERIC_TOPICS
    if outside and not specific and (not nlu_specific
                                     or confidence < OUT_OF_SCOPE_TERM_OVERRULES_BELOW):
        return outside[0]
    return None


def _term_topic(terms: Sequence[Any]) -> Optional[str]:
    """The one social topic the specific terms point to ("kan ik kwijtschelding krijgen"), when
    the NLU is unsure; none when a non-social term is there too or the terms disagree."""
    if any(t.topic in OUT_OF_SCOPE for t in terms):
        return None
    specific = {t.topic for t in terms if t.topic in IN_SCOPE and t.topic not in GENERIC_TOPICS}
    return next(iter(specific)) if len(specific) == 1 else None


def clarify_options(text: str, ranking: Sequence[Tuple[str, float]], catalogue: Any) -> List[str]:
    """The likeliest social topics to offer as buttons when the assistant asks what is meant:
    the NLU's best, completed with the catalogue search's."""
    options = [t for t, _ in ranking if t in IN_SCOPE][:MAX_OPTIONS]
    for hit, _score in catalogue.search(text, k=MAX_OPTIONS):
        if len(options) >= MAX_OPTIONS:
            break
        if hit.topic in IN_SCOPE and hit.topic not in options:
            options.append(hit.topic)
    return options


def pick_entry(text: str, topic: str, catalogue: Any) -> Any:
    """The catalogue entry within a topic that fits the words best (main entry if none does)."""
    hits = catalogue.search(text, topic=topic, k=1)
    if hits and hits[0][1] > 0.05:
        return hits[0][0]
    entries = catalogue.entries_for_topic(topic)
    return entries[0] if entries else None


def _rescue(text: str, ranking: Sequence[Tuple[str, float]], catalogue: Any) -> Optional[str]:
    """A topic from the catalogue search when the NLU is unsure, or None."""
    # When the NLU's best guess is "not our subject", the catalogue does not overrule it: a word
    # match made "openingstijden van de Action" a question for the Sociaal Loket (5-fold
    # cross-validation: out-of-scope recall 0.895 -> 0.907 with the same topic accuracy).
    if ranking and ranking[0][0] in OUT_OF_SCOPE:
        return None
    hits = catalogue.search(text, k=3)
    if not hits:
        return None
    entry, score = hits[0]
    nlu_top3 = {t for t, _ in ranking[:3]}
    if score >= STRONG_RETRIEVAL or (score >= AGREEING_RETRIEVAL and entry.topic in nlu_top3):
        return entry.topic
    return None
