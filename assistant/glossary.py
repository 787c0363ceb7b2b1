"""Terms of the social domain: which topic a term belongs to and what it means in plain Dutch.

Why one matcher for two jobs: a resident who asks "wat betekent indicatie?" needs the meaning in
B1 words, and a short question built on a term ("kan ik kwijtschelding krijgen") needs the right
topic even when the NLU has never seen the term. Both come from the same reviewed glossary
(``knowledge/content/glossary.yml``); this module only matches, it reads no files itself.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Pattern, Sequence, Tuple


@dataclass(frozen=True)
class Term:
    """One glossary term with the topic it belongs to and a plain explanation."""

    term: str
    topic: str
    explain: str
    variants: Tuple[str, ...] = ()
    source: str = ""
    #: Phrases in which the term is only the resident's background, not the subject ("ik heb
    #: alleen AOW" beside a question about the eigen bijdrage): there it does not count.
    background: Tuple[str, ...] = ()


def fold(text: str) -> str:
    """Lower case without accents or punctuation, single spaces (cliëntondersteuning ->
    clientondersteuning), so spellings residents use still match."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


# "wat is ...", "wat betekent ...", "wat bedoelt u met ...", "... wat is dat", "uitleg over ..."
_DEFINITION = re.compile(
    r"^(?:(?:en |maar |sorry |hoi |hallo )?(?:wat (?:is|zijn|betekent|betekend|betekenen|houdt|houd|"
    r"bedoelt u met|bedoel je met|bedoelen jullie met|moet ik verstaan onder|wordt bedoeld met)|"
    r"wie is|leg (?:eens )?uit wat|uitleg over|wat wil .{1,30} zeggen|waar staat .{1,20} voor))\b"
    r"|\b(?:wat is dat|wat betekent dat|wat houdt dat in|wat betekend dat)\s*$")


def _any_of(phrases: Iterable[str]) -> Optional[Pattern[str]]:
    """One pattern for whole folded phrases, longest first ("bijzondere bijstand" before
    "bijstand"); None when there are none."""
    ordered = sorted(phrases, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(map(re.escape, ordered)) + r")\b") if ordered else None


class Glossary:
    """Finds glossary terms in a text, longest first (so "bijzondere bijstand" beats "bijstand")."""

    def __init__(self, terms: Iterable[Term], everyday: Iterable[str] = ()) -> None:
        """``everyday``: forms that are also ordinary Dutch or dialect words ("mee", "zin",
        Gronings "mor" for "maar"); they never count as the term on their own."""
        self.terms: List[Term] = list(terms)
        skip = {fold(w) for w in everyday}
        forms: Dict[str, Term] = {}
        for term in self.terms:
            for form in (term.term, *term.variants):
                key = fold(form)
                if len(key) >= 2 and key not in forms and key not in skip:
                    forms[key] = term
        self._forms = forms
        self._background = _any_of({f for term in self.terms for f in map(fold, term.background) if f})
        self._rx = _any_of(forms)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> "Glossary":
        """From the glossary file's mapping (``terms: [...]``); entries without text are skipped."""
        terms = []
        for item in data.get("terms") or []:
            if not isinstance(item, Mapping) or not item.get("term") or not item.get("explain"):
                continue
            terms.append(Term(term=str(item["term"]), topic=str(item.get("topic") or ""),
                              explain=" ".join(str(item["explain"]).split()),
                              variants=tuple(str(v) for v in item.get("variants") or ()),
                              source=str(item.get("source") or ""),
                              background=tuple(str(b) for b in item.get("background") or ())))
        return cls(terms, everyday=[str(w) for w in data.get("everyday_words") or ()])

    def find(self, text: str) -> List[Term]:
        """Every term in ``text``, in order of appearance, each once."""
        if self._rx is None or not text:
            return []
        found: List[Term] = []
        folded = fold(text)
        if self._background is not None:
            folded = self._background.sub(" # ", folded)
        for m in self._rx.finditer(folded):
            term = self._forms[m.group(0)]
            if term not in found:
                found.append(term)
        return found

    def asked_meaning(self, text: str, terms: Optional[Sequence[Term]] = None) -> Optional[Term]:
        """The term a resident asks the meaning of ("wat is een indicatie?"), else None.

        Only short definition questions count: in a long story the same words are not a
        request for a definition. ``terms``: :meth:`find` of the same text, when already known.
        """
        folded = fold(text)
        if not folded or len(folded.split()) > 12 or not _DEFINITION.search(folded):
            return None
        found = self.find(text) if terms is None else terms
        return found[0] if found else None

    def topics(self, text: str) -> List[str]:
        """Topics of the terms in ``text``, in order, each once."""
        return list(dict.fromkeys(t.topic for t in self.find(text) if t.topic))


def explain_terms(terms: Sequence[Term], limit: int = 4) -> str:
    """"Term: explanation" lines for the first few terms."""
    return "\n".join(f"- {t.term}: {t.explain}" for t in list(terms)[:limit])
