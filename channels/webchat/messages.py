"""The one message shape the widget understands, made from whatever Rasa hands a channel.

Why: Rasa passes bot messages as loose dicts (text, buttons, custom, plus every utter_message
keyword merged in). The widget must only ever see plain text, buttons and vetted links, so all
three outputs (replies, pushes, history) go through `to_widget` and nothing else reaches it.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import urlsplit

import yaml

MAX_LINKS = 10
MAX_BUTTONS = 12
TEL_RE = re.compile(r"^tel:[0-9 +-]{3,20}$")
CONTENT_DIR = Path(__file__).resolve().parents[2] / "knowledge" / "content"


def safe_url(url: Any) -> Optional[str]:
    """The URL if it is an absolute http(s) address, or `tel:` followed by only digits, spaces,
    + and -; `javascript:` and friends are dropped."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if url.lower().startswith("tel:"):
        return "tel:" + url[4:] if TEL_RE.match("tel:" + url[4:]) else None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


@lru_cache(maxsize=1)
def _known_contacts() -> Tuple[Tuple[Tuple[str, str, str], ...], Tuple[Tuple[str, str], ...]]:
    """Verified help-line numbers (digits, shown number, name) and the municipality and help-line
    websites (host, url) from the catalogue sources: the only numbers and addresses in a bot
    text that become links. Anything else in a text stays plain text."""
    numbers: List[Tuple[str, str, str]] = []
    sites: List[Tuple[str, str]] = []
    try:
        lines = yaml.safe_load((CONTENT_DIR / "helplines.yml").read_text(encoding="utf-8"))
        for h in lines.get("helplines") or []:
            if h.get("verified") == "verified":
                for n in [h.get("number")] + list(h.get("alt_numbers") or []):
                    if n:
                        numbers.append((re.sub(r"\D", "", n), n, h["name"]))
            if h.get("url"):
                sites.append((urlsplit(h["url"]).netloc.lower(), h["url"]))
        for path in sorted((CONTENT_DIR / "municipalities").glob("*.yml")):
            profile = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for url in [profile.get("website")] + [p.get("website") for p in
                                                  (profile.get("partners") or {}).values()]:
                if url:
                    sites.append((urlsplit(url).netloc.lower(), url))
    except (OSError, yaml.YAMLError, AttributeError):
        pass
    return tuple(numbers), tuple(sites)


def text_links(text: str) -> List[Dict[str, str]]:
    """`tel:` links for the verified help-line numbers and links for the known websites that a
    bot text mentions, so a ladder step or a fallback sent without links can still be tapped."""
    numbers, sites = _known_contacts()
    found: List[Dict[str, str]] = []
    for match in re.finditer(r"(?<![\w-])(\d[\d -]{1,14}\d|\d{3})(?![\w-])", text or ""):
        shown = match.group(1).strip()
        digits = re.sub(r"\D", "", shown)
        for known_digits, number, name in numbers:
            if digits == known_digits:
                found.append({"title": f"Bel {name}: {number}",
                              "url": "tel:" + re.sub(r"[^\d+-]", "", number)})
                break
    low = (text or "").lower()
    for site_host, url in sites:
        bare = site_host.replace("www.", "", 1)
        if re.search(r"(?<![\w.-])(www\.)?" + re.escape(bare) + r"(?![\w-])", low):
            found.append({"title": f"Naar {site_host}", "url": url})
    return found


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


def _feedback(raw: Any) -> Optional[Dict[str, Any]]:
    """The "Was dit nuttig?" offer under a catalogue answer (actions/feedback.py): only the
    question and two buttons whose payloads are our own feedback buttons pass."""
    from assistant.untrusted import button_payload

    if not isinstance(raw, dict):
        return None
    out: Dict[str, Any] = {"question": str(raw.get("question") or "Was dit nuttig?")[:80]}
    for which in ("up", "down"):
        button = raw.get(which)
        payload = button.get("payload") if isinstance(button, dict) else None
        if not isinstance(payload, str) or not payload.startswith("/feedback{") \
                or button_payload(payload) != payload:
            return None
        out[which] = {"title": str(button.get("title") or "")[:8],
                      "label": str(button.get("label") or "")[:80], "payload": payload}
    return out


def to_widget(message: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """Reduce a Rasa bot message to {text, buttons?, links?, agent?, person?}; None if nothing
    to show."""
    text = message.get("text")
    out: Dict[str, Any] = {"text": text if isinstance(text, str) else ""}
    buttons = _buttons(message.get("buttons") or message.get("quick_replies"))
    links = _links(message.get("links"))
    if out["text"] and not message.get("agent"):  # staff texts are never turned into links
        known = {link["url"] for link in links}
        for link in _links(text_links(out["text"])):
            if link["url"] not in known and len(links) < MAX_LINKS:
                links.append(link)
                known.add(link["url"])
    if buttons:
        out["buttons"] = buttons
    if links:
        out["links"] = links
    agent = message.get("agent")
    if isinstance(agent, str) and agent.strip():
        out["agent"] = agent.strip()
    feedback = _feedback(message.get("feedback"))
    if feedback is not None:
        out["feedback"] = feedback
    person = message.get("person")  # a staff member took over ("Anna") or handed back ("")
    if isinstance(person, str):
        out["person"] = person.strip()[:80]
    if not (out["text"].strip() or buttons or links):
        return None
    return out
