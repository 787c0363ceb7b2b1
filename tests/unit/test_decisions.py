"""The catalogue rescue in `assistant.decisions.decide`: when the NLU is unsure, a strong catalogue
hit decides the topic, but it never overrules an out-of-scope guess."""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

import pytest

from actions.common import catalogue
from assistant.decisions import decide
from knowledge import get_glossary

TEXT = "hoe hoog is het eigen risico van de zorgverzekering dit jaar"  # best hit: collectieve zorgverzekering


def _parse(ranking: List[Tuple[str, float]]) -> Dict[str, Any]:
    return {"intent": {"name": ranking[0][0], "confidence": ranking[0][1]},
            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking]}


@pytest.fixture(scope="module")
def cat() -> Any:
    found = catalogue().search(TEXT, k=1)
    assert found and found[0][0].topic == "minimaregelingen_toeslagen" and found[0][1] >= 0.35
    return catalogue()


def test_a_strong_hit_rescues_an_unsure_topic(cat: Any) -> None:
    d = decide(TEXT, _parse([("bijstand_uitkering", 0.3), ("schulden_geldzorgen", 0.2)]), cat, get_glossary())
    assert (d.topic, d.rescued) == ("minimaregelingen_toeslagen", True)


def test_a_strong_hit_does_not_overrule_an_out_of_scope_guess(cat: Any) -> None:
    d = decide(TEXT, _parse([("out_of_scope_other", 0.3), ("eigen_bijdrage_kosten", 0.2),
                             ("schulden_geldzorgen", 0.1)]), cat, get_glossary())
    assert d.topic == "out_of_scope_other" and not d.rescued and d.out_of_scope


def test_not_even_an_agreeing_hit_overrules_an_out_of_scope_guess(cat: Any) -> None:
    d = decide(TEXT, _parse([("out_of_scope_other", 0.3), ("minimaregelingen_toeslagen", 0.2)]), cat, get_glossary())
    assert d.topic == "out_of_scope_other" and not d.rescued


def test_an_agreeing_hit_rescues_an_unsure_topic(cat: Any) -> None:
    d = decide(TEXT, _parse([("bijstand_uitkering", 0.3), ("minimaregelingen_toeslagen", 0.2)]), cat, get_glossary())
    assert (d.topic, d.rescued) == ("minimaregelingen_toeslagen", True)


def test_an_objection_outside_our_subjects_is_no_case_for_the_social_team():
    """Bezwaar against the WOZ-waarde gets the honest referral, not a person of the social team."""
    from knowledge import get_glossary
    from actions.common import catalogue
    from assistant.decisions import decide

    parse = {"intent": {"name": "bezwaar_klacht", "confidence": 0.45},
             "intent_ranking": [{"name": "bezwaar_klacht", "confidence": 0.45},
                                {"name": "out_of_scope_municipal", "confidence": 0.3}]}
    d = decide("ik ben het niet eens met de woz-waarde van mijn huis, hoe maak ik bezwaar tegen het besluit",
               parse, catalogue(), get_glossary())
    assert d.out_of_scope and not d.handoff and d.answer_kind == "out_of_scope"
