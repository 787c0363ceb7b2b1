"""Bad input files (property-based): the evaluation CLI's question files and the catalogue sources.

`evaluation.evaluate.load_questions` must either return questions or raise its own QuestionFileError
(a Dutch reason); the knowledge loader must either load or raise ContentError listing problems,
and a broken source must never replace a catalogue that was loaded before.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Dict

import pytest
import sqlalchemy as sa
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.evaluate import QuestionFileError, load_questions
from knowledge import settings as kb_settings
from knowledge.loader import ContentError, load, read_sources
from tests.support.stack import ROOT

COUNTS_FILE = ROOT / "var" / "artifacts" / "fuzz_counts.json"
COUNTS: Dict[str, int] = {}
FUZZ = settings(max_examples=80, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30)
yaml_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=12), inner, max_size=5), max_leaves=15)
BROKEN = [b"", b"\xff\xfe\x00bad", b"- [unclosed", b"key: : value", b"\t- tab", b"{{{{", b"- " * 5000,
          b"&a [*a, *a]", b"!!python/object/apply:os.system ['true']", b"a: &x 1\nb: *y",
          "- text: \"\U0001F600 \u202e\"\n  topic: pgb\n".encode(), b"---\n...\n---",
          ("- " + "[" * 1200 + "]" * 1200).encode()]


def record() -> None:
    COUNTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    try:
        merged = json.loads(COUNTS_FILE.read_text())
    except (OSError, ValueError):
        merged = {}
    merged.update(COUNTS)
    merged["total"] = sum(v for k, v in merged.items() if k != "total")
    COUNTS_FILE.write_text(json.dumps(merged, indent=1, sort_keys=True))


@pytest.fixture(scope="module", autouse=True)
def _write_counts():
    yield
    record()


def question_items() -> st.SearchStrategy:
    item = st.fixed_dictionaries({}, optional={
        "text": st.one_of(st.text(max_size=50), yaml_values),
        "topic": st.one_of(st.sampled_from(["pgb", "vervoer", "onbekend", ""]), yaml_values),
        "ladder": st.one_of(st.sampled_from(["zelf", "n/a", "urgent", "x"]), yaml_values),
        "handoff_expected": st.one_of(st.booleans(), yaml_values),
        "topic_alt": st.one_of(st.lists(st.sampled_from(["pgb", "nope"]), max_size=2), yaml_values)})
    return st.lists(st.one_of(item, yaml_values), max_size=4)


@FUZZ
@given(content=st.one_of(st.sampled_from(BROKEN), yaml_values.map(lambda v: yaml.safe_dump(v).encode()),
                         question_items().map(lambda v: yaml.safe_dump(v, allow_unicode=True).encode()),
                         st.binary(max_size=200)))
def test_evaluation_question_files(tmp_path_factory, content: bytes) -> None:
    COUNTS["evaluate_load_questions"] = COUNTS.get("evaluate_load_questions", 0) + 1
    path = tmp_path_factory.mktemp("q") / "questions.yml"
    path.write_bytes(content)
    try:
        questions = load_questions(path)
    except QuestionFileError as exc:
        assert str(path) in str(exc) and len(str(exc)) < 2000
        return
    assert questions and all(q.text and q.topic for q in questions)


def test_missing_question_file_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(QuestionFileError, match="niet gevonden"):
        load_questions(tmp_path / "nergens.yml")


# -- catalogue --------------------------------------------------------------------------------
CONTENT = Path(kb_settings.CONTENT_DIR)
TARGETS = ["national/jeugd.yml", "helplines.yml", "municipalities/oldambt.yml"]


@pytest.fixture(scope="module")
def catalogue_db(tmp_path_factory):
    """A catalogue loaded from the real sources: the 'before' that broken files may not touch."""
    work = tmp_path_factory.mktemp("kb")
    shutil.copytree(CONTENT, work / "content")
    url = f"sqlite:///{work / 'kb.db'}"
    result = load(url, content_dir=work / "content", force=True)
    assert result.entries > 0
    return {"url": url, "content": work / "content", "entries": result.entries}


def _entry_count(url: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM kb_entries")).scalar()
    finally:
        engine.dispose()


@settings(FUZZ, max_examples=50)
@given(target=st.sampled_from(TARGETS),
       content=st.one_of(st.sampled_from(BROKEN), yaml_values.map(lambda v: yaml.safe_dump(v).encode()),
                         st.binary(max_size=200)))
def test_catalogue_sources(catalogue_db, tmp_path_factory, target: str, content: bytes) -> None:
    COUNTS["knowledge_loader"] = COUNTS.get("knowledge_loader", 0) + 1
    work = tmp_path_factory.mktemp("src") / "content"
    shutil.copytree(catalogue_db["content"], work)
    (work / target).write_bytes(content)
    try:
        read_sources(work)
    except ContentError as exc:
        assert str(exc).strip() and "Traceback" not in str(exc)
    else:
        pytest.fail("a broken source file was accepted")  # every generated file is invalid
    with pytest.raises(ContentError):
        load(catalogue_db["url"], content_dir=work, force=True)
    assert _entry_count(catalogue_db["url"]) == catalogue_db["entries"]
