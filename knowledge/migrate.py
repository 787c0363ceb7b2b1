"""Bring a database to the newest schema with Alembic (``migrations/`` in the repo root).

Why every load runs it: an upgrade of the software must never lose an edit, a ticket or an
account, so the schema is changed by reviewed migrations, in order, and never by dropping and
re-creating tables. A database made before migrations existed is adopted by the baseline.
"""
from __future__ import annotations

from typing import Optional

from . import settings

MIGRATIONS_DIR = settings.REPO_ROOT / "migrations"


def _config(url: str):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: Optional[str] = None) -> str:
    """Run every migration not yet applied to DATABASE_URL; returns the revision now there."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine

    resolved = settings.database_url(url)
    engine = create_engine(resolved, future=True)
    try:
        with engine.begin() as conn:
            config = _config(resolved)
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            return MigrationContext.configure(conn).get_current_revision() or ""
    finally:
        engine.dispose()


def head() -> str:
    """The newest revision in ``migrations/versions``."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config("sqlite://")).get_current_head() or ""
