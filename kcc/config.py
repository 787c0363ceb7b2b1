"""Console settings, all from environment variables with embedded defaults (see contracts)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional


def _int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, "") or default)
    except ValueError:
        return default


@dataclass(frozen=True)
class ConsoleConfig:
    database_url: Optional[str] = None
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = ""
    municipality: str = "het-hogeland"
    session_minutes: int = 480
    retention_conversation_days: int = 30
    retention_ticket_days: int = 365
    cookie_secure: bool = False
    poll_seconds: float = 2.0
    outbox_interval_seconds: float = 10.0

    @classmethod
    def from_env(cls) -> "ConsoleConfig":
        return cls(
            database_url=os.environ.get("DATABASE_URL") or None,
            rasa_url=(os.environ.get("RASA_URL") or cls.rasa_url).rstrip("/"),
            rasa_token=os.environ.get("RASA_API_TOKEN", ""),
            municipality=(os.environ.get("MUNICIPALITY") or cls.municipality).strip().lower(),
            session_minutes=_int("CONSOLE_SESSION_MINUTES", 480),
            retention_conversation_days=_int("RETENTION_CONVERSATION_DAYS", 30),
            retention_ticket_days=_int("RETENTION_TICKET_DAYS", 365),
            # Behind TLS (production) cookies must be Secure; plain-HTTP loopback tests can't.
            cookie_secure=os.environ.get("CONSOLE_COOKIE_SECURE", "").lower() in ("1", "true"),
        )
