"""Gated retraining: ``python -m evaluation.retrain`` (``make retrain``).

Trains a candidate model with everything in ``nlu/data`` (so also the examples a beheerder
labelled in the review inbox), evaluates the candidate and the live model on the frozen test set
(per topic) and on the safety set, prints the per-topic difference and the rule, and switches
only when the candidate is not worse on urgent recall and not worse overall. Switching copies
the live model aside (``<live>.previous.tar.gz``, for ``--rollback``), puts the candidate in its
place and asks the running Rasa server to load it with ``PUT /model`` (no downtime: Rasa swaps
the model between messages).

Why evaluate and never tune on the frozen sets: they measure what residents would get; the gate
only reads the figures. The last line printed is one JSON object with the decision.
"""
from __future__ import annotations

from assistant.settings import settings

import argparse
import asyncio
import json
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence
from urllib import error as urlerror, request as urlrequest

REPO = Path(__file__).resolve().parent.parent
FROZEN_QUESTIONS = REPO / "tests" / "data" / "frozen" / "questions.yml"
FROZEN_SAFETY = REPO / "tests" / "data" / "frozen" / "safety_messages.yml"
LIVE_MODEL = REPO / "models" / "assistant.tar.gz"
RULE = ("Overschakelen alleen als het nieuwe model niet slechter is op herkenning van gevaar "
        "(urgent recall, testset en veiligheidsset) en niet slechter in totaal (onderwerp goed, "
        "topic_accuracy, en goed bij het eerste antwoord, right_first_time).")
GATE_KEYS = ("urgent_recall", "safety_urgent_recall", "topic_accuracy", "right_first_time")


def train_candidate(out_dir: Path, config: Path = REPO / "config.yml",
                    data: Sequence[Path] = (REPO / "nlu" / "data", REPO / "bot" / "data")) -> Path:
    """``rasa train`` into ``out_dir``; the path of the new model."""
    out_dir.mkdir(parents=True, exist_ok=True)
    name = f"candidate-{time.strftime('%Y%m%d-%H%M%S')}"
    rasa = Path(sys.executable).with_name("rasa")
    subprocess.run([str(rasa), "train", "--config", str(config), "--domain", str(REPO / "bot" / "domain"),
                    "--data", *map(str, data), "--out", str(out_dir), "--fixed-model-name", name],
                   check=True, cwd=REPO, stdout=sys.stderr)
    return out_dir / f"{name}.tar.gz"


def evaluate_model(model: Path, questions: Path, safety: Path) -> Dict[str, Any]:
    """Headline figures, recall per topic, and the safety set's urgent recall, for one model."""
    from evaluation import evaluate, evaluate_safety

    qs = evaluate.load_questions(questions)
    answers = asyncio.run(evaluate.judge(qs, model))
    figures = evaluate.score(qs, answers)
    gold = evaluate.gold_topics(qs, answers)
    per_topic: Dict[str, float] = {}
    for topic in sorted(set(gold)):
        idx = [i for i, g in enumerate(gold) if g == topic]
        per_topic[topic] = round(sum(answers[i]["topic"] == topic for i in idx) / len(idx), 4)
    safe = evaluate_safety.evaluate(evaluate_safety.load(safety), model)
    return {**{k: figures[k] for k in ("n", "urgent_recall", "topic_accuracy", "right_first_time",
                                       "wrong_answer")},
            "safety_urgent_recall": safe["urgent_recall"], "per_topic": per_topic}


def gate(live: Dict[str, Any], candidate: Dict[str, Any]) -> Dict[str, Any]:
    """The decision: switch only when no gate figure is lower for the candidate."""
    worse = [k for k in GATE_KEYS
             if (candidate.get(k) if candidate.get(k) is not None else 0.0)
             < (live.get(k) if live.get(k) is not None else 0.0)]
    return {"switch": not worse, "worse": worse}


