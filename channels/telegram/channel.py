"""Telegram channel for Rasa, built on python-telegram-bot (Rasa's own connector uses aiogram).

Registered in credentials.yml as `channels.telegram.TelegramInput` with `token`, `secret` and
`api_base`. Telegram POSTs updates to `/webhooks/telegram/webhook`; the webhook is registered
separately with `python -m channels.telegram.webhook` (never at start-up, so the assistant starts
without network and without touching the bot's settings). In a region, each municipality may have
its own bot (`TELEGRAM_BOTS`, see channels/telegram/bots.py) at `/webhooks/telegram/<slug>/webhook`.

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

from assistant.settings import settings
from channels.telegram.bots import (BotSettings, TelegramBot, conversation_id, make_bot,
                                    parse_bots)
from channels.telegram.format import CallbackPayloads
from channels.telegram.guard import SECRET_HEADER, secret_matches
from channels.telegram.send import TelegramOutput
from channels.telegram.updates import Forward, Plan, Say, plan_update
from channels.refusal import CHAT_MAX_TEXT, CHAT_TOO_LONG
from channels.tenant import tenant_metadata

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]

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
            bots=parse_bots(settings().telegram_bots),
        )

    def __init__(self, token: str, secret: str, api_base: str = "",
                 bots: Optional[Dict[str, BotSettings]] = None) -> None:
        self.token = token.strip()
        self.secret = secret.strip()
        self.payloads = CallbackPayloads()
        default = make_bot(None, self.token, self.secret, api_base)
        self.recent = default.recent
        #: The default bot under None, each municipality's own bot under its slug.
        self.bots: Dict[Optional[str], TelegramBot] = {None: default}
        for slug, (bot_token, bot_secret, bot_api_base) in (bots or {}).items():
            self.bots[slug] = make_bot(slug, bot_token, bot_secret, bot_api_base or api_base)
        self.output = TelegramOutput(default.sender, self.payloads, senders={
            slug: bot.sender for slug, bot in self.bots.items() if slug is not None})
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

        @webhook.route("/<slug:str>/webhook", methods=["POST"])
        async def receive_for(request: Request, slug: str) -> HTTPResponse:
            status = await self.handle(
                request.headers.get(SECRET_HEADER), request.body, on_new_message, slug=slug
            )
            return response.json({"ok": status == 200}, status=status)

        return webhook

    async def handle(self, secret: Optional[str], body: bytes, on_new_message: OnNewMessage,
                     slug: Optional[str] = None) -> int:
        """Process one webhook call (to the default bot, or to the bot of ``slug``); returns the
        HTTP status for Telegram.

        Anything that is not a problem of authentication answers 200: Telegram re-delivers on
        any other status, and a malformed or unknown update will not get better by re-sending.
        A slug without a bot answers 404, whether or not it is a municipality of ours.
        """
        bot = self.bots.get(slug) if slug is not None else self.bots[None]
        if bot is None:
            return 404
        if not bot.configured:
            return 503
        if not secret_matches(bot.secret, secret):
            logger.warning("Telegram webhook call with a wrong or missing secret token refused")
            return 403
        update = self._parse(body, bot)
        if update is None:
            return 200
        try:
            plan = plan_update(update, self.payloads)
        except Exception:  # noqa: BLE001 - PTB does not check field types (e.g. a list as text)
            logger.warning("Telegram update %d has fields of an unexpected type; ignored",
                           update.update_id)
            return 200
        await self._execute(plan, update.update_id, on_new_message, bot)
        return 200

    def _parse(self, body: bytes, bot: TelegramBot) -> Optional[Update]:
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
        if not bot.recent.first_time(update_id):
            logger.info("Telegram update %d delivered again; ignored", update_id)
            return None
        try:
            return Update.de_json(data, bot.sender.bot if bot.sender else None)
        except Exception:  # PTB raises various errors on unexpected shapes
            logger.warning("Telegram update %d has an unknown shape; ignored", update_id)
            return None

    async def _execute(self, plan: Plan, update_id: int, on_new_message: OnNewMessage,
                       bot: TelegramBot) -> None:
        if plan.callback_query_id and bot.sender is not None:
            await bot.sender.answer_callback(plan.callback_query_id)
        if plan.chat_id is None:
            logger.info("Telegram update %d: nothing to do (%s)", update_id, plan.reason)
            return
        recipient = conversation_id(bot.slug, plan.chat_id)
        for step in plan.steps:
            if isinstance(step, Say):
                await self.output.send_text_message(recipient, step.text)
            elif isinstance(step, Forward):
                # Telegram delivers at most 4096 characters (UTF-16 units, so never more Python
                # characters either): a longer text did not come from a Telegram app, and is
                # refused so that it never reaches Rasa, the NLU or the tracker.
                if len(step.text) > CHAT_MAX_TEXT:
                    logger.info("Telegram update %d: text of %d characters refused (too long)",
                                update_id, len(step.text))
                    await self.output.send_text_message(recipient, CHAT_TOO_LONG)
                    continue
                await self._forward(recipient, step.text, update_id, on_new_message, bot.slug)

    async def _forward(
        self, sender_id: str, text: str, update_id: int, on_new_message: OnNewMessage,
        slug: Optional[str] = None,
    ) -> None:
        # Only the bot's municipality as metadata: Telegram profile data (names, usernames)
        # stays out of Rasa.
        message = UserMessage(
            text,
            self.output,
            sender_id,
            input_channel=self.name(),
            message_id=f"telegram-{slug}-{update_id}" if slug else f"telegram-{update_id}",
            metadata=tenant_metadata(slug),
        )
        try:
            await on_new_message(message)
        except Exception:
            logger.exception("Telegram update %d: handling the message failed", update_id)
