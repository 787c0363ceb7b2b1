"""Callbacks as work: the list with the promised moment, attempts, three failures, overdue."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone


from kcc.auth import StaffAuth
from kcc.callbacks import CallbackBook, promised_by_hours
from kcc.models import Ticket, utcnow
from kcc.notes import NoteBook
from tests.support.console import CHEAP_HASHER, PASSWORD, Console


def _callback(console: Console, cid: str = "cb-1", **kw) -> int:
    return console.ticket(cid, mode="callback", contact_preference="telefoon", consent=True,
                          contact_value="06 12345678", **kw)


def test_the_promise_follows_the_office_hours() -> None:
    # Saturday 1 Dec 2029 20:00 UTC (closed): promised the next opening, Monday 08:30 Dutch time.
    saturday = datetime(2029, 12, 1, 20, 0)
    assert promised_by_hours("het-hogeland", saturday) == datetime(2029, 12, 3, 7, 30)
    tuesday = datetime(2029, 12, 4, 9, 0)  # 10:00 in the Netherlands: open, due at once
    assert promised_by_hours("het-hogeland", tuesday) == tuesday


async def test_attempts_are_recorded_and_three_failures_show(console: Console) -> None:
    tid = _callback(console)
    await console.login()
    page = f"/console/tickets/{tid}"
    assert (await console.post(f"{page}/attempts", {"result": "not_reached"}, csrf_from=page)).status == 409
    await console.post(f"{page}/claim", csrf_from=page)
    assert (await console.post(f"{page}/attempts", {"result": "maybe"}, csrf_from=page)).status == 400
    for result in ("not_reached", "wrong_number"):
        resp = await console.post(f"{page}/attempts", {"result": result}, csrf_from=page)
        assert resp.status == 303
    html = await (await console.client.get(page)).text()
    assert "pogingen mislukt" not in html and "Verkeerd nummer" in html
    await console.post(f"{page}/attempts", {"result": "not_reached",
                                            "note": "Voicemail ingesproken."}, csrf_from=page)
    html = await (await console.client.get(page)).text()
    assert "3 pogingen mislukt" in html
    assert NoteBook(console.db_url).for_ticket(tid)[0].kind == "callback"
    listing = await (await console.client.get("/console/callbacks")).text()
    assert "3 pogingen mislukt" in listing and "06 12345678" in listing
    resp = await console.post(f"{page}/attempts", {"result": "reached"}, csrf_from=page)
    assert resp.status == 303 and "m=reached" in resp.headers["Location"]
    assert console.store.get(tid).status == "answered"
    assert "pogingen mislukt" not in await (await console.client.get(page)).text()


async def test_overdue_callbacks_come_first_and_stand_out(console: Console) -> None:
    fresh = _callback(console, "cb-fresh")
    late = _callback(console, "cb-late")
    with console.store.session() as s, s.begin():
        s.get(Ticket, late).created_at = utcnow() - timedelta(days=3)
    await console.login()
    html = await (await console.client.get("/console/callbacks")).text()
    assert html.index(f"#{late}") < html.index(f"#{fresh}")
    assert "1 te laat" in html and "callback-overdue" in html
    items = CallbackBook(console.db_url).work_list(["het-hogeland"])
    assert [i.overdue for i in items] == [True, False]


async def test_a_promised_moment_is_set_by_staff(console: Console) -> None:
    tid = _callback(console)
    await console.login()
    page = f"/console/tickets/{tid}"
    await console.post(f"{page}/claim", csrf_from=page)
    assert (await console.post(f"{page}/promise", {"promised_at": "morgen"}, csrf_from=page)).status == 400
    resp = await console.post(f"{page}/promise", {"promised_at": "2026-12-01T15:00"}, csrf_from=page)
    assert resp.status == 303
    item = CallbackBook(console.db_url).item(console.store.get(tid))
    assert item.promised_at == datetime(2026, 12, 1, 14, 0)  # 15:00 Dutch time in UTC
    assert "01-12-2026 15:00" in await (await console.client.get(page)).text()


async def test_a_follow_up_hand_back_keeps_the_agreed_moment(console: Console) -> None:
    tid = console.ticket()
    await console.login()
    page = f"/console/tickets/{tid}"
    await console.post(f"{page}/claim", csrf_from=page)
    await console.post(f"{page}/handback", {"after": "followup", "contact_preference": "telefoon",
                                            "contact_value": "06 11112222",
                                            "promised_at": "2026-12-02T09:30"}, csrf_from=page)
    items = CallbackBook(console.db_url).work_list(["het-hogeland"], mine="anna")
    assert [i.ticket.id for i in items] == [tid]
    assert items[0].promised_at == datetime(2026, 12, 2, 8, 30)


async def test_callbacks_of_another_municipality_are_not_shown_or_touched(console: Console) -> None:
    StaffAuth(console.db_url, hasher=CHEAP_HASHER).create_staff(
        "olga", PASSWORD, "Olga", municipalities=["oldambt"])
    theirs = _callback(console, "cb-hogeland")
    assert await console.login("olga") == 303
    assert f"#{theirs}" not in await (await console.client.get("/console/callbacks")).text()
    for action, data in (("attempts", {"result": "reached"}),
                         ("promise", {"promised_at": "2026-12-01T15:00"})):
        assert (await console.post(f"/console/tickets/{theirs}/{action}", data)).status == 404
    resp = await console.client.post(f"/console/tickets/{theirs}/attempts",
                                     data={"csrf_token": "forged", "result": "reached"})
    assert resp.status in (403, 404)
    assert CallbackBook(console.db_url).attempts(theirs) == []


def test_aware_and_naive_promises(tmp_path) -> None:
    book = CallbackBook(f"sqlite:///{tmp_path / 'c.db'}")
    from kcc.tickets import TicketDraft, TicketStore

    store = TicketStore(f"sqlite:///{tmp_path / 'c.db'}")
    ticket, _ = store.create(TicketDraft(conversation_id="x", episode=1, channel="webchat",
                                         municipality="het-hogeland", mode="callback"))
    book.promise(ticket.id, datetime(2026, 12, 1, 15, 0, tzinfo=timezone.utc), "anna")
    assert book.item(ticket).promised_at == datetime(2026, 12, 1, 15, 0)
