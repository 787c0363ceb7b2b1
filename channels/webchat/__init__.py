"""Web chat channel: a Rasa input channel plus the embeddable widget it serves.

Registered in credentials.yml as `channels.webchat.WebchatInput`.
"""
from channels.webchat.channel import WebchatInput, WebchatOutput

__all__ = ["WebchatInput", "WebchatOutput"]
