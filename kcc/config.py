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
    trusted_proxies: frozenset = frozenset()
    login_max_delay_seconds: float = 30.0
    console_url: str = "http://127.0.0.1:8080"

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
            # Behind TLS (production) cookies must be Secure and HSTS is sent; on by default when
            # the console's public address is https, and plain-HTTP loopback tests can't use it.
            cookie_secure=_secure(os.environ.get("CONSOLE_COOKIE_SECURE", ""),
                                  os.environ.get("CONSOLE_URL", "")),
            trusted_proxies=frozenset(p.strip() for p in os.environ.get("TRUSTED_PROXIES", "")
                                      .split(",") if p.strip()),
            console_url=(os.environ.get("CONSOLE_URL") or cls.console_url).rstrip("/"),
        )


def _secure(setting: str, console_url: str) -> bool:
    """CONSOLE_COOKIE_SECURE when set (1/true/0/false), else: is the console served over https?"""
    if setting.strip():
        return setting.strip().lower() in ("1", "true", "yes", "on")
    return console_url.strip().lower().startswith("https://")
