"""Tests for assistant.triage: ladder order, skipping, n/a rungs, exhaustion, explicit municipal
requests, complexity, multiple needs and out-of-scope handling, with realistic resident sentences."""
from __future__ import annotations

import pytest

from assistant import triage
from assistant.topics import TOPICS
from assistant.triage import (
    ACUTE_NEEDS,
    RUNGS,
    Complexity,
    assess_complexity,
    detect_needs,
    first_ladder_label,
    first_rung,
    handoff_expected,
    is_explicit_municipal_request,
    is_general_question,
    keyword_topics,
    next_rung,
    tried_rungs,
)

FULL = {
    "zelf": "Tips om het huishouden lichter te maken.",
    "netwerk": "Vraag familie of buren; of kijk op WeHelpen.",
    "voorliggend_veld": "De welzijnsorganisatie heeft vrijwilligers.",
    "sociaal_loket": "Het Sociaal Loket bespreekt met u wat nodig is.",
}
NO_NETWORK = {**FULL, "netwerk": None}
ONLY_LOKET = {"zelf": None, "netwerk": None, "voorliggend_veld": None, "sociaal_loket": "Bel het loket."}
NO_LOKET = {**FULL, "sociaal_loket": None}


def test_rungs_order() -> None:
    assert RUNGS == ("zelf", "netwerk", "voorliggend_veld", "sociaal_loket")


# ---------------------------------------------------------------------------------- tried_rungs

@pytest.mark.parametrize("text, rung", [
    ("mijn kinderen kunnen niet helpen, die werken allebei fulltime", "netwerk"),
    ("Ik heb geen familie meer in de buurt", "netwerk"),
    ("ik heb geen familie", "netwerk"),
    ("niemand in mijn omgeving kan me helpen met de boodschappen", "netwerk"),
    ("mijn dochter woont in het buitenland", "netwerk"),
    ("ik sta er helemaal alleen voor sinds mijn man er niet meer is", "netwerk"),
    ("mijn buren willen niet helpen", "netwerk"),
    ("ik kan niet meer op mijn familie terugvallen", "netwerk"),
    ("ik kan het zelf niet meer", "zelf"),
    ("het lukt me niet meer alleen met het huishouden", "zelf"),
    ("ik red het niet meer alleen", "zelf"),
    ("ik kan het niet betalen, een schoonmaker is te duur", "zelf"),
    ("een traplift kan ik niet zelf betalen", "zelf"),
    ("ik heb alles al zelf geprobeerd", "zelf"),
    ("ik ben al bij de welzijnsorganisatie geweest", "voorliggend_veld"),
    ("ik ben naar het buurthuis gegaan maar die konden me niet verder helpen", "voorliggend_veld"),
    ("schuldhulpmaatje helpt al met de post", "voorliggend_veld"),
    ("ik krijg al hulp van de vrijwilligers van Humanitas", "voorliggend_veld"),
    ("de ouderenadviseur kon me niet verder helpen", "voorliggend_veld"),
    ("ik heb al een maatje via de welzijnsstichting", "voorliggend_veld"),
])
def test_tried_rungs_detects(text: str, rung: str) -> None:
    assert rung in tried_rungs(text), tried_rungs(text)


@pytest.mark.parametrize("text", [
    "hoe vraag ik huishoudelijke hulp aan",
    "mijn kinderen helpen al met de boodschappen, maar het schoonmaken lukt niet",
    "wat doet de welzijnsorganisatie eigenlijk",
    "ik wil graag vrijwilligerswerk doen",
    "ik zoek tips om zelf mijn administratie bij te houden",
    "",
])
def test_tried_rungs_not_over_eager(text: str) -> None:
    tried = tried_rungs(text)
    assert "voorliggend_veld" not in tried
    assert "netwerk" not in tried or "kinderen helpen al" not in text


def test_tried_rungs_combined_and_never_loket() -> None:
    text = ("Mijn kinderen wonen te ver weg en ik kan het zelf niet meer. "
            "Ik ben ook al bij het buurthuis geweest, maar die hebben geen vrijwilligers.")
    assert tried_rungs(text) == frozenset({"zelf", "netwerk", "voorliggend_veld"})
    assert "sociaal_loket" not in tried_rungs("ik ben al bij het sociaal loket geweest")


