"""Checks on the Dutch NLU training data (nlu/data) and the project's evaluation questions.

The training data is read with Rasa's own reader, so what is tested here is what Rasa trains on.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, List, Set

import pytest
import yaml

from assistant.vocabulary import LADDER_VALUES, OUT_OF_SCOPE, TOPICS

ROOT = Path(__file__).resolve().parents[2]
NLU_DIR = ROOT / "nlu" / "data"
QUESTIONS = ROOT / "tests" / "data" / "questions.yml"
DEV_QUESTIONS = ROOT.parent / "shared" / "data" / "dev_questions.yml"

# Minimum examples per core intent (what the dialogue relies on).
CORE_MINIMUM = {
    "greet": 40, "goodbye": 30, "thanks": 30, "bot_challenge": 30, "ask_capabilities": 25,
    "ask_privacy": 25, "affirm": 30, "deny": 30, "request_human": 50, "ladder_helps": 35,
    "ladder_fails": 50, "not_understood": 30, "ask_self_help": 15, "what_now": 15,
}
# Intents that are only ever sent as button payloads or by the console: no NLU examples.
PAYLOAD_ONLY = {"details", "choose_entry", "choose_topic", "contact_method",
                "EXTERNAL_takeover_start", "EXTERNAL_staff_message", "EXTERNAL_takeover_end"}


def normalise(text: str) -> str:
    """Lower case, collapsed whitespace, no trailing punctuation: 'the same sentence' for people."""
    text = re.sub(r"\s+", " ", text.strip().lower())
    return text.rstrip(" ?!.,")


@pytest.fixture(scope="module")
def training_data():
    from rasa.shared.nlu.training_data.loading import load_data

    return load_data(str(NLU_DIR), language="nl")


@pytest.fixture(scope="module")
def examples_by_intent(training_data) -> Dict[str, List[str]]:
    by_intent: Dict[str, List[str]] = defaultdict(list)
    for message in training_data.intent_examples:
        by_intent[message.get("intent")].append(message.get("text"))
    return by_intent


@pytest.fixture(scope="module")
def training_texts(examples_by_intent) -> Set[str]:
    return {normalise(t) for texts in examples_by_intent.values() for t in texts}


@pytest.fixture(scope="module")
def questions() -> List[dict]:
    with QUESTIONS.open(encoding="utf8") as f:
        return yaml.safe_load(f)


def test_one_file_per_topic():
    for topic in TOPICS:
        assert (NLU_DIR / f"{topic}.yml").is_file(), f"missing nlu/data/{topic}.yml"


@pytest.mark.parametrize("topic", TOPICS)
def test_topic_has_enough_examples(examples_by_intent, topic):
    assert len(examples_by_intent.get(topic, [])) >= 40, topic


@pytest.mark.parametrize("intent,minimum", sorted(CORE_MINIMUM.items()))
def test_core_intent_has_enough_examples(examples_by_intent, intent, minimum):
    assert len(examples_by_intent.get(intent, [])) >= minimum, intent


def test_only_known_intents(examples_by_intent):
    known = set(TOPICS) | set(CORE_MINIMUM)
    unknown = set(examples_by_intent) - known
    assert not unknown, f"intents in nlu/data that the contracts do not know: {sorted(unknown)}"
    assert not (set(examples_by_intent) & PAYLOAD_ONLY)


def test_topic_files_hold_only_their_own_intent():
    for topic in TOPICS:
        with (NLU_DIR / f"{topic}.yml").open(encoding="utf8") as f:
            doc = yaml.safe_load(f)
        intents = {item.get("intent") for item in doc["nlu"] if "intent" in item}
        assert intents == {topic}, f"{topic}.yml holds {intents}"


def test_no_duplicate_examples_across_intents(examples_by_intent):
    owners: Dict[str, Set[str]] = defaultdict(set)
    for intent, texts in examples_by_intent.items():
        for text in texts:
            owners[normalise(text)].add(intent)
    clashes = {text: sorted(intents) for text, intents in owners.items() if len(intents) > 1}
    assert not clashes, f"examples under more than one intent: {clashes}"


def test_no_duplicate_examples_within_an_intent(examples_by_intent):
    for intent, texts in examples_by_intent.items():
        counts = Counter(normalise(t) for t in texts)
        doubles = [t for t, n in counts.items() if n > 1]
        assert not doubles, f"{intent}: {doubles}"


def test_own_questions_are_not_in_training_data(questions, training_texts):
    leaked = [q["text"] for q in questions if normalise(q["text"]) in training_texts]
    assert not leaked, f"evaluation questions copied into training data: {leaked}"


def test_dev_questions_are_not_in_training_data(training_texts):
    if not DEV_QUESTIONS.is_file():
        pytest.skip("held-out dev questions not available here")
    with DEV_QUESTIONS.open(encoding="utf8") as f:
        dev = yaml.safe_load(f) or []
    leaked = [q["text"] for q in dev if normalise(q["text"]) in training_texts]
    assert not leaked, f"held-out dev questions found in training data: {leaked}"


def test_questions_file_is_well_formed(questions):
    assert isinstance(questions, list) and len(questions) >= 120
    allowed_keys = {"text", "topic", "topic_alt", "ladder", "handoff_expected"}
    seen: Set[str] = set()
    for q in questions:
        assert isinstance(q, dict), q
        assert {"text", "topic", "ladder", "handoff_expected"} <= set(q), q
        assert set(q) <= allowed_keys, q
        assert isinstance(q["text"], str) and q["text"].strip(), q
        assert q["topic"] in TOPICS, q
        for alt in q.get("topic_alt", []):
            assert alt in TOPICS and alt != q["topic"], q
        assert q["ladder"] in LADDER_VALUES, q
        assert isinstance(q["handoff_expected"], bool), q
        assert (q["ladder"] == "n/a") == (q["topic"] in OUT_OF_SCOPE), q
        if q["ladder"] == "urgent":
            assert q["handoff_expected"], q
        key = normalise(q["text"])
        assert key not in seen, f"duplicate question: {q['text']}"
        seen.add(key)


def test_questions_cover_every_topic(questions):
    per_topic = Counter(q["topic"] for q in questions)
    for topic in TOPICS:
        minimum = {"out_of_scope_municipal": 10, "out_of_scope_other": 8}.get(topic, 4)
        assert per_topic[topic] >= minimum, topic
    assert sum(q["ladder"] == "urgent" for q in questions) >= 10
    complex_cases = [q for q in questions
                     if q["handoff_expected"] and q["ladder"] not in {"urgent", "n/a"}]
    assert len(complex_cases) >= 8


def test_own_questions_do_not_copy_dev_questions(questions):
    if not DEV_QUESTIONS.is_file():
        pytest.skip("held-out dev questions not available here")
    with DEV_QUESTIONS.open(encoding="utf8") as f:
        dev = {normalise(q["text"]) for q in (yaml.safe_load(f) or [])}
    copied = [q["text"] for q in questions if normalise(q["text"]) in dev]
    assert not copied, copied


EVALUATION_SETS = sorted(Path("tests/data").glob("*/questions.yml")) + sorted(
    Path("tests/data").glob("*/safety_messages.yml"))


def _evaluation_texts() -> Set[str]:
    """Every message of every evaluation set, read by the evaluation tools' own loaders."""
    from evaluation.evaluate import load_questions
    from evaluation.evaluate_safety import load

    texts: Set[str] = set()
    for path in EVALUATION_SETS:
        if path.name == "questions.yml":
            texts.update(normalise(q.text) for q in load_questions(path))
        else:
            texts.update(normalise(m["text"]) for group in load(path).values() for m in group)
    return texts


def test_no_evaluation_text_is_training_data(training_texts):
    """No sentence of a calibration or frozen set is in the NLU, urgency or handoff examples."""
    from assistant import handoff_classifier, urgency_classifier

    assert len(EVALUATION_SETS) >= 6
    learned = set(training_texts)
    for module in (urgency_classifier, handoff_classifier):
        learned.update(normalise(t) for t in module.load_examples(ordinary=False)[0])
    assert not _evaluation_texts() & learned
