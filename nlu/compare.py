"""Choose the NLU pipeline by measurement: cross-validation of candidate pipelines on our data.

Why: the pipeline in config.yml must earn its place against the stock one that `rasa init`
would give (Rasa's default config) and against simpler or bigger alternatives. Each candidate
runs `rasa test nlu --cross-validation` on nlu/data; the table (macro-F1 of intents, accuracy,
wall time) is printed as Markdown and written to var/nlu-compare.md for the README.

    python -m nlu.compare [--folds 5] [--only NAME ...]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

import yaml

ROOT = Path(__file__).resolve().parents[1]
RASA = ROOT / ".venv" / "bin" / "rasa"
STOCK_CONFIG = (Path(sys.prefix) / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
                / "site-packages" / "rasa" / "engine" / "recipes" / "config_files" / "default_config.yml")

_SPACY = [{"name": "SpacyNLP", "model": "var/spacy_nl"}, {"name": "SpacyTokenizer"}]
_WS = [{"name": "WhitespaceTokenizer"}]
_WORD_CHAR = [{"name": "CountVectorsFeaturizer"},
              {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 2, "max_ngram": 5}]
_LOGREG = {"name": "LogisticRegressionClassifier", "max_iter": 300, "random_state": 42, "ranking_length": 0}

CANDIDATES: Dict[str, List[dict]] = {
    # What `rasa init` gives: Rasa's default pipeline (DIET 100 epochs), only the language changed.
    "stock (rasa init defaults, DIET 100 epochs)": [],
    "spaCy nl + TF-IDF words/char n-grams/lemmas + logistic regression (chosen)":
        _SPACY + [{"name": "nlu.tfidf_intent_classifier.TfidfIntentClassifier", "C": 30}],
    "whitespace + TF-IDF words/char n-grams + logistic regression (no lemmas)":
        _WS + [{"name": "nlu.tfidf_intent_classifier.TfidfIntentClassifier", "C": 30,
                "use_lemmas": False}],
    "spaCy nl + count vectors words/char n-grams + Rasa LogisticRegressionClassifier":
        _SPACY + _WORD_CHAR + [_LOGREG],
}


def candidate_config(pipeline: List[dict]) -> dict:
    """A config file for one candidate (policies are irrelevant for NLU evaluation)."""
    if not pipeline:
        stock = yaml.safe_load(STOCK_CONFIG.read_text())
        stock["language"] = "nl"
        stock["policies"] = []
        return stock
    return {"recipe": "default.v1", "language": "nl", "assistant_id": "compare",
            "pipeline": pipeline, "policies": []}


def run(name: str, pipeline: List[dict], folds: int, workdir: Path,
        nlu: str = "nlu/data") -> Dict[str, object]:
    slug = "".join(ch if ch.isalnum() else "_" for ch in name)[:40]
    cfg = workdir / f"{slug}.yml"
    cfg.write_text(yaml.safe_dump(candidate_config(pipeline), sort_keys=False))
    out = workdir / slug
    env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2",
               PYTHONHASHSEED="0")
    start = time.monotonic()
    proc = subprocess.run([str(RASA), "test", "nlu", "--nlu", nlu, "--config", str(cfg),
                           "--cross-validation", "--folds", str(folds), "--out", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        return {"name": name, "error": proc.stderr[-800:], "seconds": round(seconds)}
    report = json.loads((out / "intent_report.json").read_text())
    return {"name": name, "macro_f1": round(report["macro avg"]["f1-score"], 4),
            "accuracy": round(report.get("accuracy", report.get("micro avg", {}).get("f1-score", 0)), 4),
            "seconds": round(seconds), "folds": folds}


def table(rows: List[Dict[str, object]]) -> str:
    lines = ["| pipeline | intent macro-F1 | intent accuracy | wall time (all folds) |",
             "|---|---|---|---|"]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['name']} | failed | | {r['seconds']} s |")
        else:
            lines.append(f"| {r['name']} | {r['macro_f1']:.3f} | {r['accuracy']:.3f} | {r['seconds']} s |")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only", nargs="*", default=None, help="substring of candidate names")
    parser.add_argument("--nlu", default="nlu/data", help="training data (a copy keeps runs comparable)")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, pipeline in CANDIDATES.items():
            if args.only and not any(o in name for o in args.only):
                continue
            row = run(name, pipeline, args.folds, Path(tmp), args.nlu)
            print(json.dumps(row), flush=True)
            rows.append(row)
    md = table(rows) + f"\n\n{args.folds}-fold cross-validation on {args.nlu}, {time.strftime('%Y-%m-%d')}.\n"
    (ROOT / "var").mkdir(exist_ok=True)
    (ROOT / "var" / "nlu-compare.md").write_text(md)
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