# ----------------------------------------------------------------------------------- first_rung

def test_first_rung_starts_at_zelf_for_a_plain_need() -> None:
    assert first_rung("Ik kan mijn huis niet goed meer schoonhouden", FULL) == "zelf"


def test_first_rung_general_question_starts_at_zelf() -> None:
    assert first_rung("Hoe werkt de eigen bijdrage voor de Wmo?", FULL) == "zelf"
    assert first_rung("Wat is een keukentafelgesprek?", FULL) == "zelf"
    assert first_rung("wat houdt begeleiding precies in", FULL) == "zelf"


@pytest.mark.parametrize("text", [
    "Hoe vraag ik een scootmobiel aan?",
    "hoe vraag ik huishoudelijke hulp aan voor mijn moeder",
    "Ik wil een indicatie voor begeleiding",
    "ik wil een keukentafelgesprek aanvragen",
    "ik wil graag een keukentafelgesprek",
    "wanneer krijg ik mijn beschikking?",
    "ik wil een wmo-voorziening aanvragen bij de gemeente",
    "Kan ik een traplift aanvragen?",
    "mijn indicatie loopt volgende maand af, wat nu",
])
def test_explicit_municipal_request_starts_at_sociaal_loket(text: str) -> None:
    assert is_explicit_municipal_request(text)
    assert first_rung(text, FULL) == "sociaal_loket"


def test_general_question_about_a_procedure_noun_is_not_a_request() -> None:
    assert is_general_question("wat is een beschikking")
    assert not is_explicit_municipal_request("wat is een beschikking")
    assert not is_general_question("hoe vraag ik een beschikking aan")


def test_first_rung_skips_tried_rungs() -> None:
    assert first_rung("Ik kan het zelf niet meer bijhouden, het huis wordt vies", FULL) == "netwerk"
    assert first_rung("mijn kinderen kunnen niet helpen en ik heb geen geld voor een schoonmaker", FULL) == "voorliggend_veld"
    text = "ik heb geen familie en bij de welzijnsorganisatie ben ik al geweest, ze konden niks"
    assert first_rung(text, FULL) == "sociaal_loket"


def test_first_rung_tried_higher_rung_implies_lower_ones() -> None:
    # Someone who already went to the welzijn organisation is past tips and network.
    assert first_rung("ik ben al bij de welzijnsorganisatie geweest maar kom er niet uit", FULL) == "sociaal_loket"
    assert first_rung("mijn kinderen kunnen niet helpen met het schoonmaken", FULL) == "voorliggend_veld"


def test_first_rung_skips_not_applicable_rungs() -> None:
    assert first_rung("ik kan het zelf niet meer", NO_NETWORK) == "voorliggend_veld"
    assert first_rung("ik heb hulp nodig met mijn rolstoel", ONLY_LOKET) == "sociaal_loket"
    assert first_rung("hoe werkt dat", ONLY_LOKET) == "sociaal_loket"


def test_first_rung_exhausted_or_empty_ladder() -> None:
    text = "ik kan het zelf niet, heb geen familie en de vrijwilligers van het buurthuis konden niet helpen"
    assert first_rung(text, FULL) == "sociaal_loket"
    assert first_rung(text, NO_LOKET) is None
    assert first_rung("hoe vraag ik een rolstoel aan", NO_LOKET) == "zelf"  # no loket content: normal order
    assert first_rung("anything", {}) is None
    assert first_rung("anything", {"zelf": None, "netwerk": None, "voorliggend_veld": None, "sociaal_loket": None}) is None
    assert first_rung("iets", {"zelf": "   ", "netwerk": "WeHelpen"}) == "netwerk"


# ------------------------------------------------------------------------------------ next_rung

def test_next_rung_order_and_exhaustion() -> None:
    assert next_rung(None, FULL) == "zelf"
    assert next_rung("zelf", FULL) == "netwerk"
    assert next_rung("netwerk", FULL) == "voorliggend_veld"
    assert next_rung("voorliggend_veld", FULL) == "sociaal_loket"
    assert next_rung("sociaal_loket", FULL) is None


