"""Web chat pushes between Rasa processes, over Redis pub/sub.

Why: with several Rasa replicas, a staff message can be handed to the ``webchat`` output channel
of one replica (the one whose API the console called) while the resident's event stream is open
on another. Each replica therefore publishes every push to one Redis channel and delivers what
it hears there to its own open streams, through the ordinary in-process ``PushHub`` (replay
buffer, stream caps and ids stay exactly as they are for one process).

Order: one sender task per process publishes in the order the pushes were made, and Redis keeps
the order of one connection's messages, so a resident never sees two staff lines swapped.
When Redis cannot be reached the push is delivered in this process only (logged), which is what
a single replica would have done; the resident still finds it in the history after a reload.
"""
from __future__ import annotations

import asyncio
import json
import logging
from contextlib import contextmanager
from typing import Any, Dict, Iterator, Optional

from channels.webchat.hub import PushHub, Subscription

logger = logging.getLogger(__name__)

CHANNEL = "assistant:webchat:push"
RECONNECT_SECONDS = 1.0
LISTEN_SECONDS = 1.0  # a quiet wait for the next push; the client PINGs Redis meanwhile


class RedisPushHub(PushHub):
    """A PushHub whose ``publish`` reaches the open streams of every process."""

    def __init__(self, redis_url: str, channel: str = CHANNEL, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._url = redis_url
        self._channel = channel
        self._outbox: Optional["asyncio.Queue[str]"] = None
        self._tasks: list = []
        self._listening: Optional[asyncio.Event] = None  # made inside the loop, see _start

    # -- the PushHub interface ------------------------------------------------------------
    def publish(self, session_id: str, message: Dict[str, Any]) -> int:
        """Queue the push for Redis; every process (this one too) delivers it when it hears it.
        Returns the last id delivered here (the push itself gets its id on arrival)."""
        self._start()
        assert self._outbox is not None
        self._outbox.put_nowait(json.dumps({"session": session_id, "message": message},
                                           ensure_ascii=False))
        return self._last_id

    @contextmanager
    def subscribe(self, session_id: str, after: Optional[int]) -> Iterator[Subscription]:
        """As PushHub's, and this process starts listening on Redis if it did not yet."""
        self._start()
        with super().subscribe(session_id, after) as sub:
            yield sub

    async def ready(self, timeout: float = 10.0) -> None:
        """Wait until this process listens on Redis (start-up; tests)."""
        self._start()
        assert self._listening is not None
        await asyncio.wait_for(self._listening.wait(), timeout)

    # -- internals ---------------------------------------------------------------------------
    def _start(self) -> None:
        """Start the sender and the listener in the running loop, once (never at import or in
        the constructor: Rasa builds channels before its event loop runs)."""
        if self._outbox is not None:
            return
        self._outbox = asyncio.Queue()
        self._listening = asyncio.Event()
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._send()), loop.create_task(self._listen())]

    def _client(self) -> Any:
        import redis.asyncio as redis

        return redis.from_url(self._url, socket_timeout=5, socket_connect_timeout=5,
                              health_check_interval=10)

    async def _send(self) -> None:
        assert self._outbox is not None
        client = self._client()
        while True:
            raw = await self._outbox.get()
            try:
                await client.publish(self._channel, raw)
            except Exception as exc:  # noqa: BLE001 - Redis down: deliver here, as one replica would
                logger.warning("webchat push via Redis failed (%s); delivered in this process only",
                               type(exc).__name__)
                self._deliver(raw)

    async def _listen(self) -> None:
        assert self._listening is not None
        while True:
            client = self._client()
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(self._channel)
                    self._listening.set()
                    # Not pubsub.listen(): it reads with the 5 s socket timeout, so every 5 quiet
                    # seconds it failed, and pushes made while it reconnected were lost (issue 21).
                    while True:
                        item = await pubsub.get_message(ignore_subscribe_messages=True,
                                                        timeout=LISTEN_SECONDS)
                        if item and item.get("type") == "message":
                            self._deliver(item["data"])
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - keep listening after Redis comes back
                self._listening.clear()
                logger.warning("webchat push listener lost Redis (%s); reconnecting",
                               type(exc).__name__)
                await asyncio.sleep(RECONNECT_SECONDS)
            finally:
                await client.close()

    def _deliver(self, raw: Any) -> None:
        try:
            data = json.loads(raw)
            session_id, message = data["session"], data["message"]
        except (ValueError, KeyError, TypeError):
            logger.warning("webchat push from Redis not understood; ignored")
            return
        if isinstance(session_id, str) and isinstance(message, dict):
            PushHub.publish(self, session_id, message)


def make_hub(redis_url: str) -> PushHub:
    """The hub for this deployment: over Redis when ``REDIS_URL`` is set, else in-process."""
    return RedisPushHub(redis_url) if redis_url.strip() else PushHub()
