"""The Dutch spaCy pipeline (both paths) and the project's TF-IDF intent classifier."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import spacy

from nlu import spacy_nl

ROOT = Path(__file__).resolve().parents[2]


def test_offline_build_lemmatises_dutch_without_any_download():
    nlp = spacy_nl.build_offline()
    doc = nlp("ik heb hulp aangevraagd en wij gingen naar de dagbesteding")
    lemmas = {t.text: t.lemma_ for t in doc}
    assert nlp.lang == "nl" and "lemmatizer" in nlp.pipe_names
    assert lemmas["aangevraagd"] == "aanvragen" and lemmas["gingen"] == "gaan"
    assert doc[0].is_stop  # Dutch stop words come with spaCy's language data


def test_ensure_writes_once_and_is_idempotent(tmp_path):
    target = tmp_path / "nl"
    assert spacy_nl.ensure(target) in ("offline", spacy_nl.OFFICIAL_MODEL)
    stamp = json.loads((target / spacy_nl.STAMP_FILE).read_text())
    before = (target / spacy_nl.STAMP_FILE).stat().st_mtime_ns
    spacy_nl.ensure(target)
    assert (target / spacy_nl.STAMP_FILE).stat().st_mtime_ns == before  # nothing rebuilt
    assert spacy.load(target).lang == "nl" and stamp["build"] == spacy_nl.BUILD_VERSION


def test_official_model_is_used_when_installed(tmp_path, monkeypatch):
    """Package a pipeline as a real pip package named nl_core_news_sm and load it by name."""
    source = tmp_path / "pipeline"
    nlp = spacy_nl.build_offline()
    nlp.meta.update({"name": "core_news_sm", "version": "0.0.1"})
    nlp.to_disk(source)
    dist = tmp_path / "dist"
    dist.mkdir()
    from spacy.cli.package import package  # spaCy's own packager, as used for the real model

    package(source, dist, name="core_news_sm", version="0.0.1", create_sdist=False, force=True,
            silent=True)
    package_dir = next(dist.glob("nl_core_news_sm-*"))
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index",
                    "--no-build-isolation", "--target", str(site), str(package_dir)],
                   check=True, capture_output=True)
    monkeypatch.syspath_prepend(str(site))
    loaded = spacy_nl.load_official()
    assert loaded is not None and loaded.meta["name"] == "core_news_sm"
    nlp2, kind = spacy_nl.load_dutch_pipeline()
    assert kind == spacy_nl.OFFICIAL_MODEL and nlp2.lang == "nl"


def test_official_model_missing_falls_back_to_offline(monkeypatch):
    monkeypatch.setattr(spacy_nl, "OFFICIAL_MODEL", "nl_core_news_does_not_exist")
    nlp, kind = spacy_nl.load_dutch_pipeline()
    assert kind == "offline" and nlp.meta["name"] == "assistant_nl"


def test_tfidf_classifier_trains_ranks_and_survives_a_round_trip(tmp_path):
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from nlu.tfidf_intent_classifier import TfidfIntentClassifier

    examples = {
        "schulden_geldzorgen": ["ik heb schulden", "de deurwaarder komt", "aanmaningen stapelen op",
                                "ik kan mijn rekeningen niet betalen"],
        "huishoudelijke_hulp": ["hulp bij het schoonmaken", "ik kan niet meer stofzuigen",
                                "wie doet mijn was", "huishoudelijke hulp aanvragen"],
    }
    data = TrainingData([Message(data={"text": t, "intent": i}) for i, ts in examples.items() for t in ts])
    storage = LocalModelStorage(tmp_path)
    resource = Resource("tfidf")
    context = ExecutionContext(GraphSchema({}), "test")
    component = TfidfIntentClassifier.create({}, storage, resource, context)
    component.train(data)
    loaded = TfidfIntentClassifier.load({}, storage, resource, context)
    message = Message(data={"text": "de deurwaader stuurt weer een brief over mijn schulden"})
    loaded.process([message])
    assert message.get("intent")["name"] == "schulden_geldzorgen"
    ranking = message.get("intent_ranking")
    assert [r["name"] for r in ranking] == ["schulden_geldzorgen", "huishoudelijke_hulp"]
    assert abs(sum(r["confidence"] for r in ranking) - 1.0) < 1e-6


_VARIED_TEXTS = [
    "de deurwaader stuurt weer een brief over mijn schulden",
    "",                                                    # empty: only the intercepts
    "   ",
    "xyzzy qwertyuiop zzzz",                               # no known word (char n-grams may match)
    "qqqq",                                                # nothing known at all
    "Ik kan mijn RÉKENINGEN niet betâlen, café naïef één", # accents and capitals
    "wie doet mijn was?! 123 @#$",
    "ik heb schulden " * 200,                              # long, repeated words
    " ".join(["hulp bij het schoonmaken en de deurwaarder komt ook nog langs"] * 30),
    "mn opa kan nait meer stofzuigen",                     # dialect: standard forms added
    "wachttijd paspoort verlengen",
]


def _intent_data(n_intents):
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    examples = {
        "schulden_geldzorgen": ["ik heb schulden", "de deurwaarder komt", "aanmaningen stapelen op",
                                "ik kan mijn rekeningen niet betalen"],
        "huishoudelijke_hulp": ["hulp bij het schoonmaken", "ik kan niet meer stofzuigen",
                                "wie doet mijn was", "huishoudelijke hulp aanvragen"],
        "paspoort": ["mijn paspoort verloopt", "paspoort verlengen", "ik wil een nieuwe id-kaart",
                     "hoe lang duurt een paspoort"],
        "afval": ["de container is niet geleegd", "grofvuil ophalen", "waar laat ik mijn afval",
                  "kliko kapot"],
    }
    chosen = dict(list(examples.items())[:n_intents])
    return TrainingData([Message(data={"text": t, "intent": i})
                         for i, ts in chosen.items() for t in ts])


@pytest.mark.parametrize("n_intents, multinomial", [(2, False), (3, True), (4, True)])
def test_tfidf_fast_path_equals_scikit_learn(tmp_path, n_intents, multinomial):
    """The flat copy gives scikit-learn's probabilities (softmax for more than two intents, the
    binary sigmoid for two), also after a round trip through the stored model."""
    import numpy as np
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.message import Message

    from nlu.tfidf_intent_classifier import TfidfIntentClassifier

    storage = LocalModelStorage(tmp_path)
    resource = Resource("tfidf")
    context = ExecutionContext(GraphSchema({}), "test")
    trained = TfidfIntentClassifier.create({}, storage, resource, context)
    trained.train(_intent_data(n_intents))
    loaded = TfidfIntentClassifier.load({}, storage, resource, context)
    for component in (trained, loaded):
        assert component.fast is not None and component.fast.multinomial is multinomial
        assert component.fast.classes == list(component.model.classes_)
        for text in _VARIED_TEXTS:
            document = component._document(Message(data={"text": text}))
            fast = component.fast.predict_proba(document)
            slow = component.model.predict_proba([document])[0]
            assert fast.shape == slow.shape == (n_intents,)
            assert np.allclose(fast, slow, rtol=0, atol=1e-9), (text, fast, slow)

    # process: the same intents and confidences by both paths
    reference = TfidfIntentClassifier.load({}, storage, resource, context)
    reference.fast = None
    for text in _VARIED_TEXTS:
        a, b = Message(data={"text": text}), Message(data={"text": text})
        loaded.process([a])
        reference.process([b])
        assert a.get("intent")["name"] == b.get("intent")["name"], text
        ranks_a, ranks_b = a.get("intent_ranking"), b.get("intent_ranking")
        assert [r["name"] for r in ranks_a] == [r["name"] for r in ranks_b], text
        assert np.allclose([r["confidence"] for r in ranks_a], [r["confidence"] for r in ranks_b],
                           rtol=0, atol=1e-9), text


def test_tfidf_fast_path_refuses_what_it_would_not_reproduce():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    from nlu.tfidf_intent_classifier import flatten

    texts, labels = ["ik heb schulden", "paspoort verlengen", "grofvuil ophalen"], ["a", "b", "c"]
    plain_tf = make_pipeline(make_union(TfidfVectorizer(sublinear_tf=False)),
                             LogisticRegression()).fit(texts, labels)
    assert flatten(plain_tf) is None
    ok = make_pipeline(make_union(TfidfVectorizer(sublinear_tf=True)),
                       LogisticRegression()).fit(texts, labels)
    assert flatten(ok) is not None


@pytest.mark.parametrize("multi_class, solver, labels, multinomial", [
    ("auto", "lbfgs", "abca", True),          # the component's own case: softmax
    ("auto", "lbfgs", "abab", False),         # two classes: the binary sigmoid
    ("multinomial", "lbfgs", "abab", True),   # softmax over (-d, d)
    ("ovr", "lbfgs", "abca", False),          # one-vs-rest, normalised
    ("auto", "liblinear", "abca", False),
])
def test_tfidf_fast_path_follows_each_predict_proba_rule(multi_class, solver, labels, multinomial):
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    from nlu.tfidf_intent_classifier import flatten

    texts = ["ik heb schulden", "paspoort verlengen", "grofvuil ophalen", "de deurwaarder komt"]
    model = make_pipeline(
        make_union(TfidfVectorizer(sublinear_tf=True, strip_accents="unicode"),
                   TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                   strip_accents="unicode")),
        LogisticRegression(multi_class=multi_class, solver=solver)).fit(texts, list(labels))
    fast = flatten(model)
    assert fast is not None and fast.multinomial is multinomial
    for text in texts + ["", "schuld ophalen", "één café", "onbekend"]:
        assert np.allclose(fast.predict_proba(text), model.predict_proba([text])[0],
                           rtol=0, atol=1e-9), text
