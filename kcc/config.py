"""Console settings, all from environment variables with embedded defaults (see contracts)."""
from __future__ import annotations

from assistant.settings import settings

from dataclasses import dataclass
from typing import Optional


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
        current = settings()
        return cls(
            database_url=current.database_url,
            rasa_url=current.rasa_url.rstrip("/"),
            rasa_token=current.rasa_api_token,
            municipality=current.municipality_slug,
            session_minutes=current.console_session_minutes,
            retention_conversation_days=current.retention_conversation_days,
            retention_ticket_days=current.retention_ticket_days,
            # Behind TLS (production) cookies must be Secure and HSTS is sent; on by default when
            # the console's public address is https, and plain-HTTP loopback tests can't use it.
            cookie_secure=_secure(current.console_cookie_secure, current.console_url),
            trusted_proxies=current.proxies,
            console_url=current.console_base,
        )


def _secure(setting: str, console_url: str) -> bool:
    """CONSOLE_COOKIE_SECURE when set (1/true/0/false), else: is the console served over https?"""
    if setting.strip():
        return setting.strip().lower() in ("1", "true", "yes", "on")
    return console_url.strip().lower().startswith("https://")
