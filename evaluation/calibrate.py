"""Choose when the assistant answers and when it asks back: ``python -m evaluation.calibrate FILE...``.

Every question is parsed once by the trained model; then the decision is repeated for a grid of
thresholds (``LOW_CONFIDENCE``: below it the catalogue and glossary may rescue the topic;
``CLARIFY_BELOW``: below it, without a rescue, the assistant asks which subject is meant). The
table shows right first time, right after one question back, wrong answers and how often it
asks. Pick on development files only: the frozen test set is refused, because a threshold
fitted to it would make its figure worthless.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

GRID_LOW = (0.4, 0.5, 0.6)
GRID_CLARIFY = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45)


def sweep(questions: Sequence[Any], parses: Sequence[Dict[str, Any]],
          grid: Sequence[Tuple[float, float]]) -> List[Dict[str, Any]]:
    """Outcome shares per threshold pair (same decision code as the actions)."""
    import assistant.decisions as decisions
    from actions.common import catalogue
    from evaluation.evaluate import outcome
    from knowledge import get_glossary

    cat, glossary = catalogue(), get_glossary()
    rows = []
    saved = decisions.LOW_CONFIDENCE, decisions.CLARIFY_BELOW
    try:
        for low, clarify in grid:
            decisions.LOW_CONFIDENCE, decisions.CLARIFY_BELOW = low, clarify
            counts: Counter = Counter()
            for q, parse in zip(questions, parses):
                d = decisions.decide(q.text, parse, cat, glossary)
                answer = {"topic": d.topic or "out_of_scope_other", "answer_kind": d.answer_kind,
                          "options": list(d.options)}
                counts[outcome(q, answer)] += 1
                counts["clarify"] += d.answer_kind == "clarify"
            n = len(questions)
            rows.append({"low": low, "clarify_below": clarify,
                         **{k: round(counts[k] / n, 3) for k in
                            ("right", "after_clarify", "wrong", "failed", "clarify")}})
    finally:
        decisions.LOW_CONFIDENCE, decisions.CLARIFY_BELOW = saved
    return rows


def main(argv: Optional[Sequence[str]] = None) -> int:
    from evaluation.evaluate import (latest_model, load_questions, parse_all, quiet_rasa,
                                     refuses_frozen)

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", type=Path, nargs="+")
    parser.add_argument("--model", type=Path, default=None)
    args = parser.parse_args(argv)
    if refuses_frozen(args.questions):
        return 2
    quiet_rasa()
    questions = [q for path in args.questions for q in load_questions(path)]
    parses = parse_all([q.text for q in questions], args.model or latest_model())
    grid = [(low, c) for low in GRID_LOW for c in GRID_CLARIFY if c <= low]
    print(f"{'low':>5} {'clarify':>7} {'right':>6} {'after':>6} {'wrong':>6} {'failed':>6} {'asks':>6}")
    for r in sweep(questions, parses, grid):
        print(f"{r['low']:5.2f} {r['clarify_below']:7.2f} {r['right']:6.3f} {r['after_clarify']:6.3f} "
              f"{r['wrong']:6.3f} {r['failed']:6.3f} {r['clarify']:6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
