"""The one settings object: defaults, environment, derived values, bad values."""
from __future__ import annotations

import logging

from assistant.settings import settings


def test_defaults_without_environment(monkeypatch) -> None:
    for name in ("MUNICIPALITY", "DATABASE_URL", "CONSOLE_URL", "PRIVACY_URL", "REST_RATE_LIMIT"):
        monkeypatch.delenv(name, raising=False)
    current = settings()
    assert current.municipality_slug == "het-hogeland"
    assert current.database_url == "sqlite:///var/assistant.db"
    assert current.privacy_page == "http://127.0.0.1:8080/privacy"
    assert current.rest_rate_limit == 30 and current.action_timeout_seconds is None


def test_environment_is_read_on_each_call(monkeypatch) -> None:
    monkeypatch.setenv("MUNICIPALITY", " Oldambt ")
    monkeypatch.setenv("CONSOLE_URL", "https://kcc.example.nl/")
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.1, ,10.0.0.2")
    current = settings()
    assert current.municipality_slug == "oldambt"
    assert current.privacy_page == "https://kcc.example.nl/privacy"
    assert current.proxies == {"10.0.0.1", "10.0.0.2"}
    monkeypatch.setenv("PRIVACY_URL", "https://gemeente.example.nl/privacy")
    assert settings().privacy_page == "https://gemeente.example.nl/privacy"


def test_a_bad_value_falls_back_to_its_default_and_warns(monkeypatch, caplog) -> None:
    monkeypatch.setenv("REST_RATE_LIMIT", "veel")
    monkeypatch.setenv("RETENTION_CONVERSATION_DAYS", "14")
    with caplog.at_level(logging.WARNING, logger="assistant.settings"):
        current = settings()
    assert current.rest_rate_limit == 30 and current.retention_conversation_days == 14
    assert "REST_RATE_LIMIT" in caplog.text
