"""The two checks every webhook call passes before anything else happens.

- The secret token: Telegram sends back the secret we registered with setWebhook in the header
  `X-Telegram-Bot-Api-Secret-Token`; without it anyone who guesses the URL could talk as any chat.
- Duplicates: Telegram re-delivers an update when our answer was slow or lost; a resident should
  not get the same answer (or the same ticket) twice.
"""

from __future__ import annotations

import hmac
from typing import Optional

from cachetools import LRUCache

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def secret_matches(expected: str, received: Optional[str]) -> bool:
    """Constant-time comparison; an empty expected secret never matches (fail closed)."""
    if not expected or received is None:
        return False
    return hmac.compare_digest(expected.encode(), received.encode())


class RecentUpdates:
    """Remembers the last `capacity` update ids, so a re-delivered update is processed once.

    Telegram re-delivers within minutes, so a bounded memory is enough; after a restart of the
    server the first re-delivery could slip through, which is acceptable for this channel.
    """

    def __init__(self, capacity: int = 2048) -> None:
        self._seen: LRUCache = LRUCache(maxsize=max(capacity, 1))

    def first_time(self, update_id: int) -> bool:
        """True the first time an id is seen (and remembers it), False for a repeat."""
        if update_id in self._seen:
            self._seen[update_id] = None  # seen again: keep it longest
            return False
        self._seen[update_id] = None
        return True
