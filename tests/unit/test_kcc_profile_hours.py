"""Closing days and outcome codes per municipality profile (knowledge/types.py Profile)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone

from kcc.outcomes import DEFAULT_OUTCOMES, outcomes_for
from knowledge.catalogue import build_profile
from knowledge.schema import ProfileModel


def _profile_data(slug: str = "tynaarlo") -> dict:
    import yaml

    from knowledge.settings import REPO_ROOT

    path = REPO_ROOT / "knowledge" / "content" / "municipalities" / f"{slug}.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_a_closing_day_closes_and_moves_the_next_opening() -> None:
    import json

    data = _profile_data()
    data["closing_days"] = ["2026-12-08"]
    checked = json.loads(ProfileModel(**data).json())  # as the loader stores it
    profile = build_profile(checked)
    assert profile.closing_days == (date(2026, 12, 8),)
    tuesday = datetime(2026, 12, 8, 10, 0, tzinfo=timezone.utc)
    assert not profile.is_open(tuesday)
    assert profile.next_opening(tuesday).date() == date(2026, 12, 9)
    assert replace(profile, closing_days=()).is_open(tuesday)


def test_the_profile_adds_outcomes_to_the_default_list() -> None:
    profile = build_profile(_profile_data())
    assert profile.kcc_outcomes == {"melding_sociaal_team": "Melding gedaan bij het sociaal team"}
    outcomes = outcomes_for("tynaarlo")
    assert list(outcomes)[:len(DEFAULT_OUTCOMES)] == list(DEFAULT_OUTCOMES)
    assert outcomes["melding_sociaal_team"] == "Melding gedaan bij het sociaal team"
    assert "melding_sociaal_team" not in outcomes_for("het-hogeland")


def test_a_bad_outcome_code_is_refused() -> None:
    import pytest
    from pydantic import ValidationError

    data = _profile_data()
    data["kcc_outcomes"] = {"Niet Goed!": "x"}
    with pytest.raises(ValidationError):
        ProfileModel(**data)


async def test_a_ticket_closes_with_its_municipality_s_own_outcome(tmp_path) -> None:
    from kcc.auth import StaffAuth
    from tests.support.console import CHEAP_HASHER, PASSWORD, start_console as _start

    console, rasa_server = await _start(tmp_path)
    try:
        StaffAuth(console.db_url, hasher=CHEAP_HASHER).create_staff(
            "tess", PASSWORD, "Tess", municipalities=["tynaarlo", "het-hogeland"])
        ours = console.ticket("conv-t", municipality="tynaarlo")
        other = console.ticket("conv-h")
        assert await console.login("tess") == 303
        for tid in (ours, other):
            await console.post(f"/console/tickets/{tid}/claim")
        html = await (await console.client.get(f"/console/tickets/{ours}")).text()
        assert "Melding gedaan bij het sociaal team" in html
        resp = await console.post(f"/console/tickets/{other}/close",
                                  {"outcome": "melding_sociaal_team"})
        assert resp.status == 400  # not an outcome of Het Hogeland
        resp = await console.post(f"/console/tickets/{ours}/close",
                                  {"outcome": "melding_sociaal_team"})
        assert resp.status == 303 and console.store.get(ours).outcome == "melding_sociaal_team"
        html = await (await console.client.get(f"/console/tickets/{ours}")).text()
        assert "Uitkomst: <strong>Melding gedaan bij het sociaal team</strong>" in html
    finally:
        await console.client.close()
        await rasa_server.close()
