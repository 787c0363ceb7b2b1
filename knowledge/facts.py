"""Facts in a text: amounts, phone numbers, law articles and addresses.

Why: the assistant answers only from sources, so a beheerder who types a new amount or phone
number must say where it comes from. A change that brings in a fact the old text did not have is
refused without a source (see :func:`knowledge.editing.Editor.edit`); other changes need none.
"""
from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Set, Tuple

FACT_PATTERNS: Dict[str, "re.Pattern[str]"] = {
    "bedrag": re.compile(r"€\s?\d[\d.,]*|\b\d[\d.]*(?:,\d{2})?\s?euro\b", re.I),
    "telefoonnummer": re.compile(r"(?:\+31|\b0)\d[\d -]{7,12}\d\b"),
    "wetsartikel": re.compile(r"\b(?:art\.|artikel)\s*\d+(?:[.:]\d+)*\w?", re.I),
    "adres": re.compile(r"\b[1-9]\d{3}\s?[A-Z]{2}\b|\b[A-Z][a-zà-ÿ]+(?:straat|weg|laan|plein|"
                        r"dijk|singel|gracht|kade|markt|park|hof|pad)\s+\d+[a-z]?\b"),
}
KIND_NAMES = {"bedrag": "een bedrag", "telefoonnummer": "een telefoonnummer",
              "wetsartikel": "een wetsartikel", "adres": "een adres"}


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


def facts_in(value: Any) -> Set[Tuple[str, str]]:
    """(kind, normalised text) of every fact in the strings inside ``value``."""
    found: Set[Tuple[str, str]] = set()
    for text in _strings(value):
        for kind, pattern in FACT_PATTERNS.items():
            found |= {(kind, re.sub(r"[\s-]", "", m.group(0)).lower())
                      for m in pattern.finditer(text)}
    return found


def new_facts(old: Any, new: Any) -> List[Tuple[str, str]]:
    """Facts in ``new`` that ``old`` did not have (these need a source)."""
    return sorted(facts_in(new) - facts_in(old))


def describe(facts: List[Tuple[str, str]]) -> str:
    """'een bedrag en een telefoonnummer' for an error message."""
    kinds = list(dict.fromkeys(KIND_NAMES[k] for k, _ in facts))
    return kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " en " + kinds[-1]
