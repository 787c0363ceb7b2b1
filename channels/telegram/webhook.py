"""Register, show or delete the Telegram webhook (`make telegram-webhook`).

Kept out of the Rasa server on purpose: registering is a one-time admin step, and a server that
calls Telegram while starting cannot start without network.

    python -m channels.telegram.webhook            # register (same as `set`)
    python -m channels.telegram.webhook info       # show what Telegram has registered
    python -m channels.telegram.webhook delete     # stop Telegram from calling us
    python -m channels.telegram.webhook new-secret # print a fresh value for TELEGRAM_SECRET

Environment: TELEGRAM_TOKEN, TELEGRAM_SECRET, TELEGRAM_PUBLIC_URL (the public HTTPS address of
the Rasa server, e.g. https://assistent.gemeente.nl), optional TELEGRAM_API_BASE (another Bot API server, e.g. the tests' fake).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import secrets
import sys
from typing import List, Optional

from telegram import Bot
from telegram.error import TelegramError

from assistant.settings import Settings, settings

WEBHOOK_PATH = "/webhooks/telegram/webhook"
ALLOWED_UPDATES = ["message", "callback_query"]
_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram accepts


class ConfigError(Exception):
    """A setting is missing or wrong; the message says which and how to fix it."""


def webhook_url(public_url: str) -> str:
    """The full webhook URL from the public base address (a full URL is accepted as-is)."""
    base = public_url.strip().rstrip("/")
    if not base.startswith("https://"):
        raise ConfigError(
            "TELEGRAM_PUBLIC_URL must be a public https:// address (Telegram demands HTTPS)"
        )
    return base if base.endswith(WEBHOOK_PATH) else base + WEBHOOK_PATH


def check_secret(secret: str) -> str:
    """Telegram accepts 1-256 characters A-Z, a-z, 0-9, _ and -."""
    if not _SECRET_PATTERN.match(secret):
        raise ConfigError(
            "TELEGRAM_SECRET must be 1-256 characters: letters, digits, _ or - "
            "(create one with: python -m channels.telegram.webhook new-secret)"
        )
    return secret


def make_bot(token: str, api_base: str = "") -> Bot:
    """A Bot for the given token; `api_base` points it at a fake server in tests."""
    if not token:
        raise ConfigError("TELEGRAM_TOKEN is empty (get one from @BotFather)")
    if api_base:
        return Bot(token, base_url=f"{api_base.rstrip('/')}/bot")
    return Bot(token)


async def run(command: str, config: Settings) -> str:
    """Execute one command; returns what to print. Raises ConfigError or TelegramError."""
    if command == "new-secret":
        return secrets.token_urlsafe(32)
    bot = make_bot(config.telegram_token.strip(), config.telegram_api_base.strip())
    if command == "set":
        url = webhook_url(config.telegram_public_url)
        secret = check_secret(config.telegram_secret.strip())
    async with bot:
        if command == "set":
            await bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
            return f"Webhook registered: {url}"
        if command == "delete":
            await bot.delete_webhook()
            return "Webhook deleted: Telegram no longer sends updates to this assistant."
        info = await bot.get_webhook_info()
        lines = [f"url: {info.url or '(none)'}", f"pending updates: {info.pending_update_count}"]
        if info.last_error_message:
            lines.append(f"last error: {info.last_error_message}")
        return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m channels.telegram.webhook",
        description="Manage the Telegram webhook of the assistant.",
    )
    parser.add_argument(
        "command", nargs="?", default="set", choices=["set", "info", "delete", "new-secret"]
    )
    args = parser.parse_args(argv)
    try:
        print(asyncio.run(run(args.command, settings())))
    except ConfigError as exc:
        print(f"Configuration error: {exc}", file=sys.stderr)
        return 2
    except TelegramError as exc:
        print(f"Telegram refused: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
