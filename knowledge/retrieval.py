"""Dutch retrieval over the catalogue: TF-IDF on words (1-2 grams) and characters (3-5 grams).

Why this design: residents write short, informal, often misspelled Dutch ("huishoudlijke hulp",
"scootmobiel kapot", "ik kan de rekeningen niet betalen"). Word n-grams reward exact phrasing,
char_wb n-grams survive typos and Dutch compounds ("woningaanpassing" ~ "aanpassing woning").
Synonyms written by content editors carry most of the resident vocabulary; details count with
a low weight and with word n-grams only (char n-grams over long details cost most of the build
time and add little). The index is built once per catalogue (sparse matrices), so a query is a couple of
sparse dot products and stays fast with thousands of entries.
"""
from __future__ import annotations

import re
import unicodedata
from typing import List, Optional, Sequence, Tuple

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from .types import Entry

DUTCH_STOP_WORDS = frozenset("""
aan al alle alles als altijd andere ben bij daar dan dat de der deze die dit doch doen door dus
een eens en er ge geen geweest haar had heb hebben heeft hem het hier hij hoe hun iemand iets ik
in is ja je jij jou jouw kan kon kunnen maar me meer men met mij mijn moet na naar niet niets nog
nu of om omdat onder ons ook op over reeds te tegen toch toen tot u uit uw van veel voor want
waren was wat we wel werd wezen wie wil worden wordt zal ze zelf zich zij zijn zo zonder zou
graag even hallo hoi goedemorgen goedemiddag beste vraag vragen weten wilt welke waar wanneer
kunt kun mag mogen ga gaat gaan krijg krijgen zit
""".split())
# Note: "hulp", "help", "gemeente" are deliberately *not* stop words: "hulp bij het huishouden"
# needs them; IDF already lowers their weight.

_REPEAT = re.compile(r"(.)\1{2,}")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise(text: str) -> str:
    """Lowercase, strip accents (cliënt -> client), squash letter runs (heeeelp -> heelp)."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _REPEAT.sub(r"\1\1", text)
    return _NON_WORD.sub(" ", text).strip()


def _tokens(text: str) -> List[str]:
    return [t for t in text.split() if t not in DUTCH_STOP_WORDS and len(t) > 1]


def _word_analyzer(text: str) -> List[str]:
    toks = _tokens(text)
    return toks + [f"{a} {b}" for a, b in zip(toks, toks[1:])]


def _char_text(text: str) -> str:
    return " ".join(_tokens(text))


def main_text(entry: Entry) -> str:
    """Title and synonyms twice: they are short and carry the resident's own words."""
    syn = " . ".join(entry.synonyms)
    return normalise(f"{entry.title} . {entry.title} . {syn} . {syn} . {entry.short_answer}")


def detail_text(entry: Entry) -> str:
    return normalise(entry.details)


class SearchIndex:
    """Three sparse TF-IDF matrices (word + char on main text, word on details), built once."""

    MAIN_WEIGHT = 0.85
    DETAIL_WEIGHT = 0.15
    CHAR_SHARE = 0.5  # share of char n-grams within each field

    def __init__(self, entries: Sequence[Entry]):
        self.entries = list(entries)
        self._topics = np.array([e.topic for e in self.entries])
        main = [main_text(e) for e in self.entries]
        det = [detail_text(e) for e in self.entries]
        opts = dict(sublinear_tf=True, dtype=np.float32)
        self._word_main = TfidfVectorizer(analyzer=_word_analyzer, **opts)
        self._char_main = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5),
                                          preprocessor=_char_text, **opts)
        self._word_det = TfidfVectorizer(analyzer=_word_analyzer, **opts)
        # Stored transposed (features x entries): a query touches only the rows of its own
        # n-grams, so a search costs about the same with 50 or 5,000 entries.
        self._wm = self._word_main.fit_transform(main).T.tocsr()
        self._cm = self._char_main.fit_transform(main).T.tocsr()
        self._wd = self._word_det.fit_transform(det).T.tocsr()

    def scores(self, text: str) -> np.ndarray:
        """Similarity of `text` to every entry, each in 0..1 (weighted mean of cosines)."""
        q = [normalise(text)]
        c = self.CHAR_SHARE
        main = (1 - c) * (self._word_main.transform(q) @ self._wm).toarray().ravel() \
            + c * (self._char_main.transform(q) @ self._cm).toarray().ravel()
        det = (self._word_det.transform(q) @ self._wd).toarray().ravel()
        return np.clip(self.MAIN_WEIGHT * main + self.DETAIL_WEIGHT * det, 0.0, 1.0)

    def search(self, text: str, topic: Optional[str] = None, k: int = 3) -> List[Tuple[Entry, float]]:
        if not text or not normalise(text) or not self.entries:
            return []
        s = self.scores(text)
        if topic is not None:
            s = np.where(self._topics == topic, s, -1.0)
        order = np.argsort(-s, kind="stable")[: max(k, 0)]
        return [(self.entries[i], round(float(s[i]), 4)) for i in order if s[i] > 0]
