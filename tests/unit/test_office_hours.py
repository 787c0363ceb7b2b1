"""Office hours in Dutch time on any server clock, closed on public holidays (KCC review)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from actions.common import catalogue


@pytest.fixture(scope="module")
def profile():
    return catalogue().profile


def test_a_utc_server_at_0735_is_0835_in_het_hogeland_in_winter(profile) -> None:
    # Tuesday 1 December 2026, 07:35 UTC = 08:35 Dutch time: open (from 08:30).
    assert profile.is_open(datetime(2026, 12, 1, 7, 35, tzinfo=timezone.utc))
    assert not profile.is_open(datetime(2026, 12, 1, 7, 25, tzinfo=timezone.utc))


def test_summer_time_is_followed(profile) -> None:
    # 1 July 2026, 06:35 UTC = 08:35 CEST.
    assert profile.is_open(datetime(2026, 7, 1, 6, 35, tzinfo=timezone.utc))


@pytest.mark.parametrize("day", ["2026-01-01", "2026-04-06", "2026-04-27", "2026-05-14",
                                 "2026-05-25", "2026-12-25", "2025-05-05"])
def test_closed_on_public_holidays(profile, day: str) -> None:
    assert not profile.is_open(datetime.fromisoformat(f"{day}T10:00:00"))


def test_next_opening_skips_the_christmas_days(profile) -> None:
    nxt = profile.next_opening(datetime.fromisoformat("2026-12-24T18:00:00"))
    assert (nxt.month, nxt.day, nxt.hour, nxt.minute) == (12, 28, 8, 30)


@pytest.mark.parametrize("tz", ["UTC", "America/New_York"])
def test_hours_cli_is_right_whatever_the_process_time_zone(tmp_path, tz: str) -> None:
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "TZ": tz, "DATABASE_URL": f"sqlite:///{tmp_path / 'h.db'}"}

    def ask(moment: str) -> dict:
        out = subprocess.run([sys.executable, "-m", "kcc.hours", "het-hogeland", moment], cwd=root,
                             env=env, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr[-1500:]
        return json.loads(out.stdout.strip().splitlines()[-1])

    assert ask("2026-12-01T07:45:00Z")["open"] is True
    christmas = ask("2026-12-25T10:00:00+01:00")
    assert christmas["open"] is False and christmas["next_open"].startswith("2026-12-28T08:30")
