"""Topic labels and how an NLU prediction maps onto exactly one of them.

Why a separate module: the evaluation CLI, the actions and the tests must agree on one mapping.
Each topic intent is named after its label, so the mapping is the first topic intent in the
ranking; core intents (greet, thanks, ...) and nlu_fallback are skipped.
"""
from __future__ import annotations

from typing import Any, Iterable, List, Mapping, Optional, Sequence, Tuple

from assistant.vocabulary import IN_SCOPE, OUT_OF_SCOPE, TOPIC_NAMES, TOPICS

__all__ = ["TOPICS", "OUT_OF_SCOPE", "IN_SCOPE", "TOPIC_NAMES", "topic_ranking", "top_topic",
           "is_topic", "names"]


def topic_ranking(parse: Mapping[str, Any]) -> List[Tuple[str, float]]:
    """Topic intents from an NLU parse, best first, with their confidence."""
    ranking: Iterable[Mapping[str, Any]] = parse.get("intent_ranking") or []
    out = [(r["name"], float(r.get("confidence") or 0.0)) for r in ranking if r.get("name") in TOPICS]
    if not out:
        intent = parse.get("intent") or {}
        if intent.get("name") in TOPICS:
            out = [(intent["name"], float(intent.get("confidence") or 0.0))]
    return out


def top_topic(parse: Mapping[str, Any]) -> Tuple[Optional[str], float]:
    """The single topic label a parse stands for, or (None, 0.0) if no topic is ranked."""
    ranked = topic_ranking(parse)
    return ranked[0] if ranked else (None, 0.0)


def is_topic(name: Optional[str]) -> bool:
    return name in TOPICS


def names(topics: Sequence[str]) -> str:
    """'a, b en c' in Dutch, from topic labels."""
    parts = [TOPIC_NAMES.get(t, t) for t in topics]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " en " + parts[-1]
