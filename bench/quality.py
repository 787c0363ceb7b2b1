"""NLU quality: the project's assistant vs the stock `rasa init` pipeline vs TF-IDF + linear model.

Three contenders, the same data:
  (a) project   config.yml pipeline + assistant.decisions.decide (safety detector, catalogue rescue)
  (b) stock     the pipeline `rasa init` writes (no pipeline given -> Rasa's default: DIET)
  (c) tfidf     scikit-learn word + char_wb TF-IDF and LogisticRegression
Each is trained on nlu/data and scored on the held-out dev questions, the project's own
questions, and by k-fold cross-validation over the training data (same folds for all three).
Rasa models are trained in-process with `rasa.model_training.train_nlu`.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import subprocess
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import yaml

from bench.stats import Figure, Goal

ROOT = Path(__file__).resolve().parents[1]
NLU_DATA = ROOT / "nlu" / "data"
DEV_QUESTIONS = ROOT.parent / "shared" / "data" / "dev_questions.yml"  # ../shared beside the clone
OWN_QUESTIONS = ROOT / "tests" / "data" / "questions.yml"
# Written by an independent author, never tuned on: the figure that counts (tests/data/frozen/).
FROZEN_QUESTIONS = ROOT / "tests" / "data" / "frozen" / "questions.yml"
# Written by another independent author; thresholds may be chosen on it (not held out).
CALIBRATION_QUESTIONS = ROOT / "tests" / "data" / "dev_resident" / "questions.yml"
SAFETY_SETS = {"own": ROOT / "tests" / "data" / "safety_messages.yml",
               "calibration": ROOT / "tests" / "data" / "dev_resident" / "safety_messages.yml",
               "frozen": ROOT / "tests" / "data" / "frozen" / "safety_messages.yml"}
PROJECT_MODEL = ROOT / "models" / "assistant.tar.gz"
URGENT_TOPICS = ("psychische_problemen_crisis", "huiselijk_geweld_veiligheid")
Parser = Callable[[Sequence[str]], List[Dict[str, Any]]]

logger = logging.getLogger(__name__)


# --- data -------------------------------------------------------------------------------------
def load_nlu_examples(data_dir: Path = NLU_DATA) -> List[Tuple[str, str]]:
    """(text, intent) for every example in the project's NLU training data."""
    from rasa.shared.nlu.training_data.loading import load_data

    td = load_data(str(data_dir))
    return [(m.get("text"), m.get("intent")) for m in td.intent_examples]


def write_nlu_yaml(examples: Sequence[Tuple[str, str]], path: Path) -> None:
    """Rasa YAML training data from (text, intent) pairs (written by Rasa's own writer)."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    td = TrainingData([Message.build(text=t, intent=i) for t, i in examples])
    RasaYAMLWriter().dump(str(path), td)


def folds(labels: Sequence[str], k: int, seed: int = 42) -> List[Tuple[List[int], List[int]]]:
    """Stratified k folds as (train indices, test indices)."""
    from sklearn.model_selection import StratifiedKFold

    skf = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    return [(list(tr), list(te)) for tr, te in skf.split(list(range(len(labels))), list(labels))]


# --- stock pipeline ----------------------------------------------------------------------------
def stock_config(init_dir: Path, diet_epochs: Optional[int] = None) -> Dict[str, Any]:
    """The NLU config `rasa init` wrote, with Rasa's default pipeline filled in (auto-config).

    `rasa init` leaves the pipeline empty, which means "use Rasa's default" (DIET); we ask Rasa's
    own auto-config for that default rather than copying it. Language is set to Dutch.
    """
    from rasa.engine.recipes.default_recipe import DefaultV1Recipe

    written = yaml.safe_load((init_dir / "config.yml").read_text(encoding="utf-8")) or {}
    keys = {k for k in ("pipeline",) if not written.get(k)}
    cfg = copy.deepcopy(DefaultV1Recipe.complete_config(written, keys) if keys else written)
    cfg["language"] = "nl"
    cfg.pop("policies", None)
    if diet_epochs is not None:
        for comp in cfg["pipeline"]:
            if comp.get("name") in ("DIETClassifier", "ResponseSelector"):
                comp["epochs"] = diet_epochs
    return cfg


def rasa_init(target: Path, timeout: float = 900) -> float:
    """`rasa init --no-prompt` into `target` (it trains the stock model too); returns seconds."""
    target.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "rasa"), "init", "--no-prompt", "--init-dir", str(target)],
        cwd=target,
        check=True,
        timeout=timeout,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


# --- contenders --------------------------------------------------------------------------------
def train_rasa_nlu(
    config: Dict[str, Any], examples: Sequence[Tuple[str, str]], workdir: Path, name: str
) -> Path:
    """Train an NLU-only Rasa model in-process; returns the model archive."""
    from rasa.model_training import train_nlu

    workdir.mkdir(parents=True, exist_ok=True)
    cfg_path, data_path = workdir / f"{name}-config.yml", workdir / f"{name}-nlu.yml"
    cfg_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    write_nlu_yaml(examples, data_path)
    model = train_nlu(str(cfg_path), str(data_path), str(workdir / "models"), fixed_model_name=name)
    if not model:
        raise RuntimeError(f"training {name} produced no model")
    return Path(model)


def rasa_parser(model: Path) -> Parser:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    def parse(texts: Sequence[str]) -> List[Dict[str, Any]]:
        async def run() -> List[Dict[str, Any]]:
            return [await agent.parse_message(t) for t in texts]

        return asyncio.run(run())

    return parse


def tfidf_parser(examples: Sequence[Tuple[str, str]]) -> Parser:
    """(c): word 1-2 grams + char_wb 2-5 grams, sublinear TF-IDF, LogisticRegression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    model = make_pipeline(
        make_union(
            TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, lowercase=True),
            TfidfVectorizer(
                analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, lowercase=True
            ),
        ),
        LogisticRegression(C=10.0, max_iter=3000),
    )
    model.fit([t for t, _ in examples], [i for _, i in examples])
    classes = list(model.classes_)

    def parse(texts: Sequence[str]) -> List[Dict[str, Any]]:
        out = []
        for probs in model.predict_proba(list(texts)):
            ranking = sorted(zip(classes, probs), key=lambda x: -x[1])
            out.append(
                {
                    "intent": {"name": ranking[0][0], "confidence": float(ranking[0][1])},
                    "intent_ranking": [{"name": n, "confidence": float(c)} for n, c in ranking],
                }
            )
        return out

    return parse