def test_next_rung_skips_tried_and_not_applicable() -> None:
    assert next_rung("zelf", NO_NETWORK) == "voorliggend_veld"
    assert next_rung("zelf", FULL, skipped={"netwerk"}) == "voorliggend_veld"
    assert next_rung("zelf", FULL, skipped=["netwerk", "voorliggend_veld"]) == "sociaal_loket"
    assert next_rung(None, FULL, skipped=tried_rungs("ik kan het zelf niet meer")) == "netwerk"
    assert next_rung("zelf", ONLY_LOKET) == "sociaal_loket"
    assert next_rung("voorliggend_veld", NO_LOKET) is None
    assert next_rung(None, {}) is None


def test_next_rung_beside_the_ladder_and_unknown() -> None:
    assert next_rung("urgent", FULL) is None
    assert next_rung("complex", FULL) is None
    with pytest.raises(ValueError):
        next_rung("gemeente", FULL)


def test_walking_the_whole_ladder_visits_each_available_rung_once() -> None:
    seen, rung = [], next_rung(None, NO_NETWORK)
    while rung is not None:
        seen.append(rung)
        rung = next_rung(rung, NO_NETWORK)
    assert seen == ["zelf", "voorliggend_veld", "sociaal_loket"]


# ------------------------------------------------------------------------------- complexity

@pytest.mark.parametrize("text, topics, reason", [
    ("Ik heb schulden en ik heb ook thuiszorg nodig voor mijn man", ["schulden_geldzorgen", "huishoudelijke_hulp"],
     "schulden en zorg tegelijk"),
    ("Ik heb schulden en mijn zoon spijbelt", ["schulden_geldzorgen", "jeugdhulp_opvoeden"],
     "schulden en zorgen om kinderen"),
    ("de woningcorporatie wil ons huis uit zetten vanwege huurachterstand", ["schulden_geldzorgen"],
     "dreigend verlies van woning"),
    ("er komt een ontruiming aan, volgende week moeten we het huis uit", ["wonen_beschermd_wonen_opvang"],
     "dreigend verlies van woning"),
    ("Ik zorg al jaren voor mijn moeder met dementie en ik kan niet meer", ["mantelzorg"],
     "mantelzorger overbelast"),
    ("als mantelzorger ben ik helemaal op", ["mantelzorg"], "mantelzorger overbelast"),
    ("ik ben overbelast door de mantelzorg voor mijn vader", [], "mantelzorger overbelast"),
    ("ik maak me zorgen, mijn kinderen zijn thuis niet veilig bij hun vader", ["jeugdhulp_opvoeden"],
     "veiligheid van kinderen"),
    ("alles loopt mis: werk kwijt, relatie uit en nu dit", ["bijstand_uitkering"],
     "inwoner zegt dat alles misloopt"),
    ("ik heb vragen over de bijstand want ik heb geen inkomen, over opvoeden want mijn zoon luistert niet, en over een rolstoel",
     ["bijstand_uitkering", "jeugdhulp_opvoeden", "hulpmiddelen_woningaanpassing"], "3 levensgebieden tegelijk"),
    ("de gemeente wil mij geen pgb geven maar zorg in natura, dat wil ik niet", ["pgb"],
     "besluit over hulp afgewezen of verlaagd"),
    ("de gemeente wil 900 euro van het pgb terug omdat een bon zoek is", ["pgb"],
     "besluit over hulp afgewezen of verlaagd"),
    ("ik wil een klacht indienen over de manier waarop de consulent met mij praatte", ["bezwaar_klacht"],
     "bezwaar tegen een besluit"),
    ("ik bin t nait ains mit de beslizzing over mien hulp in huus", ["bezwaar_klacht"],
     "bezwaar tegen een besluit"),
    ("bij de buurman staan overal vuilniszakken en het stinkt tot op de galerij", [],
     "iemand zorgt niet meer voor zichzelf"),
    ("mijn oom eet slecht en zegt steeds dat hij niks nodig heeft", [],
     "iemand zorgt niet meer voor zichzelf"),
    ("sinds maart krijg ik nog maar een uur thuishulp in plaats van twee", ["huishoudelijke_hulp"],
     "besluit over hulp afgewezen of verlaagd"),
    ("ich höb jaore n vervoerspas gehad en noe zeet de gemeinte dat ich mèt de gewoene bus kin",
     ["vervoer"], "besluit over hulp afgewezen of verlaagd"),
])
def test_complex_cases(text: str, topics: list, reason: str) -> None:
    """Each rule on its own (the life-domain count also needs the classifier: see below)."""
    c = assess_complexity(text, topics, use_classifier=False)
    assert c.complex
    assert reason in c.reasons, c.reasons


