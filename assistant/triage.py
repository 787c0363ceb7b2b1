"""The self-reliance ladder, complexity and multi-need logic, as plain functions.

Why a separate, pure module: the same decisions are made in three places (the action server
choosing what to say, the evaluation CLI scoring the bot, the unit tests) and must agree. No
rasa_sdk import, no state: every function takes text and data and returns a value (the only I/O is
reading the phrase patterns, ``assistant/data/triage_patterns.yml``, and the handoff classifier's
examples, each once, at first use). The patterns are data so that a word list can be read and
extended without touching the rules that use them.

The ladder (lowest first): ``zelf`` -> ``netwerk`` -> ``voorliggend_veld`` -> ``sociaal_loket``.
A catalogue entry says per rung what a resident can do there (``None`` = not applicable for that
entry). The municipalities' own policy says "eerst kijken wat u zelf kunt, wat u binnen uw eigen
netwerk kunt organiseren" (Oldambt), so we start low, but we *skip* what the resident already says
they tried or cannot do ("mijn kinderen kunnen niet helpen"), and we go straight to the Sociaal
Loket when someone explicitly asks for a municipal provision: sending them to "tips" after they
asked "hoe vraag ik een traplift aan?" would be patronising and wastes their time.

Beside the ladder: ``urgent`` (see :mod:`assistant.safety_detector`) and ``complex`` (several life
domains at once, safety of children, threatened homelessness, an exhausted mantelzorger): a
person is better than a bot there, so those cases go to staff.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, List, Mapping, Optional, Pattern, Sequence, Tuple

import yaml

from assistant import handoff_classifier
from assistant.message import Message, MessageLike
from assistant.safety_detector import detect
from assistant.spelling import standardised

from assistant.vocabulary import RUNGS
from assistant.topics import OUT_OF_SCOPE, TOPICS

logger = logging.getLogger(__name__)

__all__ = [
    "RUNGS",
    "Complexity",
    "tried_rungs",
    "first_rung",
    "next_rung",
    "assess_complexity",
    "detect_needs",
    "handoff_expected",
    "first_ladder_label",
    "is_explicit_municipal_request",
    "is_general_question",
]

_RUNG_INDEX: Dict[str, int] = {r: i for i, r in enumerate(RUNGS)}


PATTERNS_FILE: Path = Path(__file__).resolve().parent / "data" / "triage_patterns.yml"
_REFERENCE = re.compile(r"<<([a-z_]+)>>")


@lru_cache(maxsize=1)
def _patterns() -> Mapping[str, Any]:
    """The phrase patterns (``assistant/data/triage_patterns.yml``), read once at first use."""
    return yaml.safe_load(PATTERNS_FILE.read_text(encoding="utf-8")) or {}


def _joined(value: Any, seen: Tuple[str, ...] = ()) -> str:
    """One pattern of the file as a regular expression: the lines of a list are alternatives,
    and ``<<name>>`` becomes the top-level pattern of that name, as a group."""
    text = "|".join(str(v) for v in value) if isinstance(value, list) else str(value)

    def expand(match: "re.Match[str]") -> str:
        name = match.group(1)
        if name in seen:
            raise ValueError(f"{PATTERNS_FILE.name}: <<{name}>> refers to itself")
        return "(?:" + _joined(_patterns()[name], (*seen, name)) + ")"

    return _REFERENCE.sub(expand, text)


@lru_cache(maxsize=None)
def _rx(path: str) -> Pattern[str]:
    """The compiled pattern at ``path`` in the file: "dispute", "acute.geen eten vandaag"."""
    value: Any = _patterns()
    for key in path.split("."):
        value = value[key]
    return re.compile(_joined(value))


def _has(path: str, norm: str) -> bool:
    return _rx(path).search(norm) is not None


# ---------------------------------------------------------------------------------------------
# Rungs the resident already tried or cannot use
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _tried_rx() -> Mapping[str, Tuple[Pattern[str], ...]]:
    """Per rung its patterns; each line of the file is a pattern of its own."""
    return {rung: tuple(re.compile(_joined(p)) for p in pats)
            for rung, pats in (_patterns().get("tried") or {}).items()}


def tried_rungs(text: MessageLike) -> FrozenSet[str]:
    """Rungs the resident says they already tried or cannot use.

    Why: a resident who writes "mijn kinderen wonen in het buitenland en ik kan het zelf niet
    meer" should not be told to ask their children or to read tips. ``sociaal_loket`` is never
    returned: the Sociaal Loket is the last rung and always stays available.
    """
    norm = Message.of(text).normalised
    if not norm.strip():
        return frozenset()
    return frozenset(rung for rung, rxs in _tried_rx().items() if any(rx.search(norm) for rx in rxs))


# ---------------------------------------------------------------------------------------------
# Explicit municipal requests and general questions
# ---------------------------------------------------------------------------------------------

def is_existing_service_problem(text: MessageLike) -> bool:
    """A problem with support the resident already gets ("mijn uren zijn verlaagd")."""
    return _has("existing_service", Message.of(text).normalised)


def asks_for_free_offer(text: MessageLike) -> bool:
    """The resident asks for something the voorliggend veld offers (inloop, maatje, lenen)."""
    return _has("free_offer", Message.of(text).normalised)


def is_explicit_municipal_request(text: MessageLike) -> bool:
    """True when the resident explicitly asks for a municipal provision or the formal procedure.

    "Hoe vraag ik een scootmobiel aan", "ik wil een indicatie", "wanneer krijg ik mijn
    beschikking", "ik wil een keukentafelgesprek": the Sociaal Loket is the right first rung.
    A general question about the same noun ("wat is een keukentafelgesprek?") is not.
    """
    norm = Message.of(text).normalised
    if _has("apply_verb", norm):
        return True
    return _has("apply_noun", norm) and not is_general_question(text)


def is_general_question(text: MessageLike) -> bool:
    """True for a question on how something works in general ("Hoe werkt de eigen bijdrage?")."""
    norm = Message.of(text).normalised
    return _has("general", norm) and not _has("apply_verb", norm)


def _available(ladder: Mapping[str, Optional[str]], rung: str) -> bool:
    value = ladder.get(rung)
    return value is not None and (not isinstance(value, str) or value.strip() != "")


def first_rung(text: MessageLike, ladder: Mapping[str, Optional[str]]) -> Optional[str]:
    """The rung to start at for this message and this catalogue entry's ladder.

    Order of the rules, and why:
    1. An explicit request for a municipal provision starts at ``sociaal_loket`` (if the entry has
       one): the resident already knows what they want.
    2. A general "how does it work" question starts at ``zelf`` (information the resident can read
       and use), even if they mention they tried other things.
    3. Otherwise the lowest rung that has content, above every rung the resident says they
       already tried. The ladder is climbed in order, so "ik ben al bij de welzijnsorganisatie
       geweest" implies they are past tips and their network too: offering those again would
       feel like not being listened to.
    4. If every rung with content was tried, ``sociaal_loket`` if present (the last resort stays
       open), else ``None``.
    A rung is unavailable when the ladder maps it to ``None`` (or lacks it).
    """
    if not ladder:
        return None
    if ((is_explicit_municipal_request(text) or is_existing_service_problem(text))
            and _available(ladder, "sociaal_loket")):
        return "sociaal_loket"
    tried = tried_rungs(text)
    if (asks_for_free_offer(text) and "voorliggend_veld" not in tried
            and _available(ladder, "voorliggend_veld")):
        return "voorliggend_veld"
    if is_general_question(text) and _available(ladder, "zelf"):
        return "zelf"
    floor = max((_RUNG_INDEX[r] + 1 for r in tried), default=0)
    for rung in RUNGS[floor:]:
        if _available(ladder, rung):
            return rung
    return "sociaal_loket" if _available(ladder, "sociaal_loket") else None


def next_rung(
    current: Optional[str],
    ladder: Mapping[str, Optional[str]],
    skipped: Iterable[str] = (),
) -> Optional[str]:
    """The next available rung above ``current``; ``None`` when the ladder is exhausted.

    ``current=None`` means "not on the ladder yet" and returns the lowest available rung.
    ``skipped`` are rungs the resident said they tried (from :func:`tried_rungs`) or that were
    already offered; rungs with ``None`` content are not applicable and skipped too.
    ``urgent``/``complex`` are beside the ladder: there is no next rung after them.
    Raises ``ValueError`` for an unknown rung name, because a typo there would silently send
    every resident to the wrong place.
    """
    if current in ("urgent", "complex"):
        return None
    if current is not None and current not in _RUNG_INDEX:
        raise ValueError(f"unknown ladder rung: {current!r}")
    skip = set(skipped)
    start = 0 if current is None else _RUNG_INDEX[current] + 1
    for rung in RUNGS[start:]:
        if rung not in skip and _available(ladder, rung):
            return rung
    return None


# ---------------------------------------------------------------------------------------------
# Topic keywords (distinct needs in one message, complexity)
# ---------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _topic_rx() -> Mapping[str, Pattern[str]]:
    return {t: _rx(f"topic_keywords.{t}") for t in _patterns()["topic_keywords"]}


def keyword_topics(text: MessageLike) -> List[str]:
    """Topics whose keywords occur in ``text``, in order of first appearance (clause by clause)."""
    found: List[str] = []
    rx = _topic_rx()
    for clause in Message.of(text).clauses:
        hits = sorted(
            ((m.start(), t) for t, r in rx.items() for m in [r.search(clause)] if m is not None),
        )
        for _, topic in hits:
            if topic not in found:
                found.append(topic)
    return found


def _is_topic(label: Optional[str]) -> bool:
    return label in TOPICS


def _real(label: Optional[str]) -> bool:
    return _is_topic(label) and label not in OUT_OF_SCOPE


def detect_needs(
    text: MessageLike,
    ranking: Sequence[Tuple[str, float]],
    min_score: float = 0.2,
) -> List[str]:
    """Topic labels of the distinct needs in one message, the NLU top topic first.

    A topic other than the top one counts only when the NLU gives it at least ``min_score`` AND
    one of its keywords occurs in the text: either signal alone is too noisy (the model spreads
    probability over neighbours; keywords like "kind" occur in many stories). Without a ranking
    (tools, tests), the keyword hits alone are used, in text order.
    Out-of-scope labels are never returned together with real topics: "paspoort verlengen en ik
    heb schulden" is a schulden question for this assistant. Non-topic intents (greet, affirm,
    nlu_fallback, ...) in the ranking are ignored.
    """
    ranked = [(label, float(score)) for label, score in (ranking or []) if _is_topic(label)]
    keyword_hits = keyword_topics(text)
    if not ranked:
        needs = keyword_hits
    else:
        ranked.sort(key=lambda ls: -ls[1])
        top = ranked[0][0]
        needs = [top]
        hits = set(keyword_hits)
        for label, score in ranked[1:]:
            if score >= min_score and label in hits and label not in needs:
                needs.append(label)
    real = [n for n in needs if _real(n)]
    if real:
        return real
    return needs[:1]


# ---------------------------------------------------------------------------------------------
# Complexity
# ---------------------------------------------------------------------------------------------

#: Complexity reasons for a material need that cannot wait until tomorrow.
ACUTE_NEEDS = ("geen eten vandaag", "gas, stroom of water afgesloten", "geen slaapplek vannacht")


@dataclass(frozen=True)
class Complexity:
    """Whether a case is better handled by a person, with short Dutch reasons for staff."""

    complex: bool
    reasons: Tuple[str, ...] = ()

    @property
    def acute(self) -> bool:
        """Same-day help is needed (food, a bed tonight, energy cut off)."""
        return any(reason in ACUTE_NEEDS for reason in self.reasons)


_CARE_TOPICS = frozenset({
    "huishoudelijke_hulp", "begeleiding_dagbesteding", "hulpmiddelen_woningaanpassing", "mantelzorg",
    "psychische_problemen_crisis", "wonen_beschermd_wonen_opvang", "pgb", "eigen_bijdrage_kosten",
})

# The life domain of each topic: several topics of one domain (a wheelchair, the taxi and the
# escort's seat; household help and its eigen bijdrage) are one question about care, not a
# tangle for the social team. Procedural topics (the loket, bezwaar, cliëntondersteuning) are
# no life domain.
_TOPIC_DOMAIN = {
    "huishoudelijke_hulp": "zorg", "hulpmiddelen_woningaanpassing": "zorg", "vervoer": "zorg",
    "begeleiding_dagbesteding": "zorg", "pgb": "zorg", "eigen_bijdrage_kosten": "zorg",
    "mantelzorg": "zorg",
    "bijstand_uitkering": "geld", "minimaregelingen_toeslagen": "geld", "schulden_geldzorgen": "geld",
    "werk_reintegratie": "werk", "jeugdhulp_opvoeden": "kinderen",
    "wonen_beschermd_wonen_opvang": "wonen", "psychische_problemen_crisis": "psychische gezondheid",
    "huiselijk_geweld_veiligheid": "veiligheid", "eenzaamheid_meedoen": "meedoen",
}


def _topic_domains(topics: Sequence[str]) -> List[str]:
    """The life domains of the message's topics, in order."""
    return list(dict.fromkeys(_TOPIC_DOMAIN[t] for t in topics if t in _TOPIC_DOMAIN))



