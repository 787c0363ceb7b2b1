"""Standard Dutch forms of dialect and chat spellings, for the classifiers to read beside the
resident's own words.

Why beside, not instead: "ik bin 79 en kin nait meer" keeps its own words (a char n-gram of a typo
still helps), and gains "ben niet"; a wrong mapping then adds a word, it never removes one. The
word list is data (``assistant/data/spelling.yml``); reading it happens at first use.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Dict, List

import yaml

DATA_FILE: Path = Path(__file__).resolve().parent / "data" / "spelling.yml"
_WORD = re.compile(r"[a-z0-9]+")


def _plain(text: str) -> str:
    """Lower case without accents: how both the list and the message are compared."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


@lru_cache(maxsize=1)
def variants() -> Dict[str, str]:
    """The word list: dialect or chat spelling -> standard Dutch (read once)."""
    raw = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8")) or {}
    pairs = ((_plain(str(k)), str(v)) for k, v in (raw.get("words") or {}).items())
    return {k: v for k, v in pairs if k != _plain(v)}


def standard_forms(text: str) -> List[str]:
    """The standard forms of the message's dialect and chat words, in order ("" when none)."""
    table = variants()
    return [table[w] for w in _WORD.findall(_plain(text or "")) if w in table]
