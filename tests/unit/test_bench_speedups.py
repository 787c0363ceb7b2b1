"""The speed changes the benchmark led to (bot/tracker_store.py) keep Rasa's behaviour."""

from __future__ import annotations

from pathlib import Path

import pytest
from jsonschema import ValidationError


def test_cached_action_response_validator_accepts_and_rejects_like_rasa(undo_rasa_patches) -> None:
    from rasa.core.actions.action import RemoteAction

    from bot.rasa_compat.patches import cache_action_response_validator

    cache_action_response_validator()
    cache_action_response_validator()  # idempotent
    action = RemoteAction("action_x", None)
    ok = {
        "events": [{"event": "slot", "name": "topic", "value": "pgb"}],
        "responses": [{"text": "hallo"}],
    }
    assert action._validate_action_result(ok) is True
    with pytest.raises(ValidationError) as err:
        action._validate_action_result({"events": "not a list", "responses": []})
    assert "Failed to validate Action server response" in err.value.message


async def test_sqlite_tracker_store_keeps_pooled_wal_connections(tmp_path: Path) -> None:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from sqlalchemy.pool import QueuePool

    from bot.tracker_store import MaskingSQLTrackerStore

    store = MaskingSQLTrackerStore(domain=Domain.empty(), host=f"sqlite:///{tmp_path / 't.db'}")
    assert isinstance(store.engine.pool, QueuePool)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    tracker = DialogueStateTracker("s1", [])
    tracker.update(UserUttered("hallo"))
    await store.save(tracker)
    tracker.update(UserUttered("dag"))
    await store.save(tracker)
    again = await store.retrieve("s1")
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["hallo", "dag"]
