"""Evaluation CLI: how the assistant does on a file of resident questions.

Every question is judged as the first message of a fresh conversation, through the trained
NLU model and the same decision logic the actions use (assistant/decisions.py): topic, urgent
danger, handoff and the first ladder rung. It measures; it does not judge: the exit code is 0
whatever the scores, and non-zero only for a file it cannot read.

    python -m evaluation.evaluate QUESTIONS.yml [--model models/x.tar.gz] [--out answers.json]

The last line printed is one JSON object with the headline figures.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import yaml

from assistant.safety_detector import CRISIS_INTENTS
from assistant.topics import OUT_OF_SCOPE, TOPICS
from assistant.triage import ACUTE_NEEDS
from assistant.vocabulary import LADDER_VALUES



class QuestionFileError(ValueError):
    """The question file cannot be used; the message says where and why."""


@dataclass
class Question:
    text: str
    topic: str
    ladder: str
    handoff_expected: bool
    topic_alt: Sequence[str] = ()

    @property
    def accepted(self) -> set:
        return {self.topic, *self.topic_alt}


def load_questions(path: Path) -> List[Question]:
    """Read and check a question file; unknown keys are ignored."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise QuestionFileError(f"{path}: bestand niet gevonden")
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError) as exc:  # Recursion: deep nesting
        raise QuestionFileError(f"{path}: geen geldige YAML ({exc.__class__.__name__})")
    if not isinstance(data, list) or not data:
        raise QuestionFileError(f"{path}: verwacht een niet-lege YAML-lijst van vragen")
    questions = []
    for i, item in enumerate(data, start=1):
        where = f"{path}: vraag {i}"
        if not isinstance(item, dict):
            raise QuestionFileError(f"{where}: verwacht een mapping met text, topic, ladder, handoff_expected")
        text = item.get("text")
        if not isinstance(text, str) or not text.strip():
            raise QuestionFileError(f"{where}: 'text' ontbreekt of is leeg")
        topic = item.get("topic")
        if topic not in TOPICS:
            raise QuestionFileError(f"{where}: onbekend topic {topic!r}")
        alt = item.get("topic_alt") or []
        if not isinstance(alt, list) or any(a not in TOPICS for a in alt):
            raise QuestionFileError(f"{where}: 'topic_alt' moet een lijst van bekende topics zijn")
        ladder = item.get("ladder", "n/a")
        if ladder not in LADDER_VALUES:
            raise QuestionFileError(f"{where}: onbekende ladder-waarde {ladder!r}")
        handoff = item.get("handoff_expected", False)
        if not isinstance(handoff, bool):
            raise QuestionFileError(f"{where}: 'handoff_expected' moet true of false zijn")
        questions.append(Question(text.strip(), topic, ladder, handoff, tuple(alt)))
    return questions


def latest_model(models_dir: Path = Path("models")) -> Path:
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise SystemExit("Geen getraind model gevonden in models/. Draai eerst: make train")
    return models[-1]


def parse_all(texts: Sequence[str], model: Path) -> List[Dict[str, Any]]:
    """The trained model's NLU parse of each text, in order (for tools that decide afterwards)."""
    from rasa.core.agent import Agent

    async def run() -> List[Dict[str, Any]]:
        agent = Agent.load(str(model))
        return [await agent.parse_message(t) for t in texts]

    return asyncio.run(run())


async def judge(questions: Sequence[Question], model: Path) -> List[Dict[str, Any]]:
    """Predictions for every question, in input order."""
    from rasa.core.agent import Agent

    from actions.common import catalogue
    from assistant.decisions import decide
    from knowledge import get_glossary

    agent = Agent.load(str(model))
    cat, glossary = catalogue(), get_glossary()
    answers = []
    for q in questions:
        start = time.perf_counter()
        parse = await agent.parse_message(q.text)
        decision = decide(q.text, parse, cat, glossary)
        ms = (time.perf_counter() - start) * 1000
        answers.append({
            "text": q.text,
            "topic": decision.topic or "out_of_scope_other",
            "urgent": decision.urgent,
            "handoff": decision.handoff,
            "handoff_reasons": handoff_reasons(decision),
            "ladder": decision.ladder,
            "answer_kind": decision.answer_kind,
            "options": list(decision.options) if decision.answer_kind == "clarify" else [],
            "confidence": round(decision.confidence, 4),
            "ms": round(ms, 2),
        })
    return answers


def handoff_reasons(decision: Any) -> List[str]:
    """Why the assistant offers a person, as kinds: danger, the explicit wish, or the complexity
    reasons (a dispute, threatening debts, self-neglect, a child at risk, several domains...)."""
    reasons = ["gevaar"] if decision.urgent else []
    if decision.intent == "request_human":
        reasons.append("uitdrukkelijke wens")
    return reasons + [r for r in decision.complexity.reasons if r not in reasons]


