"""A Telegram channel without network, for the tests: Rasa and the Bot API are recorded.

The ``channel_and_recorder`` fixture is in tests/conftest.py.
"""
from __future__ import annotations

import json
from typing import Any, List, Optional, Tuple

from rasa.core.channels.channel import UserMessage

from channels.telegram import TelegramInput
from tests.support.fake_telegram import FakeTelegramServer

CHAT = 4711
TELEGRAM = FakeTelegramServer(secret="unit-secret")  # only its update builders; never started


class Recorder:
    """Stands in for Rasa (received messages) and the Bot API (sent texts, answered buttons)."""

    def __init__(self) -> None:
        self.received: List[UserMessage] = []
        self.sent: List[Tuple[str, str, Any]] = []
        self.answered: List[str] = []

    async def on_new_message(self, message: UserMessage) -> None:
        self.received.append(message)

    async def send_text(self, chat_id: str, text: str, reply_markup: Any = None) -> bool:
        self.sent.append((chat_id, text, reply_markup))
        return True

    async def answer_callback(self, query_id: str) -> bool:
        self.answered.append(query_id)
        return True


async def deliver(
    channel: TelegramInput, recorder: Recorder, update: Any, secret: Optional[str] = TELEGRAM.secret
) -> int:
    body = update if isinstance(update, bytes) else json.dumps(update).encode()
    return await channel.handle(secret, body, recorder.on_new_message)
