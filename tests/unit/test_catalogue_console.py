"""Catalogue editing in the console over HTTP: roles, four eyes, sources, B1 check, preview,
history and rollback, with the action side's get_catalogue() seeing each published version."""
from __future__ import annotations

import re
from typing import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer
from argon2 import PasswordHasher

import knowledge
from kcc.audit import AuditLog
from kcc.auth import StaffAuth
from kcc.config import ConsoleConfig
from kcc.server import create_app
from knowledge.loader import load

PASSWORD = "correct horse battery"
SLUG = "het-hogeland"
ENTRY = f"/console/catalogue/{SLUG}/entries/jeugdhulp"
NEW_ZELF = "Schrijf op wat u ziet bij uw kind. Neem dat mee naar het gesprek."
LONG = ("Als u hulp nodig heeft bij het huishouden en u dat niet zelf kunt regelen met uw "
        "familie of buren dan kunt u contact opnemen met het Sociaal Loket van de gemeente.")


class Console:
    def __init__(self, client: TestClient, db_url: str) -> None:
        self.client, self.db_url = client, db_url

    async def login(self, username: str) -> None:
        self.client.session.cookie_jar.clear()
        html = await (await self.client.get("/console/login")).text()
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        resp = await self.client.post("/console/login", allow_redirects=False, data={
            "csrf_token": token, "username": username, "password": PASSWORD, "next": "/console"})
        assert resp.status == 303

    async def csrf(self, path: str = f"/console/catalogue/{SLUG}") -> str:
        html = await (await self.client.get(path)).text()
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    async def post(self, path: str, data: dict, csrf_from: str = f"/console/catalogue/{SLUG}"):
        token = await self.csrf(csrf_from)
        return await self.client.post(path, data={"csrf_token": token, **data},
                                      allow_redirects=False)

    def zelf(self) -> str:
        return knowledge.get_catalogue(SLUG, self.db_url).entry("jeugdhulp").ladder["zelf"]


@pytest.fixture
async def console(tmp_path) -> AsyncIterator[Console]:
    db_url = f"sqlite:///{tmp_path / 'console.db'}"
    load(db_url)
    auth = StaffAuth(db_url, hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    for name in ("anna", "bert"):
        auth.create_staff(name, PASSWORD, name.title(), role="beheerder", municipalities=[SLUG])
    auth.create_staff("karel", PASSWORD, "Karel", role="kcc", municipalities=[SLUG])
    auth.create_staff("olga", PASSWORD, "Olga", role="beheerder", municipalities=["oldambt"])
    config = ConsoleConfig(database_url=db_url, municipality=SLUG, poll_seconds=0.1,
                           login_max_delay_seconds=0.05)
    client = TestClient(TestServer(create_app(config), host="127.0.0.1"))
    await client.start_server()
    yield Console(client, db_url)
    await client.close()


async def test_kcc_staff_read_but_do_not_edit_and_others_do_not_see_it(console: Console) -> None:
    await console.login("karel")
    page = await console.client.get(ENTRY)
    assert page.status == 200 and "landelijk" in await page.text()
    resp = await console.post(ENTRY, {"ladder.zelf": NEW_ZELF})
    assert resp.status == 403
    await console.login("olga")
    assert (await console.client.get(ENTRY)).status == 404
    assert (await console.post(f"/console/catalogue/{SLUG}/goedkeuren", {},
                               csrf_from="/console/catalogue/oldambt")).status == 404


async def test_edit_needs_a_second_beheerder_then_reaches_residents_and_rolls_back(
        console: Console) -> None:
    old = console.zelf()
    await console.login("anna")
    resp = await console.post(ENTRY, {"ladder.zelf": NEW_ZELF}, csrf_from=ENTRY)
    assert resp.status == 303
    hours = await console.post(f"/console/catalogue/{SLUG}/gemeente",
                               {"opening_hours.week.vr": "08:30-12:00"},
                               csrf_from=f"/console/catalogue/{SLUG}/gemeente")
    assert hours.status == 303
    page = await (await console.client.get(ENTRY)).text()
    assert 'data-origin="lokaal"' in page and NEW_ZELF in page
    refused = await console.post(f"/console/catalogue/{SLUG}/goedkeuren", {})
    assert refused.status == 409 and "andere beheerder" in await refused.text()
    assert console.zelf() == old
    preview = await (await console.client.get(ENTRY + "/voorbeeld")).text()
    assert NEW_ZELF in preview and "Dit kunt u misschien zelf doen" in preview

    await console.login("bert")
    assert (await console.post(f"/console/catalogue/{SLUG}/goedkeuren", {})).status == 303
    assert console.zelf() == NEW_ZELF
    cat = knowledge.get_catalogue(SLUG, console.db_url)
    assert cat.profile.opening_hours.week["vr"][0][1].hour == 12

    await console.login("anna")
    history = await (await console.client.get(f"/console/catalogue/{SLUG}/geschiedenis")).text()
    assert "Versie 1" in history and "entry:jeugdhulp:ladder.zelf" in history
    resp = await console.post(f"/console/catalogue/{SLUG}/terugzetten", {"number": "0"})
    assert resp.status == 303
    assert console.zelf() == old
    actions = [(a.staff, a.action) for a in AuditLog(console.db_url).entries()
               if a.action.startswith("catalogus")]
    assert actions == [("anna", "catalogus_concept"), ("anna", "catalogus_concept"),
                       ("bert", "catalogus_goedgekeurd"), ("anna", "catalogus_teruggezet")]


async def test_a_phone_number_without_source_is_refused_next_to_the_field(
        console: Console) -> None:
    await console.login("anna")
    path = f"/console/catalogue/{SLUG}/gemeente"
    resp = await console.post(path, {"kcc.phone": "0595 447777"}, csrf_from=path)
    assert resp.status == 422
    html = await resp.text()
    assert "telefoonnummer. Geef een bron op." in html and 'aria-invalid="true"' in html
    resp = await console.post(path, {"kcc.phone": "0595 447777",
                                     "bron": "https://www.hethogeland.nl/contact"}, csrf_from=path)
    assert resp.status == 303


async def test_b1_check_endpoint_warns_and_needs_the_session_token(console: Console) -> None:
    await console.login("karel")
    token = await console.csrf(ENTRY)
    resp = await console.client.post("/console/catalogue/b1", json={"text": LONG},
                                     headers={"X-CSRF-Token": token})
    report = await resp.json()
    assert resp.status == 200 and report["warning"]
    assert report["findings"][0]["kind"] == "zin"
    assert (await console.client.post("/console/catalogue/b1", json={"text": LONG})).status == 403
