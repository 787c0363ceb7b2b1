"""Staff roles per municipality: what a login may see and do."""
from __future__ import annotations

import io

import pytest
from argon2 import PasswordHasher

from kcc import staff as staff_cli
from kcc.auth import Login, StaffAuth, role_rank

PASSWORD = "correct horse battery"
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def _login(*access) -> Login:
    return Login(staff_id=1, username="anna", name="Anna", csrf_token="x", access=tuple(access))


def test_roles_include_the_lower_ones() -> None:
    assert role_rank("kcc") < role_rank("beheerder") < role_rank("admin")
    with pytest.raises(ValueError):
        role_rank("superuser")
    login = _login(("oldambt", "beheerder"), ("tynaarlo", "kcc"))
    assert login.municipalities == {"oldambt", "tynaarlo"}
    assert login.can("kcc", "oldambt") and login.can("beheerder", "oldambt")
    assert not login.can("beheerder", "tynaarlo") and not login.can("kcc", "het-hogeland")
    assert login.can("beheerder") and not login.can("admin")
    assert login.where("beheerder") == {"oldambt"}


def test_create_grant_revoke_and_accounts_from_before_roles(tmp_path) -> None:
    auth = StaffAuth(f"sqlite:///{tmp_path / 'staff.db'}", hasher=CHEAP_HASHER,
                     default_municipality="oldambt")
    anna = auth.create_staff("anna", PASSWORD, "Anna", role="beheerder",
                             municipalities=["Tynaarlo", "oldambt", "tynaarlo"])
    assert auth.access_of(anna.id) == (("oldambt", "beheerder"), ("tynaarlo", "beheerder"))
    auth.grant("anna", "tynaarlo", "kcc")
    auth.revoke("anna", "oldambt")
    assert auth.access_of(anna.id) == (("tynaarlo", "kcc"),)
    with pytest.raises(ValueError):
        auth.grant("anna", "tynaarlo", "baas")
    with pytest.raises(ValueError):
        auth.grant("nobody", "tynaarlo", "kcc")
    bert = auth.create_staff("bert", PASSWORD)
    assert auth.access_of(bert.id) == (("oldambt", "kcc"),)  # the deployment's municipality
    auth.revoke("bert", "oldambt")  # no rows left: an account as it was before roles existed
    assert auth.access_of(bert.id) == (("oldambt", "kcc"),)


def test_staff_cli_sets_role_and_municipalities(tmp_path, monkeypatch, capsys) -> None:
    db_url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("MUNICIPALITY", "tynaarlo")
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert staff_cli.main(["create", "--username", "carla", "--role", "admin",
                           "--municipality", "oldambt", "--municipality", "tynaarlo",
                           "--password-stdin"]) == 0
    assert staff_cli.main(["grant", "--username", "carla", "--municipality", "het-hogeland",
                           "--role", "kcc"]) == 0
    assert staff_cli.main(["grant", "--username", "nobody", "--municipality", "oldambt",
                           "--role", "kcc"]) == 1
    auth = StaffAuth(db_url)
    staff_id = auth.authenticate("carla", PASSWORD, "127.0.0.1").id
    assert auth.access_of(staff_id) == (("het-hogeland", "kcc"), ("oldambt", "admin"),
                                        ("tynaarlo", "admin"))
    assert "admin" in capsys.readouterr().out
