"""Rasa's conversation lock store, chosen by one setting: Redis in a cluster, memory otherwise.

Why: Rasa processes the messages of one conversation one at a time by taking a lock on the
conversation id. With one Rasa server the in-memory lock is enough; with several replicas the
lock must be shared, or two replicas could handle two messages of one conversation at once and
store their events interleaved. Rasa's own ``RedisLockStore`` does that. ``endpoints.yml`` names
this class once, and ``REDIS_URL`` decides (no second endpoints file per topology, and no
environment variable that ``make run`` would have to set to an empty value).

Rasa Open Source's Redis lock is not safe across Redis servers (no Redlock) and expires after
its lifetime, so the cluster still routes each conversation to one replica (README, "Running
for a region"); the shared lock covers the moments that routing does not (a replica that died,
staff messages through the API of another replica).
"""
from __future__ import annotations

from typing import Any, Optional
from urllib.parse import unquote, urlparse

from rasa.core.lock_store import InMemoryLockStore, LockStore, RedisLockStore

from assistant.settings import settings

KEY_PREFIX = "assistant"


def lock_store_for(redis_url: str) -> LockStore:
    """RedisLockStore for a ``redis://`` URL, else Rasa's in-memory lock store."""
    if not redis_url.strip():
        return InMemoryLockStore()
    url = urlparse(redis_url.strip())
    if url.scheme not in ("redis", "rediss"):
        raise ValueError("REDIS_URL must start with redis:// or rediss://")
    return RedisLockStore(host=url.hostname or "127.0.0.1", port=url.port or 6379,
                          db=int((url.path or "/0").lstrip("/") or 0),
                          username=unquote(url.username) if url.username else None,
                          password=unquote(url.password) if url.password else None,
                          use_ssl=url.scheme == "rediss", key_prefix=KEY_PREFIX)


class ConfiguredLockStore:
    """The ``type`` named in endpoints.yml; Rasa instantiates it with the endpoint config."""

    def __new__(cls, endpoint_config: Optional[Any] = None) -> LockStore:  # type: ignore[misc]
        # A factory: Rasa calls ``cls(endpoint_config=...)`` and uses what comes back.
        return lock_store_for(settings().redis_url)
