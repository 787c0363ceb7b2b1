"""Choose the danger detector's gates: ``python -m evaluation.calibrate_safety FILE...``.

The detector has three numbers that trade missed danger against false alarms: the classifier's
``THRESHOLD`` (P(urgent) at which it fires), ``ORDINARY_SURE`` (how sure the NLU must be that a
message is an everyday question before the classifier has to be surer) and ``CLASSIFIER_SURE``
(how sure it must then be). Every message is parsed once by the trained model and scored once
by the classifier; the decision is then repeated for a grid of the three numbers. The table
shows urgent recall and the share of close calls that raised an alarm, best first by the rule
"find every urgent message first, then raise the fewest alarms".

Why files by other authors: the classifier's own cross-validation sees messages written by the
same author as its training data and is too optimistic about false alarms. Pick on development
files only: the frozen test set is refused, because gates fitted to it would make its figure
worthless.
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence

GRID_THRESHOLD = (0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
GRID_ORDINARY = (0.4, 0.5, 0.6, 0.7, 1.01)  # 1.01: never gate on the NLU
GRID_SURE = (0.6, 0.7, 0.8, 0.9)


@dataclass(frozen=True)
class Message:
    text: str
    urgent: bool
    intent: Optional[str]
    confidence: float


def messages(paths: Sequence[Path], model: Optional[Path]) -> List[Message]:
    """Every urgent and close-call message of the files, with the model's NLU intent."""
    from evaluation.evaluate_safety import load, nlu_parses

    rows: List[tuple] = []
    for path in paths:
        data = load(path)
        rows += [(m["text"], True) for m in data["urgent"]]
        rows += [(m["text"], False) for m in data["near"]]
    parses = nlu_parses([text for text, _ in rows], model)
    return [Message(text, urgent, (p.get("intent") or {}).get("name"),
                    float((p.get("intent") or {}).get("confidence") or 0.0))
            for (text, urgent), p in zip(rows, parses)]


@dataclass(frozen=True)
class _Scored:
    message: Message
    rules: bool
    probability: float


def _score(items: Sequence[Message]) -> List[_Scored]:
    """What does not depend on the gates: do the phrase rules fire, and P(urgent)."""
    from assistant import urgency_classifier
    from assistant.safety_detector import detect_rules_only

    return [_Scored(m, detect_rules_only(m.text, m.intent, m.confidence).urgent,
                    urgency_classifier.predict(m.text).probability) for m in items]


def _fires(s: _Scored, threshold: float, ordinary_sure: float, classifier_sure: float) -> bool:
    from assistant.safety_detector import CRISIS_INTENTS

    if s.rules:
        return True
    ordinary = (s.message.intent is not None and s.message.intent not in CRISIS_INTENTS
                and s.message.intent != "nlu_fallback" and s.message.confidence >= ordinary_sure)
    return s.probability >= (max(threshold, classifier_sure) if ordinary else threshold)


def sweep(items: Sequence[Message]) -> Iterator[Dict[str, Any]]:
    """Recall and alarm rate for every point of the grid."""
    scored = _score(items)
    urgent = [s for s in scored if s.message.urgent]
    near = [s for s in scored if not s.message.urgent]
    for threshold, ordinary, sure in itertools.product(GRID_THRESHOLD, GRID_ORDINARY, GRID_SURE):
        found = sum(_fires(s, threshold, ordinary, sure) for s in urgent)
        alarms = sum(_fires(s, threshold, ordinary, sure) for s in near)
        yield {"threshold": threshold, "ordinary_sure": ordinary, "classifier_sure": sure,
               "urgent_recall": round(found / len(urgent), 4) if urgent else None,
               "alarm_rate": round(alarms / len(near), 4) if near else None}


def ranked(rows: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Most danger found first; among equals the fewest alarms, then the highest threshold."""
    return sorted(rows, key=lambda r: (-(r["urgent_recall"] or 0), r["alarm_rate"] or 0,
                                       -r["threshold"], -r["classifier_sure"]))


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("messages", type=Path, nargs="+")
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--top", type=int, default=12)
    args = parser.parse_args(argv)
    from evaluation.evaluate import latest_model, quiet_rasa, refuses_frozen

    if refuses_frozen(args.messages):
        return 2
    from assistant import safety_detector, urgency_classifier

    quiet_rasa()
    rows = ranked(list(sweep(messages(args.messages, args.model or latest_model()))))
    current = (urgency_classifier.THRESHOLD, safety_detector.ORDINARY_SURE,
               safety_detector.CLASSIFIER_SURE)
    print("threshold ordinary_sure classifier_sure  recall  alarms")
    for row in rows[:args.top]:
        mark = " <- nu" if (row["threshold"], row["ordinary_sure"],
                            row["classifier_sure"]) == current else ""
        print(f"{row['threshold']:9.2f} {row['ordinary_sure']:13.2f} {row['classifier_sure']:15.2f}"
              f"  {row['urgent_recall']:.3f}  {row['alarm_rate']:.3f}{mark}")
    now = next((r for r in rows if (r["threshold"], r["ordinary_sure"],
                                    r["classifier_sure"]) == current), None)
    print(json.dumps({"best": rows[0], "current": now}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
