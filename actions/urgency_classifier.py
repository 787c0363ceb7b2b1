"""A learned second opinion on danger, beside the reviewed phrase rules of the safety detector.

Why: phrase rules catch what their authors thought of. Residents describe danger in ways no list
foresees: as a life story without the word "zelfmoord", as a memory of kicks and strangling, as
"hij houdt mijn telefoon bij". A small text classifier trained on varied examples generalises over
such wording. It only ever *adds* urgency: :func:`actions.safety_detector.detect` treats a message
as urgent when the rules *or* this model fire, so recall can only go up.

Design choices, each with the reason:

* **Pure and small.** scikit-learn only (it ships with Rasa); no rasa imports, because the
  detector runs inside the Rasa server's policy, the action server and the evaluation CLI.
* **Data in a data file.** Examples live in ``actions/data/urgency_examples.yml`` so reviewers can
  read and extend them without touching code.
* **Trained at first use, cached.** A few hundred examples train in well under a second, so no
  pickled model has to be shipped, versioned or trusted. Training is deterministic
  (fixed ``random_state``; liblinear and TF-IDF have no other randomness).
* **Two models on one feature space.** A binary model decides *urgent or not* from all urgent
  examples pooled (more data for the decision that matters), and a multinomial model names the
  likeliest kind among urgent examples only (so "none" never competes with the kinds).
* **Word and character n-grams.** Words carry meaning ("houdt telefoon bij"); character n-grams
  survive typos and chat spelling ("zelfmoort", "mn vriend", "kzie").
* **Long messages are read in windows.** A danger sentence in the middle of a long story about
  something else would be diluted in one vector; overlapping word windows keep it visible, and
  the most urgent window decides.
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np
import yaml

__all__ = [
    "DATA_FILE",
    "THRESHOLD",
    "UNSURE_KIND",
    "Prediction",
    "load_examples",
    "predict",
    "cross_validate",
    "choose_threshold",
]

DATA_FILE: Path = Path(__file__).resolve().parent / "data" / "urgency_examples.yml"
NOT_URGENT_LABEL = "none"

#: Probability of "urgent" at or above which the classifier fires.
#: Chosen by ``python -m actions.urgency_classifier cv`` (5-fold stratified CV on the data file,
#: out-of-fold probabilities): the highest threshold on a 0.05 grid at which the phrase rules
#: *or* the classifier still find at least ``TARGET_RECALL`` of the urgent examples (see
#: :func:`choose_threshold`). Re-run the CV and update this value when the data file changes;
#: a unit test fails when the CV choice drifts more than 0.1 from this constant.
THRESHOLD: float = 0.45
#: Below this probability of the likeliest kind, the second likeliest kind is added as well
#: (its help line costs one extra line; a wrong single line could cost the right one).
UNSURE_KIND: float = 0.5
#: Recall the threshold is chosen for: recall first, a false alarm costs one extra message. But
#: an alarm on an everyday question replaces its answer by help lines: at 0.95 (threshold 0.30)
#: 13 of the 174 non-urgent questions of the team's own question files raised one, at 0.93
#: (threshold 0.45) 11, while every urgent question there was still found.
TARGET_RECALL: float = 0.93

# Long messages are scored in overlapping word windows (the most urgent window counts).
_WINDOW_WORDS = 30
_WINDOW_STEP = 15
_RANDOM_STATE = 0
# Fewer words than this after the safe negations are removed: no evidence for a learned judgement.
_MIN_WORDS = 4


@dataclass(frozen=True)
class Prediction:
    """The classifier's view of one message.

    ``probability`` is P(urgent); ``kind`` is the likeliest urgent kind (always set, so a caller
    that decides urgency by its own threshold still knows which help line fits).
    """

    probability: float
    kind: str
    kind_probability: float
    #: The second likeliest kind: the detector adds it when ``kind_probability`` is low, so an
    #: unsure kind still brings the help line of the runner-up.
    second_kind: str = ""

    @property
    def urgent(self) -> bool:
        """True when the probability reaches the cross-validated :data:`THRESHOLD`."""
        return self.probability >= THRESHOLD


# Ordinary resident questions (the NLU's own training data) teach the classifier what everyday
# messages look like: without them a question about household help after a new hip looked more
# like coercive control than like anything it knew. The two crisis intents are left out: some
# of their examples are danger.
NLU_DATA: Path = Path(__file__).resolve().parents[1] / "nlu" / "data"
_CRISIS_INTENTS = frozenset({"psychische_problemen_crisis", "huiselijk_geweld_veiligheid"})


def ordinary_examples(folder: Path = NLU_DATA) -> List[str]:
    """Every NLU training example of an intent that is not about a crisis."""
    out: List[str] = []
    for path in sorted(folder.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or ():
            if not isinstance(block, dict) or block.get("intent") in (None, *_CRISIS_INTENTS):
                continue
            for line in str(block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- ") and len(line) > 3:
                    out.append(line[2:].strip())
    return out


def load_examples(path: Path = DATA_FILE, ordinary: bool = True) -> Tuple[List[str], List[str]]:
    """Texts and labels (an urgent kind or ``"none"``) from the data file, in file order, then
    the ordinary questions (see :func:`ordinary_examples`)."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    texts: List[str] = []
    labels: List[str] = []
    for kind, examples in (data.get("urgent") or {}).items():
        for text in examples or ():
            texts.append(str(text))
            labels.append(str(kind))
    for text in data.get("not_urgent") or ():
        texts.append(str(text))
        labels.append(NOT_URGENT_LABEL)
    if ordinary:
        known = set(texts)
        for text in ordinary_examples():
            if text not in known:
                known.add(text)
                texts.append(text)
                labels.append(NOT_URGENT_LABEL)
    return texts, labels


