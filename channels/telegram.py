"""Telegram channel for Rasa, built on python-telegram-bot (Rasa's own connector uses aiogram).

Registered in credentials.yml as `channels.telegram.TelegramInput` with `token`, `secret` and
`api_base`. Telegram POSTs updates to `/webhooks/telegram/webhook`; the webhook is registered
separately with `python -m channels.telegram_webhook` (never at start-up, so the assistant starts
without network and without touching the bot's settings).

What this fixes compared with Rasa's connector: the secret-token header is checked, re-delivered
updates are processed once, bad input never produces a 500, and starting makes no network call.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable, Dict, Optional

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Update

from channels.telegram_format import CallbackPayloads
from channels.telegram_guard import SECRET_HEADER, RecentUpdates, secret_matches
from channels.telegram_send import TelegramOutput, TelegramSender
from channels.telegram_updates import Forward, Plan, Say, plan_update

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]

# Telegram itself delivers at most 4096 characters per message (counted in UTF-16 units, so a
# real message never has more Python characters either). Anything longer did not come from a
# normal Telegram client; it is refused here so it never reaches Rasa, the NLU or the tracker.
MAX_TEXT_CHARS = 4096
TOO_LONG = (
    "Uw bericht is te lang. Ik kan maximaal 4096 tekens lezen. "
    "Wilt u uw vraag korter typen? U kunt ook meer berichten na elkaar sturen."
)


class TelegramInput(InputChannel):
    """Receives Telegram webhook updates and hands residents' messages to Rasa."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "TelegramInput":
        """Missing or empty values leave the channel registered but switched off (503)."""
        credentials = credentials or {}
        return cls(
            str(credentials.get("token") or ""),
            str(credentials.get("secret") or ""),
            str(credentials.get("api_base") or ""),
        )

    def __init__(self, token: str, secret: str, api_base: str = "") -> None:
        self.token = token.strip()
        self.secret = secret.strip()
        self.payloads = CallbackPayloads()
        self.recent = RecentUpdates()
        sender = TelegramSender(self.token, api_base.strip()) if self.configured else None
        self.output = TelegramOutput(sender, self.payloads)
        if not self.configured:
            logger.info(
                "Telegram channel not configured (token and secret needed); webhook answers 503"
            )

    @property
    def configured(self) -> bool:
        """Both a token and a secret: without a secret we could not tell Telegram from anyone."""
        return bool(self.token and self.secret)

    def get_output_channel(self) -> TelegramOutput:
        """The same output for every call, so staff messages during takeover reach the chat."""
        return self.output

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webhook = Blueprint("telegram_ptb_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.configured else "not configured"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            status = await self.handle(
                request.headers.get(SECRET_HEADER), request.body, on_new_message
            )
            return response.json({"ok": status == 200}, status=status)

        return webhook

    async def handle(self, secret: Optional[str], body: bytes, on_new_message: OnNewMessage) -> int:
        """Process one webhook call; returns the HTTP status for Telegram.

        Anything that is not a problem of authentication answers 200: Telegram re-delivers on
        any other status, and a malformed or unknown update will not get better by re-sending.
        """
        if not self.configured:
            return 503
        if not secret_matches(self.secret, secret):
            logger.warning("Telegram webhook call with a wrong or missing secret token refused")
            return 403
        update = self._parse(body)
        if update is None:
            return 200
        try:
            plan = plan_update(update, self.payloads)
        except Exception:  # noqa: BLE001 - PTB does not check field types (e.g. a list as text)
            logger.warning("Telegram update %d has fields of an unexpected type; ignored",
                           update.update_id)
            return 200
        await self._execute(plan, update.update_id, on_new_message)
        return 200

    def _parse(self, body: bytes) -> Optional[Update]:
        """The update, or None (logged) if it is malformed or a re-delivery."""
        try:
            data = json.loads(body or b"")
        except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
            logger.warning("Telegram webhook: body is not JSON; ignored")
            return None
        update_id = data.get("update_id") if isinstance(data, dict) else None
        if not isinstance(update_id, int) or isinstance(update_id, bool):
            logger.warning("Telegram webhook: no update_id; ignored")
            return None
        if not self.recent.first_time(update_id):
            logger.info("Telegram update %d delivered again; ignored", update_id)
            return None
        try:
            return Update.de_json(data, self.output.sender.bot)
        except Exception:  # PTB raises various errors on unexpected shapes
            logger.warning("Telegram update %d has an unknown shape; ignored", update_id)
            return None

    async def _execute(self, plan: Plan, update_id: int, on_new_message: OnNewMessage) -> None:
        sender = self.output.sender
        if plan.callback_query_id and sender is not None:
            await sender.answer_callback(plan.callback_query_id)
        if plan.chat_id is None:
            logger.info("Telegram update %d: nothing to do (%s)", update_id, plan.reason)
            return
        for step in plan.steps:
            if isinstance(step, Say):
                await self.output.send_text_message(plan.chat_id, step.text)
            elif isinstance(step, Forward):
                if len(step.text) > MAX_TEXT_CHARS:
                    logger.info("Telegram update %d: text of %d characters refused (too long)",
                                update_id, len(step.text))
                    await self.output.send_text_message(plan.chat_id, TOO_LONG)
                    continue
                await self._forward(plan.chat_id, step.text, update_id, on_new_message)

    async def _forward(
        self, chat_id: str, text: str, update_id: int, on_new_message: OnNewMessage
    ) -> None:
        # No metadata on purpose: Telegram profile data (names, usernames) stays out of Rasa.
        message = UserMessage(
            text,
            self.output,
            chat_id,
            input_channel=self.name(),
            message_id=f"telegram-{update_id}",
        )
        try:
            await on_new_message(message)
        except Exception:
            logger.exception("Telegram update %d: handling the message failed", update_id)
