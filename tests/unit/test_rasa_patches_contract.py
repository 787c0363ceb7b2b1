"""The one door to Rasa's internals holds: the installed Rasa is the release the patches were
written for, and every upstream function a patch wraps still has the source it was written for."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot import rasa_patches

ROOT = Path(__file__).resolve().parents[2]


def test_installed_rasa_is_the_release_the_patches_were_written_for() -> None:
    import rasa

    assert rasa.__version__ == rasa_patches.WRITTEN_FOR
    rasa_patches.check_version()


def test_every_patched_upstream_function_is_unchanged() -> None:
    # In a fresh interpreter, so no patch applied by another test hides the original.
    out = subprocess.run(
        [sys.executable, "-c", "from bot.rasa_patches import changed_upstream as c; print(c())"],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-1500:]
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_the_fingerprint_sees_through_an_applied_patch() -> None:
    rasa_patches.apply()
    assert rasa_patches.changed_upstream() == []


def test_another_rasa_release_is_refused(monkeypatch) -> None:
    import rasa

    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    with pytest.raises(rasa_patches.UnsupportedRasa):
        rasa_patches.apply()