def _prepare(text: str) -> str:
    # The form the phrase rules read: canonical spelling, safe negations and idioms removed.
    from actions.safety_detector import neutralised

    return neutralised(text)


def _vectoriser() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    return FeatureUnion([
        ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=1,
                                  sublinear_tf=True, token_pattern=r"(?u)\b\w+\b")),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2,
                                  sublinear_tf=True, max_features=60000)),
    ])


@dataclass(frozen=True)
class _Fast:
    """The fitted models flattened into plain lookups, for one message at a time.

    Why: scikit-learn's ``transform``/``predict_proba`` cost about 2 ms per single message in
    input validation and sparse-matrix set-up, and the detector runs on every message inside the
    Rasa server. The linear models only need, per n-gram, its column and IDF weight; this does
    exactly the same arithmetic (a unit test compares it with scikit-learn) in a tenth of the time.
    """

    blocks: Tuple[Tuple[Any, Dict[str, int], np.ndarray, int], ...]  # analyzer, vocab, idf, offset
    urgency_coef: np.ndarray      # (n_features,)
    urgency_intercept: float
    kinds_coef: np.ndarray        # (n_kinds, n_features)
    kinds_intercept: np.ndarray   # (n_kinds,)


@dataclass(frozen=True)
class _Model:
    vectoriser: Any
    urgency: Any           # binary LogisticRegression: classes [False, True]
    kinds: Any             # one-vs-rest LogisticRegression over urgent kinds
    kind_labels: Tuple[str, ...]
    fast: _Fast


def _fit(texts: Sequence[str], labels: Sequence[str]) -> _Model:
    from sklearn.linear_model import LogisticRegression

    prepared = [_prepare(t) for t in texts]
    vec = _vectoriser()
    x = vec.fit_transform(prepared)
    y_urgent = np.array([lab != NOT_URGENT_LABEL for lab in labels])
    urgency = LogisticRegression(C=10.0, class_weight="balanced", max_iter=2000,
                                 solver="liblinear", random_state=_RANDOM_STATE)
    urgency.fit(x, y_urgent)
    idx = np.flatnonzero(y_urgent)
    kind_y = np.array(labels)[idx]
    kinds = LogisticRegression(C=10.0, solver="liblinear", max_iter=2000,
                               random_state=_RANDOM_STATE)
    kinds.fit(x[idx], kind_y)
    return _Model(vec, urgency, kinds, tuple(str(c) for c in kinds.classes_),
                  _flatten(vec, urgency, kinds))


