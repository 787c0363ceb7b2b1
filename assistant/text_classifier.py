"""The shared machinery of the small learned text classifiers beside the phrase rules.

Why one module: the danger classifier (:mod:`assistant.urgency_classifier`) and the classifier
that decides who needs a person (:mod:`assistant.handoff_classifier`) are the same kind of model
with different data. One implementation means one place to fix, one fast path to test against
scikit-learn, and the same behaviour for both: a change in windowing or in the threshold search
cannot silently make one of them differ from the other.

The model, and why each part:

* **Word and character n-grams (TF-IDF).** Words carry meaning ("deurwaarder aan de deur");
  character n-grams survive typos and chat spelling ("deurwaardr", "mn", "kzie").
* **Two logistic regressions on one feature space.** A binary model decides *yes or no* from all
  positive examples pooled (more data for the decision that matters); a one-vs-rest model names
  the likeliest kind among positive examples only (so "none" never competes with the kinds).
* **Deterministic.** Fixed ``random_state``; liblinear and TF-IDF have no other randomness, so
  the same data file always gives the same model and the same cross-validated threshold.
* **Long messages in pieces.** A decisive sentence in the middle of a long story is diluted in
  one vector; its sentences (short ones joined) and overlapping word windows keep it visible,
  and the highest piece decides.
* **A flat fast path.** scikit-learn's per-call validation costs about 2 ms per message and the
  classifiers run on every message; :meth:`TextClassifier.fast_score` does the same arithmetic
  on plain lookups (a unit test compares the two). Its TF-IDF part (:func:`tfidf_blocks`,
  :func:`tfidf_vector`) is also the fast path of the NLU's intent classifier
  (``nlu/tfidf_intent_classifier.py``).

Pure: numpy, scikit-learn and PyYAML only (they ship with Rasa), no rasa imports, nothing
trained or read at import.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Collection, Dict, Iterable, List, Optional, Sequence, Tuple, Type

import numpy as np
import yaml

from assistant.message import SENTENCE_END

__all__ = [
    "Scores",
    "FastModel",
    "Model",
    "TfidfBlock",
    "tfidf_blocks",
    "tfidf_vector",
    "TextClassifier",
    "NLU_DATA",
    "nlu_examples",
    "choose_threshold",
    "binary_figures",
    "print_report",
    "main",
]

_RANDOM_STATE = 0

#: One TfidfVectorizer of a FeatureUnion, flattened: its analyzer (preprocessing, accents and
#: tokenising included), vocabulary, idf and the offset of its first column in the union.
TfidfBlock = Tuple[Callable[[str], List[str]], Dict[str, int], np.ndarray, int]

#: The NLU's own training data: resident messages of every intent, the classifiers' source of
#: what everyday messages look like.
NLU_DATA: Path = Path(__file__).resolve().parents[1] / "nlu" / "data"


def nlu_examples(exclude: Collection[str] = (), folder: Path = NLU_DATA,
                 skip_files: Collection[str] = ()) -> List[str]:
    """Every NLU training example, in file order, except those of the ``exclude`` intents and
    those in the files named in ``skip_files``."""
    out: List[str] = []
    for path in sorted(folder.glob("*.yml")):
        if path.name in skip_files:
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or ():
            if not isinstance(block, dict) or block.get("intent") in (None, *exclude):
                continue
            for line in str(block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- ") and len(line) > 3:
                    out.append(line[2:].strip())
    return out


def labelled_examples(path: Path, positives: str, negatives: str, negative_label: str,
                      extra_negatives: Callable[[], Iterable[str]] = lambda: (),
                      known: Optional[Collection[str]] = None) -> Tuple[List[str], List[str]]:
    """Texts and labels of a data file: each kind under ``positives`` with its examples, then
    the close calls under ``negatives``, then ``extra_negatives()`` not already in the file.

    ``known`` (when given) are the kinds the file may use; another kind is a typo in review.
    """
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    texts: List[str] = []
    labels: List[str] = []
    for kind, examples in (data.get(positives) or {}).items():
        if known is not None and kind not in known:
            raise ValueError(f"{path}: unknown {positives} kind {kind!r}")
        for text in examples or ():
            texts.append(str(text))
            labels.append(str(kind))
    for text in data.get(negatives) or ():
        texts.append(str(text))
        labels.append(negative_label)
    seen = set(texts)
    for text in extra_negatives():
        if text not in seen:
            seen.add(text)
            texts.append(text)
            labels.append(negative_label)
    return texts, labels


@dataclass(frozen=True)
class Scores:
    """One message as a classifier sees it.

    ``probability`` is P(positive); ``kind`` is the likeliest positive kind (always set, so a
    caller that decides by its own threshold still knows which kind it would be);
    ``second_kind`` is the runner-up, for callers that act on an unsure kind.
    """

    probability: float
    kind: str
    kind_probability: float
    second_kind: str = ""


@dataclass(frozen=True)
class FastModel:
    """The fitted models flattened into plain lookups, for one message at a time."""

    blocks: Tuple[TfidfBlock, ...]  # analyzer, vocab, idf, offset (:func:`tfidf_blocks`)
    binary_coef: np.ndarray       # (n_features,), oriented so that positive means "yes"
    binary_intercept: float
    kinds_coef: np.ndarray        # (n_kinds, n_features)
    kinds_intercept: np.ndarray   # (n_kinds,)

    @property
    def urgency_coef(self) -> np.ndarray:
        """The binary weights under the name the urgency classifier's tests have always used."""
        return self.binary_coef