@pytest.mark.parametrize("text, topics", [
    ("Hoe vraag ik huishoudelijke hulp aan?", ["huishoudelijke_hulp"]),
    ("Wat is de eigen bijdrage voor een scootmobiel?", ["eigen_bijdrage_kosten"]),
    ("ik heb een betalingsachterstand bij de energie, waar kan ik terecht", ["schulden_geldzorgen"]),
    ("mijn zoon van 8 heeft dyslexie, wat kan de gemeente doen", ["jeugdhulp_opvoeden"]),
    ("ik ben mantelzorger voor mijn vader, is er een mantelzorgcompliment", ["mantelzorg"]),
    ("", []),
])
def test_simple_cases_are_not_complex(text: str, topics: list) -> None:
    c = assess_complexity(text, topics)
    assert c == Complexity(False, ()), c


def test_complexity_ignores_out_of_scope_and_duplicates() -> None:
    c = assess_complexity("paspoort en rijbewijs", ["out_of_scope_municipal", "out_of_scope_other", "pgb", "pgb"])
    assert not c.complex


def test_reasons_are_short_dutch_strings() -> None:
    c = assess_complexity("Ik heb schulden, mijn zoon spijbelt, en ik zorg voor mijn zieke moeder en ik kan niet meer",
                          ["schulden_geldzorgen", "jeugdhulp_opvoeden", "mantelzorg"])
    assert c.complex and len(c.reasons) >= 3
    assert all(isinstance(r, str) and 0 < len(r) <= 40 for r in c.reasons)


# -------------------------------------------------------------------------------- detect_needs

def test_two_needs_from_brief() -> None:
    ranking = [("schulden_geldzorgen", 0.55), ("jeugdhulp_opvoeden", 0.31), ("bijstand_uitkering", 0.05)]
    assert detect_needs("ik heb schulden en mijn zoon spijbelt", ranking) == ["schulden_geldzorgen", "jeugdhulp_opvoeden"]


def test_nlu_top_topic_comes_first_even_if_keyword_later() -> None:
    ranking = [("jeugdhulp_opvoeden", 0.5), ("schulden_geldzorgen", 0.4)]
    assert detect_needs("ik heb schulden en mijn zoon spijbelt", ranking) == ["jeugdhulp_opvoeden", "schulden_geldzorgen"]


def test_second_need_requires_score_and_keyword() -> None:
    text = "Ik wil huishoudelijke hulp aanvragen voor mijn moeder"
    # score high enough but no keyword for vervoer
    assert detect_needs(text, [("huishoudelijke_hulp", 0.6), ("vervoer", 0.3)]) == ["huishoudelijke_hulp"]
    # keyword present but score too low
    text2 = "Ik wil huishoudelijke hulp en ik heb ook schulden"
    assert detect_needs(text2, [("huishoudelijke_hulp", 0.8), ("schulden_geldzorgen", 0.1)]) == ["huishoudelijke_hulp"]
    assert detect_needs(text2, [("huishoudelijke_hulp", 0.7), ("schulden_geldzorgen", 0.2)]) == [
        "huishoudelijke_hulp", "schulden_geldzorgen"]


def test_three_needs_and_core_intents_ignored() -> None:
    text = "Mijn man heeft een rolstoel nodig, we hebben schulden, en wie regelt de regiotaxi?"
    ranking = [("greet", 0.9), ("hulpmiddelen_woningaanpassing", 0.4), ("vervoer", 0.25),
               ("schulden_geldzorgen", 0.22), ("pgb", 0.01), ("nlu_fallback", 0.3)]
    assert detect_needs(text, ranking) == ["hulpmiddelen_woningaanpassing", "vervoer", "schulden_geldzorgen"]


def test_out_of_scope_never_mixed_with_real_topics() -> None:
    text = "ik moet mijn paspoort verlengen en ik heb schulden bij de energie"
    ranking = [("out_of_scope_municipal", 0.6), ("schulden_geldzorgen", 0.3)]
    assert detect_needs(text, ranking) == ["schulden_geldzorgen"]
    assert detect_needs("wanneer wordt het grofvuil opgehaald", [("out_of_scope_municipal", 0.9), ("out_of_scope_other", 0.3)]) == [
        "out_of_scope_municipal"]
    assert detect_needs("wie wint het voetbal", [("out_of_scope_other", 0.8)]) == ["out_of_scope_other"]