def _flatten(vec: Any, urgency: Any, kinds: Any) -> _Fast:
    blocks = []
    offset = 0
    for _, tfidf in vec.transformer_list:
        blocks.append((tfidf.build_analyzer(), dict(tfidf.vocabulary_), tfidf.idf_.copy(), offset))
        offset += len(tfidf.vocabulary_)
    sign = 1.0 if list(urgency.classes_).index(True) == 1 else -1.0
    return _Fast(tuple(blocks), sign * urgency.coef_[0].copy(), sign * float(urgency.intercept_[0]),
                 kinds.coef_.copy(), kinds.intercept_.copy())


def _fast_score(fast: _Fast, labels: Tuple[str, ...], prepared: str) -> Prediction:
    """Same result as :func:`_score` for one window, without scikit-learn's per-call overhead."""
    cols: List[int] = []
    vals: List[float] = []
    for analyzer, vocab, idf, offset in fast.blocks:
        counts: Dict[int, int] = {}
        for gram in analyzer(prepared):
            j = vocab.get(gram)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        if not counts:
            continue
        js = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        w = (1.0 + np.log(tf)) * idf[js]             # sublinear tf times idf
        w /= np.sqrt(np.dot(w, w))                    # l2 per block, as FeatureUnion does
        cols.extend((js + offset).tolist())
        vals.extend(w.tolist())
    if cols:
        c = np.asarray(cols, dtype=np.int64)
        v = np.asarray(vals, dtype=np.float64)
        z = float(np.dot(fast.urgency_coef[c], v)) + fast.urgency_intercept
        zk = fast.kinds_coef[:, c] @ v + fast.kinds_intercept
    else:
        z = fast.urgency_intercept
        zk = fast.kinds_intercept.copy()
    p = 1.0 / (1.0 + np.exp(-z))
    pk = 1.0 / (1.0 + np.exp(-zk))                    # one-vs-rest, normalised like sklearn
    pk /= pk.sum()
    k, k2 = (int(i) for i in np.argsort(-pk, kind="stable")[:2])
    return Prediction(float(p), labels[k], float(pk[k]), labels[k2])


@lru_cache(maxsize=1)
def _model() -> _Model:
    """Train once per process from the data file, on first use (nothing happens at import)."""
    return _fit(*load_examples())


_SENTENCE_END = re.compile(r"[.!?;\n]+")


def _windows(prepared: str) -> List[str]:
    words = prepared.split()
    if len(words) <= _WINDOW_WORDS + _WINDOW_STEP:
        return [prepared]
    out = [" ".join(words[i:i + _WINDOW_WORDS])
           for i in range(0, len(words) - _WINDOW_STEP, _WINDOW_STEP)]
    return out or [prepared]


def _pieces(text: str) -> List[str]:
    """Prepared pieces of a long message: its sentences (short ones joined), long ones windowed.

    Why sentences: residents who bury danger in a long message usually give it a sentence of
    its own; scored alone, that sentence is not diluted by the rest of the story.
    """
    out: List[str] = []
    buf = ""
    for raw in _SENTENCE_END.split(text):
        piece = _prepare(raw)
        if not piece:
            continue
        buf = f"{buf} {piece}".strip()
        if len(buf.split()) >= _MIN_WORDS * 2:
            out.extend(_windows(buf))
            buf = ""
    if buf:
        out.extend(_windows(buf))
    return out


