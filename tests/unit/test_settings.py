"""The one settings object: defaults, environment, derived values, bad values."""
from __future__ import annotations

import logging
import re
from pathlib import Path

from assistant.settings import Settings, settings


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


ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("actions", "assistant", "bot", "channels", "evaluation", "kcc", "knowledge", "nlu")
#: Read by Rasa itself from credentials.yml / endpoints.yml, or by the shell scripts only.
NOT_PYTHON_SETTINGS = {
    "RASA_PORT", "ALLOWED_ORIGINS", "TELEGRAM_TOKEN", "TELEGRAM_SECRET", "TELEGRAM_PUBLIC_URL",
    "WHATSAPP_TOKEN", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN", "WHATSAPP_PHONE_NUMBER_ID",
    "CONSOLE_HOST", "ACTION_SERVER_URL",
}


def _readme_variables() -> set:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"`([A-Z][A-Z0-9_]+)`", section))


def test_the_readme_table_and_the_settings_object_agree() -> None:
    fields = {name.upper() for name in Settings.__fields__}
    documented = _readme_variables()
    undocumented = fields - documented - {"ASSISTANT_NOW"}
    assert not undocumented, f"settings missing from the README table: {sorted(undocumented)}"
    unknown = documented - fields - NOT_PYTHON_SETTINGS
    assert not unknown, f"README variables that no code reads: {sorted(unknown)}"


def test_no_product_module_reads_the_environment_itself() -> None:
    reading = re.compile(r"os\.environ\.get\(|os\.environ\[|os\.getenv\(|environ\.get\(")
    offenders = []
    for package in PRODUCT:
        for path in (ROOT / package).rglob("*.py"):
            if path.name == "settings.py" and path.parent.name == "assistant":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if reading.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert not offenders, "read settings through assistant.settings: " + ", ".join(offenders)


def test_the_same_environment_gives_the_same_object_and_a_change_is_seen(monkeypatch) -> None:
    monkeypatch.setenv("MUNICIPALITY", "oldambt")
    first = settings()
    assert settings() is first  # nothing changed: not read again (speed, see the module)
    monkeypatch.setenv("Municipality", "tynaarlo")  # any change of the environment counts
    assert settings() is not first
    monkeypatch.delenv("Municipality")
    monkeypatch.setenv("MUNICIPALITY", "tynaarlo")
    assert settings().municipality_slug == "tynaarlo"
    import pytest

    with pytest.raises(TypeError):
        settings().municipality = "oldambt"  # handed out again, so it cannot be changed


def test_a_bad_value_warns_on_every_call(monkeypatch, caplog) -> None:
    monkeypatch.setenv("REST_RATE_LIMIT", "veel")
    for _ in range(2):
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="assistant.settings"):
            assert settings().rest_rate_limit == 30
        assert "REST_RATE_LIMIT" in caplog.text