def test_detect_needs_without_ranking_uses_keywords_in_text_order() -> None:
    assert detect_needs("Ik heb een pgb, maar ik wil bezwaar maken tegen het besluit", []) == ["pgb", "bezwaar_klacht"]
    assert detect_needs("", []) == []
    assert detect_needs("hallo", [("greet", 0.99)]) == []


def test_keyword_topics_typo_tolerant() -> None:
    assert "schulden_geldzorgen" in keyword_topics("ik heb schuldn en een deurwaarder aan de deur")
    assert "hulpmiddelen_woningaanpassing" in keyword_topics("Scootmobiel kapot")
    assert "mantelzorg" in keyword_topics("ik ben mantelzorgster")


# ----------------------------------------------------------------------------- handoff and label

def test_handoff_expected() -> None:
    simple = Complexity(False, ())
    assert handoff_expected("huishoudelijke_hulp", True, simple)
    assert handoff_expected("schulden_geldzorgen", False, Complexity(True, ("schulden en zorg tegelijk",)))
    assert handoff_expected("request_human", False, simple)
    assert not handoff_expected("huishoudelijke_hulp", False, simple)
    assert not handoff_expected(None, False, simple)


def test_first_ladder_label() -> None:
    assert first_ladder_label("ik wil niet meer leven", "psychische_problemen_crisis", FULL) == "urgent"
    assert first_ladder_label("hij slaat me, hoe vraag ik huishoudelijke hulp aan", "huishoudelijke_hulp", FULL) == "urgent"
    assert first_ladder_label("paspoort verlengen", "out_of_scope_municipal", FULL) is None
    assert first_ladder_label("iets", "greet", FULL) is None
    assert first_ladder_label("iets", None, FULL) is None
    assert first_ladder_label("ik heb hulp nodig", "huishoudelijke_hulp", None) is None
    assert first_ladder_label("Hoe vraag ik een traplift aan?", "hulpmiddelen_woningaanpassing", FULL) == "sociaal_loket"
    assert first_ladder_label("mijn kinderen kunnen niet helpen", "huishoudelijke_hulp", FULL) == "voorliggend_veld"
    assert first_ladder_label("ik kan het schoonmaken niet goed meer", "huishoudelijke_hulp", FULL) == "zelf"
    # NLU combination rule flows through
    assert first_ladder_label("ik zie geen uitweg", "psychische_problemen_crisis", FULL, confidence=0.8) == "urgent"
    assert first_ladder_label("ik zie geen uitweg", "psychische_problemen_crisis", FULL, confidence=0.3) == "zelf"


@pytest.mark.parametrize("text, reason", [
    ("mijn vriend heeft mij eruit gegooid en ik heb vannacht in een bushokje geslapen",
     "inwoner heeft geen slaapplek"),
    ("ik wil over mijn pgb met iemand van de gemeente bellen, niet met een robot",
     "inwoner wil een persoon spreken"),
    ("mijn vader van 84 woont alleen en vergeet zijn pillen. mijn moeder die voor hem zorgde is "
     "vorige week overleden", "mantelzorg valt weg"),
    ("mijn schoonvader gokt al zijn geld weg, woont bij ons in met onze kleine kinderen en wordt "
     "agressief als we er iets van zeggen", "agressie in een gezin met kinderen"),
])
def test_situations_a_desk_worker_would_not_leave_to_a_bot(text, reason):
    result = assess_complexity(text, keyword_topics(text))
    assert result.complex and reason in result.reasons


def test_three_life_domains_at_once_are_complex():
    text = ("ik ben na mijn scheiding alles kwijt, mijn huis, mijn werk, en ik drink te veel. "
            "nu slaap ik bij een vriend op de bank")
    result = assess_complexity(text, ["werk_reintegratie"])
    assert result.complex and any(r.startswith("problemen op") for r in result.reasons)


@pytest.mark.parametrize("text", [
    "ik zoek hulp bij het schoonmaken",
    "hoe vraag ik bijzondere bijstand aan voor een nieuwe wasmachine",
    "mijn zoon heeft adhd, kan hij naar een andere school",
])
def test_ordinary_single_questions_stay_with_the_assistant(text):
    assert not assess_complexity(text, keyword_topics(text)).complex


