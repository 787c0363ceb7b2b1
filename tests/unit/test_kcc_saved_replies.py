"""Saved replies: shipped B1 texts per municipality plus staff's own, searchable, with rights."""
from __future__ import annotations

import re


from kcc.auth import StaffAuth
from kcc.saved_replies import SavedReplies, shipped
from tests.support.console import CHEAP_HASHER, PASSWORD, Console


def test_the_shipped_replies_are_short_b1_sentences() -> None:
    data = shipped()
    keys = [r["key"] for r in data["default"]]
    assert len(keys) == len(set(keys)) >= 8
    for reply in data["default"] + [r for rs in data["municipalities"].values() for r in rs]:
        sentences = [s for s in re.split(r"(?<=[.?!])\s+", reply["text"]) if s]
        assert all(len(s.split()) <= 20 for s in sentences), reply["key"]
        assert " je " not in f" {reply['text'].lower()} ", reply["key"]  # 'u', never 'je'


def test_a_municipality_replaces_a_shipped_reply_and_placeholders_are_filled(tmp_path) -> None:
    replies = SavedReplies(f"sqlite:///{tmp_path / 'r.db'}")
    hogeland = {r.key: r for r in replies.for_municipality("het-hogeland", "Anna", "Het Hogeland")}
    tynaarlo = {r.key: r for r in replies.for_municipality("tynaarlo", "Anna", "Tynaarlo")}
    assert "Sociaal Loket" in hogeland["sociaal_loket"].text
    assert "sociaal team" in tynaarlo["sociaal_loket"].text
    assert hogeland["begroeting"].text.startswith("Goedemiddag, u spreekt met Anna van de gemeente Het Hogeland")
    found = replies.for_municipality("het-hogeland", "Anna", query="BEL vandaag")
    assert [r.key for r in found] == ["gebeld_worden"]


async def test_search_add_and_delete_over_http(console: Console) -> None:
    await console.login()
    resp = await console.client.get("/console/replies/search",
                                    params={"municipality": "het-hogeland", "q": "gevaar"})
    assert resp.status == 200
    assert [r["key"] for r in (await resp.json())["replies"]] == ["spoed"]
    # another municipality's list is not there for this login
    resp = await console.client.get("/console/replies/search", params={"municipality": "oldambt"})
    assert resp.status == 404
    resp = await console.post("/console/replies", {"municipality": "het-hogeland",
                                                   "title": "Openingstijden",
                                                   "text": "Wij zijn open van 8:30 tot 17:00."},
                              csrf_from="/console/replies")
    assert resp.status == 303
    html = await (await console.client.get("/console/replies")).text()
    assert "Openingstijden" in html and "Verwijderen" in html
    own = [r for r in SavedReplies(console.db_url).for_municipality("het-hogeland") if r.id]
    assert len(own) == 1
    assert (await console.post("/console/replies", {"municipality": "het-hogeland", "title": "",
                                                    "text": "x"})).status == 400
    assert (await console.post("/console/replies", {"municipality": "oldambt", "title": "t",
                                                    "text": "x"})).status == 404
    resp = await console.client.post("/console/replies", data={
        "csrf_token": "forged", "municipality": "het-hogeland", "title": "t", "text": "x"})
    assert resp.status == 403
    # Bert (kcc) may not delete Anna's reply; Anna may.
    await console.post("/console/logout")
    assert await console.login("bert") == 303
    assert (await console.post(f"/console/replies/{own[0].id}/delete")).status == 403
    await console.post("/console/logout")
    assert await console.login("anna") == 303
    assert (await console.post(f"/console/replies/{own[0].id}/delete")).status == 303
    assert [r for r in SavedReplies(console.db_url).for_municipality("het-hogeland") if r.id] == []
    assert (await console.post("/console/replies/999/delete")).status == 404


async def test_a_reply_of_another_municipality_cannot_be_deleted(console: Console) -> None:
    StaffAuth(console.db_url, hasher=CHEAP_HASHER).create_staff(
        "olga", PASSWORD, "Olga", role="beheerder", municipalities=["oldambt"])
    row = SavedReplies(console.db_url).add("het-hogeland", "t", "tekst", "anna")
    assert await console.login("olga") == 303
    assert (await console.post(f"/console/replies/{row.id}/delete")).status == 404
    assert SavedReplies(console.db_url).get(row.id) is not None


async def test_the_ticket_page_offers_the_replies_and_the_shortcuts(console: Console) -> None:
    tid = console.ticket()
    await console.login()
    page = f"/console/tickets/{tid}"
    html = await (await console.client.get(page)).text()
    assert "Sneltoetsen" in html and "<kbd>o</kbd>" in html and 'id="saved-list"' not in html
    await console.post(f"{page}/claim", csrf_from=page)
    html = await (await console.client.get(page)).text()
    assert 'id="saved-list"' in html and "u spreekt met Anna van de gemeente" in html
    for key in ("b", "n", "t", "a"):
        assert f"<kbd>{key}</kbd>" in html