def _score(model: _Model, texts: Sequence[str]) -> List[Prediction]:
    """Predictions for already prepared texts (windows of long texts handled here)."""
    spans: List[Tuple[int, int]] = []
    flat: List[str] = []
    for t in texts:
        w = _windows(t)
        spans.append((len(flat), len(flat) + len(w)))
        flat.extend(w)
    x = model.vectoriser.transform(flat)
    p_urgent = model.urgency.predict_proba(x)[:, list(model.urgency.classes_).index(True)]
    p_kinds = model.kinds.predict_proba(x)
    out: List[Prediction] = []
    for start, end in spans:
        best = start + int(np.argmax(p_urgent[start:end]))
        k, k2 = (int(i) for i in np.argsort(-p_kinds[best], kind="stable")[:2])
        out.append(Prediction(float(p_urgent[best]), model.kind_labels[k], float(p_kinds[best, k]),
                              model.kind_labels[k2]))
    return out


def predict(text: str) -> Prediction:
    """P(urgent) and the likeliest kind for one message; empty text is never urgent."""
    prepared = _prepare(text) if isinstance(text, str) else ""
    if len(prepared.split()) < _MIN_WORDS:
        # Too little left to judge (or only a safe negation): the phrase rules decide alone.
        return Prediction(0.0, NOT_URGENT_LABEL, 0.0, NOT_URGENT_LABEL)
    model = _model()
    if len(prepared.split()) <= _WINDOW_WORDS + _WINDOW_STEP:
        return _fast_score(model.fast, model.kind_labels, prepared)
    pieces = [p for p in _pieces(text) if len(p.split()) >= _MIN_WORDS] or [prepared]
    scored = _score(model, pieces)
    return max(scored, key=lambda pr: pr.probability)


# ------------------------------------------------------------------------------ cross-validation

def choose_threshold(y_urgent: Sequence[bool], p_urgent: Sequence[float],
                     rules_fired: Optional[Sequence[bool]] = None,
                     target_recall: float = TARGET_RECALL) -> float:
    """Highest threshold (on a 0.05 grid) at which rules-or-classifier recall >= target.

    Why combined: the classifier never works alone in production, it sits beside the phrase
    rules; the threshold should be as strict as possible while the pair still finds the target
    share of urgent messages, so that false alarms stay as few as recall allows.
    """
    y = np.asarray(y_urgent, dtype=bool)
    p = np.asarray(p_urgent, dtype=float)
    r = np.zeros_like(y) if rules_fired is None else np.asarray(rules_fired, dtype=bool)
    best = 0.05
    for t in np.arange(0.05, 0.951, 0.05):
        fired = (p >= t) | r
        recall = float(fired[y].mean()) if y.any() else 1.0
        if recall >= target_recall:
            best = float(round(t, 2))
    return best