def answers_plain(texts: Sequence[str], parses: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Answers for (b) and (c): topic = first topic intent; urgent = a danger topic."""
    from assistant.topics import top_topic

    out = []
    for text, parse in zip(texts, parses):
        topic, conf = top_topic(parse)
        topic = topic or "out_of_scope_other"
        urgent = topic in URGENT_TOPICS
        out.append(
            {
                "text": text,
                "topic": topic,
                "urgent": urgent,
                # What a plain classifier's answer is to the resident: help lines for a danger
                # topic, "not our subject" for an out-of-scope one, else an answer on the topic.
                "answer_kind": "urgent" if urgent else (
                    "out_of_scope" if topic.startswith("out_of_scope") else "answer"),
                "options": [],
                "handoff": False,
                "ladder": None,
                "confidence": conf,
                "ms": 0.0,
            }
        )
    return out


def answers_project(texts: Sequence[str], parses: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Answers for (a): what the assistant really decides (assistant.decisions.decide)."""
    from actions.common import catalogue
    from assistant.decisions import decide
    from evaluation.evaluate import handoff_reasons
    from knowledge import get_glossary

    cat, glossary = catalogue(), get_glossary()
    out = []
    for text, parse in zip(texts, parses):
        d = decide(text, parse, cat, glossary)
        out.append(
            {
                "text": text,
                "topic": d.topic or "out_of_scope_other",
                "urgent": d.urgent,
                "handoff": d.handoff,
                "handoff_reasons": handoff_reasons(d),
                "ladder": d.ladder,
                "answer_kind": d.answer_kind,
                "options": list(d.options),
                "confidence": d.confidence,
                "ms": 0.0,
            }
        )
    return out


# --- scoring -----------------------------------------------------------------------------------
def headline(
    questions: Sequence[Any], answers: Sequence[Dict[str, Any]], urgent_known: bool = True
) -> Dict[str, Optional[float]]:
    """Topic accuracy, macro-F1, out-of-scope recall, urgent recall (None when there is no gold)."""
    from evaluation.evaluate import score

    s = score(questions, answers)
    has_oos = any(q.topic.startswith("out_of_scope") for q in questions)
    has_urgent = urgent_known and any(q.ladder == "urgent" for q in questions)
    return {
        "n": s["n"],
        "topic_accuracy": s["topic_accuracy"],
        "topic_macro_f1": s["topic_macro_f1"],
        "out_of_scope_recall": s["out_of_scope_recall"] if has_oos else None,
        "urgent_recall": s["urgent_recall"] if has_urgent else None,
        "urgent_precision": s["urgent_precision"] if has_urgent else None,
        "handoff_recall": s["handoff_recall"] if urgent_known else None,
        "handoff_precision": s["handoff_precision"] if urgent_known else None,
        "right_first_time": s["right_first_time"],
        "wrong_answer": s["wrong_answer"],
        "non_social_as_social": s["non_social_as_social"] if has_oos else None,
    }


def mean_dicts(rows: Sequence[Dict[str, Optional[float]]]) -> Dict[str, Optional[float]]:
    out: Dict[str, Optional[float]] = {}
    for key in rows[0]:
        vals = [r[key] for r in rows if r[key] is not None]
        out[key] = round(sum(vals) / len(vals), 4) if vals else None
    out["n"] = sum(r["n"] or 0 for r in rows)
    return out


def run(
    workdir: Path,
    stock_dir: Path,
    k: int = 5,
    cv_diet_epochs: Optional[int] = None,
    full_diet_epochs: Optional[int] = None,
    log: Callable[[str], None] = print,
) -> Tuple[Dict[str, Any], List[Figure]]:
    """Train, predict and score all three contenders; returns raw results and table rows."""
    from assistant.topics import TOPICS
    from evaluation.evaluate import Question, handoff_by_kind, load_questions

    examples = load_nlu_examples()
    sets = {"dev": load_questions(DEV_QUESTIONS), "own": load_questions(OWN_QUESTIONS),
            "calibration": load_questions(CALIBRATION_QUESTIONS),
            "frozen": load_questions(FROZEN_QUESTIONS)}
    project_cfg = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    project_cfg.pop("policies", None)
    contenders: Dict[str, Tuple[Callable[[List[Tuple[str, str]], str, bool], Parser], Callable]] = {
        # The full project model is the one `make train` built from the same config and data.
        "project": (
            lambda ex, name, cv: rasa_parser(
                PROJECT_MODEL
                if not cv and PROJECT_MODEL.exists()
                else train_rasa_nlu(project_cfg, ex, workdir, name)
            ),
            answers_project,
        ),
        "stock": (
            lambda ex, name, cv: rasa_parser(
                train_rasa_nlu(
                    stock_config(stock_dir, cv_diet_epochs if cv else full_diet_epochs),
                    ex,
                    workdir,
                    name,
                )
            ),
            answers_plain,
        ),
        "tfidf": (lambda ex, name, cv: tfidf_parser(ex), answers_plain),
    }
    results: Dict[str, Any] = {
        "examples": len(examples),
        "folds": k,
        "cv_diet_epochs": cv_diet_epochs,
        "project_full_model": str(PROJECT_MODEL) if PROJECT_MODEL.exists() else "trained",
        "full_diet_epochs": full_diet_epochs or "default (100)",
        "contenders": {},
    }
    topic_idx = [i for i, (_, intent) in enumerate(examples) if intent in TOPICS]
    split = folds([i for _, i in examples], k) if k >= 2 else []
    for name, (train, to_answers) in contenders.items():
        res: Dict[str, Any] = {}
        t0 = time.perf_counter()
        parser = train(list(examples), f"{name}-full", False)
        res["train_s"] = round(time.perf_counter() - t0, 1)
        for set_name, qs in sets.items():
            texts = [q.text for q in qs]
            answers = to_answers(texts, parser(texts))
            res[set_name] = headline(qs, answers)
            if name == "project":
                results.setdefault("handoff_by_kind", {})[set_name] = handoff_by_kind(qs, answers)
        log(f"  quality {name}: trained in {res['train_s']} s; dev {res['dev']}")
        fold_rows = []
        for f, (tr, te) in enumerate(split):
            te = [i for i in te if i in set(topic_idx)]
            p = train([examples[i] for i in tr], f"{name}-fold{f}", True)
            qs = [Question(examples[i][0], examples[i][1], "n/a", False) for i in te]
            texts = [q.text for q in qs]
            fold_rows.append(headline(qs, to_answers(texts, p(texts)), urgent_known=False))
        if fold_rows:
            res["cv"] = mean_dicts(fold_rows)
            res["cv_folds"] = fold_rows
            log(f"  quality {name}: cv {res['cv']}")
        res["total_s"] = round(time.perf_counter() - t0, 1)
        results["contenders"][name] = res
    results["safety"] = safety_results(PROJECT_MODEL if PROJECT_MODEL.exists() else None)
    return results, figures(results)


def safety_results(model: Optional[Path]) -> Dict[str, Any]:
    """The danger detector (rules, classifier, NLU intent) on the team's and the frozen messages."""
    from evaluation.evaluate_safety import evaluate, load

    out = {}
    for name, path in SAFETY_SETS.items():
        r = evaluate(load(path), model)
        out[name] = {k: v for k, v in r.items() if k not in ("missed", "alarms")}
    return out


def safety_figures(results: Dict[str, Any]) -> List[Figure]:
    """Urgent recall per kind and close-call alarms; goals from the safety issue (all urgent
    messages get a help line, at most 10% of close calls do)."""
    rows: List[Figure] = []
    for name, label in (("own", "safety messages (team)"),
                        ("calibration", "safety messages calibration"),
                        ("frozen", "safety messages frozen")):
        r = (results.get("safety") or {}).get(name)
        if not r:
            continue
        rows.append(Figure("quality", f"{label} urgent recall", r["urgent_recall"],
                           goal=Goal(">=", 1.0, "= 1.0")))
        rows.append(Figure("quality", f"{label} urgent precision", r.get("urgent_precision")))
        rows.append(Figure("quality", f"{label} close-call alarm rate", r["near_miss_alarm_rate"],
                           goal=Goal("<=", 0.10, "≤ 0.10")))
        for kind, value in r["per_kind_recall"].items():
            rows.append(Figure("quality", f"{label} recall {kind}", value))
    return rows


def handoff_figures(results: Dict[str, Any]) -> List[Figure]:
    """The project's handoff recall per kind of case (topic) and precision per reason it gave,
    on dev, calibration and frozen (goal from the safety issue: recall at least 0.9 overall)."""
    rows: List[Figure] = []
    labels = {"dev": "dev_questions", "calibration": "calibration", "frozen": "frozen test"}
    for set_name, kinds in (results.get("handoff_by_kind") or {}).items():
        if set_name not in labels:
            continue
        for topic, v in kinds["recall_per_topic"].items():
            rows.append(Figure("quality", f"{labels[set_name]} handoff recall {topic}", v["recall"],
                               note=f"n={v['n']}"))
        for reason, v in kinds["precision_per_reason"].items():
            rows.append(Figure("quality", f"{labels[set_name]} handoff precision '{reason}'",
                               v["precision"], note=f"n={v['n']}"))
    return rows


def figures(results: Dict[str, Any]) -> List[Figure]:
    """Table rows: every metric of every contender; the project's row carries the goal
    'at least as good as the better of stock and TF-IDF' (the reason to have a custom pipeline)."""
    rows: List[Figure] = safety_figures(results) + handoff_figures(results)
    c = results["contenders"]
    epochs = results.get("cv_diet_epochs")
    for set_name, label in (
        ("dev", "dev_questions"),
        ("own", "tests/data/questions"),
        ("calibration", "calibration (dev_resident)"),
        ("frozen", "frozen test (never tuned on)"),
        ("cv", "cross-val"),
    ):
        for metric in ("topic_accuracy", "topic_macro_f1", "out_of_scope_recall", "urgent_recall",
                       "urgent_precision", "handoff_recall", "handoff_precision",
                       "right_first_time", "wrong_answer", "non_social_as_social"):
            if not any(set_name in c[n] for n in c):
                continue
            vals = {n: (c[n].get(set_name) or {}).get(metric) for n in c}
            if all(v is None for v in vals.values()) and not (set_name == "cv"
                                                               and metric == "urgent_recall"):
                continue  # e.g. right-first-time needs question files, not training folds
            others = [v for n, v in vals.items() if n != "project" and v is not None]
            lower_is_better = metric in ("wrong_answer", "non_social_as_social")
            goal = (Goal("<=", min(others), "≤ best of stock/tfidf") if lower_is_better
                    else Goal(">=", max(others), "≥ best of stock/tfidf")) if others else None
            note = "stock {} · tfidf {}".format(_f(vals.get("stock")), _f(vals.get("tfidf")))
            if set_name == "cv":
                note += f" · {results['folds']} folds"
                if epochs:
                    note += f", stock DIET {epochs} epochs in folds (default 100)"
                if metric == "urgent_recall":
                    note = "no urgency labels in training data"
            if vals.get("project") is None and metric == "urgent_recall" and set_name == "cv":
                rows.append(Figure("quality", f"{label} {metric}", None, note=note))
                continue
            rows.append(
                Figure(
                    "quality",
                    f"{label} {metric} (project)",
                    vals.get("project"),
                    goal=goal,
                    note=note,
                )
            )
    return rows


def _f(v: Optional[float]) -> str:
    return "n/a" if v is None else f"{v:.3f}"