@dataclass(frozen=True)
class Model:
    """A fitted classifier: the scikit-learn objects and their flat fast copy."""

    vectoriser: Any
    binary: Any            # LogisticRegression, classes [False, True]
    kinds: Any             # one-vs-rest LogisticRegression over the positive kinds
    kind_labels: Tuple[str, ...]
    fast: FastModel


def _vectoriser() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    return FeatureUnion([
        ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=1,
                                  sublinear_tf=True, token_pattern=r"(?u)\b\w+\b")),
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2,
                                  sublinear_tf=True, max_features=60000)),
    ])


_NO_COLUMNS = np.zeros(0, dtype=np.int64)
_NO_VALUES = np.zeros(0, dtype=np.float64)


def tfidf_blocks(union: Any) -> Tuple[TfidfBlock, ...]:
    """The TfidfVectorizers of a fitted FeatureUnion as plain lookups for :func:`tfidf_vector`.

    Raises ValueError for a union :func:`tfidf_vector` would not reproduce exactly: only
    TfidfVectorizers with sublinear tf, idf and l2 norm, no weights, no binary counts.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    if getattr(union, "transformer_weights", None):
        raise ValueError("weighted FeatureUnion")
    blocks = []
    offset = 0
    for name, tfidf in union.transformer_list:
        if not isinstance(tfidf, TfidfVectorizer):
            raise ValueError(f"{name}: {type(tfidf).__name__} is not a TfidfVectorizer")
        if not (tfidf.sublinear_tf and tfidf.use_idf and tfidf.norm == "l2" and not tfidf.binary
                and np.dtype(tfidf.dtype) == np.float64):
            raise ValueError(f"{name}: only sublinear tf, idf, l2 norm, float64 are flattened")
        blocks.append((tfidf.build_analyzer(), dict(tfidf.vocabulary_), tfidf.idf_.copy(), offset))
        offset += len(tfidf.vocabulary_)
    return tuple(blocks)


def tfidf_vector(blocks: Sequence[TfidfBlock], text: str) -> Tuple[np.ndarray, np.ndarray]:
    """The union's row for one text as (columns, values), the arithmetic of scikit-learn's
    TfidfVectorizer (sublinear tf times idf, l2 per block, as FeatureUnion does) on dicts."""
    cols: List[np.ndarray] = []
    vals: List[np.ndarray] = []
    for analyzer, vocab, idf, offset in blocks:
        counts: Dict[int, int] = {}
        for gram in analyzer(text):
            j = vocab.get(gram)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        if not counts:
            continue
        js = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        w = (1.0 + np.log(tf)) * idf[js]             # sublinear tf times idf
        w /= np.sqrt(np.dot(w, w))                    # l2 per block, as FeatureUnion does
        cols.append(js + offset)
        vals.append(w)
    if not cols:
        return _NO_COLUMNS, _NO_VALUES
    if len(cols) == 1:
        return cols[0], vals[0]
    return np.concatenate(cols), np.concatenate(vals)


def _flatten(vec: Any, binary: Any, kinds: Any) -> FastModel:
    sign = 1.0 if list(binary.classes_).index(True) == 1 else -1.0
    return FastModel(tfidf_blocks(vec), sign * binary.coef_[0].copy(),
                     sign * float(binary.intercept_[0]), kinds.coef_.copy(), kinds.intercept_.copy())


@dataclass(frozen=True)
class TextClassifier:
    """One classifier's configuration; the model itself is fitted by :meth:`fit`.

    ``prepare`` turns raw text into the form the model reads (the same form as the rules beside
    it read); ``negative`` is the label of the examples that are *not* positive; ``result`` is
    the :class:`Scores` subclass the caller wants back (it adds the caller's threshold).
    ``whole_too``: for long messages also score the whole message, not only its pieces, for
    kinds that live in the sum of a story (several problems at once) rather than in a sentence.
    """

    prepare: Callable[[str], str]
    negative: str
    result: Type[Scores] = Scores
    whole_too: bool = False
    #: Fewer words than this after ``prepare``: no evidence for a learned judgement.
    min_words: int = 4
    window_words: int = 30
    window_step: int = 15
    #: Inverse regularisation strength of both logistic regressions.
    c: float = 10.0
    #: Train on the pieces of long negative examples too (see :meth:`_training_pieces`).
    train_pieces: bool = False

    # ------------------------------------------------------------------------------ training

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> Model:
        """Fit both models on raw texts and their labels (a kind, or :attr:`negative`)."""
        from sklearn.linear_model import LogisticRegression

        prepared, labels = self._training_pieces(texts, labels)
        vec = _vectoriser()
        x = vec.fit_transform(prepared)
        y = np.array([lab != self.negative for lab in labels])
        binary = LogisticRegression(C=self.c, class_weight="balanced", max_iter=2000,
                                    solver="liblinear", random_state=_RANDOM_STATE)
        binary.fit(x, y)
        idx = np.flatnonzero(y)
        kinds = LogisticRegression(C=self.c, solver="liblinear", max_iter=2000,
                                   random_state=_RANDOM_STATE)
        kinds.fit(x[idx], np.array(labels)[idx])
        return Model(vec, binary, kinds, tuple(str(c) for c in kinds.classes_),
                     _flatten(vec, binary, kinds))

    def _training_pieces(self, texts: Sequence[str],
                         labels: Sequence[str]) -> Tuple[List[str], List[str]]:
        """The prepared examples, and beside each long negative example its pieces too.

        Why: a long message is judged by its highest piece (see :meth:`predict`), so the model
        must know every piece of a long close call or plain story as negative; trained only on
        the whole story, it met those pieces for the first time at a resident's message. A
        positive example keeps only its whole text: its danger may sit in one piece alone.
        """
        out_texts: List[str] = []
        out_labels: List[str] = []
        for text, label in zip(texts, labels):
            prepared = self.prepare(text)
            out_texts.append(prepared)
            out_labels.append(label)
            if self.train_pieces and label == self.negative and self._in_pieces(len(prepared.split())):
                for piece in self.pieces(text):
                    if len(piece.split()) >= self.min_words and piece != prepared:
                        out_texts.append(piece)
                        out_labels.append(label)
        return out_texts, out_labels

    # ------------------------------------------------------------------------------- scoring

    def fast_score(self, fast: FastModel, labels: Tuple[str, ...], prepared: str) -> Scores:
        """Same result as :meth:`score` for one window, without scikit-learn's overhead."""
        c, v = tfidf_vector(fast.blocks, prepared)
        if c.size:
            z = float(np.dot(fast.binary_coef[c], v)) + fast.binary_intercept
            zk = fast.kinds_coef[:, c] @ v + fast.kinds_intercept
        else:
            z = fast.binary_intercept
            zk = fast.kinds_intercept.copy()
        p = 1.0 / (1.0 + np.exp(-z))
        pk = 1.0 / (1.0 + np.exp(-zk))                    # one-vs-rest, normalised like sklearn
        pk /= pk.sum()
        k, k2 = (int(i) for i in np.argsort(-pk, kind="stable")[:2])
        return self.result(float(p), labels[k], float(pk[k]), labels[k2])

    def _in_pieces(self, n_words: int) -> bool:
        """A text of this many words is long enough to be judged by its pieces, not as a whole."""
        return n_words > self.window_words + self.window_step

    def windows(self, prepared: str) -> List[str]:
        """Overlapping word windows of a long prepared text (the text itself when short)."""
        words = prepared.split()
        if not self._in_pieces(len(words)):
            return [prepared]
        out = [" ".join(words[i:i + self.window_words])
               for i in range(0, len(words) - self.window_step, self.window_step)]
        return out or [prepared]

    def pieces(self, text: str) -> List[str]:
        """Prepared pieces of a long message: its sentences (short ones joined), long ones
        windowed. Why sentences: residents who bury the point of a long message usually give
        it a sentence of its own; scored alone, that sentence is not diluted by the rest."""
        out: List[str] = []
        buf = ""
        for raw in SENTENCE_END.split(text):
            piece = self.prepare(raw)
            if not piece:
                continue
            buf = f"{buf} {piece}".strip()
            if len(buf.split()) >= self.min_words * 2:
                out.extend(self.windows(buf))
                buf = ""
        if buf:
            out.extend(self.windows(buf))
        return out

    def score(self, model: Model, prepared_texts: Sequence[str]) -> List[Scores]:
        """Scores for already prepared texts, each the highest of its windows."""
        spans: List[Tuple[int, int]] = []
        flat: List[str] = []
        for t in prepared_texts:
            w = self.windows(t)
            spans.append((len(flat), len(flat) + len(w)))
            flat.extend(w)
        x = model.vectoriser.transform(flat)
        p_yes = model.binary.predict_proba(x)[:, list(model.binary.classes_).index(True)]
        p_kinds = model.kinds.predict_proba(x)
        out: List[Scores] = []
        for start, end in spans:
            best = start + int(np.argmax(p_yes[start:end]))
            k, k2 = (int(i) for i in np.argsort(-p_kinds[best], kind="stable")[:2])
            out.append(self.result(float(p_yes[best]), model.kind_labels[k],
                                   float(p_kinds[best, k]), model.kind_labels[k2]))
        return out

    def predict(self, text: str, model: Callable[[], Model]) -> Scores:
        """Scores for one raw message; ``model`` is called only when there is text to judge
        (so tiny messages never trigger training). Empty or tiny text scores 0."""
        prepared = self.prepare(text) if isinstance(text, str) else ""
        if len(prepared.split()) < self.min_words:
            return self.result(0.0, self.negative, 0.0, self.negative)
        fitted = model()
        if not self._in_pieces(len(prepared.split())):
            return self.fast_score(fitted.fast, fitted.kind_labels, prepared)
        pieces = [p for p in self.pieces(text) if len(p.split()) >= self.min_words] or [prepared]
        scored = self.score(fitted, pieces)
        if self.whole_too:
            scored.append(self.fast_score(fitted.fast, fitted.kind_labels, prepared))
        return max(scored, key=lambda s: s.probability)

    # ------------------------------------------------------------------------ cross-validation

    def out_of_fold(self, texts: Sequence[str], labels: Sequence[str], k: int = 5,
                    seed: int = _RANDOM_STATE) -> Tuple[np.ndarray, np.ndarray]:
        """Out-of-fold P(positive) and likeliest kind per example (stratified k-fold)."""
        from sklearn.model_selection import StratifiedKFold

        p = np.zeros(len(texts))
        kind_pred = np.empty(len(texts), dtype=object)
        folds = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
        for train, test in folds.split(texts, np.array(labels)):
            model = self.fit([texts[i] for i in train], [labels[i] for i in train])
            for i, s in zip(test, self.score(model, [self.prepare(texts[i]) for i in test])):
                p[i] = s.probability
                kind_pred[i] = s.kind
        return p, kind_pred

    def cross_validate(self, texts: Sequence[str], labels: Sequence[str],
                       rules_fired: Sequence[bool], target_recall: float, k: int = 5,
                       seed: int = _RANDOM_STATE, threshold: Optional[float] = None) -> Dict[str, Any]:
        """Out-of-fold figures for the classifier alone, the rules alone, and both combined.

        The threshold is the CV choice for ``target_recall`` (see :func:`choose_threshold`)
        unless ``threshold`` is given. Per kind: ``recall`` = share of that kind's examples
        found positive; ``kind_recall`` = share also given the right kind; ``precision`` =
        share of messages the classifier names that kind (and finds positive) that really are
        of that kind. ``false_alarm_rate`` is over the negative examples. The rules are not
        trained, so their figures are simply measured on all examples.
        """
        p, kind_pred = self.out_of_fold(texts, labels, k, seed)
        lab = np.array(labels)
        y = lab != self.negative
        rules = np.asarray(rules_fired, dtype=bool)
        chosen = choose_threshold(y, p, rules, target_recall)
        t = chosen if threshold is None else threshold
        clf = p >= t
        both = clf | rules
        per_kind: Dict[str, Dict[str, float]] = {}
        for kind in sorted(set(labels) - {self.negative}):
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
            "target_recall": target_recall,
            "classifier": binary_figures(clf, y), "rules": binary_figures(rules, y),
            "combined": binary_figures(both, y),
            "per_kind": per_kind,
            "false_alarms": [texts[i] for i in np.flatnonzero(clf & ~y)],
            "combined_false_alarms": [texts[i] for i in np.flatnonzero(both & ~y)],
            "missed": [texts[i] for i in np.flatnonzero(y & ~both)],
        }


