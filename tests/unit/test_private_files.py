"""Files with personal data or secrets are readable by their owner only (security review 5)."""
from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

from assistant.secret_files import bearer, private_sqlite, read_secret, tokens_equal

ROOT = Path(__file__).resolve().parents[2]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_sqlite_files_are_created_and_kept_private(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "assistant.db"
    private_sqlite(f"sqlite:///{db}")
    assert mode(db) == 0o600
    db.chmod(0o644)
    (tmp_path / "sub" / "assistant.db-wal").write_text("")
    private_sqlite(f"sqlite:///{db}")
    assert mode(db) == 0o600 and mode(tmp_path / "sub" / "assistant.db-wal") == 0o600


def test_the_stores_create_private_databases(tmp_path: Path) -> None:
    from bot.tracker_store import MaskingSQLTrackerStore
    from kcc.db import resolve_url

    tracker = tmp_path / "tracker.db"
    MaskingSQLTrackerStore(host=f"sqlite:///{tracker}")
    resolve_url(f"sqlite:///{tmp_path / 'assistant.db'}")
    assert mode(tracker) == 0o600 and mode(tmp_path / "assistant.db") == 0o600


def test_secrets_are_read_from_env_first(tmp_path: Path, monkeypatch) -> None:
    token = "a-token-the-setup-wrote"
    (tmp_path / "rest_token").write_text(token + "\n")
    monkeypatch.delenv("REST_TOKEN", raising=False)
    assert read_secret("REST_TOKEN", "rest_token", tmp_path) == token
    monkeypatch.setenv("REST_TOKEN", "from-env")
    assert read_secret("REST_TOKEN", "rest_token", tmp_path) == "from-env"
    assert read_secret("NOT_A_SETTING", "no_such_file", tmp_path) == ""


def test_setup_script_makes_private_tokens(tmp_path: Path) -> None:
    script = (ROOT / "scripts" / "env.sh").read_text()
    env = {k: v for k, v in os.environ.items()
           if k not in ("RASA_API_TOKEN", "REST_TOKEN", "ACTION_SERVER_TOKEN")}
    # env.sh works relative to the current folder: run it in an empty one.
    out = subprocess.run(["bash", "-c", script + "\necho $REST_TOKEN"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    for name in ("rasa_api_token", "rest_token", "action_server_token"):
        assert mode(tmp_path / "var" / name) == 0o600
    assert mode(tmp_path / "var") == 0o700
    assert out.stdout.strip() == (tmp_path / "var" / "rest_token").read_text().strip()


def test_token_comparison() -> None:
    assert tokens_equal("abc", "abc") and not tokens_equal("abd", "abc")
    assert not tokens_equal("", "") and not tokens_equal(None, "abc")
    assert bearer("Bearer xyz") == "xyz" and bearer("Basic xyz") is None and bearer(None) is None
