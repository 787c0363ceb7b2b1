"""Upgrading a database made by the release before catalogue editing loses nothing.

tests/data/previous_release.sql was dumped from a database made with that release's code (the
catalogue loaded, two staff accounts with roles, a ticket, an audit row), before the Alembic
migrations existed.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

from argon2 import PasswordHasher

import knowledge
from kcc.auth import StaffAuth
from kcc.tickets import TicketStore
from knowledge import settings
from knowledge.editing import Editor
from knowledge.loader import load
from knowledge.migrate import head, upgrade

DUMP = settings.REPO_ROOT / "tests" / "data" / "previous_release.sql"
TABLES = ("kb_entries", "kb_profiles", "kb_helplines", "kcc_staff", "kcc_staff_access",
          "kcc_tickets", "kcc_audit")


def _old_database(tmp_path: Path) -> str:
    path = tmp_path / "old.db"
    con = sqlite3.connect(path)
    con.executescript(DUMP.read_text(encoding="utf-8"))
    con.close()
    return f"sqlite:///{path}"


def _rows(url: str) -> dict:
    con = sqlite3.connect(url[len("sqlite:///"):])
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in TABLES}
    finally:
        con.close()


def test_upgrade_keeps_every_entry_ticket_and_account(tmp_path: Path) -> None:
    url = _old_database(tmp_path)
    before = _rows(url)
    assert len(before["kb_entries"]) > 40 and before["kcc_tickets"] and before["kcc_staff"]
    assert upgrade(url) == head()
    assert _rows(url) == before
    assert upgrade(url) == head()  # running it again changes nothing
    load(url)  # the new release's load on the upgraded database
    after = _rows(url)
    assert [r[0] for r in after["kb_entries"]] == [r[0] for r in before["kb_entries"]]
    assert {t: after[t] for t in TABLES if t.startswith("kcc")} == {
        t: before[t] for t in TABLES if t.startswith("kcc")}
    auth = StaffAuth(url, hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    anna = auth.authenticate("anna", "correct horse battery", "127.0.0.1")
    assert anna is not None and auth.access_of(anna.id) == (("het-hogeland", "beheerder"),)
    assert TicketStore(url).get(before["kcc_tickets"][0][0]).summary


def test_edits_survive_the_next_upgrade_and_reload(tmp_path: Path) -> None:
    url = _old_database(tmp_path)
    upgrade(url)
    editor = Editor(url)
    editor.edit("het-hogeland", "anna", "jeugdhulp", {"title": "Hulp voor kinderen"})
    editor.approve("het-hogeland", "bert")
    upgrade(url)
    load(url, force=True)
    assert knowledge.get_catalogue("het-hogeland", url).entry("jeugdhulp").title == \
        "Hulp voor kinderen"