_FULL_LADDER = {"zelf": "tips", "netwerk": "familie", "voorliggend_veld": "welzijn", "sociaal_loket": "loket"}


@pytest.mark.parametrize("text, rung", [
    ("mijn uren huishoudelijke hulp zijn van 4 naar 2 gegaan", "sociaal_loket"),
    ("de begeleider van mijn zus stopt ermee", "sociaal_loket"),
    ("ik heb een aanvraag gedaan maar niemand heeft me gebeld", "sociaal_loket"),
    ("is er een inloop waar ik overdag kan zijn zonder indicatie", "voorliggend_veld"),
    ("kan ik een rolstoel lenen voor een paar weken", "voorliggend_veld"),
    ("is er iemand die bij mijn buurvrouw op de koffie kan", "voorliggend_veld"),
])
def test_first_rung_follows_what_the_resident_already_has_or_asks_for(text, rung):
    assert first_rung(text, _FULL_LADDER) == rung


def test_a_refused_or_stopped_income_goes_to_a_person():
    text = "mijn aanvraag voor een voorschot op de bijstand is afgewezen, wat nu"
    assert "inkomen afgewezen of gestopt" in assess_complexity(text, []).reasons
    assert not assess_complexity("mijn aanvraag voor een parkeervergunning is afgewezen", []).complex


@pytest.mark.parametrize("text", [
    "wat doet een deurwaarder als hij bij iemand langskomt",
    "hoe werkt beslag op een uitkering",
    "wat is een ontruiming",
])
def test_a_question_about_how_a_measure_works_is_not_a_threat(text):
    assert not assess_complexity(text, keyword_topics(text)).complex


def test_the_rules_alone_and_the_learned_second_opinion():
    text = "mijn buurvrouw van 88 loopt in vieze kleren, haar huis stinkt en ze eet niks meer"
    assert assess_complexity(text, keyword_topics(text), use_classifier=False) == Complexity(False, ())
    assert assess_complexity(text, keyword_topics(text)).reasons == ("iemand zorgt niet meer voor zichzelf",)
    # When a rule fires, its reasons stand alone (the classifier is not asked).
    rule_case = "de deurwaarder komt morgen beslag leggen"
    assert (assess_complexity(rule_case, [], use_classifier=False)
            == assess_complexity(rule_case, []))


@pytest.mark.parametrize("text,reason", [
    ("de klantmanager zegt dat ik een maatregel krijg als ik niet op dat gesprek kom", "maatregel op de uitkering"),
    ("ik ben gekort op mijn bijstand omdat ik te laat was met mijn formulier", "maatregel op de uitkering"),
    ("volgende maand kom ik uit de kliniek en ik heb nog geen kamer", "dreigend verlies van woning"),
    ("kan het wijkteam mij terugbellen na vijf uur", "inwoner wil een persoon spreken"),
])
def test_sanctions_release_without_a_home_and_callback_wishes_need_a_person(text, reason):
    assert reason in assess_complexity(text, []).reasons


def test_how_a_sanction_works_in_general_is_a_plain_question():
    assert not assess_complexity("hoe werkt een maatregel in de bijstand?", []).complex


@pytest.mark.parametrize("text, topics", [
    ("kan mijn rolstoel mee in de regiotaxi en mag mijn begeleider mee",
     ["hulpmiddelen_woningaanpassing", "vervoer", "begeleiding_dagbesteding"]),
    ("mijn vrouw krijgt huishoudelijke hulp en ik een scootmobiel, betalen we twee keer eigen bijdrage",
     ["huishoudelijke_hulp", "hulpmiddelen_woningaanpassing", "eigen_bijdrage_kosten"]),
])
def test_several_topics_of_one_life_domain_are_one_question(text: str, topics: list) -> None:
    """Three care topics are one question about care, not three problems at once."""
    reasons = assess_complexity(text, topics, use_classifier=False).reasons
    assert not [r for r in reasons if "tegelijk" in r or r.startswith("problemen op")], reasons


def test_a_smelly_bin_is_no_self_neglect() -> None:
    assert not assess_complexity("mijn afvalcontainer stinkt, wanneer wordt hij geleegd",
                                 ["out_of_scope_municipal"], use_classifier=False).complex


