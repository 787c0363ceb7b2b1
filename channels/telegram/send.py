"""Sending to Telegram with python-telegram-bot: a lazy Bot, flood-limit retries, no crashes.

Why lazy: Rasa builds channels while starting; nothing may touch the network then (a missing
network or a wrong token must not stop the assistant), and the Bot's HTTP client must be created
inside the event loop that uses it.
Why it never raises: a failed send is logged and dropped; the conversation itself is already in
the tracker, and an exception here would surface as a 500 to Telegram (which then re-delivers).
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from datetime import timedelta
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple, Union

from rasa.core.channels.channel import OutputChannel
from telegram import Bot, InlineKeyboardMarkup
from telegram.error import RetryAfter, TelegramError
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from channels.telegram.format import CallbackPayloads, build_keyboard, compose_text, split_text
from channels.telegram.texts import BUTTONS_PROMPT

logger = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[Any]]


def retry_seconds(exc: RetryAfter) -> float:
    """Seconds to wait; PTB 22 reports `retry_after` as int (deprecated) or timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value: Union[int, timedelta] = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramSender:
    """One bot's outgoing calls, retried on Telegram's flood limit (HTTP 429, `RetryAfter`)."""

    def __init__(
        self,
        token: str,
        api_base: str = "",
        max_tries: int = 3,
        max_wait: float = 30.0,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._token = token
        self._api_base = api_base.rstrip("/")
        self._max_tries = max_tries
        self._max_wait = max_wait
        self._sleep = sleep
        self._bot: Optional[Bot] = None

    @property
    def bot(self) -> Bot:
        """The PTB Bot, created on first use; constructing it makes no network call."""
        if self._bot is None:
            # httpx logs every request URL at INFO, and Bot API URLs contain the token.
            logging.getLogger("httpx").setLevel(logging.WARNING)
            kwargs: Dict[str, Any] = {"request": HTTPXRequest(connection_pool_size=16)}
            if self._api_base:
                kwargs["base_url"] = f"{self._api_base}/bot"
            self._bot = Bot(self._token, **kwargs)
        return self._bot

    async def send_text(
        self, chat_id: str, text: str, reply_markup: Optional[InlineKeyboardMarkup] = None
    ) -> bool:
        """sendMessage as plain text; True when Telegram accepted it."""
        return await self._call(
            "sendMessage", lambda: self.bot.send_message(chat_id, text, reply_markup=reply_markup)
        )

    async def answer_callback(self, callback_query_id: str) -> bool:
        """Stops the spinner on the pressed button; the answer itself comes as a message."""
        return await self._call(
            "answerCallbackQuery", lambda: self.bot.answer_callback_query(callback_query_id)
        )

    async def _call(self, method: str, call: Callable[[], Awaitable[Any]]) -> bool:
        for attempt in range(1, self._max_tries + 1):
            try:
                await call()
                return True
            except RetryAfter as exc:
                wait = min(retry_seconds(exc), self._max_wait)
                if attempt == self._max_tries:
                    break
                logger.info("Telegram %s rate-limited; retry %d in %.1fs", method, attempt, wait)
                await self._sleep(wait)
            except TelegramError as exc:
                logger.warning("Telegram %s failed: %s", method, exc)
                return False
            except Exception:  # never let a channel failure take down the Rasa server
                logger.exception("Telegram %s failed unexpectedly", method)
                return False
        logger.warning(
            "Telegram %s still rate-limited after %d tries; message dropped",
            method,
            self._max_tries,
        )
        return False


class TelegramOutput(OutputChannel):
    """Pushes bot and staff messages to a chat at any time (also during a staff takeover).

    `recipient_id` is the Rasa sender id: the Telegram chat id for the default bot, and
    ``<slug>:<chat id>`` for a municipality's own bot (channels/telegram/bots.py), which then
    sends it.
    """

    def __init__(self, sender: Optional[TelegramSender], payloads: CallbackPayloads,
                 senders: Optional[Dict[str, Optional[TelegramSender]]] = None) -> None:
        self.sender = sender
        self.payloads = payloads
        self.senders: Dict[str, Optional[TelegramSender]] = dict(senders or {})

    def _route(self, recipient_id: str) -> Tuple[Optional[TelegramSender], str]:
        """The bot that serves this conversation, and the chat id to send to."""
        slug, sep, chat_id = recipient_id.partition(":")
        if sep and slug in self.senders:
            return self.senders[slug], chat_id
        return self.sender, recipient_id

    @classmethod
    def name(cls) -> str:
        return "telegram"

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        """Text (with staff prefix and links), split to fit; buttons on the last part."""
        sender, chat_id = self._route(recipient_id)
        if sender is None:
            logger.warning("Telegram is not configured; message to a chat dropped")
            return
        buttons: List[Dict[str, Any]] = message.get("buttons") or message.get("quick_replies") or []
        feedback = message.get("feedback")
        keyboard = build_keyboard(buttons, self.payloads, feedback) if buttons or feedback else None
        chunks = split_text(compose_text(message))
        if not chunks and keyboard is not None:
            chunks = [BUTTONS_PROMPT]
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            await sender.send_text(chat_id, chunk, keyboard if last else None)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})
