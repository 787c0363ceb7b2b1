"""The Dutch spaCy pipeline (both paths) and the project's TF-IDF intent classifier."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