#: Life domains that make a case for a person when they meet in one message.
MULTI_DOMAIN_MIN = 3
#: Words a message needs before its life domains are counted: a short question that names the
#: words of several schemes ("mag ik vrijwilligerswerk doen met behoud van uitkering?") asks
#: about one rule, it does not tell of a tangle. Chosen on the calibration sets (never the frozen
#: one): the longest minimum at which no case for a person there was lost.
MULTI_DOMAIN_MIN_WORDS = 18
#: The handoff classifier's probability a life-domain count needs beside it when it is the only
#: reason. Chosen on the calibration sets (never the frozen one): at 0.5 half of the long plain
#: stories lost their unasked offer and no case for a person there was lost.
MULTI_DOMAIN_SUPPORT = 0.5
#: How the count reason ends ("3 levensgebieden tegelijk").
_COUNT_REASON = "levensgebieden tegelijk"


def assess_complexity(text: MessageLike, topics: Sequence[str], use_classifier: bool = True) -> Complexity:
    """Is this case better handled by a person? Returns short Dutch reasons for staff.

    Complex when several life domains meet (debts and care; debts and children), when housing is
    about to be lost, when a mantelzorger is at the end of their strength, when children may be
    unsafe, when three or more life domains are involved (money, care, children, housing,
    work ...; not three topics of one domain), or when the resident says everything goes
    wrong at once. These are the situations the seeds route to the Integraal Sociaal Team /
    wijkteam instead of a single product: one answer from a bot cannot cover them.
    ``topics`` are topic labels (e.g. from :func:`detect_needs`); out-of-scope labels are ignored.

    The rules decide first; when none fires, the learned classifier of
    :mod:`assistant.handoff_classifier` may still find a reason (residents describe these
    situations in words no rule foresees), unless the topics are only subjects outside the
    social domain or the message asks how something works in general ("wat doet een
    deurwaarder?"). ``use_classifier=False`` gives the rules alone, to measure each judge on its
    own. Acute needs stay rule-driven: the classifier never names one
    of :data:`ACUTE_NEEDS`, so same-day help lines never depend on a learned guess.
    """
    reasons = _rule_reasons(text, topics)
    if not use_classifier:
        return Complexity(bool(reasons), tuple(reasons))
    if reasons and all(r.endswith(_COUNT_REASON) for r in reasons):
        # A long story touches many subjects ("mijn man is geopereerd, ik werk fulltime, wie
        # doet de boodschappen?") without being a tangle; the count cannot tell them apart, the
        # classifier has read the difference. Below MULTI_DOMAIN_SUPPORT it is also below its
        # own threshold, so it has no reason of its own to add. If it cannot load, the count
        # stands.
        seen = _prediction(text)
        if seen is not None and seen.probability < MULTI_DOMAIN_SUPPORT:
            reasons = []
    elif not reasons and not _not_ours(topics) and not is_general_question(text):
        seen = _prediction(text)
        reasons = [seen.reason] if seen is not None and seen.reason else []
    return Complexity(bool(reasons), tuple(reasons))


