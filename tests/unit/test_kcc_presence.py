"""Presence in the console: available / busy / away, away after inactivity, and what the
assistant offers a resident because of it."""
from __future__ import annotations

from datetime import timedelta


from kcc.models import StaffStatus, utcnow
from kcc.presence import PRESENCE_KEY
from tests.support.console import Console

JSON = {"Accept": "application/json"}


def board(console: Console):
    return console.client.server.app[PRESENCE_KEY]


async def test_login_makes_available_and_the_header_changes_the_status(console: Console) -> None:
    assert console.store.staff_available("het-hogeland") == 0
    await console.login()
    assert console.store.staff_available("het-hogeland") == 1
    html = await (await console.client.get("/console")).text()
    assert 'id="presence-status"' in html and '<option value="available" selected>' in html
    token = await console.csrf("/console")
    resp = await console.client.post("/console/presence", headers=JSON,
                                     data={"csrf_token": token, "status": "away"})
    assert resp.status == 200 and (await resp.json())["label"] == "Afwezig"
    assert console.store.staff_available("het-hogeland") == 0
    resp = await console.post("/console/presence", {"status": "busy"})
    assert resp.status == 303  # without the script: back to the page
    assert board(console).state(1).status == "busy"
    assert console.store.staff_available() == 0  # busy people take no new chat


async def test_presence_needs_csrf_login_and_a_known_status(console: Console) -> None:
    resp = await console.client.post("/console/presence", data={"status": "away"},
                                     allow_redirects=False)
    assert resp.status == 303  # not logged in: to the login page
    await console.login()
    resp = await console.client.post("/console/presence", data={"csrf_token": "forged",
                                                                "status": "away"})
    assert resp.status == 403 and board(console).state(1).status == "available"
    assert (await console.post("/console/presence", {"status": "sleeping"})).status == 400
    resp = await console.client.post("/console/presence/ping", headers=JSON,
                                     data={"csrf_token": "forged"})
    assert resp.status == 403


async def test_inactive_staff_count_as_away_and_are_marked_away_on_return(console: Console) -> None:
    await console.login()
    with console.store.session() as s, s.begin():
        s.get(StaffStatus, 1).active_at = utcnow() - timedelta(minutes=11)
    assert console.store.staff_available("het-hogeland") == 0  # at once, not on return
    html = await (await console.client.get("/console")).text()
    assert "Op afwezig gezet" in html and '<option value="away" selected>' in html
    assert board(console).state(1).status == "away"
    # Background refreshes of an open tab are no activity.
    await console.post("/console/presence", {"status": "available"})
    with console.store.session() as s, s.begin():
        s.get(StaffStatus, 1).active_at = utcnow() - timedelta(minutes=11)
    await console.client.get("/console/queue")
    assert console.store.staff_available() == 0
    token = await console.csrf("/console")  # a page load: activity, and away again
    resp = await console.client.post("/console/presence/ping", headers=JSON,
                                     data={"csrf_token": token})
    assert (await resp.json()) == {"status": "away", "label": "Afwezig", "auto": True}


async def test_logout_is_away_and_other_municipalities_do_not_count(console: Console) -> None:
    from kcc.auth import StaffAuth
    from tests.support.console import CHEAP_HASHER, PASSWORD

    StaffAuth(console.db_url, hasher=CHEAP_HASHER).create_staff(
        "olga", PASSWORD, "Olga", municipalities=["oldambt"])
    assert await console.login("olga") == 303
    assert console.store.staff_available("oldambt") == 1
    assert console.store.staff_available("het-hogeland") == 0
    await console.post("/console/logout")
    assert console.store.staff_available("oldambt") == 0


async def test_colleagues_with_their_status(console: Console) -> None:
    await console.login()
    colleagues = board(console).colleagues("het-hogeland", exclude=["anna"])
    assert [(c.username, c.status) for c in colleagues] == [("bert", "away")]
    assert board(console).works_for("bert", "het-hogeland") is not None
    assert board(console).works_for("bert", "oldambt") is None
