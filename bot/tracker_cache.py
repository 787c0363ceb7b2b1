"""An in-process mirror of recently used conversations, so a message costs the same at turn 50 as
at turn 1.

Why: Rasa's SQL tracker store reads every event of the session from the database, decodes the
JSON and replays all of them on each message, and counts the stored events again on each save.
That work grows with the conversation (`make bench` and py-spy show it; figures in
bench/README.md).

The mirror holds, per conversation, the tracker exactly as the database would rebuild it (masked
events, current session only) and the id of the last stored row. A retrieve asks the database only
for that id (one indexed lookup): when it matches, the resident gets a cheap copy of the mirror;
when anything else wrote or deleted rows (another Rasa process, the console's delete, the
retention purge), the id differs and the conversation is read from the database as before.
"""
from __future__ import annotations

import copy
import threading
from collections import deque
from dataclasses import dataclass
from typing import Generic, Iterable, Optional, TypeVar

from cachetools import LRUCache
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker

V = TypeVar("V")


class Recent(Generic[V]):
    """At most `size` values by conversation id; the least recently used go first (size 0 keeps
    nothing). Shared by the tracker mirror and the rule policy's incremental states.

    cachetools' LRU cache does the bookkeeping; it is not thread-safe, and Rasa serves several
    conversations at once, so every access holds a lock.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: LRUCache = LRUCache(maxsize=max(size, 1))
        self._lock = threading.Lock()

    def get(self, key: str) -> Optional[V]:
        with self._lock:
            return self._values.get(key)

    def pop(self, key: str) -> Optional[V]:
        with self._lock:
            return self._values.pop(key, None)

    def put(self, key: str, value: V) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._values[key] = value

    def __contains__(self, key: object) -> bool:
        return key in self._values

    def __len__(self) -> int:
        return len(self._values)


# Markers on a tracker handed out by the store: how many of its events are already stored, and
# the id of the last stored row they correspond to.
STORED_ATTR = "_stored_event_count"
LAST_ID_ATTR = "_stored_last_id"


@dataclass
class _Entry:
    tracker: DialogueStateTracker
    last_id: int


def mark(tracker: DialogueStateTracker, last_id: Optional[int]) -> DialogueStateTracker:
    """Record on `tracker` that all its events are stored, the last one as row `last_id`."""
    setattr(tracker, STORED_ATTR, len(tracker.events))
    setattr(tracker, LAST_ID_ATTR, last_id)
    return tracker


def duplicate(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """A copy that may be changed freely, made without replaying any event.

    The event objects themselves are shared: Rasa appends new events and replaces `latest_*`,
    it does not change stored events in place. Slots and the active loop are state that
    `update()` changes, so they are copied.
    """
    new = copy.copy(tracker)
    new.events = deque(tracker.events, tracker.events.maxlen)
    new.slots = {name: copy.copy(slot) for name, slot in tracker.slots.items()}
    new.latest_action = dict(tracker.latest_action) if tracker.latest_action else tracker.latest_action
    new.active_loop = copy.copy(tracker.active_loop)
    return new


def snapshot(tracker: DialogueStateTracker, last_id: Optional[int]) -> DialogueStateTracker:
    """A duplicate for the processor, marked as stored up to row `last_id`."""
    return mark(duplicate(tracker), last_id)


class TrackerMirror:
    """Mirrors of the `size` most recently used conversations (0 switches the mirror off)."""

    def __init__(self, size: int) -> None:
        self._entries: Recent[_Entry] = Recent(size)

    def get(self, sender_id: str, last_id: Optional[int]) -> Optional[DialogueStateTracker]:
        """A copy of the mirrored tracker when the database's last row is still `last_id`."""
        entry = self._entries.get(sender_id)
        if entry is None or last_id is None or entry.last_id != last_id:
            self._entries.pop(sender_id)
            return None
        return snapshot(entry.tracker, last_id)

    def put(self, sender_id: str, tracker: DialogueStateTracker, last_id: Optional[int]) -> None:
        """Mirror a tracker freshly rebuilt from the database (the caller hands out a snapshot)."""
        if last_id is not None:
            self._entries.put(sender_id, _Entry(tracker, last_id))

    def extend(self, sender_id: str, previous_id: Optional[int], events: Iterable[Event],
               last_id: Optional[int]) -> None:
        """Apply newly stored (masked) events, if the mirror was exactly the stored state before.

        A new session is not applied: Rasa's retrieve returns the new session only, so the next
        retrieve reads it from the database, like after any other change the mirror did not see.
        Rasa handles one message per conversation at a time, so the entry has one writer.
        """
        entry = self._entries.get(sender_id)
        if entry is None:
            return
        events = list(events)
        if (previous_id is None or entry.last_id != previous_id or last_id is None
                or any(isinstance(e, SessionStarted) for e in events)):
            self._entries.pop(sender_id)
            return
        for event in events:
            entry.tracker.update(event)
        entry.last_id = last_id

    def forget(self, sender_id: str) -> None:
        self._entries.pop(sender_id)
