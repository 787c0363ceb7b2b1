"""The action server loads the catalogue before it opens its port (actions/server.py)."""

from __future__ import annotations

from pathlib import Path

import pytest


def test_warm_loads_and_caches_the_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import knowledge
    from actions.server import warm

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kb.db'}")
    knowledge.reset_cache()
    try:
        warm()
        assert len(knowledge._CACHE) == 1
        ((_, cat, _),) = knowledge._CACHE.values()
        assert cat._index is not None  # the search index is built, not only the entries read
    finally:
        knowledge.reset_cache()


def test_warm_survives_an_unreachable_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               caplog: pytest.LogCaptureFixture) -> None:
    import knowledge
    from actions.server import warm

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{blocker / 'kb.db'}")
    knowledge.reset_cache()
    try:
        warm()
    finally:
        knowledge.reset_cache()
    assert "loads at the first message" in caplog.text
