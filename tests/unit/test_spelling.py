"""Dialect and chat spellings are read beside the resident's words (assistant/spelling.py)."""
from __future__ import annotations

import yaml

from assistant import spelling


def test_dialect_and_chat_words_get_their_standard_form() -> None:
    assert spelling.standard_forms("ik bin 79 en kin de ramen nait meer doun") == ["ben", "niet", "doen"]
    assert spelling.standard_forms("Ich höb hölp nuuedig") == ["ik", "heb", "hulp", "nodig"]
    assert spelling.standard_forms("kzit ff zonder geld") == ["ik zit", "even"]


def test_standard_dutch_gets_nothing_added() -> None:
    assert spelling.standard_forms("Ik heb een vraag over de huishoudelijke hulp.") == []
    assert spelling.standard_forms("") == [] and spelling.standard_forms(None) == []  # type: ignore[arg-type]


def test_the_list_holds_no_standard_word_with_another_meaning() -> None:
    words = yaml.safe_load(spelling.DATA_FILE.read_text(encoding="utf-8"))["words"]
    for common in ("zien", "zin", "kin", "wis", "tel", "een", "hoe", "wat", "voor"):
        assert common not in words, common
    assert all(k == k.lower() and v for k, v in words.items())


def test_the_intent_classifier_reads_the_standard_forms() -> None:
    from rasa.shared.nlu.training_data.message import Message

    from nlu.tfidf_intent_classifier import TfidfIntentClassifier

    component = TfidfIntentClassifier({}, None, None)  # type: ignore[arg-type]
    document = component._document(Message(data={"text": "mien vraauw kin nait meer lopen"}))
    assert document.startswith("mien vraauw kin nait meer lopen") and "mijn vrouw niet" in document
    assert TfidfIntentClassifier.fingerprint_addon({}) == TfidfIntentClassifier.fingerprint_addon({})
