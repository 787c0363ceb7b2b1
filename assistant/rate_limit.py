"""Sliding-window rate limits, shared by the public channels.

Why in memory: the limits protect one Rasa process from floods (one resident's conversation
delayed by a burst of forged messages, tickets pushed to the top of the KCC queue). Each process
keeps its own counts; the number of keys is bounded so a flood of new keys cannot grow memory.
"""
from __future__ import annotations

import time
from collections import deque
from typing import Deque, Dict, Optional


class RateLimiter:
    """At most ``limit`` hits per ``window`` seconds per key."""

    def __init__(self, limit: int = 20, window: float = 60.0, max_keys: int = 10000) -> None:
        self.limit = limit
        self.window = window
        self._max_keys = max_keys
        self._hits: Dict[str, Deque[float]] = {}

    def hit(self, key: str, now: Optional[float] = None) -> Optional[int]:
        """Count one hit for ``key``; None when allowed, else the seconds to wait (not counted)."""
        now = time.monotonic() if now is None else now
        hits = self._hits.setdefault(key, deque())
        while hits and now - hits[0] >= self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return max(1, int(self.window - (now - hits[0])))
        hits.append(now)
        if len(self._hits) > self._max_keys:
            self._forget_idle(now)
        return None

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, h in self._hits.items() if not h or now - h[-1] >= self.window]:
            del self._hits[key]
        while len(self._hits) > self._max_keys:  # still full: drop the oldest keys
            self._hits.pop(next(iter(self._hits)))


def client_address(peer: Optional[str], forwarded_for: Optional[str],
                   trusted_proxies: frozenset) -> str:
    """The client's address: the peer, or, behind a trusted proxy, the last address in
    ``X-Forwarded-For`` that is not itself a trusted proxy (never a value the client chose)."""
    address = peer or "unknown"
    if address not in trusted_proxies or not forwarded_for:
        return address
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        if hop not in trusted_proxies:
            return hop
    return address
