"""bot/lock_store.py without Redis: the factory, and leased tickets in one process.

The Redis half (transactions between two processes) needs a real Redis server and is tested in
tests/integration/test_cluster_stack.py.
"""
from __future__ import annotations

import asyncio
import time
from typing import List

import pytest
from rasa.core.lock_store import InMemoryLockStore

from bot import lock_store


def test_no_redis_url_gives_the_in_memory_store_and_a_bad_url_is_refused() -> None:
    assert isinstance(lock_store.lock_store_for(""), InMemoryLockStore)
    with pytest.raises(ValueError):
        lock_store.lock_store_for("http://127.0.0.1:6379")
    store = lock_store.lock_store_for("redis://:geheim@127.0.0.1:6399/2")  # connects lazily
    assert isinstance(store, lock_store.AtomicRedisLockStore)
    assert store.key_prefix == "assistant:lock:"
    assert store.red.connection_pool.connection_kwargs["db"] == 2


async def test_a_holder_longer_than_the_lifetime_keeps_its_lock(monkeypatch) -> None:
    """Rasa's ticket expired a fixed time after it was issued, holder busy or not."""
    monkeypatch.setattr(lock_store, "RENEW_EVERY_SECONDS", 0.05)
    store = lock_store.lock_store_for("")
    order: List[str] = []

    async def hold(name: str, seconds: float) -> None:
        async with store.lock("gesprek", lock_lifetime=0.3, wait_time_in_seconds=0.02):
            order.append(f"{name} in")
            await asyncio.sleep(seconds)
            order.append(f"{name} out")

    first = asyncio.create_task(hold("a", 1.0))
    await asyncio.sleep(0.05)
    await hold("b", 0.0)
    await first
    assert order == ["a in", "a out", "b in", "b out"]
    assert store.get_lock("gesprek") is None  # the last one out removed the lock


async def test_a_ticket_nobody_renews_expires() -> None:
    store = lock_store.lock_store_for("")
    store.issue_ticket("gesprek", 0.2)  # a holder that died without returning its ticket
    async with store.lock("gesprek", wait_time_in_seconds=0.05) as lock:
        assert lock is not None


async def test_a_ticket_is_a_short_lease_not_rasas_sixty_seconds() -> None:
    """So the conversations of a replica that died are free again after LEASE_SECONDS."""
    store = lock_store.lock_store_for("")
    async with store.lock("gesprek") as lock:  # Rasa passes its default lifetime, 60 s
        (ticket,) = lock.tickets
        assert ticket.expires - time.time() <= lock_store.LEASE_SECONDS + 1
