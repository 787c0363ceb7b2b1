"""The one door to Rasa's internals holds: the installed Rasa is the release the patches were
written for, and every upstream function a patch wraps still has the source it was written for."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot import rasa_compat

ROOT = Path(__file__).resolve().parents[2]


def test_installed_rasa_is_the_release_the_patches_were_written_for() -> None:
    import rasa

    assert rasa.__version__ == rasa_compat.WRITTEN_FOR
    rasa_compat.check_version()


def test_every_patched_upstream_function_is_unchanged() -> None:
    # In a fresh interpreter, so no patch applied by another test hides the original.
    out = subprocess.run(
        [sys.executable, "-c", "from bot.rasa_compat import changed_upstream as c; print(c())"],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-1500:]
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_the_fingerprint_sees_through_an_applied_patch(undo_rasa_patches) -> None:
    rasa_compat.apply()
    assert rasa_compat.changed_upstream() == []


def test_another_rasa_release_is_refused(monkeypatch, undo_rasa_patches) -> None:
    import rasa

    monkeypatch.setattr(rasa, "__version__", "3.7.0")
    with pytest.raises(rasa_compat.UnsupportedRasa):
        rasa_compat.apply()


def test_the_fixture_undoes_every_patch(undo_rasa_patches) -> None:
    """What the fixture restores is what apply() changes (checked in its own interpreter)."""
    code = ("from rasa.core.actions.action import RemoteAction as R; "
            "from rasa.shared.core.trackers import DialogueStateTracker as D; "
            "from rasa.core.tracker_store import FailSafeTrackerStore as F; "
            "names = ['_validate_action_result', '_action_call_format']; "
            "before = [R.__dict__[n] for n in names] + [D.__dict__['copy'], "
            "F.__dict__['on_tracker_store_error'], F.__dict__['on_tracker_store_retrieve_error']]; "
            "from bot import rasa_compat; rasa_compat.apply(); "
            "after = [R.__dict__[n] for n in names] + [D.__dict__['copy'], "
            "F.__dict__['on_tracker_store_error'], F.__dict__['on_tracker_store_retrieve_error']]; "
            "print(all(a is not b for a, b in zip(before, after)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "True", out.stderr[-1500:]