def handoff_by_kind(questions: Sequence[Question],
                    answers: Sequence[Dict[str, Any]]) -> Dict[str, Dict[str, Any]]:
    """Handoff recall per topic of the questions that need a person, and precision per reason
    the assistant gave: which kinds of case it misses, and which of its reasons are wrong."""
    recall: Dict[str, List[bool]] = {}
    for q, a in zip(questions, answers):
        if q.handoff_expected:
            recall.setdefault(q.topic, []).append(bool(a["handoff"]))
    precision: Dict[str, List[bool]] = {}
    for q, a in zip(questions, answers):
        for reason in a.get("handoff_reasons") or ():
            precision.setdefault(reason, []).append(q.handoff_expected)
    return {
        "recall_per_topic": {t: {"n": len(v), "recall": _ratio(sum(v), len(v))}
                             for t, v in sorted(recall.items())},
        "precision_per_reason": {r: {"n": len(v), "precision": _ratio(sum(v), len(v))}
                                 for r, v in sorted(precision.items())},
    }


def refuses_frozen(paths: Sequence[Path]) -> bool:
    """True (after saying why) when a calibration is asked to tune on the frozen test set: that
    set is for measuring only, so no threshold may ever be chosen on it."""
    if any("frozen" in p.parts for p in paths):
        print("FOUT: de bevroren testset is alleen om te meten, niet om op af te stemmen.",
              file=sys.stderr)
        return True
    return False


def quiet_rasa() -> None:
    """No telemetry and no per-parse debug lines: Rasa's structlog would print every message."""
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    logging.disable(logging.WARNING)
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)


def _ratio(num: int, den: int) -> float:
    return round(num / den, 4) if den else 1.0


def _percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return round(ordered[k], 2)


def gold_topics(questions: Sequence[Question], answers: Sequence[Dict[str, Any]]) -> List[str]:
    """The expected label per question; a prediction in `topic_alt` counts as the expected one."""
    return [a["topic"] if a["topic"] in q.accepted else q.topic for q, a in zip(questions, answers)]


def _same_day_help(question: Question, answer: Dict[str, Any]) -> bool:
    """Did an urgent material need (no food today, no bed tonight, energy cut off) get the
    same-day help the assistant gives for it (where to go today, a high-urgency person)? That is
    the urgent rung for such a need; danger (a crisis topic) needs the help line instead."""
    return (question.topic not in CRISIS_INTENTS
            and any(r in ACUTE_NEEDS for r in answer.get("handoff_reasons") or ()))


def outcome(question: Question, answer: Dict[str, Any]) -> str:
    """How the first answer went for the resident: ``right`` (at once), ``after_clarify`` (the
    right topic is among the options of the question back), ``wrong`` (an answer about another
    subject, or "not our subject" for one of ours, or the other way round) or ``failed`` (a
    question back without the right option). A person taking over is right when one was
    expected or the topic was right, and never counts as a wrong answer."""
    kind = answer.get("answer_kind", "answer")
    gold_oos = question.topic in OUT_OF_SCOPE
    topic_ok = answer["topic"] in question.accepted
    if question.ladder == "urgent":
        if kind == "urgent" or (kind == "handoff" and _same_day_help(question, answer)):
            return "right"
        return "failed" if kind in ("handoff", "clarify") else "wrong"
    if kind == "urgent":
        return "right" if question.handoff_expected else "failed"
    if kind == "handoff":
        return "right" if question.handoff_expected or topic_ok else "failed"
    if kind == "clarify":
        return "after_clarify" if question.accepted & set(answer.get("options") or ()) else "failed"
    if kind == "out_of_scope":
        return "right" if gold_oos else "wrong"
    return "right" if topic_ok and not gold_oos else "wrong"


