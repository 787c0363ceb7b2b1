"""B1 check of a Dutch text while a beheerder types it in the console.

Why here, in the pure core: the same rules as the B1 test over every answer
(tests/unit/test_b1_texts.py) must also guide the people who edit answers, and the console, the
CLI and the tests should not each carry their own copy. Why only warnings: a beheerder may have a
good reason for a long sentence (a law's name, an address); the check says what a resident will
stumble over and suggests a plainer word, it never blocks saving.

What is checked: sentences over 20 words, words that are very long or on the jargon list
(``knowledge/content/b1_jargon.yml``, passed in as data) with the plain word to use instead, and
the passive voice ("wordt betaald door" instead of "de gemeente betaalt"). The score is the
Flesch-Douma reading ease (the Dutch Flesch formula), computed here with a Dutch syllable count
so the result does not depend on a library's global language setting.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

MAX_SENTENCE_WORDS = 20
LONG_WORD_LETTERS = 16
SCORE_MIN = 60  # Flesch-Douma from which a text counts as easy enough (the catalogue's rule)
_PLACEHOLDER_RE = re.compile(r"\{[a-z_]+(?::[a-z0-9_]+)?\}")
_WORD_RE = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'-]*")
_VOWEL_GROUP_RE = re.compile(r"[aeiouyàáâäèéêëìíîïòóôöùúûü]+", re.I)
_PASSIVE_AUX_RE = re.compile(r"\b(word|wordt|worden|werd|werden)\b", re.I)
# A past participle: ge-/be-/ver-/ont-/her-/er- ... -d/-t/-en ("betaald", "vergoed", "gegeven").
_PARTICIPLE_RE = re.compile(r"\b(?:ge|be|ver|ont|her|er)[a-zà-ÿ]{2,}(?:d|t|en)\b", re.I)


@dataclass(frozen=True)
class Finding:
    """One thing a resident may stumble over, with what to do about it."""

    kind: str  # "zin" | "woord" | "lijdend"
    text: str
    message: str
    suggestion: Optional[str] = None


@dataclass(frozen=True)
class B1Report:
    score: int
    words: int
    sentences: int
    findings: List[Finding] = field(default_factory=list)

    @property
    def warning(self) -> Optional[str]:
        """One line for next to the field, or None when the text reads as B1."""
        if not self.words:
            return None
        if self.score < SCORE_MIN:
            return (f"Let op: deze tekst is misschien niet makkelijk genoeg (score {self.score}, "
                    f"streef naar {SCORE_MIN} of meer). U kunt hem wel opslaan.")
        if self.findings:
            return ("Let op: deze tekst is misschien niet makkelijk genoeg. Kijk naar de punten "
                    "hieronder. U kunt hem wel opslaan.")
        return None

    def as_dict(self) -> Dict[str, Any]:
        data = asdict(self)
        data["warning"] = self.warning
        return data


def sentences(text: str) -> List[str]:
    """Sentences: split after . ! ? and at line breaks (list items are sentences too)."""
    parts: List[str] = []
    for line in re.split(r"\n+", text or ""):
        line = re.sub(r"^\s*[-•]\s*", "", line).strip()
        parts += [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9€\"'(])", line) if s.strip()]
    return parts


def words(sentence: str) -> List[str]:
    return [w for w in sentence.split() if re.search(r"\w", w)]


def syllables(word: str) -> int:
    """Dutch syllables, approximated by vowel groups ("ij", "oe", "aa" count once)."""
    return max(1, len(_VOWEL_GROUP_RE.findall(word.replace("ij", "i").replace("IJ", "I"))))


def flesch_douma(text: str) -> float:
    """206.835 - 0.93 x words per sentence - 77 x syllables per word."""
    sents = sentences(text)
    all_words = [w for s in sents for w in words(s)]
    if not all_words:
        return 100.0
    syl = sum(syllables(w) for w in all_words)
    return 206.835 - 0.93 * (len(all_words) / len(sents)) - 77 * (syl / len(all_words))


class B1Checker:
    """Checks texts against the B1 rules; ``jargon`` is the list of ``{word, plain}`` terms."""

    def __init__(self, jargon: Iterable[Mapping[str, Any]] = (),
                 max_words: int = MAX_SENTENCE_WORDS, long_word: int = LONG_WORD_LETTERS):
        self.max_words = max_words
        self.long_word = long_word
        self._terms = [(dict(t), self._word_re(str(t["word"]))) for t in jargon]

    @staticmethod
    def _word_re(word: str) -> "re.Pattern[str]":
        return re.compile(r"(?<![\w-])" + re.escape(word).replace(r"\ ", r"\s+") + r"(?!\w)",
                          re.I)

    def check(self, text: str) -> B1Report:
        """Score and findings for one text (placeholders such as {partner:x} count as a name)."""
        plain_text = _PLACEHOLDER_RE.sub("Naam", text or "")
        sents = sentences(plain_text)
        findings: List[Finding] = []
        for sentence in sents:
            n = len(words(sentence))
            if n > self.max_words:
                findings.append(Finding("zin", sentence, f"Deze zin heeft {n} woorden; houd het "
                                        f"bij {self.max_words} of minder.",
                                        "Maak er twee of drie korte zinnen van."))
            if _PASSIVE_AUX_RE.search(sentence) and self._participle(sentence):
                findings.append(Finding("lijdend", sentence, "Deze zin staat in de lijdende vorm.",
                                        "Zeg wie iets doet, bijvoorbeeld: 'De gemeente betaalt' "
                                        "in plaats van 'Er wordt betaald'."))
        findings += self._jargon(plain_text)
        findings += self._long_words(plain_text, {f.text.lower() for f in findings})
        all_words = [w for s in sents for w in words(s)]
        score = round(max(0.0, min(100.0, flesch_douma(plain_text))))
        return B1Report(score=score, words=len(all_words), sentences=len(sents), findings=findings)

    @staticmethod
    def _participle(sentence: str) -> bool:
        return any(not _PASSIVE_AUX_RE.fullmatch(m.group(0))
                   for m in _PARTICIPLE_RE.finditer(sentence))

    def _jargon(self, text: str) -> List[Finding]:
        found = []
        for term, pattern in self._terms:
            m = pattern.search(text)
            if m is None or self._explained(term, text):
                continue
            found.append(Finding("woord", m.group(0), f"'{m.group(0)}' is een moeilijk woord.",
                                 f"Schrijf liever: {term['plain']}."))
        return found

    @staticmethod
    def _explained(term: Mapping[str, Any], text: str) -> bool:
        """The same rules as the B1 test: the plain words, brackets or 'dat heet ...'."""
        w = re.escape(str(term["word"]))
        patterns: Sequence[str] = [re.escape(str(term["plain"])), w + r"[\w-]*\s*\(",
                                   r"\([^)]*" + w + r"[^)]*\)",
                                   r"(dat|dit|die|het) heet\s+(de |het |een )?" + w,
                                   w + r"\s+(is|betekent)\b"] + list(term.get("explained_by") or [])
        return any(re.search(p, text, re.I) for p in patterns)

    def _long_words(self, text: str, already: set) -> List[Finding]:
        found, seen = [], set()
        for m in _WORD_RE.finditer(text):
            word = m.group(0).strip("'-")
            letters = re.sub(r"[^A-Za-zÀ-ÿ]", "", word)
            if len(letters) < self.long_word or word.lower() in already | seen:
                continue
            seen.add(word.lower())
            found.append(Finding("woord", word, f"'{word}' is een lang woord "
                                 f"({len(letters)} letters).",
                                 "Kan het korter, of in twee woorden?"))
        return found
