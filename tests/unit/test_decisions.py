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


def test_a_weak_not_ours_guess_that_asks_back_still_judges_the_case() -> None:
    """A refused kwijtschelding with an aanmaning, read by the NLU as a weak "not ours": the
    assistant asks back on the topic, and the case still counts for a person (the classifier
    reads it), as a sure "not ours" would not."""
    text = ("Mijn kwijtschelding is afgewezen omdat onze oude auto te veel waard zou zijn. Ik heb bezwaar "
            "gemaakt maar hoor niets en nu ligt er een aanmaning. Kan iemand dit met mij bekijken?")
    weak = _parse([("out_of_scope_municipal", 0.25), ("minimaregelingen_toeslagen", 0.2)])
    d = decide(text, weak, catalogue(), get_glossary())
    assert d.topic == "out_of_scope_municipal" and d.clarify
    assert d.complexity.complex and d.answer_kind == "handoff"
    sure = _parse([("out_of_scope_municipal", 0.9), ("minimaregelingen_toeslagen", 0.05)])
    plain = "ik ben het niet eens met de aanslag afvalstoffenheffing, hoe maak ik bezwaar"
    assert decide(plain, sure, catalogue(), get_glossary()).answer_kind == "out_of_scope"


def test_a_term_that_names_the_weak_guess_confirms_it(cat: Any) -> None:
    """A story in broken English with "leerlingenvervoer" in it: the term and the NLU agree on
    transport, so no catalogue search moves the answer to another subject, and no question back."""
    text = ("my son 16 year has autism, school in other city 30 km, we have no car and I work early in "
            "the kas. leerlingenvervoer is possible for him? my dutch is not good")
    d = decide(text, _parse([("vervoer", 0.3), ("minimaregelingen_toeslagen", 0.25)]), cat, get_glossary())
    assert (d.topic, d.rescued, d.clarify) == ("vervoer", False, False)
