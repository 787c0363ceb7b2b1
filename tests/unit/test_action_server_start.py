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


def test_a_connection_may_wait_for_its_request_as_long_as_rasa_waits(monkeypatch) -> None:
    from actions import server

    environ = {}
    monkeypatch.setenv("ACTION_SERVER_TOKEN", "t")
    monkeypatch.setenv("ACTION_TIMEOUT_SECONDS", "120")
    server.secure(environ)
    assert environ["SANIC_KEEP_ALIVE_TIMEOUT"] == "125"  # Sanic's own default was 5 s
    monkeypatch.delenv("ACTION_TIMEOUT_SECONDS")
    assert server.keep_alive_seconds() == 75
