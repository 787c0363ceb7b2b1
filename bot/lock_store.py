"""Rasa's conversation lock store, chosen by one setting: Redis in a cluster, memory otherwise.

Why: Rasa processes the messages of one conversation one at a time by taking a lock on the
conversation id. With one Rasa server the in-memory lock is enough; with several replicas the
lock must be shared, or two replicas could handle two messages of one conversation at once and
store their events interleaved. ``endpoints.yml`` names :class:`ConfiguredLockStore` once, and
``REDIS_URL`` decides (no second endpoints file per topology, and no environment variable that
``make run`` would have to set to an empty value).

Two things in Rasa 3.6's lock store are changed here (both found with two replicas on one
conversation, issue 21):

1. **Every change of a lock is atomic in Redis.** Rasa's ``RedisLockStore`` changes a lock by
   reading it (GET), changing it in Python and writing it back (SET): taking a ticket,
   returning one, removing expired ones, deleting the lock. That is atomic within one process
   (its Redis calls block the event loop), not between two: two replicas that take a ticket at
   the same moment both read "no tickets", both get ticket 0 and both handle a message at once;
   one that returns its ticket can overwrite a ticket the other just added, whose holder then
   fails with ``LockError`` or, when numbering starts again at 0, shares the lock with a
   newcomer. Both handlers then save: Rasa's SQL store counts the stored events and skips that
   many of its own, so one message was answered (HTTP 200) but never stored. Here each change
   runs under WATCH/MULTI/EXEC (redis-py's ``transaction``, retried when another process changed
   the lock in between), and returning the last ticket deletes the lock in the same transaction.
2. **A ticket is a lease that its process renews.** Rasa gives a ticket a fixed lifetime from
   the moment it is *issued* (60 s): the tenth of ten simultaneous messages of a conversation
   could expire while waiting, or while being handled on a slow machine, and let the next one
   in. Here the process that holds or waits for a ticket renews it every few seconds; a ticket
   only expires when its process stopped renewing it (it died), after :data:`LEASE_SECONDS`, so
   the conversations of a dead replica are free again within that time instead of 60 s.

Rasa Open Source's Redis lock is still a lock on one Redis server (no Redlock), so the cluster
routes each conversation to one replica (README, "Running for a region"); the shared lock covers
the moments that routing does not (a replica that died, staff messages through another replica).
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from contextlib import asynccontextmanager, suppress
from typing import Any, AsyncGenerator, Callable, Optional
from urllib.parse import unquote, urlparse

from rasa.core.lock import TicketLock
from rasa.core.lock_store import (
    LOCK_LIFETIME,
    InMemoryLockStore,
    LockError,
    LockStore,
    RedisLockStore,
)

from assistant.settings import settings

logger = logging.getLogger(__name__)

KEY_PREFIX = "assistant"
#: A ticket whose process stopped renewing it expires after this long (a replica that died).
LEASE_SECONDS = 20.0
#: How often a waiting or holding process renews its ticket. Rasa's NLU can block a replica's
#: event loop for a moment; three missed renewals in a row are needed before a lease runs out.
RENEW_EVERY_SECONDS = 5.0


class LeasedTickets:
    """Tickets that live as long as their process renews them (see the module docstring)."""

    #: How often a waiter looks whether its turn came (Rasa's default: 1 s).
    poll_seconds = 1.0

    @asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: Optional[float] = None,
                   ) -> AsyncGenerator[TicketLock, None]:
        lease = min(float(lock_lifetime), LEASE_SECONDS)
        if wait_time_in_seconds is None:
            wait_time_in_seconds = self.poll_seconds
        ticket = self.issue_ticket(conversation_id, lease)  # type: ignore[attr-defined]
        renewing = asyncio.create_task(self._keep_renewing(conversation_id, ticket, lease))
        try:
            yield await self._acquire_lock(  # type: ignore[attr-defined]
                conversation_id, ticket, wait_time_in_seconds)
        finally:
            renewing.cancel()
            with suppress(asyncio.CancelledError):
                await renewing
            self.cleanup(conversation_id, ticket)  # type: ignore[attr-defined]

    async def _keep_renewing(self, conversation_id: str, ticket: int, lease: float) -> None:
        while True:
            await asyncio.sleep(min(RENEW_EVERY_SECONDS, lease / 4))
            try:
                self.renew_ticket(conversation_id, ticket, lease)
            except Exception as exc:  # the lock is still held; the next renewal tries again
                logger.warning("could not renew a conversation lock: %s", type(exc).__name__)

    def renew_ticket(self, conversation_id: str, ticket: int, lease: float) -> None:
        lock = self.get_lock(conversation_id)  # type: ignore[attr-defined]
        if lock is not None and _renew(lock, ticket, lease):
            self.save_lock(lock)  # type: ignore[attr-defined]


def _renew(lock: TicketLock, number: int, lease: float) -> bool:
    for ticket in lock.tickets:
        if ticket.number == number:
            ticket.expires = max(ticket.expires, time.time() + lease)
            return True
    return False


class LeasedInMemoryLockStore(LeasedTickets, InMemoryLockStore):
    """One Rasa process: Rasa's in-memory locks (atomic on one event loop), with leased tickets."""


