"""Where things live: repo root, content directory, database URL, selected municipality.

Why a module: the defaults (`sqlite:///var/assistant.db` relative to the repo root, municipality
`het-hogeland`) must be identical for the loader, the CLI, the actions and the tests.
"""
from __future__ import annotations

from assistant.settings import settings

from pathlib import Path

from assistant.secret_files import private_sqlite

REPO_ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = Path(__file__).resolve().parent / "content"
DEFAULT_DATABASE_URL = "sqlite:///var/assistant.db"
DEFAULT_MUNICIPALITY = "het-hogeland"


def database_url(url: str | None = None) -> str:
    """DATABASE_URL with relative SQLite paths resolved against the repo root (and var/ created)."""
    url = url or settings().database_url or DEFAULT_DATABASE_URL
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/") and url != "sqlite:///:memory:":
        url = prefix + str(REPO_ROOT / url[len(prefix):])
    private_sqlite(url)  # the same file holds tickets and staff data: this user only
    return url


def municipality(slug: str | None = None) -> str:
    """Selected municipality slug (MUNICIPALITY, default het-hogeland)."""
    return (slug or settings().municipality or DEFAULT_MUNICIPALITY).strip().lower()