def choose_threshold(y: Sequence[bool], p: Sequence[float],
                     rules_fired: Optional[Sequence[bool]], target_recall: float) -> float:
    """Highest threshold (on a 0.05 grid) at which rules-or-classifier recall >= target.

    Why combined: a classifier never works alone in production, it sits beside phrase rules;
    the threshold should be as strict as possible while the pair still finds the target share
    of positive messages, so that false alarms stay as few as recall allows.
    """
    yy = np.asarray(y, dtype=bool)
    pp = np.asarray(p, dtype=float)
    r = np.zeros_like(yy) if rules_fired is None else np.asarray(rules_fired, dtype=bool)
    best = 0.05
    for t in np.arange(0.05, 0.951, 0.05):
        fired = (pp >= t) | r
        recall = float(fired[yy].mean()) if yy.any() else 1.0
        if recall >= target_recall:
            best = float(round(t, 2))
    return best


def binary_figures(fired: np.ndarray, y: np.ndarray) -> Dict[str, float]:
    """Recall over the positives, precision, and false-alarm rate over the negatives."""
    tp = int((fired & y).sum())
    fp = int((fired & ~y).sum())
    return {"recall": tp / max(1, int(y.sum())),
            "precision": tp / max(1, tp + fp),
            "false_alarm_rate": fp / max(1, int((~y).sum()))}


def print_report(r: Dict[str, Any], constant: float, verbose: bool = False) -> None:
    """The CV figures of :meth:`TextClassifier.cross_validate` as a short table."""
    print(f"{r['k']}-fold CV on {r['n']} examples; threshold {r['threshold']:.2f} "
          f"(CV choice for recall >= {r['target_recall']:.2f}: {r['chosen_threshold']:.2f}; "
          f"constant THRESHOLD = {constant:.2f})")
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


def main(prog: str, argv: Optional[Sequence[str]],
         cross_validate: Callable[..., Dict[str, Any]], predict: Callable[[str], Scores],
         constant: float) -> int:
    """The command line of a classifier module: ``cv [-k 5] [-v] [--threshold T]`` prints the
    CV report, ``predict TEXT`` scores one message."""
    ap = argparse.ArgumentParser(prog=prog)
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
        print_report(cross_validate(args.k, threshold=args.threshold), constant, args.verbose)
    else:
        print(predict(args.text))
    return 0
