"""One Telegram bot per municipality: their tokens and secrets, and whose chat a sender id is.

Why one bot each: residents look for their own municipality's bot, and BotFather ties a name,
picture and description to a bot. So a region deployment runs several bots on one server; each
has its own webhook path (``/webhooks/telegram/<slug>/webhook``), token and secret, and a
conversation id that says which bot it came through (``<slug>:<chat id>``). That prefix is what
lets staff replies, which Rasa sends to the one ``telegram`` output channel, leave through the
right bot; and a resident who talks to two municipalities' bots has two conversations. The bot of
``TELEGRAM_TOKEN`` keeps plain chat ids, so a single-municipality deployment is unchanged.

``TELEGRAM_BOTS`` holds the bots as JSON: ``{"oldambt": {"token": "...", "secret": "..."}}``
(and, for tests against a local fake Bot API, an ``api_base`` per bot).
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Dict, Optional, Tuple

from channels.telegram.guard import RecentUpdates
from channels.telegram.send import TelegramSender
from knowledge.tenants import valid_municipality

logger = logging.getLogger(__name__)

#: token, secret and (tests only) api_base of one municipality's bot
BotSettings = Tuple[str, str, str]

SEPARATOR = ":"  # TelegramOutput._route splits on the same character


@dataclass
class TelegramBot:
    """One bot: its secret for incoming calls, its sender for outgoing ones, its seen updates
    (update ids are counted per bot, so they are remembered per bot)."""

    slug: Optional[str]
    secret: str
    sender: Optional[TelegramSender]
    recent: RecentUpdates = field(default_factory=RecentUpdates)

    @property
    def configured(self) -> bool:
        return self.sender is not None and bool(self.secret)


def make_bot(slug: Optional[str], token: str, secret: str, api_base: str = "") -> TelegramBot:
    """A bot; without token or secret it is registered but answers 503 (like the default)."""
    token, secret = token.strip(), secret.strip()
    sender = TelegramSender(token, api_base.strip()) if token and secret else None
    return TelegramBot(slug=slug, secret=secret, sender=sender)


def parse_bots(raw: str) -> Dict[str, BotSettings]:
    """``{slug: (token, secret, api_base)}`` from ``TELEGRAM_BOTS``; unknown slugs and malformed entries are
    left out with a warning (never a crash at start-up, never a bot for a municipality we do not
    serve)."""
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        logger.warning("TELEGRAM_BOTS is not JSON; no municipal Telegram bots")
        return {}
    bots: Dict[str, BotSettings] = {}
    for key, value in (data.items() if isinstance(data, dict) else ()):
        slug = valid_municipality(key)
        if slug is None or not isinstance(value, dict):
            logger.warning("TELEGRAM_BOTS: %r is not a municipality of this deployment; ignored",
                           str(key)[:64])
            continue
        bots[slug] = (str(value.get("token") or ""), str(value.get("secret") or ""),
                      str(value.get("api_base") or ""))
    return bots


def conversation_id(slug: Optional[str], chat_id: str) -> str:
    """The Rasa sender id of a chat with a bot (see the module docstring)."""
    return chat_id if slug is None else f"{slug}{SEPARATOR}{chat_id}"