def cross_validate(k: int = 5, seed: int = _RANDOM_STATE,
                   threshold: Optional[float] = None) -> Dict[str, Any]:
    """Out-of-fold figures for the classifier alone, the rules alone, and both combined.

    Per kind: ``recall`` = share of that kind's examples found urgent; ``kind_recall`` = share
    also given the right kind; ``precision`` = share of messages the classifier names that kind
    (and finds urgent) that really are of that kind. ``false_alarm_rate`` is over the not-urgent
    examples. The rules are not trained, so their figures are simply measured on all examples.
    """
    from sklearn.model_selection import StratifiedKFold

    from actions.safety_detector import detect_rules_only

    texts, labels = load_examples()
    lab = np.array(labels)
    y = lab != NOT_URGENT_LABEL
    p = np.zeros(len(texts))
    kind_pred = np.empty(len(texts), dtype=object)
    folds = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    for train, test in folds.split(texts, lab):
        model = _fit([texts[i] for i in train], [labels[i] for i in train])
        preds = _score(model, [_prepare(texts[i]) for i in test])
        for i, pr in zip(test, preds):
            p[i] = pr.probability
            kind_pred[i] = pr.kind
    rules = np.array([detect_rules_only(tx).urgent for tx in texts])
    chosen = choose_threshold(y, p, rules)
    t = chosen if threshold is None else threshold
    clf = p >= t
    both = clf | rules

    def block(fired: np.ndarray) -> Dict[str, float]:
        tp = int((fired & y).sum())
        fp = int((fired & ~y).sum())
        return {"recall": tp / max(1, int(y.sum())),
                "precision": tp / max(1, tp + fp),
                "false_alarm_rate": fp / max(1, int((~y).sum()))}

    per_kind: Dict[str, Dict[str, float]] = {}
    for kind in sorted(set(labels) - {NOT_URGENT_LABEL}):
        m = lab == kind
        named = clf & (kind_pred == kind)
        per_kind[kind] = {
            "n": int(m.sum()),
            "recall": float(clf[m].mean()),
            "kind_recall": float((clf[m] & (kind_pred[m] == kind)).mean()),
            "precision": float((lab[named] == kind).mean()) if named.any() else 0.0,
            "rules_recall": float(rules[m].mean()),
            "combined_recall": float(both[m].mean()),
        }
    return {
        "k": k, "threshold": t, "chosen_threshold": chosen, "n": len(texts),
        "classifier": block(clf), "rules": block(rules), "combined": block(both),
        "per_kind": per_kind,
        "false_alarms": [texts[i] for i in np.flatnonzero(clf & ~y)],
        "combined_false_alarms": [texts[i] for i in np.flatnonzero(both & ~y)],
        "missed": [texts[i] for i in np.flatnonzero(y & ~both)],
    }


def _print_report(r: Dict[str, Any], verbose: bool) -> None:
    print(f"{r['k']}-fold CV on {r['n']} examples; threshold {r['threshold']:.2f} "
          f"(CV choice for recall >= {TARGET_RECALL:.2f}: {r['chosen_threshold']:.2f}; "
          f"constant THRESHOLD = {THRESHOLD:.2f})")
    for name in ("classifier", "rules", "combined"):
        b = r[name]
        print(f"  {name:<10} recall={b['recall']:.3f} precision={b['precision']:.3f} "
              f"false_alarm_rate={b['false_alarm_rate']:.3f}")
    print(f"  {'kind':<20}{'n':>4}{'recall':>9}{'kind_rec':>10}{'precision':>11}"
          f"{'rules':>8}{'combined':>10}")
    for kind, v in r["per_kind"].items():
        print(f"  {kind:<20}{v['n']:>4}{v['recall']:>9.3f}{v['kind_recall']:>10.3f}"
              f"{v['precision']:>11.3f}{v['rules_recall']:>8.3f}{v['combined_recall']:>10.3f}")
    if verbose:
        for title, key in (("classifier false alarms", "false_alarms"),
                           ("combined false alarms", "combined_false_alarms"),
                           ("missed by both", "missed")):
            print(f"\n{title} ({len(r[key])}):")
            for t in r[key]:
                print("   -", t)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``python -m actions.urgency_classifier cv [-k 5] [-v]`` prints the CV report."""
    ap = argparse.ArgumentParser(prog="python -m actions.urgency_classifier")
    sub = ap.add_subparsers(dest="cmd", required=True)
    cv = sub.add_parser("cv", help="k-fold cross-validation on the data file")
    cv.add_argument("-k", type=int, default=5)
    cv.add_argument("-v", "--verbose", action="store_true", help="list false alarms and misses")
    cv.add_argument("--threshold", type=float, default=None,
                    help="evaluate at this threshold instead of the CV choice")
    pr = sub.add_parser("predict", help="score one message")
    pr.add_argument("text")
    args = ap.parse_args(argv)
    if args.cmd == "cv":
        _print_report(cross_validate(args.k, threshold=args.threshold), args.verbose)
    else:
        print(predict(args.text))
    return 0


if __name__ == "__main__":
    sys.exit(main())
