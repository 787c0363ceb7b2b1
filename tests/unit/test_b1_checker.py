"""The B1 check beheerders see while typing (assistant/b1.py), with the real jargon list."""
from __future__ import annotations

import yaml

from assistant.b1 import B1Checker, flesch_douma
from knowledge import settings


def _checker() -> B1Checker:
    data = yaml.safe_load((settings.CONTENT_DIR / "b1_jargon.yml").read_text(encoding="utf-8"))
    return B1Checker(data["terms"])


def test_a_long_sentence_warns_but_a_plain_text_does_not() -> None:
    long = ("Als u hulp nodig heeft bij het huishouden en u dat niet zelf kunt regelen met uw "
            "familie of buren dan kunt u contact opnemen met het Sociaal Loket van de gemeente.")
    report = _checker().check(long)
    assert report.words == 32
    assert [f.kind for f in report.findings] == ["zin"]
    assert report.warning and "opslaan" in report.warning  # a warning, never a block
    plain = _checker().check("Heeft u hulp nodig in huis? Vraag het eerst aan uw familie.")
    assert plain.findings == [] and plain.warning is None and plain.score >= 60


def test_jargon_gets_the_plain_word_unless_the_text_explains_it() -> None:
    report = _checker().check("U krijgt een beschikking.")
    assert [(f.text, f.suggestion) for f in report.findings] == [
        ("beschikking", "Schrijf liever: het besluit van de gemeente.")]
    assert _checker().check("U krijgt een beschikking (het besluit van de gemeente).").findings \
        == []


def test_passive_voice_and_long_words() -> None:
    kinds = [f.kind for f in _checker().check("De hulp wordt door de gemeente betaald.").findings]
    assert kinds == ["lijdend"]
    assert _checker().check("De gemeente betaalt de hulp.").findings == []
    words = [f.text for f in _checker().check("Vraag een woningaanpassingsvergoeding aan.").findings]
    assert words == ["woningaanpassingsvergoeding"]


def test_placeholders_count_as_a_name_and_the_score_follows_flesch_douma() -> None:
    assert _checker().check("Bel {kcc}.").findings == []  # not the jargon word KCC
    assert flesch_douma("Dit is kort. Dat is fijn.") > flesch_douma(
        "Overeenkomstige voorzieningen worden geïndiceerd na onafhankelijke beoordeling.")
