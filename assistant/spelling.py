"""Standard Dutch forms of dialect and chat spellings, for the classifiers to read beside the
resident's own words.

Why beside, not instead: "ik bin 79 en kin nait meer" keeps its own words (a char n-gram of a typo
still helps), and gains "ben niet"; a wrong mapping then adds a word, it never removes one. The
word list is data (``assistant/data/spelling.yml``); reading it happens at first use.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Dict, List

import yaml

from assistant.glossary import fold

DATA_FILE: Path = Path(__file__).resolve().parent / "data" / "spelling.yml"


@lru_cache(maxsize=1)
def variants() -> Dict[str, str]:
    """The word list: dialect or chat spelling -> standard Dutch (read once)."""
    raw = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8")) or {}
    pairs = ((fold(str(k)), str(v)) for k, v in (raw.get("words") or {}).items())
    return {k: v for k, v in pairs if k != fold(v)}


def standard_forms(text: str) -> List[str]:
    """The standard forms of the message's dialect and chat words, in order ("" when none)."""
    table = variants()
    return [table[w] for w in fold(text or "").split() if w in table]


def standardised(text: str) -> str:
    """The text (folded) with each dialect or chat word replaced by its standard form, for
    phrase rules that must read "ik bin t nait ains mit de beslizzing" as "... niet eens met de
    beslissing". Rules read it beside the original, so a wrong mapping only adds a reading."""
    table = variants()
    return " ".join(table.get(w, w) for w in fold(text or "").split())
