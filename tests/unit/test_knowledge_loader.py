"""Loader behaviour: errors name file/entry/field, nothing half-loads, reloads are idempotent,
MUNICIPALITY changes the rendered texts, and get_catalogue() loads an empty DB by itself."""
from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, text

import knowledge
from knowledge import settings
from knowledge.loader import ContentError, load, read_sources


@pytest.fixture()
def content(tmp_path: Path) -> Path:
    dst = tmp_path / "content"
    shutil.copytree(settings.CONTENT_DIR, dst)
    return dst


@pytest.fixture()
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'kb.db'}"


def _edit_entry(content: Path, file: str, entry_id: str, **changes) -> None:
    path = content / "national" / file
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for e in data["entries"]:
        if e["id"] == entry_id:
            e.update(changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _count(url: str, table: str) -> int:
    engine = create_engine(url, future=True)
    with engine.connect() as conn:
        n = conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
    engine.dispose()
    return n


def test_validation_error_names_file_entry_and_field(content):
    _edit_entry(content, "wmo.yml", "valys", topic="vervoerr")
    _edit_entry(content, "mantelzorg.yml", "respijtzorg",
                ladder={"zelf": "x", "netwerk": None, "voorliggend_veld": "y", "sociaal_loket": "z"})
    with pytest.raises(ContentError) as exc:
        read_sources(content)
    msg = str(exc.value)
    assert "national/wmo.yml: entry valys: field topic" in msg
    assert "national/mantelzorg.yml: entry respijtzorg" in msg and "ladder_na_reason" in msg


def test_unknown_partner_placeholder_is_reported_per_municipality(content):
    _edit_entry(content, "wmo.yml", "dagbesteding", short_answer="Ga naar {partner:bestaat_niet}.")
    with pytest.raises(ContentError) as exc:
        read_sources(content)
    assert "entry dagbesteding: field short_answer" in str(exc.value)
    assert "bestaat_niet" in str(exc.value)


def test_invalid_sources_leave_previous_catalogue_intact(content, db_url):
    first = load(db_url, content)
    assert first.changed and first.entries >= 38
    _edit_entry(content, "procedure.yml", "bezwaar", sources=[])
    with pytest.raises(ContentError) as exc:
        load(db_url, content)
    assert "entry bezwaar: field sources" in str(exc.value)
    assert _count(db_url, "kb_entries") == first.entries  # nothing half-loaded


def test_database_failure_rolls_back_everything(content, db_url, monkeypatch):
    load(db_url, content)
    _edit_entry(content, "wmo.yml", "valys", title="Valys (gewijzigd)")
    from knowledge import models

    original = models.KbHelpline.__table__.insert

    def boom(*a, **kw):
        raise RuntimeError("disk full")

    monkeypatch.setattr(models.KbHelpline.__table__, "insert", boom)
    with pytest.raises(RuntimeError):
        load(db_url, content)
    monkeypatch.setattr(models.KbHelpline.__table__, "insert", original)
    cat = knowledge.get_catalogue("het-hogeland", db_url)
    try:
        assert cat.entry("valys").title == "Valys (reizen buiten uw regio)"  # old data, complete
        assert cat.helplines, "helplines must not be lost"
    finally:
        knowledge.reset_cache()


def test_reload_unchanged_is_noop_and_change_reloads(content, db_url):
    assert load(db_url, content).changed is True
    assert load(db_url, content).changed is False
    _edit_entry(content, "wmo.yml", "valys", title="Valys")
    assert load(db_url, content).changed is True
    assert load(db_url, content).changed is False


def test_municipality_switch_changes_rendered_partners(db_url, monkeypatch):
    load(db_url)
    knowledge.reset_cache()
    try:
        monkeypatch.setenv("DATABASE_URL", db_url)
        monkeypatch.setenv("MUNICIPALITY", "het-hogeland")
        hog = knowledge.get_catalogue()
        monkeypatch.setenv("MUNICIPALITY", "tynaarlo")
        tyn = knowledge.get_catalogue()
        assert hog.profile.name == "Het Hogeland" and tyn.profile.name == "Tynaarlo"
        hog_text = hog.entry("mantelzorgondersteuning").short_answer
        tyn_text = tyn.entry("mantelzorgondersteuning").short_answer
        assert "Mensenwerk Hogeland" in hog_text and "Trias" in tyn_text
        assert "Mensenwerk" not in tyn_text
        assert "Werkplein Ability" in hog.entry("werk-en-reintegratie").ladder["voorliggend_veld"]
    finally:
        knowledge.reset_cache()


def test_get_catalogue_loads_empty_database_automatically(db_url):
    knowledge.reset_cache()
    try:
        cat = knowledge.get_catalogue("oldambt", db_url)
        assert cat.profile.slug == "oldambt"
        assert cat.entry("bezwaar") is not None
        assert cat.helpline("veilig_thuis").number == "0800-2000"
        assert knowledge.get_catalogue("oldambt", db_url) is cat  # cached per process
    finally:
        knowledge.reset_cache()


def test_profile_office_hours_default_is_flagged(db_url):
    knowledge.reset_cache()
    try:
        prof = knowledge.get_catalogue("het-hogeland", db_url).profile
        assert prof.opening_hours.assumed
        assert prof.is_open(datetime(2026, 11, 23, 10, 0))        # Monday
        assert not prof.is_open(datetime(2026, 11, 22, 10, 0))    # Sunday
        assert prof.next_opening(datetime(2026, 11, 21, 12, 0)) == datetime(2026, 11, 23, 8, 30)
        assert "maandag tot en met vrijdag" in prof.describe_opening_hours()
        assert prof.phone is None and prof.general_contact
    finally:
        knowledge.reset_cache()


def test_import_is_light():
    import subprocess
    import sys

    code = ("import sys, knowledge; "
            "print(any(m.startswith(('sqlalchemy', 'sklearn', 'pydantic')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=str(settings.REPO_ROOT))
    assert out.stdout.strip() == "False"
