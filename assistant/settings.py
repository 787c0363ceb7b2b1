"""Every setting of the assistant in one object, read from the environment.

Why one object: the Rasa server, the action server, the console and the tools run as separate
processes but must agree on every default (the database, the municipality, the addresses of the
others). Before this module each of them read ``os.environ`` with its own default. Now a setting
has one name, one type and one default, here; ``scripts/env.sh`` only exports what a shell
script itself needs and fills the secret tokens.

Why cached on the environment itself: tests and the CLI tools change the environment between
calls, so each call answers what the environment says now; but building the object (pydantic
reads and lowercases the whole environment, then validates every field) costs about 0.3 ms, and
the action server asked for it many times per action (a third of its busy time under load,
py-spy, bench/README.md). So the last object is kept with an exact copy of the environment it
was read from (``os.environ``'s own bytes, about a microsecond to compare) and handed out again
while the environment is unchanged; it is immutable. Callers take ``settings()`` when they need a
value and do not keep it at import time (no side effects at import).

pydantic's ``BaseSettings`` (v1, pinned by Rasa) does the reading and the type conversion; a value
that does not parse falls back to its default with a warning instead of stopping a server.
"""
from __future__ import annotations

import logging
import os
from typing import FrozenSet, Optional, Tuple

from pydantic import BaseSettings, ValidationError

log = logging.getLogger(__name__)

DEFAULT_MUNICIPALITY = "het-hogeland"
DEFAULT_DATABASE_URL = "sqlite:///var/assistant.db"
DEFAULT_TRACKER_STORE_URL = "sqlite:///var/tracker.db"


class Settings(BaseSettings):
    """The assistant's settings; each field is read from the environment variable of the same
    name in capitals (``municipality`` from ``MUNICIPALITY``)."""

    # -- where and for whom -------------------------------------------------------------------
    municipality: str = DEFAULT_MUNICIPALITY
    database_url: str = DEFAULT_DATABASE_URL
    tracker_store_url: str = DEFAULT_TRACKER_STORE_URL
    tracker_mirror_size: int = 500
    ticket_backend: str = "sql"

    # -- addresses of the parts ---------------------------------------------------------------
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_host: str = "127.0.0.1"
    actions_host: str = "127.0.0.1"
    actions_port: int = 5055
    console_url: str = "http://127.0.0.1:8080"
    console_host: str = "127.0.0.1"
    console_port: int = 8080
    privacy_url: str = ""
    trusted_proxies: str = ""

    # -- limits -------------------------------------------------------------------------------
    rest_rate_limit: int = 30
    action_timeout_seconds: Optional[float] = None
    console_session_minutes: int = 480
    console_cookie_secure: str = ""

    # -- the contact centre's way of working (kcc/) -------------------------------------------
    #: Minutes without any activity in the console after which a staff member counts as away.
    console_away_minutes: int = 10
    #: How long a waiting ticket may wait per urgency before the queue colours it (minutes).
    sla_urgent_minutes: int = 5
    sla_high_minutes: int = 30
    sla_normal_minutes: int = 240
    #: Hours after the promised moment at which a callback not yet made counts as overdue.
    callback_grace_hours: float = 4.0
    #: Minutes a resident waits for a live chat before the assistant offers a callback itself.
    callback_offer_minutes: float = 5.0

    # -- privacy: how long things are kept ----------------------------------------------------
    retention_conversation_days: int = 30
    retention_ticket_days: int = 365
    retention_audit_days: int = 730
    retention_interval_hours: float = 24.0

    # -- secrets (filled by scripts/env.sh from var/ when not given; see secret_files) ---------
    rasa_api_token: str = ""
    rest_token: str = ""
    action_server_token: str = ""

    #: The default municipality's Telegram bot (also read by Rasa from credentials.yml) and where
    #: its webhook is registered (``python -m channels.telegram.webhook``). ``telegram_api_base``
    #: points at another Bot API server (a self-hosted one, or the tests' fake).
    telegram_token: str = ""
    telegram_secret: str = ""
    telegram_public_url: str = ""
    telegram_api_base: str = ""

    #: Telegram bots per municipality, JSON ``{"slug": {"token": ..., "secret": ...}}``
    #: (channels/telegram/bots.py); the bot of TELEGRAM_TOKEN stays the default municipality's.
    telegram_bots: str = ""

    #: Redis for a cluster (``redis://:password@host:port/db``, scripts/ensure-redis.sh): Rasa's
    #: conversation locks across replicas and web chat pushes between processes. Empty: both
    #: stay in the process (one Rasa server).
    redis_url: str = ""

    # -- external ticket system ---------------------------------------------------------------
    openklant_url: str = ""
    openklant_token: str = ""
    openklant_actor_uuid: str = ""

    # -- improving the assistant (issue 19) ---------------------------------------------------
    #: Where the review inbox writes labelled examples (default nlu/data/reviewed_examples.yml).
    reviewed_examples_path: str = ""

    # -- operation ----------------------------------------------------------------------------
    log_level: str = "INFO"
    #: Set only by ``scripts/test-stories.sh``: ``rasa test`` replays stories without running
    #: the custom actions, so the policy must not take their silence for a failure.
    story_replay: bool = False
    #: A fixed "now" (ISO 8601) for office hours in conversation tests and demos.
    assistant_now: str = ""

    class Config:
        case_sensitive = False
        allow_mutation = False  # handed out again while the environment is unchanged

    # -- derived values -----------------------------------------------------------------------
    @property
    def municipality_slug(self) -> str:
        return (self.municipality or DEFAULT_MUNICIPALITY).strip().lower()

    @property
    def console_base(self) -> str:
        return (self.console_url or "http://127.0.0.1:8080").rstrip("/")

    @property
    def privacy_page(self) -> str:
        """The privacy statement residents are sent to: PRIVACY_URL, else the console's page."""
        return self.privacy_url.strip() or f"{self.console_base}/privacy"

    @property
    def proxies(self) -> FrozenSet[str]:
        return frozenset(p.strip() for p in self.trusted_proxies.split(",") if p.strip())


_last: Tuple[Optional[tuple], Optional[Settings]] = (None, None)


def _environment() -> Optional[tuple]:
    """The whole environment as it is now, exactly (None where os.environ keeps no raw copy)."""
    data = getattr(os.environ, "_data", None)
    return tuple(data.items()) if isinstance(data, dict) else None


def settings() -> Settings:
    """The settings as the environment says now (see the module docstring for the cache)."""
    global _last
    environment = _environment()
    seen, current = _last
    if environment is not None and current is not None and seen == environment:
        return current
    try:
        current = Settings()
    except ValidationError as exc:
        bad = {str(error["loc"][0]) for error in exc.errors() if error.get("loc")}
        for name in sorted(bad):
            log.warning("setting %s=%r is not valid; using the default", name.upper(),
                        os.environ.get(name.upper()))
        # Values given to the constructor win over the environment: the defaults of the bad ones.
        return Settings(**{name: Settings.__fields__[name].default for name in bad})  # warns again
    _last = (environment, current)
    return current
