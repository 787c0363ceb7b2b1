"""Transfer to a colleague with a note: it moves only when the colleague accepts."""
from __future__ import annotations


from aiohttp.test_utils import TestClient, TestServer

from kcc.audit import AuditLog
from kcc.auth import StaffAuth
from kcc.config import ConsoleConfig
from kcc.server import create_app
from kcc.services import SERVICES_KEY
from kcc.transfers import TransferDesk
from tests.support.console import CHEAP_HASHER, PASSWORD, Console


async def _second(console: Console, username: str = "bert") -> Console:
    app = create_app(ConsoleConfig(database_url=console.db_url,
                                   rasa_url=console.client.server.app[SERVICES_KEY].config.rasa_url,
                                   rasa_token="test-token"))
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    other = Console(client, console.store, console.rasa, console.db_url)
    assert await other.login(username) == 303
    return other


async def test_a_transfer_reaches_the_colleague_who_accepts(console: Console) -> None:
    tid = console.ticket()
    await console.login()
    page = f"/console/tickets/{tid}"
    await console.post(f"{page}/claim", csrf_from=page)
    bert = await _second(console)
    try:
        html = await (await console.client.get(page)).text()
        assert '<option value="bert">Bert (beschikbaar)</option>' in html
        resp = await console.post(f"{page}/transfer", {"to": "bert", "note": ""}, csrf_from=page)
        assert resp.status == 400
        resp = await console.post(f"{page}/transfer", {"to": "anna", "note": "x"}, csrf_from=page)
        assert resp.status == 400  # not to oneself
        resp = await console.post(f"{page}/transfer", {"to": "bert",
                                                       "note": "Vraag over pgb, u weet daar meer van."},
                                  csrf_from=page)
        assert resp.status == 303
        assert console.store.get(tid).staff == "anna"  # stays until accepted
        queue = await (await bert.client.get("/console/queue")).text()
        assert "Aan u aangeboden" in queue and "u weet daar meer van" in queue
        transfer = TransferDesk(console.db_url).pending_for_ticket(tid)
        # Anna cannot accept her own offer; Bert can, once.
        assert (await console.post(f"/console/transfers/{transfer.id}/accept")).status == 404
        resp = await bert.post(f"/console/transfers/{transfer.id}/accept")
        assert resp.status == 303 and resp.headers["Location"] == f"{page}?m=transfer_accepted"
        ticket = console.store.get(tid)
        assert (ticket.staff, ticket.staff_name) == ("bert", "Bert")
        start = console.rasa.intents("EXTERNAL_takeover_start")[-1]["body"]["entities"]
        assert start == {"agent": "Bert"}  # the resident reads who talks now
        assert (await bert.post(f"/console/transfers/{transfer.id}/accept")).status == 409
        resp = await bert.post(f"{page}/reply", {"text": "Goedemiddag, met Bert."}, csrf_from=page)
        assert resp.status == 303
        actions = [e.action for e in AuditLog(console.db_url).entries("conv-1")]
        assert "overdracht_aangeboden" in actions and "overdracht_aangenomen" in actions
    finally:
        await bert.client.close()


async def test_a_transfer_can_be_declined_or_withdrawn(console: Console) -> None:
    tid = console.ticket(mode="callback", contact_preference="telefoon", consent=True,
                         contact_value="0612345678")
    await console.login()
    page = f"/console/tickets/{tid}"
    await console.post(f"{page}/claim", csrf_from=page)
    bert = await _second(console)
    try:
        await console.post(f"{page}/transfer", {"to": "bert", "note": "Wil jij bellen?"}, csrf_from=page)
        first = TransferDesk(console.db_url).pending_for_ticket(tid)
        resp = await bert.post(f"/console/transfers/{first.id}/decline")
        assert resp.status == 303 and console.store.get(tid).staff == "anna"
        await console.post(f"{page}/transfer", {"to": "bert", "note": "Toch jij?"}, csrf_from=page)
        second = TransferDesk(console.db_url).pending_for_ticket(tid)
        assert (await bert.post(f"/console/transfers/{second.id}/withdraw")).status == 404
        assert (await console.post(f"/console/transfers/{second.id}/withdraw")).status == 303
        assert TransferDesk(console.db_url).pending_for_ticket(tid) is None
        assert "Aan u aangeboden" not in await (await bert.client.get("/console/queue")).text()
        assert console.rasa.calls == []  # a callback: nothing to tell the assistant
    finally:
        await bert.client.close()


async def test_only_colleagues_of_the_municipality_and_with_csrf(console: Console) -> None:
    StaffAuth(console.db_url, hasher=CHEAP_HASHER).create_staff(
        "olga", PASSWORD, "Olga", municipalities=["oldambt"])
    tid = console.ticket()
    await console.login()
    page = f"/console/tickets/{tid}"
    await console.post(f"{page}/claim", csrf_from=page)
    resp = await console.post(f"{page}/transfer", {"to": "olga", "note": "x"}, csrf_from=page)
    assert resp.status == 400 and "Kies een collega" in await resp.text()
    resp = await console.client.post(f"{page}/transfer", data={"csrf_token": "forged", "to": "bert",
                                                               "note": "x"})
    assert resp.status == 403
    await console.post(f"{page}/transfer", {"to": "bert", "note": "voor jou"}, csrf_from=page)
    transfer = TransferDesk(console.db_url).pending_for_ticket(tid)
    olga = await _second(console, "olga")
    try:
        assert (await olga.post(f"/console/transfers/{transfer.id}/accept")).status == 404
        assert (await olga.post(f"{page}/transfer", {"to": "bert", "note": "x"})).status == 404
    finally:
        await olga.client.close()


async def test_rasa_down_on_accept_leaves_the_ticket_with_the_giver(console: Console) -> None:
    tid = console.ticket()
    await console.login()
    page = f"/console/tickets/{tid}"
    await console.post(f"{page}/claim", csrf_from=page)
    await console.post(f"{page}/transfer", {"to": "bert", "note": "voor jou"}, csrf_from=page)
    transfer = TransferDesk(console.db_url).pending_for_ticket(tid)
    bert = await _second(console)
    try:
        console.rasa.fail = True
        resp = await bert.post(f"/console/transfers/{transfer.id}/accept")
        assert resp.status == 502
        assert console.store.get(tid).staff == "anna"
        assert TransferDesk(console.db_url).pending_for_ticket(tid).id == transfer.id
    finally:
        await bert.client.close()