def report(live: Dict[str, Any], candidate: Dict[str, Any], decision: Dict[str, Any]) -> str:
    lines = ["Per onderwerp (recall live -> kandidaat, verschil):"]
    for topic in sorted(set(live["per_topic"]) | set(candidate["per_topic"])):
        a, b = live["per_topic"].get(topic, 0.0), candidate["per_topic"].get(topic, 0.0)
        lines.append(f"  {topic:32s} {a:5.2f} -> {b:5.2f}  {b - a:+.2f}")
    lines.append("Totaal (live -> kandidaat):")
    for key in GATE_KEYS + ("wrong_answer",):
        lines.append(f"  {key:24s} {live.get(key)} -> {candidate.get(key)}")
    lines.append(f"Regel: {RULE}")
    lines.append("Besluit: " + ("overschakelen naar de kandidaat." if decision["switch"] else
                                "NIET overschakelen; slechter op: " + ", ".join(decision["worse"])))
    return "\n".join(lines)


def previous_of(live: Path) -> Path:
    return live.with_name(live.name.replace(".tar.gz", "") + ".previous.tar.gz")


def load_in_rasa(model: Path, rasa_url: str, token: str) -> bool:
    """Ask the running Rasa server to load ``model`` (``PUT /model``); False when it is not up."""
    url = f"{rasa_url.rstrip('/')}/model" + (f"?token={token}" if token else "")
    body = json.dumps({"model_file": str(model.resolve())}).encode()
    req = urlrequest.Request(url, data=body, method="PUT", headers={"Content-Type": "application/json"})
    try:
        with urlrequest.urlopen(req, timeout=300) as resp:
            return 200 <= resp.status < 300
    except (urlerror.URLError, OSError) as exc:
        logging.getLogger(__name__).warning("Rasa did not load the model: %s", exc)
        return False


def switch(candidate: Path, live: Path, rasa_url: str, token: str) -> Dict[str, Any]:
    """Keep the live model for a rollback, put the candidate in its place, hot-load it."""
    if live.exists():
        shutil.copy2(live, previous_of(live))
    tmp = live.with_name(live.name + ".new")
    shutil.copy2(candidate, tmp)
    os.replace(tmp, live)
    return {"previous": str(previous_of(live)), "loaded": load_in_rasa(live, rasa_url, token)}


def rollback(live: Path, rasa_url: str, token: str) -> Dict[str, Any]:
    previous = previous_of(live)
    if not previous.exists():
        raise SystemExit("Er is geen vorig model om naar terug te gaan.")
    shutil.copy2(previous, live.with_name(live.name + ".new"))
    os.replace(live.with_name(live.name + ".new"), live)
    return {"rolled_back": True, "loaded": load_in_rasa(live, rasa_url, token)}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation.retrain", description=__doc__.splitlines()[0])
    parser.add_argument("--live", type=Path, default=LIVE_MODEL)
    parser.add_argument("--candidate", type=Path, default=None, help="an already trained candidate")
    parser.add_argument("--config", type=Path, default=REPO / "config.yml")
    parser.add_argument("--out", type=Path, default=REPO / "models" / "candidates")
    parser.add_argument("--questions", type=Path, default=FROZEN_QUESTIONS)
    parser.add_argument("--safety", type=Path, default=FROZEN_SAFETY)
    parser.add_argument("--dry-run", action="store_true", help="report only, never switch")
    parser.add_argument("--rollback", action="store_true", help="back to the previous model")
    args = parser.parse_args(argv)
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    current = settings()
    if args.rollback:
        print(json.dumps(rollback(args.live, current.rasa_url, current.rasa_api_token)))
        return 0
    from evaluation.evaluate import quiet_rasa

    quiet_rasa()
    if not args.live.exists():
        print(f"FOUT: geen live model in {args.live}", file=sys.stderr)
        return 2
    candidate = args.candidate or train_candidate(args.out, args.config)
    print(f"Kandidaat: {candidate}\nLive: {args.live}", flush=True)
    live_figures = evaluate_model(args.live, args.questions, args.safety)
    candidate_figures = evaluate_model(candidate, args.questions, args.safety)
    decision = gate(live_figures, candidate_figures)
    print(report(live_figures, candidate_figures, decision), flush=True)
    result: Dict[str, Any] = {"switched": False, **decision, "candidate": str(candidate),
                              "live": {k: v for k, v in live_figures.items() if k != "per_topic"},
                              "kandidaat": {k: v for k, v in candidate_figures.items()
                                            if k != "per_topic"}}
    if args.dry_run:
        print("Proefrun: er is niet overgeschakeld.")
    elif decision["switch"]:
        result.update(switch(candidate, args.live, current.rasa_url, current.rasa_api_token),
                      switched=True)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
