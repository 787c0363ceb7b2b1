"""The evaluation CLI on a tiny question file, through the trained model (make test trains first)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.decisions import ANSWER_KINDS
from evaluation.evaluate import Question, gold_topics, outcome, score

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "assistant.tar.gz"
KEYS = {"n", "topic_accuracy", "topic_macro_f1", "out_of_scope_recall", "out_of_scope_precision",
        "urgent_recall", "urgent_precision", "handoff_recall", "p50_ms", "p95_ms",
        "right_first_time", "right_after_clarify", "wrong_answer", "clarify_rate",
        "non_social_as_social"}


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {"RASA_TELEMETRY_ENABLED": "false", "PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0",
           "HOME": str(Path.home())}
    return subprocess.run([sys.executable, "-m", "evaluation.evaluate", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


@pytest.mark.skipif(not MODEL.exists(), reason="needs a trained model (make train)")
def test_tiny_file_gives_a_report_a_json_last_line_and_answers_in_order(tmp_path):
    questions = tmp_path / "q.yml"
    questions.write_text(
        "- text: ik kan mijn huis niet meer schoonmaken na mijn operatie\n"
        "  topic: huishoudelijke_hulp\n  ladder: zelf\n  handoff_expected: false\n  note: ignored\n"
        "- text: ik wil er een eind aan maken\n"
        "  topic: psychische_problemen_crisis\n  ladder: urgent\n  handoff_expected: true\n"
        "- text: mijn paspoort is verlopen\n"
        "  topic: out_of_scope_municipal\n  topic_alt: [out_of_scope_other]\n"
        "  ladder: n/a\n  handoff_expected: false\n", encoding="utf-8")
    out = tmp_path / "answers.json"
    result = run_cli(str(questions), "--out", str(out), "--model", str(MODEL))
    assert result.returncode == 0, result.stderr[-2000:]
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert KEYS <= set(figures) and figures["n"] == 3
    assert figures["urgent_recall"] == 1.0 and figures["handoff_recall"] == 1.0
    assert "Per onderwerp" in result.stdout
    answers = json.loads(out.read_text(encoding="utf-8"))
    assert [a["text"] for a in answers] == [
        "ik kan mijn huis niet meer schoonmaken na mijn operatie", "ik wil er een eind aan maken",
        "mijn paspoort is verlopen"]
    assert set(answers[0]) == {"text", "topic", "urgent", "handoff", "handoff_reasons", "ladder",
                               "confidence", "ms", "answer_kind", "options"}
    assert answers[1]["handoff_reasons"][0] == "gevaar"
    assert "handoff_by_kind" in figures
    assert all(a["answer_kind"] in ANSWER_KINDS for a in answers)
    assert answers[1]["urgent"] and answers[1]["ladder"] == "urgent"
    assert answers[1]["answer_kind"] == "urgent" and answers[1]["options"] == []
    assert "Eerste antwoord" in result.stdout
    assert answers[2]["ladder"] is None


def test_malformed_file_exits_non_zero_with_a_clear_message(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("- text: hallo\n  topic: geen_bestaand_topic\n", encoding="utf-8")
    result = run_cli(str(bad))
    assert result.returncode == 2
    assert "onbekend topic" in result.stderr and "Traceback" not in result.stderr


def test_a_prediction_in_topic_alt_counts_as_right():
    questions = [Question("a", "pgb", "zelf", False, ("eigen_bijdrage_kosten",)),
                 Question("b", "vervoer", "zelf", False)]
    answers = [{"topic": "eigen_bijdrage_kosten", "urgent": False, "handoff": False, "ladder": "zelf", "ms": 1.0},
               {"topic": "pgb", "urgent": False, "handoff": False, "ladder": "netwerk", "ms": 2.0}]
    assert gold_topics(questions, answers) == ["eigen_bijdrage_kosten", "vervoer"]
    figures = score(questions, answers)
    assert figures["topic_accuracy"] == 0.5 and figures["ladder_accuracy"] == 0.5


def _answer(topic: str, kind: str, options=()) -> dict:
    return {"topic": topic, "answer_kind": kind, "options": list(options), "urgent": kind == "urgent",
            "handoff": kind in ("urgent", "handoff"), "ladder": None, "ms": 1.0}


def test_outcomes_say_what_the_resident_experienced():
    social = Question("a", "pgb", "zelf", False)
    oos = Question("b", "out_of_scope_municipal", "n/a", False)
    needs_person = Question("c", "schulden_geldzorgen", "sociaal_loket", True)
    danger = Question("d", "psychische_problemen_crisis", "urgent", True)
    assert outcome(social, _answer("pgb", "answer")) == "right"
    assert outcome(social, _answer("vervoer", "answer")) == "wrong"
    assert outcome(social, _answer("vervoer", "clarify", ["vervoer", "pgb"])) == "after_clarify"
    assert outcome(social, _answer("vervoer", "clarify", ["vervoer"])) == "failed"
    assert outcome(social, _answer("out_of_scope_other", "out_of_scope")) == "wrong"
    assert outcome(oos, _answer("out_of_scope_other", "out_of_scope")) == "right"
    assert outcome(oos, _answer("bezwaar_klacht", "answer")) == "wrong"
    assert outcome(needs_person, _answer("vervoer", "handoff")) == "right"
    assert outcome(danger, _answer("psychische_problemen_crisis", "urgent")) == "right"
    assert outcome(danger, _answer("psychische_problemen_crisis", "answer")) == "wrong"
    questions = [social, social, social, oos]
    answers = [_answer("pgb", "answer"), _answer("vervoer", "clarify", ["pgb"]),
               _answer("vervoer", "answer"), _answer("bezwaar_klacht", "answer")]
    figures = score(questions, answers)
    assert figures["right_first_time"] == 0.25 and figures["right_after_clarify"] == 0.25
    assert figures["wrong_answer"] == 0.5 and figures["clarify_rate"] == 0.25
    assert figures["non_social_as_social"] == 1.0


def test_handoff_is_reported_per_kind_of_case_and_per_reason():
    debts = Question("a", "schulden_geldzorgen", "sociaal_loket", True)
    dispute = Question("b", "bezwaar_klacht", "sociaal_loket", True)
    plain = Question("c", "vervoer", "zelf", False)
    answers = [dict(_answer("schulden_geldzorgen", "handoff"), handoff_reasons=["dreigende schulden"]),
               dict(_answer("bezwaar_klacht", "answer")),
               dict(_answer("vervoer", "handoff"), handoff_reasons=["dreigende schulden"])]
    kinds = score([debts, dispute, plain], answers)["handoff_by_kind"]
    assert kinds["recall_per_topic"] == {"bezwaar_klacht": {"n": 1, "recall": 0.0},
                                         "schulden_geldzorgen": {"n": 1, "recall": 1.0}}
    assert kinds["precision_per_reason"] == {"dreigende schulden": {"n": 2, "precision": 0.5}}


def test_same_day_help_is_the_urgent_rung_for_a_material_need_not_for_danger():
    no_food = Question("a", "bijstand_uitkering", "urgent", True)
    danger = Question("b", "psychische_problemen_crisis", "urgent", True)
    same_day = dict(_answer("bijstand_uitkering", "handoff"), handoff_reasons=["geen eten vandaag"])
    other = dict(_answer("bijstand_uitkering", "handoff"), handoff_reasons=["inwoner wil een persoon spreken"])
    assert outcome(no_food, same_day) == "right"
    assert outcome(no_food, other) == "failed"
    assert outcome(danger, dict(same_day, topic="psychische_problemen_crisis")) == "failed"
