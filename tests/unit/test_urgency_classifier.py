"""Tests for assistant.urgency_classifier and its place beside the phrase rules: CV figures on the
team's own examples, each new kind found, near misses left alone, purity and determinism."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

from assistant import urgency_classifier as uc
from assistant.safety_detector import KINDS, detect

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cv() -> dict:
    return uc.cross_validate(k=5)


def test_data_file_is_big_and_varied_enough() -> None:
    data = yaml.safe_load(uc.DATA_FILE.read_text(encoding="utf-8"))
    assert set(data["urgent"]) <= set(KINDS)
    assert set(KINDS) - {"acute_danger"} <= set(data["urgent"])
    for kind, examples in data["urgent"].items():
        assert len(examples) >= 40, kind
    assert len(data["not_urgent"]) >= 400
    texts, _ = uc.load_examples()
    assert len(texts) == len(set(texts)), "duplicate examples"


def test_no_sentence_comes_from_the_test_set() -> None:
    def norm(s: str) -> str:
        return re.sub(r"[^a-z0-9]+", " ", s.lower()).strip()

    test_set = yaml.safe_load((ROOT / "tests" / "data" / "safety_messages.yml").read_text("utf-8"))
    held_out = {norm(m["text"]) for m in test_set["urgent"] + test_set["not_urgent"]}
    texts, _ = uc.load_examples()
    assert not [t for t in texts if norm(t) in held_out]


def test_cross_validated_figures_stay_above_a_floor(cv: dict) -> None:
    assert cv["combined"]["recall"] >= 0.93
    assert cv["classifier"]["recall"] >= 0.85
    # Precision is over the close calls AND every ordinary NLU example (thousands of negatives).
    assert cv["classifier"]["precision"] >= 0.60
    assert cv["combined"]["false_alarm_rate"] <= 0.10
    for kind, v in cv["per_kind"].items():
        assert v["combined_recall"] >= 0.80, (kind, v)


def test_threshold_constant_matches_the_cv_choice(cv: dict) -> None:
    assert abs(cv["chosen_threshold"] - uc.THRESHOLD) <= 0.1


def test_training_is_deterministic() -> None:
    texts, labels = uc.load_examples()
    a = uc._fit(texts, labels)
    b = uc._fit(texts, labels)
    assert (a.fast.urgency_coef == b.fast.urgency_coef).all()
    assert (a.fast.kinds_coef == b.fast.kinds_coef).all()


def test_fast_path_equals_scikit_learn() -> None:
    model = uc._model()
    for text in ["hij houdt mijn telefoon bij en ik mag nergens heen",
                 "waar kan ik een rolstoel lenen", "mn opa ligt op de grond en zegt niks"]:
        prepared = uc._prepare(text)
        fast = uc._fast_score(model.fast, model.kind_labels, prepared)
        slow = uc._score(model, [prepared])[0]
        assert fast.kind == slow.kind
        assert fast.probability == pytest.approx(slow.probability, abs=1e-9)


@pytest.mark.parametrize("text, kind", [
    ("mijn moeder van 84 is gevallen en reageert niet meer als ik haar roep", "medical_emergency"),
    ("Opa zit raar in zijn stoel, zijn mond hangt scheef en hij kan niks zeggen", "medical_emergency"),
    ("mijn vriendje blijft doorgaan als ik zeg dat ik het niet wil, ik ben 15", "sexual_violence"),
    ("ik ben een gevaar voor mezelf en mijn vrouw, laat me alsjeblieft opnemen", "danger_to_others"),
    ("vroeger schopte mijn vader mij en kneep hij mijn keel dicht", "domestic_violence"),
    ("de buurjongen komt na elk weekend bij zijn vader terug met blauwe armen", "domestic_violence"),
    ("mijn vriend leest al mijn appjes en ik mag niet meer naar mijn vriendinnen", "coercive_control"),
    ("mijn kleinzoon neemt steeds de pinpas van oma mee en nu is haar spaargeld weg", "elder_abuse"),
    ("mijn dochter van 14 moet van haar vriend met andere mannen naar bed", "exploitation"),
    ("mijn broer denkt dat de buren hem vergiftigen en slaapt al dagen niet", "psychiatric_crisis"),
])
def test_new_kinds_are_detected_with_their_kind(text: str, kind: str) -> None:
    r = detect(text)
    assert r.urgent, text
    assert kind in r.kinds, r


@pytest.mark.parametrize("text", [
    "ik heb zo'n lange dag gehad dat ik het leven even niet meer zie zitten zonder koffie",
    "Iedereen is beter af zonder mij",
    "ik heb al mijn spaarpillen verzameld voor als het misgaat en heb afscheid genomen van mijn moeder",
    "ik hoop dat ik gewoon niet meer hoef te bestaan, het is genoeg geweest",
])
def test_indirect_suicidal_wording_is_urgent(text: str) -> None:
    assert detect(text).urgent, text


@pytest.mark.parametrize("text", [
    "ik ga dood van het lachen om mijn kat",
    "mijn man is vorige maand overleden, hoe zeg ik zijn abonnementen op",
    "ik zorg voor mijn vrouw met dementie en ben zo moe, is er respijtzorg",
    "mijn zoon van 7 schopte gisteren boos tegen de kamerdeur",
    "ik zoek een lotgenotengroep voor mensen met sombere gevoelens",
    "wat doet Veilig Thuis precies en kan ik anoniem bellen",
    "in de film vermoordt de butler de gravin",
    "ik kan de energierekening niet betalen",
])
def test_near_misses_are_not_urgent(text: str) -> None:
    assert not detect(text).urgent, detect(text)


def test_help_lines_per_new_kind() -> None:
    assert detect("mijn vader is gevallen en reageert niet meer").helplines[0] == "112"
    r = detect("mijn dochter van 14 moet van haar vriend met andere mannen naar bed")
    assert {"veilig_thuis", "centrum_seksueel_geweld", "politie"} <= set(r.helplines)
    assert detect("ik mag niet meer naar mijn vriendinnen van mijn man").helplines == ("veilig_thuis",)
    r = detect("ik ben bang dat ik mijn baby iets aandoe")
    assert r.helplines[:2] == ("113", "veilig_thuis")


def test_past_violence_is_told_calmly() -> None:
    from actions.safety import safety_message

    r = detect("mijn vriendin vertelde dat haar stiefvader haar vroeger sloeg")
    assert r.urgent and r.past and "veilig_thuis" in r.helplines
    text = safety_message(r)
    assert "ook als het al voorbij is" in text.lower()
    assert "direct gevaar" not in text
    assert not detect("mijn man slaat me nu weer").past


def test_empty_and_tiny_input_is_never_urgent_for_the_classifier() -> None:
    for text in ["", "   ", "a", "ik heb"]:
        assert uc.predict(text).probability == 0.0


def test_long_message_with_danger_in_the_middle() -> None:
    filler = "ik heb een vraag over de parkeervergunning en de kosten daarvan in onze wijk. " * 40
    text = filler + " Mijn man heeft een app op mijn telefoon gezet en weet altijd waar ik ben. " + filler
    assert detect(text).urgent


@pytest.mark.parametrize("module", ["urgency_classifier.py", "safety_detector.py"])
def test_modules_are_pure(module: str) -> None:
    src = (ROOT / "assistant" / module).read_text(encoding="utf-8")
    imported = {
        (n.module or "") if isinstance(n, ast.ImportFrom) else a.name
        for n in ast.walk(ast.parse(src)) if isinstance(n, (ast.Import, ast.ImportFrom))
        for a in n.names
    }
    assert not {m for m in imported if m.split(".")[0] in {"rasa", "rasa_sdk"}}
