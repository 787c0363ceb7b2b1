"""In-process fan-out of pushed messages to the open event streams of one conversation.

Why: staff replies during a takeover do not answer an HTTP request of the resident; Rasa hands
them to our output channel at any moment. The hub delivers them to every open tab of that
session and keeps a short replay buffer, so a stream that reconnects (or opens just after the
page loaded its history) misses nothing. Rasa runs one process, so memory is the right place.
"""
from __future__ import annotations

import asyncio
import itertools
import secrets
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Deque, Dict, Iterator, List, Optional, Set, Tuple

Event = Tuple[int, Dict[str, Any]]


@dataclass(eq=False)  # identity semantics: kept in a set
class Subscription:
    """One open stream: what it missed (backlog) and a queue for what comes next."""

    backlog: List[Event]
    queue: "asyncio.Queue[Event]" = field(default_factory=lambda: asyncio.Queue(maxsize=100))


class TooManyStreams(Exception):
    """A session (or the whole process) already has as many open streams as allowed."""


class PushHub:
    """Publish/subscribe keyed by session id, with ids that only grow.

    Open streams are capped per session and in total: each holds a connection and a queue, so
    without a cap one client could exhaust the server by opening thousands.
    """

    def __init__(self, replay_size: int = 50, replay_seconds: float = 900.0,
                 max_per_session: int = 5, max_total: int = 1000) -> None:
        self.max_per_session = max_per_session
        self.max_total = max_total
        self._epoch = secrets.token_hex(4)  # ids from before a restart must not match ours
        self._ids = itertools.count(1)
        self._last_id = 0
        self._replay_size = replay_size
        self._replay_seconds = replay_seconds
        self._recent: Dict[str, Deque[Tuple[int, float, Dict[str, Any]]]] = {}
        self._subscribers: Dict[str, Set[Subscription]] = {}

    @property
    def cursor(self) -> str:
        """Token for "now": a client that just read history wants only events after it."""
        return self.token(self._last_id)

    def token(self, event_id: int) -> str:
        """The id a client sees (SSE `id:`), bound to this process's epoch."""
        return f"{self._epoch}.{event_id}"

    def position(self, token: Optional[str]) -> Optional[int]:
        """The event id behind a client's token; 0 for tokens of an earlier process, None if absent."""
        if not token:
            return None
        epoch, _, number = token.partition(".")
        if epoch != self._epoch or not number.isdigit():
            return 0
        return int(number)

    def publish(self, session_id: str, message: Dict[str, Any]) -> int:
        """Deliver to open streams now and keep for replay; returns the event id."""
        event_id = next(self._ids)
        self._last_id = event_id
        now = time.monotonic()
        self._forget_old(now)
        recent = self._recent.setdefault(session_id, deque(maxlen=self._replay_size))
        recent.append((event_id, now, message))
        for sub in self._subscribers.get(session_id, ()):
            try:
                sub.queue.put_nowait((event_id, message))
            except asyncio.QueueFull:
                pass  # a stalled client catches up from history on its next page load
        return event_id

    @contextmanager
    def subscribe(self, session_id: str, after: Optional[int]) -> Iterator[Subscription]:
        """Open a stream for `session_id`; replays kept events with id > `after` (None: none)."""
        if not self.has_room(session_id):
            raise TooManyStreams(session_id)
        recent = self._recent.get(session_id, ()) if after is not None else ()
        backlog = [(i, m) for i, _, m in recent if i > after]
        sub = Subscription(backlog=backlog)
        self._subscribers.setdefault(session_id, set()).add(sub)
        try:
            yield sub
        finally:
            subs = self._subscribers.get(session_id, set())
            subs.discard(sub)
            if not subs:
                self._subscribers.pop(session_id, None)

    def has_room(self, session_id: str) -> bool:
        """May ``session_id`` open one more stream (see the class docstring)?"""
        return (len(self._subscribers.get(session_id, ())) < self.max_per_session
                and self.open_streams < self.max_total)

    @property
    def open_streams(self) -> int:
        """Streams open now, over all sessions."""
        return sum(len(subs) for subs in self._subscribers.values())

    def _forget_old(self, now: float) -> None:
        for session_id in list(self._recent):
            recent = self._recent[session_id]
            while recent and now - recent[0][1] > self._replay_seconds:
                recent.popleft()
            if not recent:
                del self._recent[session_id]
