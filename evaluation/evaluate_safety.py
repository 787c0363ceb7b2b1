"""How the danger detector does on a file of messages: ``python -m evaluation.evaluate_safety FILE``.

The file has ``urgent`` (each with ``kind`` or ``kinds``) and ``near_miss`` or ``not_urgent``
(close calls that should get no help line). Every message is judged alone, as the first of a
conversation, by the same detector the Rasa server runs on every message. The report shows
recall per kind and the share of close calls that raised an alarm; the last line is one JSON
object. It measures, it does not judge: the exit code is 0 whatever the figures.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import yaml


def load(path: Path) -> Dict[str, List[Dict[str, Any]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    urgent = [m if isinstance(m, dict) else {"text": m} for m in data.get("urgent") or []]
    near = [m if isinstance(m, dict) else {"text": m}
            for m in (data.get("near_miss") or data.get("not_urgent") or [])]
    if not urgent and not near:
        raise ValueError(f"{path}: geen 'urgent' of 'near_miss' berichten")
    return {"urgent": urgent, "near": near}


def nlu_parses(texts: Sequence[str], model: Optional[Path]) -> List[Dict[str, Any]]:
    """The trained model's parse of each text (the detector also reads the NLU intent, as it
    does in the Rasa server); empty parses when there is no model."""
    if model is None:
        return [{} for _ in texts]
    from evaluation.evaluate import parse_all

    return parse_all(texts, model)


def evaluate(messages: Dict[str, List[Dict[str, Any]]],
             model: Optional[Path] = None) -> Dict[str, Any]:
    """Urgent recall (overall and per kind), close-call alarms, and the misses themselves."""
    from assistant.safety_detector import detect as detect_text

    texts = [m["text"] for m in messages["urgent"] + messages["near"]]
    parses = dict(zip(texts, nlu_parses(texts, model)))

    def detect(text: str) -> Any:
        intent = parses.get(text, {}).get("intent") or {}
        return detect_text(text, intent.get("name"), float(intent.get("confidence") or 0.0))

    per_kind: Dict[str, List[bool]] = defaultdict(list)
    missed: List[str] = []
    for m in messages["urgent"]:
        hit = detect(m["text"]).urgent
        kinds = m.get("kinds") or [m.get("kind") or "unknown"]
        for kind in kinds:
            per_kind[kind].append(hit)
        if not hit:
            missed.append(m["text"])
    alarms = [m["text"] for m in messages["near"] if detect(m["text"]).urgent]
    n_urgent = len(messages["urgent"])
    found = n_urgent - len(missed)
    return {
        "urgent_n": n_urgent,
        "urgent_recall": round(found / n_urgent, 4) if n_urgent else None,
        "near_miss_n": len(messages["near"]),
        "near_miss_alarm_rate": round(len(alarms) / len(messages["near"]), 4)
        if messages["near"] else None,
        "urgent_precision": round(found / (found + len(alarms)), 4) if found + len(alarms) else None,
        "per_kind_recall": {k: round(sum(v) / len(v), 4) for k, v in sorted(per_kind.items())},
        "missed": missed,
        "alarms": alarms,
    }


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Evaluate the danger detector on a message file.")
    parser.add_argument("messages", type=Path)
    parser.add_argument("--model", type=Path, default=None,
                        help="trained model for the NLU intent (default: the newest in models/)")
    parser.add_argument("--no-nlu", action="store_true", help="the detector on the text alone")
    args = parser.parse_args(argv)
    from evaluation.evaluate import quiet_rasa

    quiet_rasa()
    model = None
    if not args.no_nlu:
        from evaluation.evaluate import latest_model

        model = args.model or latest_model()
    try:
        result = evaluate(load(args.messages), model)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        print(f"FOUT: {exc}", file=sys.stderr)
        return 2
    print("Herkend per soort (recall):")
    for kind, value in result["per_kind_recall"].items():
        print(f"  {kind:22s} {value:.2f}")
    for title, key in (("Gemist:", "missed"), ("Onterecht alarm:", "alarms")):
        if result[key]:
            print(title)
            print("\n".join(f"  {t[:100]}" for t in result[key]))
    print(json.dumps({k: v for k, v in result.items() if k not in ("missed", "alarms")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
