"""Live updates for the console via Server-Sent Events.

Why polling the database: tickets are created by another process (the action server), so the
console cannot be told in-process. One watcher per console process polls a cheap fingerprint of
the ticket table and wakes every open queue page; local actions wake them at once.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable, Optional, Set

from aiohttp import web

from kcc.tickets import TicketStore

log = logging.getLogger(__name__)
HEARTBEAT_S = 15.0


class QueueWatcher:
    def __init__(self, store: TicketStore, poll_s: float) -> None:
        self.store = store
        self.poll_s = poll_s
        self._subscribers: Set[asyncio.Queue] = set()
        self._last: Optional[str] = None

    def subscribe(self) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue(maxsize=1)
        self._subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue) -> None:
        self._subscribers.discard(queue)

    def notify(self, message: Optional[str] = "changed") -> None:
        """Wake every subscriber; None tells them to close (server shutdown)."""
        for queue in list(self._subscribers):
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(message)

    async def run(self) -> None:
        while True:
            try:
                current = self.store.fingerprint()
                if self._last is not None and current != self._last:
                    self.notify()
                self._last = current
            except Exception:  # noqa: BLE001 — a locked or missing DB must not kill the loop
                log.exception("queue watcher poll failed")
            await asyncio.sleep(self.poll_s)


async def sse_stream(request: web.Request, next_event: Callable[[], Awaitable[Optional[str]]],
                     still_allowed: Callable[[], bool]) -> web.StreamResponse:
    """Send `event: <name>` whenever `next_event` yields a name; heartbeats keep proxies open.

    `next_event` returns "" on timeout (heartbeat), None to end the stream.
    """
    resp = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                       "Cache-Control": "no-store", "X-Accel-Buffering": "no"})
    await resp.prepare(request)
    await resp.write(b"retry: 3000\n\n")
    try:
        while True:
            name = await next_event()
            if name is None or not still_allowed():
                break
            await resp.write(f"event: {name}\ndata: {name}\n\n".encode() if name else b": ping\n\n")
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    return resp


async def queue_events(queue: asyncio.Queue) -> Optional[str]:
    """Next queue change, "" after a quiet heartbeat period, None on shutdown."""
    try:
        message = await asyncio.wait_for(queue.get(), timeout=HEARTBEAT_S)
    except asyncio.TimeoutError:
        return ""
    return None if message is None else "queue"