def score(questions: Sequence[Question], answers: Sequence[Dict[str, Any]]) -> Dict[str, Any]:
    """Headline figures; a prediction in `topic_alt` counts as right."""
    from sklearn.metrics import f1_score

    gold = gold_topics(questions, answers)
    pred = [a["topic"] for a in answers]
    labels = sorted(set(gold))
    oos_gold = [g in OUT_OF_SCOPE for g in gold]
    oos_pred = [p in OUT_OF_SCOPE for p in pred]
    urgent_gold = [q.ladder == "urgent" for q in questions]
    urgent_pred = [a["urgent"] for a in answers]
    handoff_gold = [q.handoff_expected for q in questions]
    handoff_pred = [a["handoff"] for a in answers]
    ladder_known = [(q, a) for q, a in zip(questions, answers) if q.ladder not in ("n/a", "urgent")]
    ms = [a["ms"] for a in answers]
    both = lambda xs, ys: sum(1 for x, y in zip(xs, ys) if x and y)  # noqa: E731
    outcomes = Counter(outcome(q, a) for q, a in zip(questions, answers))
    kinds = Counter(a.get("answer_kind", "answer") for a in answers)
    non_social = [a for q, a in zip(questions, answers) if q.topic in OUT_OF_SCOPE]
    n = len(questions)
    return {
        "n": n,
        "topic_accuracy": _ratio(sum(g == p for g, p in zip(gold, pred)), len(gold)),
        "topic_macro_f1": round(float(f1_score(gold, pred, labels=labels, average="macro",
                                               zero_division=0)), 4),
        "out_of_scope_recall": _ratio(both(oos_gold, oos_pred), sum(oos_gold)),
        "out_of_scope_precision": _ratio(both(oos_gold, oos_pred), sum(oos_pred)),
        "urgent_recall": _ratio(both(urgent_gold, urgent_pred), sum(urgent_gold)),
        "urgent_precision": _ratio(both(urgent_gold, urgent_pred), sum(urgent_pred)),
        "handoff_recall": _ratio(both(handoff_gold, handoff_pred), sum(handoff_gold)),
        "handoff_precision": _ratio(both(handoff_gold, handoff_pred), sum(handoff_pred)),
        "ladder_accuracy": _ratio(sum(q.ladder == a["ladder"] for q, a in ladder_known), len(ladder_known)),
        "right_first_time": _ratio(outcomes["right"], n),
        "right_after_clarify": _ratio(outcomes["after_clarify"], n),
        "wrong_answer": _ratio(outcomes["wrong"], n),
        "clarify_rate": _ratio(kinds["clarify"], n),
        "non_social_as_social": _ratio(sum(1 for a in non_social if a["topic"] not in OUT_OF_SCOPE
                                           and a.get("answer_kind", "answer") == "answer"), len(non_social))
        if non_social else 0.0,
        "handoff_by_kind": handoff_by_kind(questions, answers),
        "p50_ms": _percentile(ms, 50),
        "p95_ms": _percentile(ms, 95),
    }


def report(questions: Sequence[Question], answers: Sequence[Dict[str, Any]]) -> str:
    """Per-topic precision/recall, the most frequent confusions and the worst misses."""
    lines = ["Per onderwerp (precision / recall / aantal):"]
    gold = gold_topics(questions, answers)
    pred = [a["topic"] for a in answers]
    for label in TOPICS:
        tp = sum(1 for g, p in zip(gold, pred) if g == p == label)
        n_pred, n_gold = pred.count(label), gold.count(label)
        if n_pred or n_gold:
            lines.append(f"  {label:32s} {_ratio(tp, n_pred):6.2f} {_ratio(tp, n_gold):6.2f} {n_gold:4d}")
    confusions = Counter((g, p) for g, p in zip(gold, pred) if g != p)
    if confusions:
        lines.append("Verwisselingen (verwacht -> voorspeld):")
        lines += [f"  {g} -> {p}: {n}" for (g, p), n in confusions.most_common(10)]
    misses = sorted(((a["confidence"], q, a) for q, a in zip(questions, answers)
                     if a["topic"] not in q.accepted), key=lambda x: -x[0])
    if misses:
        lines.append("Ergste missers (zeker maar fout):")
        lines += [f"  {c:.2f} {q.topic} -> {a['topic']}: {q.text[:90]}" for c, q, a in misses[:10]]
    outcomes = Counter(outcome(q, a) for q, a in zip(questions, answers))
    lines.append("Eerste antwoord (goed / na een vraag terug / fout / mislukt): "
                 f"{outcomes['right']} / {outcomes['after_clarify']} / {outcomes['wrong']} / "
                 f"{outcomes['failed']}")
    kinds = handoff_by_kind(questions, answers)
    if kinds["recall_per_topic"]:
        lines.append("Medewerker aangeboden, per onderwerp (recall / aantal):")
        lines += [f"  {t:32s} {v['recall']:6.2f} {v['n']:4d}"
                  for t, v in kinds["recall_per_topic"].items()]
    if kinds["precision_per_reason"]:
        lines.append("Reden om een medewerker aan te bieden (precision / aantal):")
        lines += [f"  {r[:32]:32s} {v['precision']:6.2f} {v['n']:4d}"
                  for r, v in kinds["precision_per_reason"].items()]
    urgent_missed = [q.text for q, a in zip(questions, answers) if q.ladder == "urgent" and not a["urgent"]]
    if urgent_missed:
        lines.append("Gemiste urgente berichten:")
        lines += [f"  {t[:100]}" for t in urgent_missed]
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Evaluate the assistant on a question file.")
    parser.add_argument("questions", type=Path)
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=None, help="write per-question answers as JSON")
    args = parser.parse_args(argv)
    quiet_rasa()
    try:
        questions = load_questions(args.questions)
    except QuestionFileError as exc:
        print(f"FOUT: {exc}", file=sys.stderr)
        return 2
    answers = asyncio.run(judge(questions, args.model or latest_model()))
    if args.out:
        args.out.write_text(json.dumps(answers, ensure_ascii=False, indent=1), encoding="utf-8")
    print(report(questions, answers))
    print(json.dumps(score(questions, answers)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
