"""Rate limits and stream caps of the public channels (security review 2 and 7)."""
from __future__ import annotations

import pytest

from assistant.rate_limit import RateLimiter, client_address
from channels.webchat.hub import PushHub, TooManyStreams


def test_limit_per_key_with_retry_time() -> None:
    limiter = RateLimiter(limit=3, window=60)
    assert [limiter.hit("a", now=t) for t in (0, 1, 2)] == [None, None, None]
    assert limiter.hit("a", now=3) == 57
    assert limiter.hit("b", now=3) is None
    assert limiter.hit("a", now=61) is None  # the first hit left the window


def test_the_number_of_keys_stays_bounded() -> None:
    limiter = RateLimiter(limit=1, window=60, max_keys=100)
    for n in range(1000):
        limiter.hit(f"k{n}", now=0)
    assert len(limiter._hits) <= 101


@pytest.mark.parametrize("peer, header, trusted, expected", [
    ("10.0.0.5", "203.0.113.9", frozenset(), "10.0.0.5"),  # untrusted peer: header ignored
    ("10.0.0.5", "203.0.113.9", frozenset({"10.0.0.5"}), "203.0.113.9"),
    ("10.0.0.5", "1.2.3.4, 203.0.113.9", frozenset({"10.0.0.5"}), "203.0.113.9"),  # spoofed left
    ("10.0.0.5", "203.0.113.9, 10.0.0.4", frozenset({"10.0.0.5", "10.0.0.4"}), "203.0.113.9"),
    (None, None, frozenset(), "unknown"),
    # networks: a container platform's proxies change address, not network
    ("10.42.3.7", "203.0.113.9, 10.42.1.2", frozenset({"10.42.0.0/16"}), "203.0.113.9"),
    ("10.43.0.1", "203.0.113.9", frozenset({"10.42.0.0/16"}), "10.43.0.1"),
    # every header line counts, the client's own line (first) never wins over the proxy's
    ("10.0.0.5", ["1.2.3.4", "203.0.113.9"], frozenset({"10.0.0.5"}), "203.0.113.9"),
    ("10.0.0.5", [], frozenset({"10.0.0.5"}), "10.0.0.5"),
    # a dual-stack socket, IPv6 and garbage in the header
    ("::ffff:10.0.0.5", "203.0.113.9", frozenset({"10.0.0.5"}), "203.0.113.9"),
    ("fd00::1", "2001:db8::7", frozenset({"fd00::/8"}), "2001:db8::7"),
    ("10.0.0.5", "unknown", frozenset({"10.0.0.5"}), "unknown"),
    # a typo in the setting trusts less, never more
    ("10.0.0.5", "203.0.113.9", frozenset({"10.0.0.5/99", "nonsense"}), "10.0.0.5"),
])
def test_client_address_believes_only_trusted_proxies(peer, header, trusted, expected) -> None:
    assert client_address(peer, header, trusted) == expected


def test_streams_are_capped_per_session_and_in_total() -> None:
    hub = PushHub(max_per_session=2, max_total=3)
    with hub.subscribe("s1", None), hub.subscribe("s1", None):
        assert not hub.has_room("s1")
        with pytest.raises(TooManyStreams):
            with hub.subscribe("s1", None):
                pass
        with hub.subscribe("s2", None):
            assert not hub.has_room("s3")  # three open in total
    assert hub.has_room("s1") and hub.open_streams == 0
