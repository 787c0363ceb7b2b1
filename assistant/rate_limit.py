"""Sliding-window rate limits, shared by the public channels.

Why in memory: the limits protect one Rasa process from floods (one resident's conversation
delayed by a burst of forged messages, tickets pushed to the top of the KCC queue). Each process
keeps its own counts; the number of keys is bounded so a flood of new keys cannot grow memory.
"""
from __future__ import annotations

import ipaddress
import logging
import time
from collections import deque
from functools import lru_cache
from typing import Deque, Dict, Iterable, Optional, Tuple, Union

log = logging.getLogger(__name__)

_Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]


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


def client_address(peer: Optional[str], forwarded_for: Union[None, str, Iterable[str]],
                   trusted_proxies: frozenset) -> str:
    """The client's address: the peer, or, behind a trusted proxy, the last address in
    ``X-Forwarded-For`` that is not itself a trusted proxy (never a value the client chose).

    ``forwarded_for`` may be every ``X-Forwarded-For`` line of the request: a client can send its
    own line and a proxy such as HAProxy (``option forwardfor``) then adds one more, so reading
    only the first line would believe the client. ``trusted_proxies`` holds addresses or
    networks (``10.0.0.5``, ``10.42.0.0/16``): in a container platform the proxies' addresses
    change, their network does not.
    """
    address = peer or "unknown"
    networks = _networks(trusted_proxies)
    lines = [forwarded_for] if isinstance(forwarded_for, str) else list(forwarded_for or ())
    if not lines or not _trusted(address, networks):
        return address
    hops = [h.strip() for line in lines for h in line.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            return hop
    return address


@lru_cache(maxsize=32)
def _networks(trusted_proxies: frozenset) -> Tuple[_Network, ...]:
    """The trusted entries as networks (an address is a network of one); a typo is logged and
    left out rather than stopping the server, so it trusts less, never more."""
    networks = []
    for entry in sorted(trusted_proxies):
        try:
            networks.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError:
            log.warning("TRUSTED_PROXIES: %r is no address or network; it is ignored", entry)
    return tuple(networks)


def _trusted(address: str, networks: Tuple[_Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return False  # "unknown", a host name or garbage from a header: never a proxy
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # a dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d
    return any(ip in network for network in networks)
