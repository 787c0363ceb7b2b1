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


_EVENTS = [
    {"event": "slot", "name": "topic", "value": "pgb"},
    {"event": "slot", "name": "topic"},  # no value: invalid
    {"event": "slot", "value": 1},  # no name: invalid
    {"event": "bot", "text": "hallo", "data": {"buttons": []}, "metadata": {}},
    {"event": "bot", "metadata": "not an object"},
    {"event": "user", "text": "hoi", "parse_data": {"intent": {"name": "greet", "confidence": 1}}},
    {"event": "user", "parse_data": {"entities": [{"entity": "x"}]}},  # entity without value
    {"event": "action", "name": "action_listen", "timestamp": None},
    {"event": "action", "name": 3},
    {"event": "followup", "name": "action_x"},
    {"event": "session_started"},
    {"event": "unknown_kind"},
    {"event": 7},
    {"name": "no event key"},
    "not an object",
    {"event": "active_loop", "name": None},
    {"event": "reset_slots", "timestamp": "later"},
]


def test_the_event_wise_check_never_accepts_what_the_full_schema_refuses() -> None:
    """`event_wise_validator` (bot/rasa_compat/patches.py) says True exactly where Rasa's
    whole response schema does, over single events, pairs and odd responses."""
    import itertools

    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    from bot.rasa_compat.patches import event_wise_validator

    schema = RemoteAction.action_response_format_spec()
    full = validator_for(schema)(schema)
    fast = event_wise_validator(schema)
    assert fast is not None  # Rasa's schema has the shape the check relies on
    responses = [{"events": [e], "responses": []} for e in _EVENTS]
    responses += [{"events": list(pair)} for pair in itertools.combinations(_EVENTS, 2)]
    responses += [{}, {"events": None}, {"events": []}, {"responses": "x"}, [], "x",
                  {"events": [], "responses": [{"text": "hallo"}]}]
    seen = set()
    for response in responses:
        assert fast(response) == full.is_valid(response), response
        seen.add(full.is_valid(response))
    assert seen == {True, False}


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