def test_the_term_first_and_the_question_after_it_is_a_general_question() -> None:
    from assistant.triage import is_general_question

    assert is_general_question("beslagvrije voet, wat is dat?")
    assert not assess_complexity("beslagvrije voet wat is dat", ["schulden_geldzorgen"],
                                 use_classifier=False).complex


def test_a_short_question_naming_several_schemes_is_no_tangle() -> None:
    topics = ["eenzaamheid_meedoen", "bijstand_uitkering", "werk_reintegratie"]
    short = "Mag ik vrijwilligerswerk doen met behoud van uitkering, en moet ik dat vooraf melden?"
    assert not any("levensgebieden" in r for r in assess_complexity(short, topics, False).reasons)
    story = ("Sinds mijn ontslag zit ik in de bijstand, ik kom de deur niet meer uit en zie "
             "niemand meer, en nu moet ik van de consulent ook nog vrijwilligerswerk doen.")
    assert "3 levensgebieden tegelijk" in assess_complexity(story, topics, False).reasons


def test_put_on_the_street_by_an_employer_is_not_homelessness() -> None:
    fired = "Na 38 jaar bij dezelfde drukkerij op straat gezet. Hoe vraag ik een uitkering aan?"
    assert "inwoner heeft geen slaapplek" not in assess_complexity(fired, [], False).reasons
    home = "Mijn vriend heeft me vanavond op straat gezet, ik weet niet waar ik moet slapen."
    assert "inwoner heeft geen slaapplek" in assess_complexity(home, [], False).reasons


def test_a_short_dialect_question_is_not_counted_twice_for_its_length() -> None:
    """The standard Dutch copy of dialect words sits beside the message for the rules; it must
    not make a short dialect question long enough to count as a tangle of life domains."""
    topics = ["eenzaamheid_meedoen", "bijstand_uitkering", "werk_reintegratie"]
    short = "mag ik mit mien uutkering vrijwilligerswark doun, en mot ik dat ais melden bie joe?"
    assert not any("levensgebieden" in r for r in assess_complexity(short, topics, False).reasons)


def test_a_life_domain_count_alone_needs_the_classifier_to_see_a_case(monkeypatch) -> None:
    """Counting subjects cannot tell a long plain story from a tangle: when the count is the only
    reason, the handoff classifier has to agree (MULTI_DOMAIN_SUPPORT); other rules stand alone."""
    from types import SimpleNamespace

    from assistant import handoff_classifier

    # Below the support it is below the classifier's own threshold: no reason of its own to add.
    assert triage.MULTI_DOMAIN_SUPPORT <= handoff_classifier.THRESHOLD
    topics = ["huishoudelijke_hulp", "bijstand_uitkering", "jeugdhulp_opvoeden"]
    story = ("Mijn vrouw heeft een nieuwe heup en mag zes weken niet stofzuigen. Ik heb een "
             "uitkering en wil weer gaan werken, en onze dochter van tien moet twee keer per week "
             "naar zwemles. Wie helpt er met het huishouden?")
    assert "3 levensgebieden tegelijk" in assess_complexity(story, topics, False).reasons

    def seen(p: float) -> None:
        monkeypatch.setattr(triage.handoff_classifier, "predict",
                            lambda text: SimpleNamespace(probability=p, reason=""))

    seen(triage.MULTI_DOMAIN_SUPPORT - 0.1)
    assert not assess_complexity(story, topics).complex
    seen(triage.MULTI_DOMAIN_SUPPORT)
    assert "3 levensgebieden tegelijk" in assess_complexity(story, topics).reasons
    seen(0.0)
    eviction = "de woningcorporatie wil ons huis uit zetten vanwege huurachterstand"
    assert assess_complexity(eviction, ["schulden_geldzorgen"]).complex

    def broken(text: str) -> None:
        raise RuntimeError("no model")

    monkeypatch.setattr(triage.handoff_classifier, "predict", broken)
    assert "3 levensgebieden tegelijk" in assess_complexity(story, topics).reasons


