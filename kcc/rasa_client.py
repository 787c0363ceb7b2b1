"""Talking to Rasa's HTTP API: trigger the takeover intents and read a conversation's transcript.

Why through Rasa and not the channels: Rasa runs the matching action, writes the staff message to
the tracker (so the transcript stays complete) and pushes it through the resident's own channel.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional
from urllib.parse import quote

import aiohttp

EXTERNAL_PREFIX = "EXTERNAL: "
# What a resident chose with a button, in the words staff know from the assistant's own buttons.
BUTTON_WORDS = {
    "ladder_helps": "Dat helpt", "ladder_fails": "Dat lukt niet",
    "request_human": "Spreek een medewerker", "affirm": "Ja", "deny": "Nee",
    "greet": "Gesprek begonnen", "restart": "Gesprek opnieuw begonnen",
    "ask_capabilities": "Wat kan de assistent?", "details": "Meer uitleg",
    "choose_topic": "een onderwerp", "choose_entry": "een onderwerp",
    "contact_method": "hoe contact opnemen",
}


class RasaError(Exception):
    """Rasa could not be reached or refused the call."""


@dataclass(frozen=True)
class Line:
    """One visible message of the transcript; `role` is resident, bot or staff."""

    role: str
    text: str
    at: Optional[datetime] = None
    agent: Optional[str] = None
    buttons: List[str] = field(default_factory=list)


class RasaClient:
    def __init__(self, base_url: str, token: str, timeout_s: float = 15.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._http: Optional[aiohttp.ClientSession] = None

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None

    def _client(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(timeout=self.timeout)
        return self._http

    def _url(self, conversation_id: str, tail: str) -> str:
        return f"{self.base_url}/conversations/{quote(conversation_id, safe='')}/{tail}"

    async def trigger(self, conversation_id: str, intent: str, entities: Dict[str, Any],
                      output_channel: str) -> None:
        params = {"output_channel": output_channel, "token": self.token}
        await self._request("POST", self._url(conversation_id, "trigger_intent"), params,
                            {"name": intent, "entities": entities})

    async def tracker(self, conversation_id: str) -> Dict[str, Any]:
        return await self._request("GET", self._url(conversation_id, "tracker"),
                                   {"token": self.token}, None)

    async def _request(self, method: str, url: str, params: Dict[str, str],
                       body: Optional[dict]) -> Dict[str, Any]:
        try:
            async with self._client().request(method, url, params=params, json=body) as resp:
                if resp.status != 200:
                    raise RasaError(f"{method} {url.split('?')[0]} gaf HTTP {resp.status}")
                return await resp.json(content_type=None) or {}
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise RasaError(f"Rasa niet bereikbaar: {exc.__class__.__name__}") from exc


def _time(event: Dict[str, Any]) -> Optional[datetime]:
    ts = event.get("timestamp")
    return datetime.fromtimestamp(ts, timezone.utc) if isinstance(ts, (int, float)) else None


def transcript(tracker: Dict[str, Any]) -> List[Line]:
    """Resident, bot and staff messages of a tracker; trigger_intent's EXTERNAL events hidden."""
    lines: List[Line] = []
    for event in tracker.get("events") or []:
        kind = event.get("event")
        text = event.get("text") or ""
        if kind == "user":
            if text.startswith(EXTERNAL_PREFIX):
                continue
            if text.startswith("/"):  # a button click: show what the resident saw, not the payload
                shown = (event.get("metadata") or {}).get("webchat_label")
                intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""
                text = f"(koos: {shown or BUTTON_WORDS.get(intent, 'een knop')})"
            lines.append(Line("resident", text, _time(event)))
        elif kind == "bot":
            agent = (event.get("metadata") or {}).get("agent")
            raw_buttons = (event.get("data") or {}).get("buttons") or []
            buttons = [str(b.get("title", "")) for b in raw_buttons if isinstance(b, dict)]
            if text or buttons:
                lines.append(Line("staff" if agent else "bot", text, _time(event), agent, buttons))
    return lines
