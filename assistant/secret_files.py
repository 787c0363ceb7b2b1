"""Secrets (API tokens) from the environment or from a private file that the setup made.

Why files: a token on a command line is visible to every user of the machine in ``ps``; a token
only in the environment of ``make run`` cannot be read by a test or a script that calls the same
server. The setup (``scripts/env.sh``) writes each token once, mode 0600, under ``var/``.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Optional

from assistant.settings import settings

SECRETS_DIR = Path("var")


def read_secret(env_name: str, file_name: str, directory: Optional[Path] = None) -> str:
    """The secret from ``$env_name``, else from ``var/<file_name>``; empty when neither is set."""
    value = str(getattr(settings(), env_name.lower(), "") or "").strip()
    if value:
        return value
    path = (directory or SECRETS_DIR) / file_name
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def tokens_equal(given: Optional[str], expected: str) -> bool:
    """Constant-time comparison; an empty expected token never matches."""
    if not expected or not given:
        return False
    return secrets.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def bearer(header: Optional[str]) -> Optional[str]:
    """The token of an ``Authorization: Bearer <token>`` header, else None."""
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def private_sqlite(url: str) -> None:
    """Make the file of a SQLite URL readable by this user only (created 0600 when missing).

    SQLite gives its -wal and -shm files the mode of the database file, so those follow.
    Other URLs (PostgreSQL, in-memory) are left alone: their access is the server's business.
    """
    prefix = "sqlite:///"
    if not url.startswith(prefix) or url[len(prefix):] in ("", ":memory:"):
        return
    path = Path(url[len(prefix):].split("?", 1)[0])
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        # Only when missing: closing any descriptor of the file drops every POSIX lock this
        # process holds on it, so SQLite connections already open here would lose their locks
        # and another process could think it is the last one and delete the -wal/-shm files
        # under them ("disk I/O error").
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        if candidate.exists():
            os.chmod(candidate, 0o600)