def _not_ours(topics: Sequence[str]) -> bool:
    """Only subjects outside the social domain ("bezwaar tegen mijn WOZ-waarde", a parking
    fine): no case for the social team, so the classifier is not asked."""
    labels = set(topics or ())
    return any(t in OUT_OF_SCOPE for t in labels) and not any(_real(t) for t in labels)


def _prediction(text: MessageLike) -> Optional[handoff_classifier.Prediction]:
    """The handoff classifier's view of the message, or None when the model cannot load (never
    raises: the rules must keep working without it)."""
    try:
        return handoff_classifier.predict(Message.of(text).text)
    except Exception:  # noqa: BLE001
        logger.exception("handoff classifier unavailable; complexity rules only")
        return None


def _rule_reasons(text: MessageLike, topics: Sequence[str]) -> List[str]:
    """The reasons the complexity rules find, in a fixed order. The rules read the message and,
    beside it, its standard Dutch form (dialect and chat words, :mod:`assistant.spelling`)."""
    norm = Message.of(text).normalised
    own_words = len(norm.split())  # the resident's words, not their standard copy beside them
    standard = standardised(norm)
    if standard.split() != norm.split():
        norm = f"{norm} # {standard} "
    real = [t for t in dict.fromkeys(topics or ()) if _real(t)]
    tset = set(real)
    reasons: List[str] = []

    debts = "schulden_geldzorgen" in tset or _has("debt", norm)
    care = bool(tset & _CARE_TOPICS) or _has("care", norm)
    children = "jeugdhulp_opvoeden" in tset or _has("child", norm)
    # "Wat doet een deurwaarder?", "hoe werkt een huisuitzetting?": a question about how things
    # work, not a measure that threatens this resident.
    general = is_general_question(text)

    if debts and care:
        reasons.append("schulden en zorg tegelijk")
    if debts and children:
        reasons.append("schulden en zorgen om kinderen")
    if _has("eviction", norm) and not general:
        reasons.append("dreigend verlies van woning")
    if ("mantelzorg" in tset or _has("mantelzorg", norm)) and _has("exhausted", norm):
        reasons.append("mantelzorger overbelast")
    if _has("child_safety", norm) and not general:
        reasons.append("veiligheid van kinderen")
    long_enough = own_words >= MULTI_DOMAIN_MIN_WORDS
    life = _topic_domains(real) if long_enough else []
    if len(life) >= MULTI_DOMAIN_MIN:
        reasons.append(f"{len(life)} {_COUNT_REASON}")
    if _has("all_wrong", norm):
        reasons.append("inwoner zegt dat alles misloopt")
    if _has("person", norm):
        reasons.append("inwoner wil een persoon spreken")
    if (_has("homeless_now", _rx("fired").sub(" # ", norm))
            and "dreigend verlies van woning" not in reasons):
        reasons.append("inwoner heeft geen slaapplek")
    if _has("child_withdrawal", norm) and "veiligheid van kinderen" not in reasons:
        reasons.append("kind gaat niet naar school of trekt zich terug")
    if _has("care_lost", norm):
        reasons.append("mantelzorg valt weg")
    if _has("rejected", norm) and _has("income", norm):
        reasons.append("inkomen afgewezen of gestopt")
    if _has("sanction", norm) and not general:
        reasons.append("maatregel op de uitkering")
    reasons += [need for need in ACUTE_NEEDS if _has(f"acute.{need}", norm)]
    if (_has("decision_cut", norm) and _has("service", norm)
            and "inkomen afgewezen of gestopt" not in reasons):
        reasons.append("besluit over hulp afgewezen of verlaagd")
    if (_has("dispute", norm) and ("bezwaar_klacht" in tset or _has("service", norm))
            and "besluit over hulp afgewezen of verlaagd" not in reasons):
        reasons.append("bezwaar tegen een besluit")
    if (_has("debt_threat", norm) and (debts or _has("debt_threat_named", norm))
            and not general):
        reasons.append("dreigende maatregel bij schulden")
    if _has("self_neglect", norm):
        reasons.append("iemand zorgt niet meer voor zichzelf")
    if _has("aggression_with_children", norm) and "veiligheid van kinderen" not in reasons:
        reasons.append("agressie in een gezin met kinderen")
    domains = [name for name in _patterns()["domains"] if _has(f"domains.{name}", norm)]
    if len(domains) >= MULTI_DOMAIN_MIN and len(life) < MULTI_DOMAIN_MIN and long_enough:
        reasons.append("problemen op " + ", ".join(domains))
    return reasons


