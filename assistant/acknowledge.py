"""One short sentence back about what the resident told, before the assistant advises.

Why: a desk worker who hears "ik heb net een nieuwe heup" says so before explaining the rules;
a bot that skips it reads like a form. The sentences are reviewed data (``data/``), the
matching is here; nothing is said when nothing matches.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import List, Optional, Pattern, Tuple

import yaml

from assistant.glossary import fold

DATA = Path(__file__).resolve().parent / "data" / "acknowledgements.yml"


@lru_cache(maxsize=1)
def _rules() -> Tuple[Tuple[Pattern[str], str], ...]:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8")) or {}
    rules: List[Tuple[Pattern[str], str]] = []
    for item in data.get("acknowledgements") or []:
        rules.append((re.compile(item["match"]), " ".join(str(item["say"]).split())))
    return tuple(rules)


def acknowledgement(text: str) -> Optional[str]:
    """The sentence for the first thing the resident told that we acknowledge, or None."""
    folded = fold(text or "")
    if len(folded.split()) < 4:  # "operatie?" alone is a question, not a story
        return None
    for pattern, say in _rules():
        if pattern.search(folded):
            return say
    return None
