"""The queue at volume: search and filters, SLA colouring per urgency, the urgent-ids hook."""
from __future__ import annotations

from datetime import timedelta


from kcc.auth import StaffAuth
from kcc.models import Ticket, utcnow
from tests.support.console import CHEAP_HASHER, PASSWORD, Console


def _age(console: Console, tid: int, minutes: int) -> None:
    with console.store.session() as s, s.begin():
        s.get(Ticket, tid).created_at = utcnow() - timedelta(minutes=minutes)


async def _queue(console: Console, **params) -> str:
    resp = await console.client.get("/console/queue", params=params)
    assert resp.status == 200
    return await resp.text()


async def test_filters_narrow_the_queue(console: Console) -> None:
    for n in range(42):
        console.ticket(f"urgent-{n}", urgency="urgent", summary=f"gevaarvraag {n}")
    plain = console.ticket("plain", summary="Inwoner zoekt een traplift voor thuis.",
                           topic="hulpmiddelen_woningaanpassing", channel="telegram")
    console.ticket("mail", summary="Vraag over pgb", topic="pgb", mode="callback")
    await console.login()
    assert (await _queue(console)).count('class="ticket-link"') == 44
    html = await _queue(console, urgency="normal")
    assert html.count('class="ticket-link"') == 2 and "traplift" in html
    assert "traplift" in await _queue(console, q="TRAPLIFT thuis")
    assert "gevaarvraag" not in await _queue(console, q="traplift")
    assert f"#{plain}" in await _queue(console, q=f"#{plain}")
    assert "traplift" in await _queue(console, q="plain")  # a conversation id
    assert "traplift" in await _queue(console, channel="telegram")
    assert "pgb" in await _queue(console, topic="pgb")
    assert "Geen tickets gevonden" in await _queue(console, q="100%_zeker")
    await console.post(f"/console/tickets/{plain}/claim")
    mine = await _queue(console, mine="1")
    assert mine.count('class="ticket-link"') == 1 and "traplift" in mine
    assert (await _queue(console, status="claimed")).count('class="ticket-link"') == 1
    page = await (await console.client.get("/console", params={"urgency": "normal"})).text()
    assert 'data-live="/console/queue?urgency=normal"' in page  # live refresh keeps the filter
    assert '<option value="normal" selected>' in page


async def test_search_never_shows_another_municipality(console: Console) -> None:
    StaffAuth(console.db_url, hasher=CHEAP_HASHER).create_staff(
        "olga", PASSWORD, "Olga", municipalities=["oldambt"])
    theirs = console.ticket("conv-hogeland", summary="vraag uit Het Hogeland")
    assert await console.login("olga") == 303
    for params in ({"q": f"#{theirs}"}, {"q": "conv-hogeland"}, {"q": "Hogeland"},
                   {"status": "open"}):
        assert "Hogeland" not in await _queue(console, **params), params


async def test_sla_colours_per_urgency_and_urgent_ids(console: Console) -> None:
    urgent_late = console.ticket("u1", urgency="urgent")
    _age(console, urgent_late, 6)  # norm 5 minutes
    normal_ok = console.ticket("n1")
    _age(console, normal_ok, 6)  # norm 4 hours
    high_near = console.ticket("h1", urgency="high")
    _age(console, high_near, 25)  # norm 30 minutes
    await console.login()
    html = await _queue(console)
    rows = html.split("<tr class=")[1:]
    assert "sla-late" in rows[0] and "te lang (norm 5 min)" in rows[0]
    assert "sla-near" in rows[1] and "bijna de norm (30 min)" in rows[1]
    assert "sla-ok" in rows[2]
    assert f'data-urgent="{urgent_late}"' in html
    await console.post(f"/console/tickets/{urgent_late}/claim")
    html = await _queue(console)
    assert 'data-urgent=""' in html and "sla-none" in html  # picked up: no timer, no alarm


async def test_sla_norms_are_settings(console: Console, monkeypatch) -> None:
    monkeypatch.setenv("SLA_NORMAL_MINUTES", "3")
    tid = console.ticket("n1")
    _age(console, tid, 4)
    await console.login()
    assert "te lang (norm 3 min)" in await _queue(console)