# ---------------------------------------------------------------------------------------------
# Handoff and the evaluation label
# ---------------------------------------------------------------------------------------------

#: Intents that by themselves mean "a person, please".
HANDOFF_INTENTS: FrozenSet[str] = frozenset({"request_human"})


def handoff_expected(intent: Optional[str], safety_urgent: bool, complexity: Complexity) -> bool:
    """Should this turn lead to a person (ticket / takeover)?

    Yes for danger (after the help lines are shown), for complex cases and for an explicit
    request for a person. Everything else is answered by the bot first, with a person always
    offered in the text.
    """
    return bool(safety_urgent or (complexity is not None and complexity.complex) or intent in HANDOFF_INTENTS)


def first_ladder_label(
    text: str,
    topic: Optional[str],
    ladder: Optional[Mapping[str, Optional[str]]],
    intent: Optional[str] = None,
    confidence: float = 0.0,
) -> Optional[str]:
    """The expected first step for the evaluation CLI: ``"urgent"``, a rung, or ``None``.

    ``"urgent"`` when the safety detector fires (it always wins); ``None`` for out-of-scope or
    unknown topics and when there is no ladder; otherwise :func:`first_rung`. ``intent`` and
    ``confidence`` (the NLU prediction) feed the detector's intent-plus-light-cue rule; when only
    ``topic`` is given it is used as the intent with the given confidence.
    """
    if detect(text, intent if intent is not None else topic, confidence).urgent:
        return "urgent"
    if not _real(topic) or not ladder:
        return None
    return first_rung(text, ladder)
