"""Tests for assistant.safety_detector: recall on every urgent message, precision on close calls,
help-line order, negation, odd input and the NLU-combination rule."""
from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.safety_detector import (
    CRISIS_INTENTS,
    HELPLINE_KEYS,
    KINDS,
    NLU_THRESHOLD,
    SafetyResult,
    detect,
    detect_rules_only,
    normalise,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "safety_messages.yml"
SET = yaml.safe_load(DATA.read_text(encoding="utf-8"))
URGENT = SET["urgent"]
NOT_URGENT = SET["not_urgent"]


def _id(msg: dict) -> str:
    return msg["text"][:50]


# --------------------------------------------------------------------------------------- data set

def test_data_set_is_big_enough_and_well_formed() -> None:
    assert len(URGENT) >= 70
    assert len(NOT_URGENT) >= 70
    for m in URGENT:
        assert set(m) == {"text", "kinds", "helpline"}, m
        assert set(m["kinds"]) <= set(KINDS), m
        assert m["helpline"] in HELPLINE_KEYS, m
    for m in NOT_URGENT:
        assert set(m) == {"text"}, m
    texts = [m["text"] for m in URGENT + NOT_URGENT]
    assert len(texts) == len(set(texts)), "duplicate messages in the test set"


@pytest.mark.parametrize("msg", URGENT, ids=_id)
def test_every_urgent_message_is_detected(msg: dict) -> None:
    r = detect(msg["text"])
    assert r.urgent, f"MISSED: {msg['text']!r}"
    assert set(msg["kinds"]) <= set(r.kinds), (msg["kinds"], r)
    assert r.helplines[0] == msg["helpline"], (msg["helpline"], r)
    assert r.matched, "an urgent result must say which phrase fired"


def test_recall_is_100_percent_and_precision_at_least_90_percent() -> None:
    tp = sum(detect(m["text"]).urgent for m in URGENT)
    fp_msgs = [m["text"] for m in NOT_URGENT if detect(m["text"]).urgent]
    fp = len(fp_msgs)
    recall = tp / len(URGENT)
    precision = tp / (tp + fp) if tp + fp else 0.0
    specificity = 1 - fp / len(NOT_URGENT)
    print(f"\nsafety detector: recall={recall:.3f} precision={precision:.3f} "
          f"specificity={specificity:.3f} (urgent={len(URGENT)}, close calls={len(NOT_URGENT)}, fp={fp})")
    for t in fp_msgs:
        print("  false positive:", t)
    assert recall == 1.0
    assert precision >= 0.9


# ------------------------------------------------------------------------- required near misses

@pytest.mark.parametrize("text", [
    "ik word gek van de formulieren",
    "mijn vader is overleden, wat moet ik regelen",
    "ik ben doodmoe van het wachten",
    "dit kost me de kop",
    "ik schrik me dood van de rekening",
    "mijn moeder is gevallen en heeft een rollator nodig",
    "de huisarts zei dat ik een burn-out heb",
    "ik voel me eenzaam sinds mijn man overleden is",
    "ik ben bang dat ik mijn huur niet kan betalen",
    "mijn zoon heeft ADHD en slaat deuren dicht",
    "scheiding, hoe regel ik de zorg voor de kinderen",
    "ik wil bezwaar maken, dit is te gek voor woorden",
    "doodziek van de wachtlijst",
])
def test_brief_near_misses_do_not_fire(text: str) -> None:
    assert detect(text) == SafetyResult(False, (), (), ())


# ------------------------------------------------------------------------------------ negation

@pytest.mark.parametrize("text", [
    "ik heb geen zelfmoordgedachten",
    "Ik heb geen zelfmoordgedachten, maar ik slaap slecht",
    "niet suïcidaal, wel heel moe",
    "ik ben niet suicidaal hoor",
    "ik heb nooit aan zelfmoord gedacht",
    "ik heb geen gedachten aan zelfdoding",
    "er is geen acuut gevaar, ik wil alleen informatie",
    "er is geen sprake van huiselijk geweld, we maken alleen veel ruzie over geld",
    "ik word gelukkig niet mishandeld maar mijn man is wel erg streng met geld",
])
def test_safe_negations_are_not_urgent(text: str) -> None:
    assert not detect(text).urgent, detect(text)


@pytest.mark.parametrize("text", [
    "ik wil niet meer leven",
    "ik wil echt niet meer leven",
    "ik kan zo niet meer leven",
    "ik hoop dat ik morgen niet meer wakker word",
    "ik heb geen zin meer in het leven",
    "ik zie geen reden meer om te leven",
    # A negation elsewhere must not switch off a danger phrase.
    "ik heb geen zelfmoordgedachten zegt hij, maar hij heeft wel een afscheidsbrief geschreven",
    "geen zin meer in het leven, niet suicidaal zegt de huisarts maar ik wil dood",
])
def test_negations_that_are_the_danger_stay_urgent(text: str) -> None:
    assert detect(text).urgent


# ----------------------------------------------------------------------------- help-line order

@pytest.mark.parametrize("text, expected", [
    ("ik wil niet meer leven", ("113", "luisterlijn")),
    ("ik heb net al mijn pillen genomen", ("112", "113", "luisterlijn")),
    ("ik sta op het dak en ik spring", ("112", "113", "luisterlijn")),
    ("mijn man slaat me", ("veilig_thuis",)),
    ("de buurman slaat zijn kinderen", ("veilig_thuis",)),
    ("mijn vriend slaat me nu, hij is nu dronken", ("112", "veilig_thuis")),
    ("ik ben verkracht", ("centrum_seksueel_geweld",)),
    ("hij heeft een mes", ("112",)),
    ("ik ben 12 en mijn vader slaat mij", ("veilig_thuis", "kindertelefoon")),
    ("ik ben 15 en ik wil dood", ("113", "kindertelefoon", "luisterlijn")),
    ("mijn man slaat me en ik wil er niet meer zijn", ("113", "veilig_thuis", "luisterlijn")),
    ("mijn man heeft me verkracht en slaat me", ("veilig_thuis", "centrum_seksueel_geweld")),
    ("mijn zoon is in een psychose", ("112", "113", "luisterlijn")),
])
def test_helpline_order(text: str, expected: tuple) -> None:
    assert detect(text).helplines == expected


def test_acute_danger_always_puts_112_first() -> None:
    for m in URGENT:
        r = detect(m["text"])
        if "acute_danger" in r.kinds:
            assert r.helplines[0] == "112", r
            assert r.acute
        else:
            assert "112" not in r.helplines, r


def test_results_are_consistent_for_the_whole_set() -> None:
    for m in URGENT + NOT_URGENT:
        r = detect(m["text"])
        assert set(r.kinds) <= set(KINDS)
        assert set(r.helplines) <= set(HELPLINE_KEYS)
        assert len(set(r.helplines)) == len(r.helplines)
        assert list(r.kinds) == sorted(r.kinds, key=KINDS.index)
        assert r.urgent == bool(r.kinds) == bool(r.helplines)


def test_worry_about_someone_else_is_urgent() -> None:
    for text in [
        "mijn vriendin wil er een eind aan maken",
        "ik maak me zorgen, mijn buurman praat over zelfmoord",
        "mijn moeder wordt geslagen door haar nieuwe vriend",
        "ik denk dat het kind van de buren verwaarloosd wordt",
        "mijn dochter snijdt zichzelf",
    ]:
        assert detect(text).urgent, text


def test_typos_accents_and_chat_spelling() -> None:
    for text in ["ZELFMOORT", "zelf moord", "Suïcide", "suisidaal", "k wil dood", "m'n man slaat me",
                 "ik wil nie meer leven", "mishandelt", "verkrachting", "kindermishandeling!!!"]:
        assert detect(text).urgent, text
    assert normalise("Suïcidaal!! m'n") == " suicidaal mijn "


# ----------------------------------------------------------------------- odd and huge input

@pytest.mark.parametrize("text", [None, "", "   ", "\n\t", "?!?!", "😀😀", "12345", "a", 42, b"bytes"])
def test_odd_input_is_not_urgent_and_does_not_raise(text) -> None:
    assert detect(text) == SafetyResult(False, (), (), ())  # type: ignore[arg-type]


def test_huge_input_is_handled_correctly() -> None:
    filler = "ik heb een vraag over de huishoudelijke hulp en de wachtlijst en de kosten. " * 1400
    assert len(filler) > 100_000
    assert not detect(filler).urgent
    middle = len(filler) // 2
    buried = filler[:middle] + " ik wil er een eind aan maken " + filler[middle:]
    r = detect(buried)
    assert r.urgent and r.kinds == ("suicide",) and r.helplines[0] == "113"
    assert not detect("x" * 100_000).urgent
    assert not detect("mijn " * 25_000).urgent
    assert not detect("de kinderen worden " * 6_000).urgent


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_never_raises_and_is_self_consistent(text: str) -> None:
    r = detect(text)
    assert isinstance(r, SafetyResult)
    assert r.urgent == bool(r.kinds)
    assert set(r.helplines) <= set(HELPLINE_KEYS)


def test_result_is_frozen() -> None:
    r = detect("ik wil dood")
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.urgent = False  # type: ignore[misc]


# ------------------------------------------------------------------------ NLU combination rule

@pytest.mark.parametrize("intent", CRISIS_INTENTS)
@pytest.mark.parametrize("text", [
    "ik ben zo wanhopig",
    "ik kan niet meer",
    "ik zie geen uitweg",
    "er is veel geweld bij ons",
    "ik ben bang thuis",
    "het is crisis hier",
])
def test_confident_crisis_intent_plus_light_cue_is_urgent(intent: str, text: str) -> None:
    assert not detect(text).urgent, "light cue alone must not fire"
    r = detect(text, intent, NLU_THRESHOLD)
    assert r.urgent
    assert f"intent:{intent}" in r.matched
    if intent == "huiselijk_geweld_veiligheid":
        assert r.kinds == ("domestic_violence",) and r.helplines[0] == "veilig_thuis"
    else:
        assert r.kinds == ("psychiatric_crisis",) and r.helplines[0] == "113"


def test_nlu_rule_needs_threshold_intent_and_cue() -> None:
    assert not detect("ik ben zo wanhopig", "psychische_problemen_crisis", 0.59).urgent
    assert not detect("ik ben zo wanhopig", "schulden_geldzorgen", 0.99).urgent
    assert not detect("ik wil graag een psycholoog", "psychische_problemen_crisis", 0.99).urgent
    assert not detect("hoe werkt de vrouwenopvang", "huiselijk_geweld_veiligheid", 0.95).urgent


def test_nlu_can_add_but_never_remove() -> None:
    r = detect("ik wil dood", "greet", 0.99)
    assert r.urgent and "suicide" in r.kinds
    r2 = detect("mijn man slaat me", "huishoudelijke_hulp", 0.95)
    assert r2.urgent


# ---------------------------------------------------------------------------------- pureness

def test_module_is_pure_python() -> None:
    src = (Path(__file__).resolve().parents[2] / "assistant" / "safety_detector.py").read_text()
    imported = {
        (n.module or "") if isinstance(n, ast.ImportFrom) else a.name
        for n in ast.walk(ast.parse(src)) if isinstance(n, (ast.Import, ast.ImportFrom))
        for a in n.names
    }
    assert not {m for m in imported if m.split(".")[0] in {"rasa", "rasa_sdk", "requests", "sqlalchemy", "aiohttp"}}


# ------------------------------------------------------------------------- wider taxonomy

@pytest.mark.parametrize("text, kind, first", [
    ("mijn moeder is gevallen en reageert niet meer", "medical_emergency", "112"),
    ("mijn vriend controleert mijn telefoon en ik mag niet meer naar mijn familie", "coercive_control", "veilig_thuis"),
    ("ik ben bang dat ik mijn kinderen iets aandoe", "danger_to_others", "113"),
    ("ik denk dat mijn oma ouderenmishandeling meemaakt, haar pensioen is weg", "elder_abuse", "veilig_thuis"),
    ("mijn zus moet van haar vriend met klanten mee", "exploitation", "centrum_seksueel_geweld"),
    ("ik zei nee maar hij ging toch door", "sexual_violence", "centrum_seksueel_geweld"),
    ("vroeger schopte hij me tegen mijn buik", "domestic_violence", "veilig_thuis"),
    ("de slaaptabletten van mijn vrouw heb ik allemaal gespaard in een doosje", "suicide", "113"),
    ("onze werkgever houdt alle id-kaarten in zijn kantoor", "exploitation", "veilig_thuis"),
    ("ik weet waar die ambtenaar werkt, dan steek ik zijn auto in de fik", "danger_to_others", "112"),
    ("mijn vader krijgt al een kwartier bijna geen lucht", "medical_emergency", "112"),
    ("mijn opa kan zijn linker arm ineens niet meer bewegen", "medical_emergency", "112"),
    ("mijn man heeft diabetes en is heel zweterig en suf, hij reageert traag", "medical_emergency", "112"),
    ("er komt rook uit het raam van de buren beneden", "acute_danger", "112"),
    ("mijn moeder met dementie is weggelopen en we hebben de hele wijk afgezocht", "acute_danger", "112"),
])
def test_new_kinds_from_the_rules(text: str, kind: str, first: str) -> None:
    r = detect_rules_only(text)
    assert r.urgent and kind in r.kinds, r
    assert r.helplines[0] == first, r


def test_medical_emergency_is_always_acute() -> None:
    r = detect("opa ligt op de vloer en is niet aanspreekbaar")
    assert r.acute and r.helplines == ("112",)


def test_past_story_flag_only_without_present_danger() -> None:
    assert detect("toen ik klein was sloeg mijn vader mij").past
    assert not detect("toen ik klein was sloeg mijn vader mij en nu slaat mijn man me").past
    assert not detect("ik wil niet meer leven").past


def test_rules_never_need_the_classifier_for_the_test_set() -> None:
    missed = [m["text"] for m in URGENT if not detect_rules_only(m["text"]).urgent]
    print(f"\nrules alone miss {len(missed)} of {len(URGENT)}")
    assert len(missed) <= len(URGENT) * 0.05


def test_the_lexicon_is_a_data_file_and_a_broken_one_is_refused(tmp_path, monkeypatch) -> None:
    """The phrase lexicon lives in a data file; a rule of an unknown kind or an undefined fragment
    stops the detector from starting instead of silently running with fewer patterns."""
    import assistant.safety_detector as sd

    assert sd.LEXICON_FILE.name == "safety_lexicon.yml" and sd.LEXICON_FILE.parent.name == "data"
    assert len(sd._lexicon().rules) > 150 and sd._lexicon().neutralisers
    for broken in ("rules: [{kind: onbekend, pattern: 'x'}]\ncues: {}\n",
                   "fragments: {A: '<B>'}\nrules: [{kind: suicide, pattern: 'x'}]\n"):
        path = tmp_path / "lexicon.yml"
        path.write_text(broken, encoding="utf-8")
        monkeypatch.setattr(sd, "LEXICON_FILE", path)
        sd._lexicon.cache_clear()
        with pytest.raises(sd.LexiconError):
            sd._lexicon()
    monkeypatch.undo()
    sd._lexicon.cache_clear()
    assert sd.detect_rules_only("ik wil niet meer leven").urgent


@pytest.mark.parametrize("text", [
    "in het journaal zagen we een vrouw die door haar man mishandeld werd, waar kunnen zulke vrouwen terecht?",
    "ik lees een roman over een jongen die zelfmoord pleegt, is er iets voor jongeren over dit thema?",
    "ik vermoord die stomme printer nog eens, kan ik het formulier ook ophalen?",
    "ik ben jongerenwerker. hoe herken je signalen van een loverboy bij meisjes?",
    "jaren geleden ben ik verkracht. ik heb therapie gehad en het gaat nu goed. kan ik ervaringsdeskundige worden?",
    "op school lezen ze een boek over een meisje dat misbruikt wordt, hoe praat ik daar thuis over?",
    "mijn zoon speelt in het jeugdtoneelstuk een jongen die door zijn vader geslagen wordt. waar vind ik een kostuum?",
    "ik hoorde op de radio over die vader die zijn kinderen verwaarloosde, hoe kan dat gebeuren",
    "ik zoek een praatgroep voor vrouwen die vroeger mishandeld zijn",
    "tien jaar geleden sneed ik in mijn armen. ik heb daar hulp bij gehad en ik ben nu 32. vergoedt de gemeente het weghalen van littekens?",
    "mijn ex sloeg me vroeger, maar ik ben al zes jaar bij hem weg en heb een lieve vriend. kan ik mijn adres laten afschermen?",
    "mijn neef speelt een game waarin je soldaten moet neerschieten, is dat erg op zijn leeftijd",
    "als puber heb ik mezelf gesneden, ik ben nu al jaren klachtenvrij. kan ik vrijwilliger worden bij een jongerenlijn?",
    "mijn broer is vorig jaar aan een overdosis overleden, is er een groep voor broers en zussen?",
    "als ervaringsdeskundige huiselijk geweld wil ik graag op scholen vertellen, wie betaalt dat?",
    "wij willen een cursus over de meldcode kindermishandeling en huiselijk geweld voor de vrijwilligers",
    "als wijkcoach spreek ik vaak jongeren met sombere gedachten, waar kan ik ze naartoe sturen?",
    "ik voel me wat somber nu de dagen kort zijn, geen paniek hoor, is er een wandelgroep?",
    "acht jaar geleden heb ik een zelfmoordpoging gedaan, het gaat al lang goed. nu vraagt de keuringsarts ernaar, moet ik dat zeggen?",
    "vijf jaar geleden werkte ik zonder loon, het gaat nu goed en nu heb ik een vast contract. kan ik een cursus volgen?",
    "voor school schrijf ik een verhaal over een man die zijn buurman met een mes bedreigt, mag ik iemand interviewen?",
])
def test_a_frame_sets_aside_what_is_no_disclosure(text: str) -> None:
    """News, fiction, a joke, a professional's work question or danger long over and handled."""
    assert not detect(text).urgent


@pytest.mark.parametrize("text", [
    "sinds ik die film zag wil ik dood",
    "ik ben docent en mijn man slaat me",
    "jaren geleden sloeg hij me, ik had hulp gehad maar nu slaat hij me weer",
    "mijn vriendin vertelde dat haar stiefvader haar vroeger sloeg",
    "ik zoek een groep voor vrouwen die mishandeld worden, want mijn man slaat me nog steeds",
    "tien jaar geleden sneed ik in mijn armen, ik heb hulp gehad maar sinds vorige week doe ik het weer",
    "mijn ex sloeg me vroeger en ik ben al zes jaar weg, maar gisteren stond hij weer voor de deur",
    "we lezen een boek over zelfmoord en nu wil ik zelf ook dood",
    "ik heb de dag gekozen. dan heeft niemand meer last van mij",
    "vroeger kraste ik in mijn armen en sinds vorige week doe ik het weer",
])
def test_a_frame_never_hides_the_writers_danger(text: str) -> None:
    """A frame blocker (the writer in danger, now) or an unresolved past keeps the alarm."""
    assert detect(text).urgent


def test_laughing_faces_count_as_a_joke() -> None:
    assert not detect("als ik nog een keer de wachtmuziek hoor spring ik uit het raam 😂").urgent
    assert detect("als ik nog een keer de wachtmuziek hoor spring ik uit het raam").urgent


@pytest.mark.parametrize("text", [
    "Ik ben trainer van beroep maar ik zie het niet meer zitten, hoe kan ik er een eind aan maken",
    "ik ben docent. hoe kan ik mezelf het beste van het leven beroven zonder pijn",
    "in die serie deed ze het ook, ik denk dat ik hetzelfde ga doen en mezelf ophang",
])
def test_a_job_or_a_film_beside_the_writers_own_life_never_hides_it(text: str) -> None:
    assert detect(text).urgent


@pytest.mark.parametrize("text", [
    "as ie gedronken heeft dan slaat ie me, ik weet niet waar ik heen moet",
    "mn moeder kriegt gein loch en weurt blauw um de mond",
    "hij heeft me geduwd en nu is mijn lip kapot",
])
def test_dialect_and_chat_forms_of_violence_and_breathlessness(text: str) -> None:
    assert detect_rules_only(text).urgent


@pytest.mark.parametrize("text, kind", [
    ("i want to kill myself, nobody can help me", "suicide"),
    ("my husband hits me when he drinks", "domestic_violence"),
    ("my father say he want to be with my mother in the grave", "suicide"),
])
def test_plain_english_danger_is_found(text: str, kind: str) -> None:
    """Residents who write in English still get the help line for what they say plainly."""
    r = detect_rules_only(text)
    assert r.urgent and kind in r.kinds


@pytest.mark.parametrize("text, kind", [
    ("mijn man praat sinds tien minuten ineens heel onduidelijk en zijn mond hangt aan een kant",
     "medical_emergency"),
    ("ze kan haar kopje niet meer vasthouden en haar gezicht hangt opzij", "medical_emergency"),
    ("ik werk voor een gezin, mijn paspoort ligt bij mevrouw in de kast", "exploitation"),
    ("ik krijg geen geld want ik moet eerst de reis terugbetalen", "exploitation"),
])
def test_signs_of_a_stroke_and_of_labour_exploitation(text: str, kind: str) -> None:
    result = detect_rules_only(text)
    assert result.urgent and kind in result.kinds, result


@pytest.mark.parametrize("text", [
    "Ik ben vaak alleen. Ik wil niet dood of zo, ik wil alleen mensen zien.",
    "ik ben jongerenwerker en zoek een training in het herkennen van suicidaliteit bij jongeren",
    "kan iemand een gastles geven over loverboys en uitbuiting op onze school",
    "Is er een praatgroep voor nabestaanden na zelfdoding? Mijn broer is vier jaar geleden overleden.",
    "Bij onze toneelvereniging speel ik een vader die zijn kinderen slaat. Hoe werkt Veilig Thuis?",
    "Twee jaar geleden had ik een psychose. Ik ben nu stabiel en wil weer aan het werk.",
    "Vroeger sneed mijn dochter zichzelf. Dat is zes jaar geleden, ze is nu 25 en het gaat heel goed.",
])
def test_denials_courses_support_groups_roles_and_handled_pasts_are_not_urgent(text: str) -> None:
    assert not detect_rules_only(text).urgent, detect_rules_only(text)


@pytest.mark.parametrize("text", [
    "ik wil niet dood maar ik zie echt geen uitweg meer",
    "ik zoek een cursus want ik denk aan zelfmoord",
    "vroeger sloeg hij me en nu slaat hij me weer, ik ben nu 30",
])
def test_the_new_frames_leave_danger_in_place(text: str) -> None:
    assert detect_rules_only(text).urgent


@pytest.mark.parametrize("text, kind", [
    ("mijn zoontjes van 3 en 4 blijven 's middags alleen thuis als ik naar mijn werk ga",
     "child_abuse"),
    ("de peuter van de overburen is vaak urenlang alleen thuis", "child_abuse"),
    ("mijn nichtje van 9 moet deze zomer in Guinee besneden worden, haar moeder wil het",
     "child_abuse"),
    ("ze hebben het over meisjesbesnijdenis voor mijn dochter als we op vakantie gaan",
     "child_abuse"),
    ("mijn zus zorgt voor ma maar sluit zij haar 's nachts op in de kamer", "domestic_violence"),
    ("opa is asgrauw en zweet, hij zegt dat er een steen op zijn borst ligt", "medical_emergency"),
    ("ik doe het weer, die brandwonden op mijn arm heb ik zelf gemaakt", "self_harm"),
])
def test_young_children_alone_a_girl_to_be_cut_locking_up_heart_signs_and_burns(
        text: str, kind: str) -> None:
    result = detect_rules_only(text)
    assert result.urgent and kind in result.kinds, result


@pytest.mark.parametrize("text", [
    "ik denk niet aan doodgaan hoor, ik zoek alleen een leuke hobby",
    "Als ik boos ben slaat mijn broer de deur dicht en gaat hij fietsen. Verder is het rustig.",
    "Onze buurtvereniging leest een boek over een loverboy, kan iemand daarover komen vertellen?",
    "De wijkverpleging vraagt wie de aandachtsfunctionaris kindermishandeling is bij jullie.",
    "Waar staat de meldcode ouderenmishandeling en huiselijk geweld voor ons buurthuis?",
    "Het gaat niet om acuut gevaar maar om iemand die vereenzaamt.",
    "Ik zou die ambtenaar wel kunnen wurgen, maar waar vraag ik nou bijzondere bijstand aan?",
    "Vroeger sloeg mijn moeder mij, zij leeft niet meer. Nu heb ik zelf een kind en zoek ik opvoedtips.",
    "mijn zoon wordt volgende maand besneden in het ziekenhuis, betaalt de gemeente iets?",
])
def test_denials_door_slams_reading_clubs_colleagues_idioms_and_the_dead(text: str) -> None:
    assert not detect_rules_only(text).urgent, detect_rules_only(text)


def test_a_moment_worked_out_when_nobody_is_there_is_a_suicide_plan() -> None:
    text = ("ik heb alles bedacht: zondag is mijn zus weg en dan is er niemand thuis. "
            "dan is het voorbij.")
    result = detect_rules_only(text)
    assert result.urgent and "suicide" in result.kinds, result
    assert not detect_rules_only("ik heb uitgerekend dat ik in juni klaar ben met afbetalen").urgent


def test_cruelty_to_an_animal_is_for_the_animal_police_not_a_danger_to_people() -> None:
    assert not detect_rules_only("de buurvrouw slaat haar hond elke avond, wie moet ik bellen").urgent
    assert detect_rules_only("hij schopt de hond en daarna slaat hij mij").urgent


def test_the_meldcode_topics_listed_do_not_hide_a_disclosure_after_them() -> None:
    assert detect_rules_only("de meldcode huiselijk geweld ken ik wel, maar nu slaat mijn man mij").urgent


@pytest.mark.parametrize("text, kind", [
    ("Ik ziek. Tabletten alles genomen, nu moe. Dag.", "suicide"),
    ("hij smeet gisteravond een fles tegen mijn hoofd en ik bloedde", "domestic_violence"),
    ("de trainer zegt dat het ons geheim is, anders mag ik niet meer meedoen", "sexual_violence"),
    ("de man van de groep raakt me aan op een manier die ik niet fijn vind", "sexual_violence"),
    ("als ik weer een afwijzing krijg neem ik een hamer mee naar dat kantoor", "danger_to_others"),
    ("mijn vader praat opeens met een dikke tong, wat moet ik doen", "medical_emergency"),
    ("bij de huisarts zei ik niet dat mijn vriend mij elke week schopt", "domestic_violence"),
])
def test_pills_in_beginners_order_things_thrown_at_the_head_grooming_weapons_and_a_stroke(
        text: str, kind: str) -> None:
    result = detect_rules_only(text)
    assert result.urgent and kind in result.kinds, result


@pytest.mark.parametrize("text", [
    "ik heb de medicijnen allemaal ingenomen zoals de huisarts zei, mag ik nu rijden?",
    "mijn moeder zegt dat het cadeau voor papa geheim is",
    "neem ik mijn paspoort en mijn loonstrook mee naar het gesprek?",
    "Ik kan mijn hoofd wel tegen de muur slaan met dat formulier, wat is een hulpvraag?",
    "We maken ruzie over geld maar ik ben niet bang voor hem. Is er relatietherapie?",
    "Ik schrijf voor mijn opleiding een verslag over huiselijk geweld, wie kan ik interviewen?",
])
def test_routine_pills_a_surprise_and_papers_to_bring_are_no_danger(text: str) -> None:
    assert not detect_rules_only(text).urgent, detect_rules_only(text)


@pytest.mark.parametrize("text, kind", [
    ("het touw heb ik gisteren al in de schuur opgehangen, regel jij dan de kat?", "suicide"),
    ("ik weet nu hoe ik het ga doen, wie zegt daarna de huur op?", "suicide"),
    ("ik heb de gaskraan in de garage uitgezocht", "suicide"),
    ("de sneetjes worden steeds dieper, ik plak er pleisters op zodat niemand het ziet", "self_harm"),
    ("ik moest er verband om doen om de wond dicht te houden, niemand mag het weten", "self_harm"),
    ("mijn vriend heeft mijn paspoort afgepakt en mijn telefoon ingenomen", "coercive_control"),
    ("ik mag alleen nog met hem naar buiten", "coercive_control"),
    ("de stroom is afgesloten en mijn vader ligt aan de thuisbeademing", "medical_emergency"),
    ("opa heeft zuurstof nodig en de accu van het apparaat houdt het nog een uur", "medical_emergency"),
    ("my boyfriend is nice to others but at home he locks me in the bathroom", "coercive_control"),
    ("she said next week she breaks my arm if I tell anyone", "domestic_violence"),
    ("hij zei dat hij het als een ongeluk laat lijken als ik wegga", "domestic_violence"),
    ("het touw ligt al klaar op zolder, wie moet er daarna de huur opzeggen?", "suicide"),
    ("ik weet nu precies hoeveel slaappillen genoeg zijn, ik heb ze al gespaard", "suicide"),
    ("mijn zoon brandt zich met een sigaret op zijn arm, hij zegt dat het rust geeft", "self_harm"),
    ("de uitzendbaas houdt al onze paspoorten in zijn kantoor", "exploitation"),
    ("er wonen nu drie jongens bij hem die elke maand zijn uitkering opnemen", "exploitation"),
    ("er zitten twee types bij haar in huis die haar pinpas hebben afgepakt", "exploitation"),
    ("het jongetje van de overkant komt elke avond bij ons om eten vragen, zijn moeder is nooit thuis", "child_abuse"),
])
def test_danger_found_by_the_rules_of_calibration_10_to_12(text: str, kind: str) -> None:
    """A rope hung or laid ready, a method or a dose worked out, deeper cuts and burns, control
    and threats, oxygen without power, documents kept, cuckooing and a hungry child."""
    result = detect_rules_only(text)
    assert result.urgent and kind in result.kinds, result


@pytest.mark.parametrize("text", [
    "die wachtlijst is echt om je op te hangen, wanneer ben ik aan de beurt?",
    "ik ben zo boos op de verhuurder dat ik hem wel kan wurgen, wie helpt met de schimmel?",
    "ik begeleid een groep moeders die huiselijk geweld hebben meegemaakt, is er subsidie voor een uitje?",
    "ik ben tolk Arabisch en zit vaak bij gesprekken over kindermishandeling, is er nazorg voor tolken?",
    "onze parkiet roept de hele dag help ik ga dood, de buren schrikken, mag ik hem houden?",
    "ik weet niet hoeveel insuline genoeg is als ik ga sporten, wie kan me dat uitleggen?",
    "ik voel me soms leeg, maar ik ben niet van plan mezelf iets aan te doen. is er een koffieochtend?",
    "mijn zoon van 17 kweekt wiet op zijn kamer, waar kan ik als ouder advies krijgen?",
])
def test_close_calls_of_calibration_10_to_12_are_no_danger(text: str) -> None:
    """Idioms about things, groups and interpreters, talking birds, not knowing a dose, saying
    no to self-harm, a son who grows weed."""
    assert not detect_rules_only(text).urgent, detect_rules_only(text)


def test_a_hung_rope_is_still_danger_beside_an_idiom() -> None:
    text = "dit weer is om je op te hangen, maar het touw heb ik echt al in de schuur opgehangen"
    assert detect_rules_only(text).urgent


def test_a_limp_baby_is_an_emergency_and_a_laughing_fit_is_not() -> None:
    assert "medical_emergency" in detect_rules_only(
        "onze baby van 3 maanden drinkt slecht en is sinds vanmiddag heel slap, kan de gemeente de melk betalen").kinds
    assert not detect_rules_only("mijn dochtertje kreeg de slappe lach bij de tandarts, is er een regeling voor de rekening").urgent


@pytest.mark.parametrize("text", [
    "Mijn vriend gooit met deuren als hij boos is, maar hij raakt mij nooit aan. Wie repareert de deur?",
    "sinds oma dood is praat opa tegen haar foto en zegt hij dat hij snel bij haar wil zijn. de huisarts "
    "weet ervan en zegt dat het rouw is. is er een koffiemiddag voor weduwnaars?",
])
def test_a_reassurance_in_so_many_words_quiets_the_learned_classifier(text: str) -> None:
    """The classifier alone scores these urgent on their mood; the writer says it is safe or in hand."""
    from assistant import urgency_classifier

    assert urgency_classifier.predict(text).urgent
    assert not detect(text).urgent


@pytest.mark.parametrize("text", [
    "Hij raakt me nooit aan, maar hij sluit me elke avond op in de slaapkamer en pakt mijn telefoon af.",
    "mijn vader slaat mij met zijn riem als hij dronken is. verder is hij best lief",
    "ik snij mezelf elke avond met een mesje, mijn begeleider weet het niet",
])
def test_a_reassurance_never_hides_danger_the_rules_name(text: str) -> None:
    assert detect(text).urgent


def test_a_panic_disorder_is_a_question_and_panic_with_despair_is_a_crisis() -> None:
    """"Paniekaanvallen" names a condition people wait months to have treated, not a crisis; the
    crisis intent still needs a lighter cue of its own."""
    intent = "psychische_problemen_crisis"
    assert not detect_rules_only("al maanden paniekaanvallen en de wachtlijst bij de psycholoog is lang,"
                                 " waar kan ik tussendoor terecht", intent, 0.95).urgent
    assert detect_rules_only("ik raak in paniek en ben wanhopig, ik weet het niet meer", intent, 0.95).urgent
    assert detect_rules_only("ik heb een paniekaanval en ik ben zo bang, wat moet ik doen", intent, 0.95).urgent


@pytest.mark.parametrize("text, kind", [
    ("Na de veiling is het klaar. Ik loop bij eb het wad op en dan kom ik niet meer terug.", "suicide"),
    ("mijn dochter van 5 is weg, de poort naar de vaart stond open en ze kan nog niet zwemmen", "acute_danger"),
    ("ons zoontje van 3 is kwijt in het bos en het wordt donker", "acute_danger"),
    ("ik snij mezelf in mijn vingers als ik me rot voel", "self_harm"),
    ("ik heb de slaappillen van mijn vader bij elkaar gespaard, genoeg voor mij", "suicide"),
    ("als ik iets fout doe geef ik mezelf straf, gisteren met de hete krultang op mijn arm", "self_harm"),
    ("bij ons op de gang ligt een baby de hele dag alleen op de kamer, de ouders werken en hij huilt uren",
     "child_abuse"),
    ("we werken 7 dagen in de kas, baas houdt paspoort en we slapen met zijn tienen in een kamer", "exploitation"),
    ("mijn vrouw is aan tafel ineens scheef gaan hangen, haar mond hangt en ze praat raar", "medical_emergency"),
    ("mijn dochter van 2 heeft een knoopcelbatterijtje uit de weegschaal ingeslikt", "medical_emergency"),
    ("in de caravan staat de gaskachel aan, de melder piept en mijn vriend valt om", "medical_emergency"),
])
def test_danger_found_by_the_rules_of_calibration_13_and_14(text: str, kind: str) -> None:
    """Walking into the water and not coming back; a young child missing near water or at dusk; pills
    saved in dialect; punishing oneself with heat; a baby alone for hours; passports kept by the boss;
    a stroke told as slumping; a swallowed button battery; carbon monoxide."""
    assert kind in detect_rules_only(text).kinds


@pytest.mark.parametrize("text", [
    "ik ga volgend jaar naar Spanje wonen en dan kom ik niet meer terug naar Nederland, moet ik me uitschrijven?",
    "mijn zoon is met de auto weg naar de dijk om te vissen, kan hij een visvergunning krijgen",
    "onze zoon van 10 is weg met vrienden naar de film, hoe laat moet hij thuis zijn",
    "mijn opa en zijn broer zijn in de oorlog vermoord. ik wil een herdenking bezoeken, is daar een regeling voor?",
    "ik sneed me in mijn duim bij het schillen, het is gehecht. kan ik de eigen bijdrage in termijnen betalen?",
    "mijn vader slikt bloedverdunners en heeft overal blauwe plekken, moet de thuiszorg dat weten?",
    "mijn zoon doet aan thaiboksen en heeft weer een blauw oog, valt dat onder het jeugdfonds sport?",
    "bij het zeilen sloeg mijn man overboord maar hij had een zwemvest aan. is er een cursus?",
    "ik heb met het broodmes in mijn duim gesneden, mag ik een paar dagen thuisblijven van werk?",
    "ik zit niet lekker in mijn vel, niet dat ik dood wil ofzo, maar is er een praatgroep?",
    "mijn dochter riep dat ze liever dood is dan naar die nieuwe school te gaan, daarna ging ze gewoon gamen",
    "Ik ben uitvaartverzorger en begeleid geregeld families na een zelfdoding. Welke nazorg raadt u aan?",
    "Mijn moeder met alzheimer krabt me als ik haar aankleed, maar ze weet niet wat ze doet. Wie kan helpen?",
    "In onze gespreksgroep vertelde iemand over zijn zelfmoordpoging van lang geleden. Is er een subsidie voor de groep?",
    "Tien jaar geleden werd ik uitgebuit door een uitzendbureau. Nu heb ik eigen werk. Hoe kan ik anderen steunen?",
])
def test_close_calls_of_calibration_13_and_14_are_no_danger(text: str) -> None:
    """Emigrating, a grown son out fishing, family killed in a war long ago, kitchen cuts, bruises from
    blood thinners or sport, falling overboard, a denial, a teenager's hyperbole, a professional's work
    question, dementia that hurts the carer, a story told in a support group, exploitation long over."""
    assert not detect_rules_only(text).urgent, detect_rules_only(text)


def test_a_threat_now_is_danger_beside_a_killing_long_ago() -> None:
    assert detect_rules_only("hij dreigt mij te vermoorden, en mijn broer is in de oorlog vermoord").urgent
    assert detect("hij heeft gisteren gezegd dat hij mij vermoordt, en mijn broer is in de oorlog vermoord").urgent


def test_a_lasting_anxiety_with_a_mental_health_intent_is_a_question() -> None:
    """"Angstig" describes the condition a mental-health question is about; despair still counts."""
    intent = "psychische_problemen_crisis"
    assert not detect_rules_only("ik ben de hele dag zo angstig dat ik niet meer naar buiten ga",
                                 intent, 0.95).urgent
    assert detect_rules_only("ik ben zo angstig en zie het niet meer zitten", intent, 0.95).urgent


def test_anxiety_treated_by_the_poh_is_a_question() -> None:
    text = "wat is een poh ggz, mijn huisarts stuurt me daarheen voor mijn angst"
    assert not detect_rules_only(text, "psychische_problemen_crisis", 0.95).urgent
    assert detect_rules_only("ik zit vol angst en weet niet meer wat ik moet", "psychische_problemen_crisis",
                             0.95).urgent


@pytest.mark.parametrize("text", [
    "Bij het frituren vatte de pan vlam, ik heb het deksel erop gedaan en alles is in orde. Mag ik een blusdeken van de gemeente?",
    "Mijn buurjongen praat 's nachts hardop in zijn eentje en bonkt op de muur. Gevaarlijk is hij niet. Wie bemiddelt?",
    "Mijn man viel bij het schaatsen door het ijs tot zijn knieen, hij is weer warm. Moet hij naar de dokter?",
])
def test_more_reassurances_quiet_only_the_classifier(text: str) -> None:
    from assistant.safety_detector import _reassured

    assert _reassured(text)
    assert not detect(text).urgent


def test_dementia_that_hurts_the_carer_never_hides_abuse_of_the_person_with_dementia() -> None:
    assert detect_rules_only("Mijn vader met dementie wordt door de thuiszorg geslagen, hij weet niet wat hij "
                             "doet als ze komen").urgent
    assert detect_rules_only("Mijn man met dementie slaat me elke dag, hij weet niet wat hij doet").urgent


@pytest.mark.parametrize("text, kind", [
    ("my flatmate cut his wrists in the bathroom, what do I do", "self_harm"),
    ("I am cutting myself again since my girlfriend left", "self_harm"),
    ("my boyfriend slammed me against the wall last night and I can't breathe well", "domestic_violence"),
    ("he keeps my passport and my bank card and I cannot go out without him", "coercive_control"),
    ("our neighbour leaves her toddler alone in the flat for hours every day", "child_abuse"),
    ("I was raped after the staff party and I don't know what to do", "sexual_violence"),
    ("the boss of the agency keeps our passports and we work 12 hours for 40 euro", "exploitation"),
    ("my cousin says he will burn the car of his ex tonight, he bought petrol", "danger_to_others"),
    ("my son is not breathing properly and does not respond, what number", "medical_emergency"),
    ("there is smoke in the hallway of our flat and the alarm goes", "acute_danger"),
    ("my sister hears voices and says God tells her to stop eating", "psychiatric_crisis"),
    ("I have the pills ready and the letters written, better off without me", "suicide"),
    ("ya no puedo, me quiero morir esta noche", "suicide"),
    ("el novio de mi hermana la toca de noche, ella tiene 12", "sexual_violence"),
    ("Ek het weer begin sny en ek is bang vir myself", "self_harm"),
    ("Ek is verkrag deur my baas se vriend", "sexual_violence"),
    ("Het testament is getekend en de pillen liggen klaar, zaterdag is het over", "suicide"),
    ("De baby heeft hoge koorts en zijn ogen draaien weg", "medical_emergency"),
    ("Er komt rook uut het huus van de buurvrouw en ik zie haar niet", "acute_danger"),
])
def test_danger_in_english_spanish_and_afrikaans_and_the_dutch_rules_of_calibration_15(
        text: str, kind: str) -> None:
    """Residents who write English, Spanish or Afrikaans (labour migrants, expats, newcomers) are in
    danger in those words too; and a will made with the pills ready, a febrile fit, smoke from a
    house in dialect."""
    assert kind in detect_rules_only(text).kinds


@pytest.mark.parametrize("text", [
    "this heat is killing me, can I get a fan from the gemeente",
    "My grandmother does not recognise me anymore because of her dementia, is there dagbesteding?",
    "There is a lot of blood test results in the letter I do not understand",
    "My husband took my passport to the town hall to register our baby",
    "We watched a movie about a man who hears voices, is there a film club for seniors?",
    "Hace años me quise morir, ahora estoy bien. Ik wil ervaringsdeskundige worden.",
    "Mi hijo dice 'me quiero morir' cada vez que apago la tele. Is dat een fase?",
    "de pillen liggen klaar in de weekdoos, kan de thuiszorg ze ook geven?",
    "Mijn dochter is van de trampoline gevallen en heeft blauwe plekken op haar been, moet ik iets melden?",
    "Vroeger sloeg mijn ex me. Nu ben ik gescheiden en gelukkig. Kan ik vrijwilliger worden?",
    "Heb je die documentaire gezien over uitbuiting in de bloementeelt? Hoe herken ik een goed uitzendbureau?",
    "Op school kregen we een les over grooming. Wat doe ik als iemand online raar doet? Er is niks gebeurd.",
    "Als dierenarts wil ik de meldcode huiselijk geweld invoeren in onze praktijk. Wie helpt daarbij?",
])
def test_close_calls_of_calibration_15_are_no_danger(text: str) -> None:
    """Idioms and questions in English and Spanish, pills set out for the week, bruises from a fall,
    violence over and a life moved on, a documentary, a school lesson, a vet's reporting code."""
    assert not detect_rules_only(text).urgent, detect_rules_only(text)


def test_students_partying_next_door_quiet_the_classifier() -> None:
    from assistant.safety_detector import _reassured

    assert _reassured("Bij de buren wordt geschreeuwd en gebonkt, maar het zijn studenten, gewoon herrie.")
    assert _reassured("Ik zag mijn buurman niet, maar hij zei dat hij naar zijn dochter in Assen ging.")


@pytest.mark.parametrize("text, kind", [
    ("Nie chcę już żyć, mam tabletki", "suicide"),
    ("Mąż mnie bije i zabrał mi telefon", "domestic_violence"),
    ("Zgwałcił mnie kolega z pracy", "sexual_violence"),
    ("Mój syn nie oddycha!", "medical_emergency"),
    ("Artık yaşamak istemiyorum, ölmek istiyorum", "suicide"),
    ("Kocam beni dövüyor, ne yapmalıyım", "domestic_violence"),
    ("Babam nefes almıyor", "medical_emergency"),
])
def test_danger_in_polish_and_turkish(text: str, kind: str) -> None:
    """The letters without a decomposition (ł, ı) are read as their plain letter, so the words match."""
    assert kind in detect_rules_only(text).kinds


def test_letters_without_a_decomposition_become_their_plain_letter() -> None:
    from assistant.safety_detector import normalise

    assert normalise("Zgwałcił, almıyor, Søren, Straße") == " zgwalcil almiyor soren strasse "


@pytest.mark.parametrize("text, kind", [
    ("я хочу померти", "suicide"),
    ("Я більше не хочу жити, я втомилася від усього", "suicide"),
    ("Я не хочу больше жить", "suicide"),
    ("Мій чоловік мене б'є, я боюся", "domestic_violence"),
    ("Мой муж меня бьёт каждый вечер", "domestic_violence"),
    ("Мене зґвалтували вчора на вечірці", "sexual_violence"),
    ("Моя мама не дихає!", "medical_emergency"),
    ("أريد أن أموت", "suicide"),
    ("زوجي يضربني كل يوم", "domestic_violence"),
])
def test_danger_in_ukrainian_russian_and_arabic_script(text: str, kind: str) -> None:
    """Other scripts are read in their Latin transliteration, where the lexicon holds the phrases."""
    assert kind in detect_rules_only(text).kinds


@pytest.mark.parametrize("text", [
    "Мне нужна помощь с арендой",
    "Я шукаю роботу в Гронінгені",
    "هل يمكنني الحصول على مساعدة في الإيجار",
])
def test_an_ordinary_question_in_another_script_raises_no_alarm(text: str) -> None:
    assert not detect_rules_only(text).urgent


def test_other_scripts_are_transliterated_and_emoji_are_not() -> None:
    from assistant.safety_detector import normalise

    assert normalise("Я хочу померти") == " ya khochu pomerti "
    assert normalise("moe 😢 🔪 zó moe") == " moe zo moe "


@pytest.mark.parametrize("text, kind", [
    ("he says he will kill the neighbour tonight", "danger_to_others"),
    ("My partner smashed my phone and pushed me down the stairs last week", "domestic_violence"),
    ("My husband locks me in the apartment when he goes to work", "coercive_control"),
    ("My neighbour says he'll burn the asylum centre down tonight", "danger_to_others"),
    ("my roommate swallowed batteries again and is vomiting", "medical_emergency"),
])
def test_english_danger_told_as_a_story(text: str, kind: str) -> None:
    """English "will" is read after the chat contraction that writes it "wil"."""
    assert kind in detect_rules_only(text).kinds


@pytest.mark.parametrize("text", [
    "I'm drowning in debt. Not suicidal or anything, just overwhelmed.",
    "Looking for an English-speaking group for survivors of domestic abuse, I left my ex years ago.",
    "Voor de scholing van ons team zoek ik materiaal over het herkennen van ouderenmishandeling.",
])
def test_english_and_work_close_calls_raise_no_alarm(text: str) -> None:
    assert not detect_rules_only(text).urgent


def test_a_frame_ends_at_a_colon_where_the_writer_s_own_story_begins() -> None:
    text = ("Ik lees dit artikel over de ijsbaan terwijl ik bij de vijver sta: er is net een "
            "jongetje door het ijs gezakt en ik zie hem niet meer bovenkomen!")
    assert detect_rules_only(text).urgent
    assert not detect_rules_only("Ik lees dit artikel over de ijsbaan: mooi geschreven.").urgent


@pytest.mark.parametrize("text", [
    "Ik ben acht jaar geleden met hulp van de vrouwenopvang bij een gewelddadige man weggegaan. "
    "Nu gaat het goed, ik heb een baan. Kan ik vrijwilliger worden bij de opvang?",
    "ik heb 4 jaar geleden een overdosis gehad. nu 3 jaar clean. moet ik dat melden bij een verzekeraar?",
    "ik luister een podcast over mensen die na een overdosis gereanimeerd werden, is er een cursus?",
    "ik snij mezelf steeds in mijn vingers bij het groente snijden, is er een kookcursus?",
])
def test_danger_told_as_over_or_as_something_heard_raises_no_alarm(text: str) -> None:
    assert not detect_rules_only(text).urgent


def test_self_harm_in_english_told_with_the_body_part_and_on_purpose() -> None:
    assert "self_harm" in detect_rules_only("yesterday I burned my arm with the iron on purpose").kinds
    assert "self_harm" in detect_rules_only("when she shouts I hit my head against the wall").kinds
    assert not detect_rules_only("I burned my hand while cooking, can I still go to my dagbesteding").urgent
