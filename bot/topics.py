"""Topic labels and how an NLU prediction maps onto exactly one of them.

Why a separate module: the evaluation CLI, the actions and the tests must agree on one mapping.
Each topic intent is named after its label, so the mapping is the first topic intent in the
ranking; core intents (greet, thanks, ...) and nlu_fallback are skipped.
"""
from __future__ import annotations

from typing import Any, Iterable, List, Mapping, Optional, Sequence, Tuple

TOPICS: Tuple[str, ...] = (
    "huishoudelijke_hulp", "begeleiding_dagbesteding", "hulpmiddelen_woningaanpassing", "vervoer",
    "mantelzorg", "jeugdhulp_opvoeden", "bijstand_uitkering", "werk_reintegratie",
    "schulden_geldzorgen", "minimaregelingen_toeslagen", "eenzaamheid_meedoen",
    "wonen_beschermd_wonen_opvang", "huiselijk_geweld_veiligheid", "psychische_problemen_crisis",
    "eigen_bijdrage_kosten", "pgb", "bezwaar_klacht", "clientondersteuning", "sociaal_loket_contact",
    "out_of_scope_municipal", "out_of_scope_other",
)
OUT_OF_SCOPE: Tuple[str, ...] = ("out_of_scope_municipal", "out_of_scope_other")
IN_SCOPE: Tuple[str, ...] = tuple(t for t in TOPICS if t not in OUT_OF_SCOPE)

# Dutch names for buttons and messages ("Gaat uw vraag over ...?").
TOPIC_NAMES: Mapping[str, str] = {
    "huishoudelijke_hulp": "hulp in het huishouden",
    "begeleiding_dagbesteding": "begeleiding of dagbesteding",
    "hulpmiddelen_woningaanpassing": "hulpmiddelen of uw huis aanpassen",
    "vervoer": "vervoer",
    "mantelzorg": "mantelzorg",
    "jeugdhulp_opvoeden": "opvoeden en hulp voor kinderen",
    "bijstand_uitkering": "bijstand of een uitkering",
    "werk_reintegratie": "werk zoeken",
    "schulden_geldzorgen": "schulden en geldzorgen",
    "minimaregelingen_toeslagen": "regelingen voor een laag inkomen",
    "eenzaamheid_meedoen": "eenzaamheid en meedoen",
    "wonen_beschermd_wonen_opvang": "wonen, opvang of dakloosheid",
    "huiselijk_geweld_veiligheid": "huiselijk geweld en veiligheid",
    "psychische_problemen_crisis": "psychische problemen",
    "eigen_bijdrage_kosten": "de eigen bijdrage en kosten",
    "pgb": "het persoonsgebonden budget (pgb)",
    "bezwaar_klacht": "bezwaar maken of een klacht",
    "clientondersteuning": "iemand die met u meedenkt (cliëntondersteuning)",
    "sociaal_loket_contact": "contact met het Sociaal Loket",
    "out_of_scope_municipal": "andere zaken van de gemeente",
    "out_of_scope_other": "iets anders",
}


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
