"""The tracker mirror (bot/tracker_cache.py) answers exactly what the database would, and sees
every change made outside it; the bounded action payload keeps what the actions read."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (ActionExecuted, BotUttered, Restarted, SessionStarted,
                                     SlotSet, UserUttered)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import MaskingSQLTrackerStore

DOMAIN = Domain.from_dict({
    "intents": ["groet", "hulp_thuis"],
    "slots": {"topic": {"type": "text", "mappings": [{"type": "custom"}]},
              "phone": {"type": "text", "mappings": [{"type": "custom"}]}},
    "actions": ["action_topic", "action_takeover_end"],
})


def _store(db: Path, mirror: int = 50) -> MaskingSQLTrackerStore:
    import os

    os.environ["TRACKER_MIRROR_SIZE"] = str(mirror)
    try:
        return MaskingSQLTrackerStore(domain=DOMAIN, host=f"sqlite:///{db}")
    finally:
        os.environ.pop("TRACKER_MIRROR_SIZE")


def _view(tracker: DialogueStateTracker) -> Dict[str, Any]:
    """Everything the processor and the action server read from a tracker."""
    state = tracker.current_state()
    return {
        "events": [e.as_dict() for e in tracker.events],
        "slots": tracker.current_slot_values(),
        "latest_message": state["latest_message"],
        "latest_action": tracker.latest_action,
        "active_loop": state["active_loop"],
        "paused": tracker.is_paused(),
    }


def _turn(text: str, intent: str, slot: Any = None) -> List[Any]:
    events = [UserUttered(text, {"name": intent, "confidence": 0.9}),
              ActionExecuted("action_topic")]
    if slot is not None:
        events.append(SlotSet("topic", slot))
    return events + [BotUttered(f"antwoord op {text}"), ActionExecuted("action_listen")]


async def _message(store: MaskingSQLTrackerStore, sender: str, events: List[Any]) -> None:
    tracker = await store.get_or_create_tracker(sender)
    for event in events:
        tracker.update(event)
    await store.save(tracker)


async def test_mirror_answers_what_the_database_rebuilds(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    store = _store(db)
    await _message(store, "a", _turn("hallo", "groet"))
    await _message(store, "a", _turn("bel mij op 06-12345678", "hulp_thuis", "huishoudelijke_hulp"))
    await _message(store, "a", _turn("nog een vraag", "hulp_thuis")
                   + [SlotSet("phone", "info@voorbeeld.nl")])
    mirrored = await store.retrieve("a")
    assert "a" in store.mirror._entries
    fresh = await _store(db, mirror=0).retrieve("a")
    assert _view(mirrored) == _view(fresh)
    texts = [e.text for e in mirrored.events if isinstance(e, UserUttered)]
    assert "06-12345678" not in " ".join(texts)  # masked, as stored
    assert mirrored.get_slot("phone") != "info@voorbeeld.nl"
    assert mirrored.get_slot("topic") == "huishoudelijke_hulp"


async def test_changes_to_a_handed_out_tracker_stay_out_of_the_mirror(tmp_path: Path) -> None:
    store = _store(tmp_path / "t.db")
    await _message(store, "a", _turn("hallo", "groet"))
    await _message(store, "a", _turn("hulp", "hulp_thuis", "wmo"))
    first = await store.retrieve("a")
    first.update(SlotSet("topic", "ander"))  # never saved (a failed message)
    first.update(UserUttered("kwijt"))
    again = await store.retrieve("a")
    assert again.get_slot("topic") == "wmo"
    assert "kwijt" not in [e.text for e in again.events if isinstance(e, UserUttered)]


async def test_restart_and_new_session_match_the_database(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    store = _store(db)
    await _message(store, "a", _turn("hallo", "groet", "wmo"))
    await _message(store, "a", _turn("opnieuw", "groet") + [Restarted(), ActionExecuted("action_listen")])
    await _message(store, "a", [ActionExecuted("action_session_start"), SessionStarted(),
                                ActionExecuted("action_listen")] + _turn("dag", "groet"))
    await _message(store, "a", _turn("nog iets", "hulp_thuis", "vervoer"))
    assert _view(await store.retrieve("a")) == _view(await _store(db, mirror=0).retrieve("a"))


async def test_rows_changed_elsewhere_are_read_from_the_database(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    store, other = _store(db), _store(db)
    await _message(store, "a", _turn("hallo", "groet"))
    await _message(store, "a", _turn("hulp", "hulp_thuis", "wmo"))
    await store.retrieve("a")  # mirrored now
    await _message(other, "a", _turn("van elders", "hulp_thuis", "vervoer"))  # second process
    seen = await store.retrieve("a")
    assert seen.get_slot("topic") == "vervoer"
    await _message(store, "a", _turn("verder", "groet"))
    assert _view(await store.retrieve("a")) == _view(await _store(db, mirror=0).retrieve("a"))
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:  # the console's delete or the retention purge
        conn.exec_driver_sql("DELETE FROM events WHERE sender_id = 'a'")
    assert await store.retrieve("a") is None


async def test_mirror_is_bounded(tmp_path: Path) -> None:
    store = _store(tmp_path / "t.db", mirror=3)
    for sender in "abcde":
        await _message(store, sender, _turn("hallo", "groet"))
        await _message(store, sender, _turn("hulp", "hulp_thuis"))
    assert len(store.mirror._entries) <= 3
    assert (await store.retrieve("a")).sender_id == "a"  # forgotten ones come from the database


def test_action_payload_keeps_recent_events_and_episode_markers() -> None:
    from bot.rasa_compat.patches import action_events

    tracker = DialogueStateTracker("a", DOMAIN.slots)
    tracker.update(SessionStarted())
    tracker.update(SlotSet("topic", "wmo"))
    tracker.update(ActionExecuted("action_takeover_end"))
    for i in range(100):
        for event in _turn(f"vraag {i}", "hulp_thuis"):
            tracker.update(event)
    sent = action_events(tracker, window=20)
    assert [e["event"] for e in sent[:2]] == ["session_started", "action"]
    assert sent[1]["name"] == "action_takeover_end"
    assert sent[2:] == [e.as_dict() for e in list(tracker.events)[-20:]]
    assert len(action_events(tracker, window=10_000)) == len(tracker.events)


async def test_action_call_carries_state_and_bounded_events(undo_rasa_patches) -> None:
    from rasa.core.actions.action import RemoteAction

    from bot.rasa_compat.patches import ACTION_EVENT_WINDOW, bound_action_payload

    bound_action_payload()
    bound_action_payload()  # idempotent
    tracker = DialogueStateTracker("a", DOMAIN.slots)
    tracker.update(SessionStarted())
    for i in range(50):
        for event in _turn(f"vraag {i}", "hulp_thuis", "wmo"):
            tracker.update(event)
    call = RemoteAction("action_topic", None)._action_call_format(tracker, DOMAIN)
    assert call["tracker"]["slots"]["topic"] == "wmo"
    assert call["tracker"]["latest_message"]["text"] == "vraag 49"
    assert call["tracker"]["events"][0]["event"] == "session_started"
    assert len(call["tracker"]["events"]) == ACTION_EVENT_WINDOW + 1
    assert call["domain"] == DOMAIN.as_dict()


def test_tracker_copy_without_replay_equals_rasas_copy(undo_rasa_patches) -> None:
    from rasa.shared.core.generator import TrackerWithCachedStates

    from bot.rasa_compat.patches import copy_trackers_without_replay

    tracker = DialogueStateTracker("a", DOMAIN.slots)
    tracker.update(SessionStarted())
    for i in range(30):
        for event in _turn(f"vraag {i}", "hulp_thuis", "wmo" if i % 2 else None):
            tracker.update(event)
    replayed = tracker.travel_back_in_time(float("inf"))  # what Rasa's copy() does
    copy_trackers_without_replay()
    copy_trackers_without_replay()  # idempotent
    copied = tracker.copy()
    assert _view(copied) == _view(replayed)
    copied.update(SlotSet("topic", "ander"))
    copied.update(UserUttered("alleen in de kopie"))
    assert tracker.get_slot("topic") == "wmo" and len(tracker.events) == len(replayed.events)
    training = TrackerWithCachedStates("t", DOMAIN.slots, domain=DOMAIN)
    training.update(UserUttered("hallo"))
    assert type(training.copy()) is TrackerWithCachedStates  # Rasa's own copy for these


async def test_server_database_queries_run_beside_the_event_loop(tmp_path: Path) -> None:
    """With a database server the queries run in a worker thread (the loop serves others while
    one waits); the stored conversation is the same as with the queries on the loop."""
    import threading

    on_loop, beside = _store(tmp_path / "a.db"), _store(tmp_path / "b.db")
    assert not on_loop._queries_off_loop  # SQLite works in-process: it stays on the loop
    beside._queries_off_loop = True  # what a PostgreSQL URL sets
    threads: List[str] = []
    read = beside._read_session
    beside._read_session = lambda sender: threads.append(  # type: ignore[method-assign]
        threading.current_thread().name) or read(sender)
    for store in (on_loop, beside):
        for turn in (_turn("hallo", "groet"), _turn("hulp thuis", "hulp_thuis", "hulp")):
            await _message(store, "s1", turn)
    assert threads and threading.main_thread().name not in threads
    a, b = await on_loop.retrieve("s1"), await beside.retrieve("s1")
    assert a is not None and b is not None
    assert _view(a)["slots"] == _view(b)["slots"] and len(a.events) == len(b.events)
    fresh = _store(tmp_path / "b.db", mirror=0)
    rebuilt = await fresh.retrieve("s1")
    assert rebuilt is not None and [e.as_dict() for e in rebuilt.events][-3:] == [
        e.as_dict() for e in b.events][-3:]
