"""What to do with one Telegram update: a small plan of steps, decided without any I/O.

Keeping this pure means the webhook only executes plans, and every rule (commands, buttons,
non-text messages, group chats) is unit-tested on plain `telegram.Update` objects.

Privacy: the plan carries only the chat id (the Rasa sender id) and the text; names, usernames
and other profile fields of the Telegram user are never read here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Tuple, Union

from telegram import Chat, Message, Update

from assistant.untrusted import button_payload, resident_text
from channels.refusal import CHAT_ONLY_TEXT
from channels.telegram import texts
from channels.telegram.format import CallbackPayloads

# Telegram command -> Rasa payload. /start and /stop also get a text from the channel itself.
COMMANDS: Dict[str, str] = {
    "start": "/greet",
    "help": "/ask_capabilities",
    "medewerker": "/request_human",
    "stop": "/restart",
}

_NON_TEXT_FIELDS = (
    "photo",
    "voice",
    "sticker",
    "document",
    "location",
    "venue",
    "video",
    "video_note",
    "audio",
    "animation",
    "contact",
    "poll",
    "dice",
)


@dataclass(frozen=True)
class Forward:
    """Hand this text (or `/intent` payload) to Rasa as the resident's message."""

    text: str


@dataclass(frozen=True)
class Say:
    """Send this text to the chat directly, without asking Rasa."""

    text: str


Step = Union[Forward, Say]


@dataclass(frozen=True)
class Plan:
    """Steps for one update. `chat_id` None means: nothing to send (see `reason` for the log)."""

    chat_id: Optional[str] = None
    steps: Tuple[Step, ...] = ()
    callback_query_id: Optional[str] = None
    reason: str = ""


def plan_update(update: Update, payloads: CallbackPayloads) -> Plan:
    """Decide what one update means for the conversation."""
    if update.callback_query is not None:
        return _plan_callback(update, payloads)
    if update.message is not None:
        return _plan_message(update.message)
    return Plan(reason="update type not handled (edited message, channel post, ...)")


def _plan_callback(update: Update, payloads: CallbackPayloads) -> Plan:
    query = update.callback_query
    message = query.message
    if message is None or not isinstance(message, Message):
        return Plan(callback_query_id=query.id, reason="callback without an accessible message")
    chat_id = str(message.chat.id)
    if message.chat.type != Chat.PRIVATE:
        return Plan(chat_id, (Say(texts.PRIVATE_CHAT_ONLY),), query.id)
    payload = payloads.decode(query.data or "")
    if payload is None:
        return Plan(chat_id, (Say(texts.BUTTON_EXPIRED),), query.id)
    if not payload_allowed(payload):
        return Plan(callback_query_id=query.id, reason="callback data that is not our button")
    return Plan(chat_id, (Forward(resident_text(payload)),), query.id)


def _plan_message(message: Message) -> Plan:
    chat_id = str(message.chat.id)
    if message.chat.type != Chat.PRIVATE:
        return Plan(chat_id, (Say(texts.PRIVATE_CHAT_ONLY),))
    if message.text is not None:
        return _plan_text(chat_id, message.text)
    if any(getattr(message, field, None) for field in _NON_TEXT_FIELDS):
        return Plan(chat_id, (Say(CHAT_ONLY_TEXT),))
    return Plan(reason="service message without content")


def _plan_text(chat_id: str, text: str) -> Plan:
    text = text.strip()
    if not text.startswith("/"):
        plain = resident_text(text)
        return Plan(chat_id, (Forward(plain),)) if plain else Plan(reason="empty text")
    command = text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if len(text) > 1 else ""
    if command == "start":
        return Plan(chat_id, (Forward(COMMANDS["start"]), Say(texts.privacy_notice())))
    if command == "stop":
        return Plan(chat_id, (Say(texts.conversation_closed()), Forward(COMMANDS["stop"])))
    if command in COMMANDS:
        return Plan(chat_id, (Forward(COMMANDS[command]),))
    # Unknown command: Rasa would read "/anything" as an intent, so residents could trigger
    # intents by typing them. Pass it on as ordinary text instead (our own buttons excepted).
    plain = resident_text(text)
    return Plan(chat_id, (Forward(plain),)) if plain else Plan(reason="bare slash")


def payload_allowed(payload: str) -> bool:
    """Callback data must be one of the assistant's own buttons (or plain text).

    A modified Telegram client can send any callback_data: staff intents (``EXTERNAL_*``), other
    intents or slot values in entity syntax are refused here instead of reaching Rasa.
    """
    stripped = payload.strip()
    if not stripped.startswith("/"):
        return True  # plain text is never read as an intent
    return button_payload(stripped) is not None