@pytest.mark.parametrize("text, need", [
    ("the agency says I must leave the room tonight and I have nowhere to go", "geen slaapplek vannacht"),
    ("no place to sleep for me and my wife, tonight we are on the street", "geen slaapplek vannacht"),
    ("we have no food for the children today and no money until Friday", "geen eten vandaag"),
    ("vandag is daar nie meer kos in die huis nie", "geen eten vandaag"),
])
def test_acute_need_in_english_and_afrikaans_gets_same_day_help(text, need):
    result = assess_complexity(text, [])
    assert result.complex and result.acute and need in result.reasons


def test_sleeping_well_in_english_is_no_acute_need():
    assert not assess_complexity("I sleep badly since my divorce, is there a course for that", []).acute


@pytest.mark.parametrize("text", [
    "ik wil graag praten met iemand over mijn huis",
    "kan ik met iemand praten over mijn huis",
    "I need to talk to someone, please, not a website.",
    "Can someone finally call me back in English?",
    "Can someone just sit down with me and sort out where to start?",
])
def test_a_wish_to_talk_to_someone_in_either_word_order_and_in_english(text):
    assert "inwoner wil een persoon spreken" in assess_complexity(text, keyword_topics(text)).reasons


def test_the_pattern_file_is_complete_and_every_pattern_compiles():
    """The word lists are data: a key the logic reads must be there, every <<reference>> must
    name a pattern of the file, and every pattern must compile (a typo would otherwise show
    only when a resident's message reaches that rule)."""
    import yaml

    raw = yaml.safe_load(triage.PATTERNS_FILE.read_text(encoding="utf-8"))
    assert set(raw["acute"]) == set(ACUTE_NEEDS)
    assert set(raw["topic_keywords"]) <= set(TOPICS)
    assert set(raw["tried"]) == {"netwerk", "zelf", "voorliggend_veld"}
    assert {"geld", "zorg", "kinderen", "wonen"} <= set(raw["domains"])

    def paths(value, prefix):
        if isinstance(value, dict):
            for key, inner in value.items():
                yield from paths(inner, f"{prefix}.{key}" if prefix else str(key))
        else:
            yield prefix

    for path in paths({k: v for k, v in raw.items() if k != "tried"}, ""):
        assert triage._rx(path).pattern, path
        assert "<<" not in triage._rx(path).pattern, path
    assert all(rx.pattern and "<<" not in rx.pattern for rxs in triage._tried_rx().values() for rx in rxs)


def test_a_reference_to_itself_in_the_pattern_file_is_refused(monkeypatch):
    monkeypatch.setattr(triage, "_patterns", lambda: {"loop": "a|<<loop>>"})
    with pytest.raises(ValueError, match="refers to itself"):
        triage._joined("<<loop>>")


@pytest.mark.parametrize("text", [
    "Onze dochter van 14 eet sinds de zomer bijna niets meer en sport elke avond.",
    "Meneer haalt zijn medicijnen al drie weken niet op bij de apotheek.",
    "Bij de buurvrouw ligt de post tot aan de deur.",
])
def test_self_neglect_told_by_what_someone_no_longer_does(text):
    assert "iemand zorgt niet meer voor zichzelf" in assess_complexity(text, []).reasons


def test_a_child_who_stays_away_from_school_or_in_the_bedroom_is_a_case_for_a_person():
    text = "Onze dochter van 10 wil 's ochtends niet meer naar school, elke dag buikpijn."
    assert "kind gaat niet naar school of trekt zich terug" in assess_complexity(text, []).reasons
    text = "Ze staat op de wachtlijst en komt intussen haar kamer bijna niet meer uit."
    assert "kind gaat niet naar school of trekt zich terug" in assess_complexity(text, []).reasons


def test_an_empty_fridge_is_no_food_today():
    result = assess_complexity("ik heb 2 euro en de bijstand komt pas over 9 dagen. koelkast leeg.", [])
    assert "geen eten vandaag" in result.reasons and result.acute


def test_a_utility_that_announces_a_cut_off_is_same_day_help():
    result = assess_complexity("Het waterbedrijf heeft afsluiting aangekondigd voor dinsdag. Wat kan ik doen?", [])
    assert "gas, stroom of water afgesloten" in result.reasons


def test_a_definition_question_about_a_child_protection_order_is_no_case_for_a_person():
    text = "Wat is een ondertoezichtstelling en mag ik als ouder nog zelf beslissen over de school?"
    assert "veiligheid van kinderen" not in assess_complexity(text, ["jeugdhulp_opvoeden"]).reasons
