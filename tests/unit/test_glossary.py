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


def test_a_term_named_as_background_is_not_the_subject():
    aow = Term("AOW", "out_of_scope_other", "Het staatspensioen.", variants=("aow",),
               background=("alleen aow", "aow er"))
    glossary = Glossary([aow])
    assert glossary.find("ik heb alleen AOW, kan ik een bijdrage krijgen voor een wasmachine") == []
    assert glossary.find("kan ik als AOW'er meedoen met de kortingspas") == []
    assert glossary.find("ik heb alleen aow, wanneer wordt de aow gestort") == [aow]


def test_the_real_glossary_reads_aow_as_background_and_leaves_the_national_ombudsman_named():
    glossary = get_glossary()
    assert "out_of_scope_other" not in glossary.topics(
        "Ik heb alleen AOW en een klein pensioen. Wat kost de huishoudelijke hulp?")
    assert "out_of_scope_other" in glossary.topics("wanneer wordt mijn aow gestort")
    assert "out_of_scope_other" not in glossary.topics("kan ik naar de ombudsman als de gemeente niet luistert")
    assert "out_of_scope_other" in glossary.topics("klacht over de belastingdienst bij de nationale ombudsman")


def test_without_digid_is_the_way_in_not_the_subject():
    glossary = get_glossary()
    assert "out_of_scope_municipal" not in glossary.topics("Kan ik bij het wijkteam een afspraak maken zonder DigiD?")
    assert "out_of_scope_municipal" in glossary.topics("ik heb geen digid, hoe kom ik daaraan")
    assert "eenzaamheid_meedoen" in glossary.topics("wat doet een buurtsportcoach")
