"""Handing back asks for an outcome or keeps the ticket open; private notes; replies and notes
sent by the console's script (JSON), so the page does not reload."""
from __future__ import annotations



from kcc.audit import AuditLog
from kcc.auth import StaffAuth
from kcc.notes import NoteBook
from tests.support.console import CHEAP_HASHER, PASSWORD, Console

JSON = {"Accept": "application/json"}


async def _claimed(console: Console, **kw) -> tuple:
    tid = console.ticket(**kw)
    await console.login()
    await console.post(f"/console/tickets/{tid}/claim")
    return tid, f"/console/tickets/{tid}"


async def _json(console: Console, path: str, data: dict, page: str):
    token = await console.csrf(page)
    return await console.client.post(path, headers=JSON, data={"csrf_token": token, **data})


async def test_hand_back_needs_an_outcome_or_a_follow_up(console: Console) -> None:
    tid, page = await _claimed(console)
    html = await (await console.client.get(page)).text()
    assert "Melding gedaan bij het Sociaal Loket" in html and "open houden voor opvolging" in html
    resp = await console.post(f"{page}/handback", {"after": "close"}, csrf_from=page)
    assert resp.status == 400 and "Kies een uitkomst" in await resp.text()
    assert console.rasa.intents("EXTERNAL_takeover_end") == []
    assert console.store.get(tid).status == "claimed"
    resp = await console.post(f"{page}/handback", {"after": "close", "outcome": "melding_sociaal_loket",
                                                   "note": "Melding gedaan, loket belt morgen."},
                              csrf_from=page)
    assert resp.status == 303
    ticket = console.store.get(tid)
    assert (ticket.status, ticket.outcome) == ("closed", "melding_sociaal_loket")
    assert console.rasa.intents("EXTERNAL_takeover_end")[0]["body"]["entities"]["outcome"] == "resume"
    notes = NoteBook(console.db_url).for_ticket(tid)
    assert [(n.kind, n.text) for n in notes] == [("handback", "Melding gedaan, loket belt morgen.")]
    html = await (await console.client.get(page)).text()
    assert "Melding gedaan, loket belt morgen." in html and "Bij teruggeven" in html


async def test_hand_back_can_keep_the_ticket_open_for_a_callback(console: Console) -> None:
    tid, page = await _claimed(console)
    resp = await console.post(f"{page}/handback", {"after": "followup"}, csrf_from=page)
    assert resp.status == 400 and "Schrijf op wat er nog moet gebeuren" in await resp.text()
    resp = await console.post(f"{page}/handback", {
        "after": "followup", "contact_preference": "telefoon", "contact_value": "06 12345678",
        "note": "Ik heb beloofd om 15:00 te bellen."}, csrf_from=page)
    assert resp.status == 303 and "m=followup" in resp.headers["Location"]
    ticket = console.store.get(tid)
    assert ticket.status in ("claimed", "answered") and ticket.staff == "anna"
    assert (ticket.mode, ticket.contact_value, ticket.consent) == ("callback", "06 12345678", True)
    assert NoteBook(console.db_url).for_ticket(tid)[0].kind == "followup"
    assert any(e.action == "opvolging" for e in AuditLog(console.db_url).entries("conv-1"))


async def test_close_refuses_an_outcome_of_no_list(console: Console) -> None:
    tid, page = await _claimed(console)
    resp = await console.post(f"{page}/close", {"outcome": "verzonnen"}, csrf_from=page)
    assert resp.status == 400 and console.store.get(tid).status == "claimed"


async def test_a_reply_by_script_gets_json_and_the_page_is_not_reloaded(console: Console) -> None:
    tid, page = await _claimed(console)
    resp = await _json(console, f"{page}/reply", {"text": "Goedemiddag"}, page)
    assert resp.status == 200 and await resp.json() == {"ok": True,
                                                        "message": "Uw bericht is verstuurd."}
    resp = await _json(console, f"{page}/reply", {"text": ""}, page)
    assert resp.status == 400 and (await resp.json())["error"] == "Typ eerst een bericht."
    console.rasa.fail = True
    resp = await _json(console, f"{page}/reply", {"text": "Hallo"}, page)
    assert resp.status == 502 and "niet bereikbaar" in (await resp.json())["error"]


async def test_a_note_is_private_audited_and_checked(console: Console) -> None:
    tid, page = await _claimed(console)
    resp = await _json(console, f"{page}/notes", {"text": "Inwoner klinkt erg moe. Morgen bellen."}, page)
    body = await resp.json()
    assert resp.status == 200 and body["ok"] and "Inwoner klinkt erg moe" in body["html"]
    assert all("moe" not in str(call) for call in console.rasa.calls)  # never to the resident
    transcript = await (await console.client.get(f"{page}/transcript")).text()
    assert "moe" not in transcript
    audit = [e for e in AuditLog(console.db_url).entries("conv-1") if e.action == "notitie_geschreven"]
    assert len(audit) == 1 and audit[0].ticket_id == tid
    assert (await console.post(f"{page}/notes", {"text": " "}, csrf_from=page)).status == 400
    assert (await console.post(f"{page}/notes", {"text": "x" * 2001}, csrf_from=page)).status == 400
    resp = await console.client.post(f"{page}/notes", data={"csrf_token": "forged", "text": "x"})
    assert resp.status == 403
    assert len(NoteBook(console.db_url).for_ticket(tid)) == 1


async def test_notes_of_another_municipality_are_404(console: Console) -> None:
    StaffAuth(console.db_url, hasher=CHEAP_HASHER).create_staff(
        "olga", PASSWORD, "Olga", municipalities=["oldambt"])
    theirs = console.ticket("conv-hogeland")
    assert await console.login("olga") == 303
    resp = await console.post(f"/console/tickets/{theirs}/notes", {"text": "kijken"})
    assert resp.status == 404 and NoteBook(console.db_url).for_ticket(theirs) == []


async def test_after_closing_the_next_ticket_is_offered(console: Console) -> None:
    tid, page = await _claimed(console)
    waiting = console.ticket("conv-2", summary="de volgende")
    await console.post(f"{page}/close", {"outcome": "beantwoord"}, csrf_from=page)
    html = await (await console.client.get(page)).text()
    assert f'href="/console/tickets/{waiting}"' in html and "Volgende ticket" in html


def test_a_note_is_stored_masked(tmp_path) -> None:
    from kcc.notes import NoteBook
    from kcc.tickets import TicketDraft, TicketStore

    url = f"sqlite:///{tmp_path / 'notes.db'}"
    ticket = TicketStore(url).create(TicketDraft(
        conversation_id="conv-masked", episode=1, channel="webchat", municipality="het-hogeland",
        topic="huishoudelijke_hulp", ladder_rung=None, summary="Inwoner: vraag.", mode="live"))[0]
    note = NoteBook(url).add(ticket.id, "anna", "Anna",
                             "Belt terug op 0612345678, mail jan@example.nl")
    assert "0612345678" not in note.text and "jan@example.nl" not in note.text
