"""The Telegram channel (python-telegram-bot): ``channels.telegram.TelegramInput``.

Registered in credentials.yml under that name. The parts: ``channel`` (the Rasa input channel and
webhook), ``updates`` (what an update means, without I/O), ``format`` and ``send`` (Rasa messages
out to Telegram), ``bots`` (one bot per municipality), ``guard`` (secret token, re-deliveries),
``texts`` (what the channel itself says) and ``webhook`` (the admin command that registers it).
"""
from channels.telegram.channel import TelegramInput
from channels.telegram.send import TelegramOutput

__all__ = ["TelegramInput", "TelegramOutput"]
