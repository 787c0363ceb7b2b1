"""The one message shape the widget understands, made from whatever Rasa hands a channel.

Why: Rasa passes bot messages as loose dicts (text, buttons, custom, plus every utter_message
keyword merged in). The widget must only ever see plain text, buttons and vetted links, so all
three outputs (replies, pushes, history) go through `to_widget` and nothing else reaches it.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional
from urllib.parse import urlsplit

MAX_LINKS = 10
MAX_BUTTONS = 12


def safe_url(url: Any) -> Optional[str]:
    """The URL if it is an absolute http(s) address; `javascript:` and friends are dropped."""
    if not isinstance(url, str):
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def _buttons(raw: Any) -> List[Dict[str, str]]:
    buttons = []
    for button in raw if isinstance(raw, list) else []:
        if isinstance(button, dict) and button.get("title") and button.get("payload"):
            buttons.append({"title": str(button["title"]), "payload": str(button["payload"])})
    return buttons[:MAX_BUTTONS]


def _links(raw: Any) -> List[Dict[str, str]]:
    links = []
    for link in raw if isinstance(raw, list) else []:
        url = safe_url(link.get("url")) if isinstance(link, dict) else None
        if url:
            links.append({"title": str(link.get("title") or url), "url": url})
    return links[:MAX_LINKS]


def to_widget(message: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """Reduce a Rasa bot message to {text, buttons?, links?, agent?}; None if nothing to show."""
    text = message.get("text")
    out: Dict[str, Any] = {"text": text if isinstance(text, str) else ""}
    buttons = _buttons(message.get("buttons") or message.get("quick_replies"))
    links = _links(message.get("links"))
    if buttons:
        out["buttons"] = buttons
    if links:
        out["links"] = links
    agent = message.get("agent")
    if isinstance(agent, str) and agent.strip():
        out["agent"] = agent.strip()
    if not (out["text"].strip() or buttons or links):
        return None
    return out