class AtomicRedisLockStore(LeasedTickets, RedisLockStore):
    """Rasa's ``RedisLockStore`` whose every change of a lock is one Redis transaction."""

    # A waiter on another replica is not woken by the holder; a second of idle lock per queued
    # message is what Rasa's 1 s poll costs, one GET per waiter every 0.2 s is cheap.
    poll_seconds = 0.2

    def _change(self, conversation_id: str, change: Callable[[TicketLock], Any],
                create: bool = False) -> Any:
        """Apply ``change`` to the stored lock atomically; it may alter the lock it gets.

        Without a stored lock nothing happens (``None``), unless ``create``. A lock left with
        tickets is written back (kept until its last ticket could expire), one left without
        tickets is deleted. Retried when another process changed the lock meanwhile.
        """
        key = self.key_prefix + conversation_id
        result: Any = None

        def transaction(pipe: Any) -> None:
            nonlocal result
            raw = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            if lock is None and create:
                lock = TicketLock(conversation_id)
            result = change(lock) if lock is not None else None
            pipe.multi()
            if lock is None:
                return
            lock.remove_expired_tickets()
            if raw is not None and lock.dumps().encode() == raw:
                return  # unchanged: writing would only make other processes' WATCH retry
            if lock.tickets:
                ttl = max(t.expires for t in lock.tickets) - time.time()
                pipe.set(key, lock.dumps(), px=max(int(ttl * 1000), 1) + 1000)
            else:
                pipe.delete(key)

        self.red.transaction(transaction, key)
        return result

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            return self._change(conversation_id, lambda lock: lock.issue_ticket(lock_lifetime),
                                create=True)
        except Exception as exc:
            raise LockError(f"Error while acquiring lock. Error:\n{exc}") from exc

    def renew_ticket(self, conversation_id: str, ticket: int, lease: float) -> None:
        self._change(conversation_id, lambda lock: _renew(lock, ticket, lease))

    def update_lock(self, conversation_id: str) -> None:
        # Expired tickets are removed by _change itself; a lock left empty is deleted, so a
        # waiter whose ticket expired gets Rasa's LockError instead of waiting for ever.
        self._change(conversation_id, lambda lock: None)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self._change(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number))

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        # Rasa returns the ticket, then asks whether anyone waits, then deletes the lock: three
        # steps another process could come between. Here it is one (an empty lock is deleted).
        self.finish_serving(conversation_id, ticket_number)


def lock_store_for(redis_url: str) -> LockStore:
    """The Redis lock store for a ``redis://`` URL, else Rasa's in-memory one (leased tickets)."""
    if not redis_url.strip():
        return LeasedInMemoryLockStore()
    url = urlparse(redis_url.strip())
    if url.scheme not in ("redis", "rediss"):
        raise ValueError("REDIS_URL must start with redis:// or rediss://")
    return AtomicRedisLockStore(host=url.hostname or "127.0.0.1", port=url.port or 6379,
                                db=int((url.path or "/0").lstrip("/") or 0),
                                username=unquote(url.username) if url.username else None,
                                password=unquote(url.password) if url.password else None,
                                use_ssl=url.scheme == "rediss", key_prefix=KEY_PREFIX)


class ConfiguredLockStore:
    """The ``type`` named in endpoints.yml; Rasa instantiates it with the endpoint config."""

    def __new__(cls, endpoint_config: Optional[Any] = None) -> LockStore:  # type: ignore[misc]
        # A factory: Rasa calls ``cls(endpoint_config=...)`` and uses what comes back.
        return lock_store_for(settings().redis_url)
