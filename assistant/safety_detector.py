"""Recall-first detection of danger in a resident's message (suicide, violence, abuse, acute danger).

Why this module exists: a municipal assistant must never answer "Hoe vraag ik huishoudelijke hulp
aan?" when the same message says "ik wil niet meer leven". The NLU model is trained for topics, not
for rare and life-critical signals, so a reviewed Dutch phrase lexicon
(``assistant/data/safety_lexicon.yml``, read once) runs on *every* message: in the Rasa server's ConversationGuardPolicy, in the action server and in the evaluation
CLI. It therefore has to be pure Python (no rasa_sdk, no I/O), deterministic and fast (all regexes
are compiled once, at first use; none has nested unbounded repetition, so a 100 kB paste is linear).

Design choices, each with the reason:

* **Recall first.** A false alarm costs one extra message with help lines; a miss can cost a life.
  Patterns are therefore broad where the phrase is almost never innocent ("zelfmoord", "ik wil
  dood", "hij slaat me"), and only narrowed where everyday Dutch uses the same words harmlessly
  ("doodmoe", "ik schrik me dood", "wat een strop", "groente snijden", "mijn pillen genomen").
* **Worry about someone else counts.** "Mijn vriendin wil er een eind aan maken" or "de buurman
  slaat zijn kinderen" is as urgent as a first-person message; patterns accept third persons.
* **Negation only where it is safe.** A short, explicit list of negated forms is removed before
  matching ("ik heb geen zelfmoordgedachten", "niet suïcidaal", "geen acuut gevaar"). Negations
  that *are* the danger ("ik wil niet meer leven") are patterns themselves and never removed.
* **Help-line order is policy, not chance.** See :func:`_helplines`: 112 first whenever there is
  danger now, then 113 for suicide/self-harm/psychiatric crisis, Veilig Thuis for domestic violence
  and child abuse, Centrum Seksueel Geweld for sexual violence, De Kindertelefoon when a child
  writes about itself, and De Luisterlijn last as a listening ear.
* **The NLU model can add, never remove.** If the classifier is confident (>= 0.6) that the
  message is about a crisis or domestic violence *and* a lighter cue occurs ("bang", "wanhopig",
  "geen uitweg" ...), the message is urgent even without a phrase from the strict list.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Pattern, Sequence, Tuple

import yaml
from anyascii import anyascii

from assistant.message import Message, MessageLike, other_script

__all__ = [
    "SafetyResult",
    "detect",
    "detect_rules_only",
    "neutralised",
    "neutralised_forms",
    "normalise",
    "KINDS",
    "HELPLINE_KEYS",
    "CRISIS_INTENTS",
    "NLU_THRESHOLD",
]

KINDS: Tuple[str, ...] = (
    "suicide",
    "self_harm",
    "domestic_violence",
    "coercive_control",
    "child_abuse",
    "sexual_violence",
    "elder_abuse",
    "exploitation",
    "danger_to_others",
    "medical_emergency",
    "acute_danger",
    "psychiatric_crisis",
)
HELPLINE_KEYS: Tuple[str, ...] = (
    "112",
    "113",
    "veilig_thuis",
    "centrum_seksueel_geweld",
    "politie",
    "kindertelefoon",
    "luisterlijn",
)
#: Intents whose confident prediction plus a light cue makes a message urgent.
CRISIS_INTENTS: Tuple[str, ...] = ("psychische_problemen_crisis", "huiselijk_geweld_veiligheid")
#: Minimum NLU confidence for the intent-plus-light-cue rule.
NLU_THRESHOLD: float = 0.6


@dataclass(frozen=True)
class SafetyResult:
    """What :func:`detect` found.

    ``kinds`` and ``helplines`` are ordered tuples so callers can show them as they are;
    ``matched`` holds the normalised phrases that fired, for logs and tests (never the whole text,
    so logging it does not leak the resident's story).
    """

    urgent: bool
    kinds: Tuple[str, ...] = ()
    helplines: Tuple[str, ...] = ()
    matched: Tuple[str, ...] = ()
    #: Told as something that happened before (and no danger now): the answer stays calm and
    #: says that help is there "ook als het al voorbij is".
    past: bool = False
    #: The classifier's probability when it alone made the message urgent (no phrase rule, no
    #: crisis intent with a light cue); None otherwise.
    learned: Optional[float] = None

    @property
    def acute(self) -> bool:
        """True when there is danger *now* (112 is shown first)."""
        return "acute_danger" in self.kinds


NOT_URGENT = SafetyResult(False, (), (), ())
logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Lower-case, strip accents, turn punctuation into spaces, expand chat contractions.

    Why: residents type "Suïcidaal", "zelfmoort", "m'n man", "K WIL DOOD!!!"; one canonical form
    keeps the pattern list reviewable. Digits are kept (ages, "112"). The result starts and ends
    with a space so patterns can rely on word boundaries.
    """
    if not text:
        return ""
    text = str(text)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", _in_latin_letters(text.translate(_LETTERS)))
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _NON_WORD.sub(" ", text.lower())
    for rx, repl in _contractions():
        text = rx.sub(repl, text)
    return " " + _SPACES.sub(" ", text).strip() + " "


_NON_WORD = re.compile(r"[^a-z0-9]+")
#: Latin letters that have no decomposition, so stripping accents would drop them ("zgwałcił",
#: Turkish "almıyor", Danish "ø"): written as the plain letter residents would type instead.
_LETTERS = str.maketrans({"ł": "l", "Ł": "L", "ı": "i", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE",
                          "ß": "ss", "đ": "d", "Đ": "D", "œ": "oe", "Œ": "OE"})
_SPACES = re.compile(r"\s+")


def _in_latin_letters(text: str) -> str:
    """Letters of other scripts (Cyrillic, Greek, Arabic ...) as the Latin letters of their
    transliteration ("я хочу померти" -> "ya khochu pomerti"), so the lexicon can hold the danger
    phrases of residents who write in their own language; Latin letters, emoji and symbols are
    left as they are (emoji must not turn into words a rule could read)."""
    return "".join(anyascii(ch) if other_script(ch) else ch for ch in text)


@dataclass(frozen=True)
class _Rule:
    """One reviewed phrase pattern of the lexicon: what it means and whether it implies danger *now*."""

    kind: str
    pattern: str
    acute: bool = False
    #: Further kinds the same phrase implies ("moet met mannen naar bed voor hem": exploitation
    #: *and* sexual violence), so each gets its help line.
    also: Tuple[str, ...] = ()


# ---------------------------------------------------------------------------------------------
# The lexicon: reviewed phrase patterns in a data file
# ---------------------------------------------------------------------------------------------

#: The reviewed Dutch phrase lexicon: contractions, fragments, rules per kind, neutralisers, cues.
LEXICON_FILE: Path = Path(__file__).resolve().parent / "data" / "safety_lexicon.yml"
_FRAGMENT = re.compile(r"<([A-Z][A-Z0-9_]*)>")


class LexiconError(ValueError):
    """The lexicon file is malformed: refuse to start rather than run with fewer patterns."""


@dataclass(frozen=True)
class _Lexicon:
    contractions: Tuple[Tuple[str, str], ...]
    rules: Tuple["_Rule", ...]
    neutralisers: Tuple[str, ...]
    cues: Dict[str, str]


def _expand(pattern: str, fragments: Dict[str, str], where: str) -> str:
    """Replace each ``<NAME>`` by its fragment (fragments may use fragments defined before)."""
    def one(match: "re.Match[str]") -> str:
        if match.group(1) not in fragments:
            raise LexiconError(f"{where}: onbekend fragment <{match.group(1)}>")
        return fragments[match.group(1)]
    return _FRAGMENT.sub(one, pattern)


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    """Read and check the lexicon once per process, at first use (nothing happens at import).

    Why a data file: reviewers (and the municipality's safety experts) read and extend the phrase
    list without reading Python; the logic that combines the signals stays here.
    """
    raw = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8")) or {}
    fragments: Dict[str, str] = {}
    for name, value in (raw.get("fragments") or {}).items():
        fragments[str(name)] = _expand(str(value), fragments, f"fragment {name}")
    rules = []
    for i, item in enumerate(raw.get("rules") or []):
        if item.get("kind") not in KINDS or not item.get("pattern"):
            raise LexiconError(f"regel {i + 1}: kind moet een van {KINDS} zijn, met een pattern")
        also = tuple(item.get("also") or ())
        if any(k not in KINDS for k in also):
            raise LexiconError(f"regel {i + 1}: onbekende kind in also: {also}")
        rules.append(_Rule(item["kind"], _expand(item["pattern"], fragments, f"regel {i + 1}"),
                           bool(item.get("acute", False)), also))
    cues = {str(k): _expand(v["pattern"], fragments, f"cue {k}")
            for k, v in (raw.get("cues") or {}).items()}
    missing = set(_CUES) - set(cues)
    if missing or not rules:
        raise LexiconError(f"{LEXICON_FILE.name}: regels of cues ontbreken: {sorted(missing)}")
    return _Lexicon(
        contractions=tuple((c["pattern"], c["as"]) for c in raw.get("contractions") or []),
        rules=tuple(rules),
        neutralisers=tuple(_expand(n["pattern"], fragments, "neutraliser")
                           for n in raw.get("neutralisers") or []),
        cues=cues,
    )


#: The cue patterns the detector combines with the rules (see the lexicon file for each).
_CUES: Tuple[str, ...] = ("acute_cues", "acute_not", "acute_violence", "child_self", "light_cues",
                          "mental_health_not", "elder_context", "past_cues", "present_cues", "frame_clause",
                          "frame_message", "resolved_cues", "frame_blockers", "frame_self",
                          "reassured_cues")


@lru_cache(maxsize=1)
def _contractions() -> Tuple[Tuple[Pattern[str], str], ...]:
    return tuple((re.compile(p), repl) for p, repl in _lexicon().contractions)


# Violence told as something that happened before; the answer then stays calm. Only for kinds
# where a story about the past is common and help is still right ("ook als het al voorbij is").
_STORY_KINDS = frozenset({"domestic_violence", "coercive_control", "child_abuse", "sexual_violence",
                          "elder_abuse", "exploitation"})

_KIND_ORDER = {k: i for i, k in enumerate(KINDS)}


@dataclass(frozen=True)
class _Compiled:
    rules: Tuple[Tuple[_Rule, Pattern[str]], ...]
    neutralisers: Pattern[str]
    acute_cues: Pattern[str]
    acute_not: Pattern[str]
    acute_violence: Pattern[str]
    child_self: Pattern[str]
    light: Pattern[str]
    mental_not: Pattern[str]
    elder: Pattern[str]
    past: Pattern[str]
    present: Pattern[str]
    frame_clause: Pattern[str]
    frame_message: Pattern[str]
    resolved: Pattern[str]
    blockers: Pattern[str]
    self_harm_words: Pattern[str]
    reassured: Pattern[str]


def _lead_space(pattern: str) -> str:
    r"""Replace a leading ``\b`` of each top-level alternative by a literal space.

    Why: the normalised text is " word word ... " (single spaces, padded), so ``\bfoo`` and
    `` foo`` match the same places, but a literal first character lets Python's regex engine
    skip ahead with a fast scan, which keeps a long paste fast (figures in bench/README.md).
    Patterns keep ``\b`` in the source because it reads better.
    """
    out: List[str] = []
    depth, i, start, in_class = 0, 0, True, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            token = pattern[i:i + 2]
            out.append(" " if (start and depth == 0 and token == "\\b") else token)
            i += 2
            start = False
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        out.append(ch)
        i += 1
        start = ch == "|" and depth == 0 and not in_class
    return "".join(out)


def _rx(pattern: str) -> Pattern[str]:
    return re.compile(_lead_space(pattern))


@lru_cache(maxsize=1)
def _compiled() -> _Compiled:
    """Compile all patterns once per process, on first use (nothing happens at import)."""
    lex = _lexicon()
    return _Compiled(
        rules=tuple((r, _rx(r.pattern)) for r in lex.rules),
        neutralisers=_rx("|".join(_lead_space(p) for p in lex.neutralisers)),
        acute_cues=_rx(lex.cues["acute_cues"]),
        acute_not=_rx(lex.cues["acute_not"]),
        acute_violence=_rx(lex.cues["acute_violence"]),
        child_self=_rx(lex.cues["child_self"]),
        light=_rx(lex.cues["light_cues"]),
        mental_not=_rx(lex.cues["mental_health_not"]),
        elder=_rx(lex.cues["elder_context"]),
        past=_rx(lex.cues["past_cues"]),
        present=_rx(lex.cues["present_cues"]),
        frame_clause=_rx(lex.cues["frame_clause"]),
        frame_message=_rx(lex.cues["frame_message"]),
        resolved=_rx(lex.cues["resolved_cues"]),
        blockers=_rx(lex.cues["frame_blockers"]),
        self_harm_words=_rx(lex.cues["frame_self"]),
        reassured=_rx(lex.cues["reassured_cues"]),
    )


def _helplines(kinds: Iterable[str], child_self: bool) -> Tuple[str, ...]:
    """Help lines in the order to show them.

    Why this order: 112 whenever someone is in danger *now* (an overdose, a knife, a fire, a
    collapse, a psychosis with danger); then the specialist line for the kind of danger: 113 for
    suicide, self-harm, a psychiatric crisis and a resident who fears harming someone (113 and the
    huisarts can reach crisis care); Veilig Thuis for violence and control at home, child abuse,
    elder abuse and exploitation, and for a resident who fears harming a partner or child at home
    (Veilig Thuis also helps the person who uses violence); Centrum Seksueel Geweld for sexual
    violence; the police's non-emergency line for exploitation, which is a crime; De
    Kindertelefoon when a child writes about itself; De Luisterlijn last, as a listening ear
    after a suicide/psychiatric signal. A medical emergency is always acute, so only 112.
    When sexual violence comes without violence at home (a date, a loverboy), its own line comes
    before Veilig Thuis.
    """
    ks = set(kinds)
    out: List[str] = []
    if "acute_danger" in ks or "medical_emergency" in ks:
        out.append("112")
    if ks & {"suicide", "self_harm", "psychiatric_crisis", "danger_to_others"}:
        out.append("113")
    home = ks & {"domestic_violence", "coercive_control", "child_abuse", "elder_abuse"}
    if "sexual_violence" in ks and not home:
        out.append("centrum_seksueel_geweld")
    if home or ks & {"exploitation", "danger_to_others"}:
        out.append("veilig_thuis")
    if "sexual_violence" in ks and "centrum_seksueel_geweld" not in out:
        out.append("centrum_seksueel_geweld")
    if "exploitation" in ks:
        out.append("politie")
    if child_self:
        out.append("kindertelefoon")
    if ks & {"suicide", "self_harm", "psychiatric_crisis"}:
        out.append("luisterlijn")
    return tuple(out)


def _first_person_victim(norm: str) -> bool:
    """Does a child speak about itself ("papa slaat mij", "ik word geslagen")?"""
    return bool(re.search(r"\b(?:mij|me|mezelf|ik|ons)\b", norm))


def detect(text: MessageLike, intent: Optional[str] = None,
           confidence: float = 0.0) -> SafetyResult:
    """Decide whether ``text`` signals danger, of which kinds, and which help lines to show.

    Two independent judges, either of which makes a message urgent: the reviewed phrase rules
    below, and the learned classifier of :mod:`assistant.urgency_classifier` (asked only when no
    rule fired, so a rule's precise kind is never overruled). ``intent``/``confidence`` are the
    NLU prediction for the same message (optional): a confident ``psychische_problemen_crisis`` or
    ``huiselijk_geweld_veiligheid`` plus a light cue ("bang", "wanhopig", "geen uitweg", ...)
    makes the message urgent too. The function never raises on odd input: ``None``, numbers and
    empty strings are not urgent, and a classifier that cannot be loaded leaves the rules alone.
    """
    return _detect(text, intent, confidence, use_classifier=True)


def neutralised(text: str) -> str:
    """Normalised text with the safe negations and idioms removed, as both judges read it.

    Why shared: "ik ben niet suicidaal" must not fire the classifier on the word "suicidaal"
    any more than the rules; one list of safe negations serves both.
    """
    return _SPACES.sub(" ", _compiled().neutralisers.sub(" ", unframed(text))).strip()


def neutralised_forms(text: str) -> Tuple[str, ...]:
    """:func:`neutralised` and the standard Dutch forms of its dialect and chat words ("mien man
    holdt aal t geld" beside "mijn man houdt al het geld"), as the learned classifier reads them.

    Only the words left after the frames get their standard forms, so a framed-away sentence
    stays away.
    """
    from assistant.spelling import standard_forms

    kept = neutralised(text)
    return (kept, *standard_forms(kept))


# Laughing faces mean a joke as much as "haha"; normalising would drop them.
_LAUGHTER = re.compile("[\U0001F602\U0001F605\U0001F606\U0001F923\U0001F61C\U0001F61D\U0001F643]")


#: Where a frame ends: a sentence, or a colon ("ik lees dit artikel over ...: mijn neefje
#: vertelde ...") after which the writer's own story begins.
_FRAME_SPLIT = re.compile(r"[.!?;:\n]+")


def unframed(text: MessageLike) -> str:
    """The normalised message without what is framed as not a disclosure, as both judges read it.

    Why: most false alarms in residents' words are not about the writer's danger at all: news,
    a series, a book, school work, a joke ("ik vermoord mijn printer"), a professional's work
    question, or danger the writer says is long over and handled ("tien jaar geleden ... het gaat
    al jaren goed"). A frame sets aside the sentence (or, for the last two, the message) only
    when no frame blocker is in it: the writer in danger, or anything happening now.
    """
    msg = Message.of(text)
    norm = msg.normalised
    if not norm.strip():
        return norm
    c = _compiled()

    def blocked(part: str, own_life: bool = True) -> bool:
        """A blocker: danger now, the writer as a victim, or (``own_life``) the writer about
        ending or harming his own life, which a film, a job or a joke beside it never hides."""
        if own_life and c.self_harm_words.search(part):
            return True
        return c.blockers.search(c.acute_not.sub(" # ", part)) is not None

    if c.frame_message.search(norm) and not blocked(norm):
        return " # "
    if c.past.search(norm) and c.resolved.search(norm):
        rest = c.resolved.sub(" # ", c.acute_not.sub(" # ", norm))  # "ik ben nu veilig" is no "nu"
        # Told as over and handled ("tien jaar geleden ... het gaat al jaren goed"): the writer's
        # own past is the story here, so only danger now blocks.
        if c.present.search(rest) is None and not blocked(rest, own_life=False):
            return " # "
    laughing = _LAUGHTER.search(msg.text) is not None
    if not laughing and c.frame_clause.search(norm) is None:
        return norm
    kept = []
    for raw in _FRAME_SPLIT.split(msg.text):
        sentence = normalise(raw) + (" haha " if _LAUGHTER.search(raw) else "")
        if c.frame_clause.search(sentence) and not blocked(sentence):
            continue
        kept.append(sentence.strip())
    return " " + " # ".join(k for k in kept if k) + " "


def detect_rules_only(text: MessageLike, intent: Optional[str] = None,
                      confidence: float = 0.0) -> SafetyResult:
    """:func:`detect` without the learned classifier, to measure each judge on its own."""
    return _detect(text, intent, confidence, use_classifier=False)


#: An NLU prediction of an ordinary intent at least this sure means "an everyday question".
ORDINARY_SURE: float = 0.5
#: Classifier probability that counts even against a sure, ordinary NLU prediction. Chosen on the
#: calibration sets (never the frozen one): from 0.7 to 0.8 every urgent message there is still
#: found, and fewer everyday questions get help lines instead of their answer.
CLASSIFIER_SURE: float = 0.8


def _nlu_sure_it_is_ordinary(intent: Optional[str], confidence: float) -> bool:
    """Is the NLU sure this is an everyday question (a topic, not a crisis intent)?"""
    return (intent is not None and intent not in CRISIS_INTENTS and intent != "nlu_fallback"
            and (confidence or 0.0) >= ORDINARY_SURE)


def _reassured(text: str) -> bool:
    """Does the writer say, in so many words, that it is safe or in hand ("hij raakt mij nooit
    aan", "verder is ze vrolijk", "de huisarts kent het")?

    Why only against the classifier: it scores mood and words ("deuren smijten", "dood", "bloed")
    and cannot read such a reassurance; the phrase rules name danger itself, which a reassurance
    beside it does not undo, so they still decide.
    """
    return any(_compiled().reassured.search(f" {form} ") for form in neutralised_forms(text))


def _classifier_kinds(text: str, ordinary: bool = False) -> Optional[Tuple[Tuple[str, ...], float]]:
    """The classifier's kinds when it finds the message urgent, else None (never raises).

    The likeliest kind, plus the runner-up when the model is unsure which kind it is. When the
    NLU is sure the message is an everyday question (``ordinary``), the classifier must be
    sure too: on the team's own question files its false alarms were almost all such messages
    ("ik kreeg 50 euro voor een klusje, moet ik dat opgeven"), while danger the NLU knows
    (a crisis intent) or does not know (low confidence) still needs only the CV threshold.
    """
    try:
        from assistant import urgency_classifier
        p = urgency_classifier.predict(text)
    except Exception:  # noqa: BLE001 - the rules must keep working if the model cannot load
        logger.exception("urgency classifier unavailable; phrase rules only")
        return None
    if not p.urgent or p.kind not in _KIND_ORDER or (ordinary and p.probability < CLASSIFIER_SURE):
        return None
    if _reassured(text):
        return None
    kinds: Tuple[str, ...] = (p.kind,)
    if p.kind_probability < urgency_classifier.UNSURE_KIND and p.second_kind in _KIND_ORDER:
        kinds += (p.second_kind,)
    return kinds, p.probability


def _detect(message: MessageLike, intent: Optional[str], confidence: float,
            use_classifier: bool) -> SafetyResult:
    msg = Message.of(message)
    if not msg.text:
        return NOT_URGENT
    c = _compiled()
    norm = unframed(msg)
    if not norm.strip():
        return NOT_URGENT
    cleaned = c.neutralisers.sub(" # ", norm)

    kinds: set = set()
    learned: Optional[float] = None
    matched: List[str] = []
    acute = False
    for rule, rx in c.rules:
        m = rx.search(cleaned)
        if m is None:
            continue
        kinds.add(rule.kind)
        kinds.update(rule.also)
        acute = acute or rule.acute
        phrase = m.group(0).strip()
        if phrase not in matched:
            matched.append(phrase)

    if not kinds and intent in CRISIS_INTENTS and (confidence or 0.0) >= NLU_THRESHOLD:
        cues = c.light.finditer(cleaned)
        if intent == "psychische_problemen_crisis":
            # "Angstig" and aggression describe what a question about mental health is about
            # ("zo angstig dat ik niet meer naar buiten ga"): for that intent they do not count.
            cues = (cue for cue in cues if not c.mental_not.match(cue.group(0)))
        m = next(cues, None)
        if m is not None:
            kinds.add("psychiatric_crisis" if intent == "psychische_problemen_crisis" else "domestic_violence")
            matched.extend([f"intent:{intent}", m.group(0).strip()])

    if not kinds and use_classifier:
        found = _classifier_kinds(msg.text, _nlu_sure_it_is_ordinary(intent, confidence))
        if found is not None:
            found_kinds, probability = found
            learned = probability
            kinds.update(found_kinds)
            matched.append(f"classifier:{'+'.join(found_kinds)}:{probability:.2f}")
            acute = acute or bool(set(found_kinds) & {"medical_emergency", "acute_danger"})

    if not kinds:
        return NOT_URGENT

    if not acute and kinds & {"suicide", "self_harm", "danger_to_others"}:
        m = c.acute_cues.search(c.acute_not.sub(" # ", cleaned))
        if m is not None:
            acute = True
            matched.append(m.group(0).strip())
    if not acute and kinds & {"domestic_violence", "coercive_control", "child_abuse", "sexual_violence",
                              "elder_abuse", "exploitation", "danger_to_others"}:
        m = c.acute_violence.search(cleaned)
        if m is not None:
            acute = True
            matched.append(m.group(0).strip())
    if acute or "medical_emergency" in kinds:
        kinds.add("acute_danger")

    if kinds & {"domestic_violence", "coercive_control", "sexual_violence"} and "child_abuse" not in kinds:
        m = c.elder.search(cleaned)
        if m is not None:
            kinds.add("elder_abuse")

    child_self = False
    if kinds & {"domestic_violence", "child_abuse", "sexual_violence", "suicide", "self_harm",
                "coercive_control", "exploitation"}:
        if c.child_self.search(cleaned) and _first_person_victim(cleaned):
            child_self = True
            if "domestic_violence" in kinds:
                kinds.add("child_abuse")

    past = ("acute_danger" not in kinds and kinds <= _STORY_KINDS
            and c.past.search(cleaned) is not None and c.present.search(cleaned) is None)
    ordered = tuple(sorted(kinds, key=_KIND_ORDER.__getitem__))
    return SafetyResult(True, ordered, _helplines(ordered, child_self), tuple(matched), past,
                        learned)


def detect_many(texts: Sequence[str]) -> List[SafetyResult]:
    """Convenience for the evaluation CLI: :func:`detect` over a batch."""
    return [detect(t) for t in texts]
