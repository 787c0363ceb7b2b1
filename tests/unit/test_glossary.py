"""Glossary terms are found in residents' words, but not in ordinary words that look alike."""
from __future__ import annotations

from assistant.glossary import Glossary, Term
from knowledge import get_glossary


def test_everyday_words_never_count_as_a_term_alone():
    """"mee" (the organisation MEE), "zin" (zorg in natura) and "mor" are also ordinary words."""
    glossary = get_glossary()
    for text in ("wie gaat er mee naar de dokter", "ik heb nergens meer zin in", "mor dat lukt nait"):
        assert not glossary.find(text), text
    assert "MEE" in [t.term for t in glossary.find("kan stichting mee mij helpen")]
    assert [t.term for t in glossary.find("liever zorg in natura dan een pgb")][0] == "zorg in natura"


def test_the_everyday_list_is_read_from_the_data():
    g = Glossary.from_data({"everyday_words": ["zin"],
                            "terms": [{"term": "zorg in natura", "variants": ["zin"],
                                       "topic": "pgb", "explain": "Uitleg."}]})
    assert not g.find("geen zin") and g.find("zorg in natura")
    assert Glossary([Term("zorg in natura", "pgb", "Uitleg.", ("zin",))]).find("geen zin")
