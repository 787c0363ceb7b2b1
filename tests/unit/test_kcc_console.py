"""The staff console over HTTP (aiohttp test client) with a fake Rasa on loopback."""
from __future__ import annotations

import asyncio
import io

from aiohttp.test_utils import TestClient, TestServer

from kcc import staff as staff_cli
from kcc.audit import AuditLog
from kcc.auth import StaffAuth
from kcc.config import ConsoleConfig
from kcc.server import create_app
from kcc.services import SERVICES_KEY
from tests.support.console import CHEAP_HASHER, PASSWORD, Console, start_console as _start

# -- access ---------------------------------------------------------------------------------
async def test_healthz(console: Console) -> None:
    resp = await console.client.get("/healthz")
    assert resp.status == 200 and (await resp.json())["status"] == "ok"


async def test_unauthenticated_pages_redirect_and_api_gives_401(console: Console) -> None:
    resp = await console.client.get("/console", allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"].startswith("/console/login")
    for path in ("/console/events", "/console/queue", "/console/tickets/1/transcript"):
        resp = await console.client.get(path)
        assert resp.status == 401, path
        assert "Niet ingelogd" in await resp.text()


async def test_login_logout_and_security_headers(console: Console) -> None:
    assert await console.login(password="wrong password") == 401
    assert await console.login() == 303
    page = await console.client.get("/console")
    assert page.status == 200
    assert "Ingelogd als" in await page.text()
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store"
    resp = await console.post("/console/logout")
    assert resp.status == 303
    assert (await console.client.get("/console", allow_redirects=False)).status == 303


async def test_login_without_csrf_is_forbidden(console: Console) -> None:
    resp = await console.client.post("/console/login",
                                     data={"username": "anna", "password": PASSWORD})
    assert resp.status == 403
    assert "Geen toegang" in await resp.text()


async def test_wrong_passwords_slow_the_account_down_but_never_lock_it_out(console: Console) -> None:
    auth = console.client.server.app[SERVICES_KEY].auth
    for _ in range(8):
        assert await console.login(password="nope nope nope") == 401
    assert auth.delay_seconds("anna") > 0  # the next attempt waits (capped for this test)
    assert auth.delay_seconds("bert") == 0
    assert await console.login() == 303  # the right password still gets in
    assert auth.delay_seconds("anna") == 0  # and the count starts again


async def test_password_spraying_is_limited_per_address(tmp_path) -> None:
    running, rasa_server = await _start(tmp_path, trusted_proxies=frozenset({"127.0.0.1"}))
    try:
        attacker = {"X-Forwarded-For": "203.0.113.9"}
        for n in range(30):
            assert await running.login(f"user{n}", "nope nope nope", attacker) == 401
        assert await running.login("anna", PASSWORD, attacker) == 429
        token = await running.csrf("/console/login")
        resp = await running.client.post("/console/login", headers=attacker, data={
            "csrf_token": token, "username": "anna", "password": PASSWORD})
        assert "Te veel mislukte pogingen" in await resp.text()
        # Anna at her own desk, behind the same proxy, is not affected.
        assert await running.login("anna", PASSWORD, {"X-Forwarded-For": "198.51.100.7"}) == 303
    finally:
        await running.client.close()
        await rasa_server.close()


async def test_a_header_line_the_client_sent_itself_is_not_believed(tmp_path) -> None:
    """Behind HAProxy (``option forwardfor``) a request carries the client's own line first and
    the proxy's line last; the limit must count the address the proxy saw."""
    from multidict import CIMultiDict

    running, rasa_server = await _start(tmp_path, trusted_proxies=frozenset({"127.0.0.0/8"}))
    try:
        for n in range(30):
            lines = CIMultiDict([("X-Forwarded-For", f"198.51.100.{n}"),
                                 ("X-Forwarded-For", "203.0.113.9")])
            assert await running.login(f"user{n}", "nope nope nope", lines) == 401
        assert await running.login("anna", PASSWORD, {"X-Forwarded-For": "203.0.113.9"}) == 429
        assert await running.login("anna", PASSWORD, {"X-Forwarded-For": "198.51.100.7"}) == 303
    finally:
        await running.client.close()
        await rasa_server.close()


async def test_forwarded_for_is_ignored_without_a_trusted_proxy(console: Console) -> None:
    for n in range(30):
        assert await console.login(f"user{n}", "nope nope nope",
                                   {"X-Forwarded-For": f"198.51.100.{n}"}) == 401
    # All 30 came from 127.0.0.1 whatever the header said.
    assert await console.login("anna", PASSWORD, {"X-Forwarded-For": "192.0.2.1"}) == 429


async def test_hsts_and_secure_cookies_when_the_console_is_served_over_https(tmp_path) -> None:
    running, rasa_server = await _start(tmp_path, cookie_secure=True)
    try:
        page = await running.client.get("/console/login")
        assert page.headers["Strict-Transport-Security"].startswith("max-age=")
        assert "Secure" in page.headers.get("Set-Cookie", "")
    finally:
        await running.client.close()
        await rasa_server.close()
    assert ConsoleConfig.from_env().cookie_secure is False  # loopback default: plain HTTP


def test_secure_follows_an_https_console_url(monkeypatch) -> None:
    monkeypatch.delenv("CONSOLE_COOKIE_SECURE", raising=False)
    monkeypatch.setenv("CONSOLE_URL", "https://kcc.gemeente.nl")
    assert ConsoleConfig.from_env().cookie_secure is True
    monkeypatch.setenv("CONSOLE_COOKIE_SECURE", "0")
    assert ConsoleConfig.from_env().cookie_secure is False


async def test_expired_session_redirects(tmp_path) -> None:
    running, rasa_server = await _start(tmp_path, session_minutes=0)
    try:
        assert await running.login() == 303
        resp = await running.client.get("/console", allow_redirects=False)
        assert resp.status == 303
    finally:
        await running.client.close()
        await rasa_server.close()


async def test_forged_csrf_is_refused_and_nothing_happens(console: Console) -> None:
    tid = console.ticket()
    await console.login()
    resp = await console.client.post(f"/console/tickets/{tid}/claim", data={"csrf_token": "forged"})
    assert resp.status == 403
    assert console.rasa.calls == [] and console.store.get(tid).status == "open"


async def test_unknown_ticket_is_404(console: Console) -> None:
    await console.login()
    for path in ("/console/tickets/999", "/console/tickets/abc", "/console/nope"):
        resp = await console.client.get(path)
        assert resp.status == 404, path
        assert "Niet gevonden" in await resp.text()
    assert (await console.post("/console/tickets/999/claim")).status == 404


async def test_internal_error_is_polite_and_logged(console: Console, monkeypatch, caplog) -> None:
    await console.login()

    def broken(*_a, **_k):
        raise RuntimeError("database exploded")

    monkeypatch.setattr(console.store, "search", broken)
    resp = await console.client.get("/console")
    body = await resp.text()
    assert resp.status == 500 and "Er ging iets mis" in body
    assert "Traceback" not in body and "exploded" not in body
    assert "database exploded" in caplog.text


# -- the takeover flow ----------------------------------------------------------------------
async def test_queue_lists_urgent_first(console: Console) -> None:
    console.ticket("normal-1", summary="gewone vraag")
    console.ticket("urgent-1", urgency="urgent", summary="spoedvraag")
    await console.login()
    html = await (await console.client.get("/console")).text()
    assert html.index("spoedvraag") < html.index("gewone vraag")
    assert "Spoed" in html


async def test_claim_reply_handback(console: Console) -> None:
    tid = console.ticket(channel="telegram")
    await console.login()
    resp = await console.post(f"/console/tickets/{tid}/claim")
    assert resp.status == 303
    start = console.rasa.intents("EXTERNAL_takeover_start")[0]
    assert start["conversation_id"] == "conv-1"
    assert start["body"]["entities"] == {"agent": "Anna"}
    assert start["query"] == {"output_channel": "telegram", "token": "test-token"}
    assert console.store.get(tid).status == "claimed"

    page = f"/console/tickets/{tid}"
    resp = await console.post(f"{page}/reply", {"text": "Goedemiddag, ik help u graag."},
                              csrf_from=page)
    assert resp.status == 303
    sent = console.rasa.intents("EXTERNAL_staff_message")[0]["body"]["entities"]
    assert sent == {"agent": "Anna", "staff_text": "Goedemiddag, ik help u graag."}
    assert console.store.get(tid).status == "answered"
    html = await (await console.client.get(page)).text()
    assert "Anna (medewerker)" in html and "Goedemiddag, ik help u graag." in html

    resp = await console.post(f"{page}/handback", {"outcome": "beantwoord"}, csrf_from=page)
    assert resp.status == 303
    end = console.rasa.intents("EXTERNAL_takeover_end")[0]["body"]["entities"]
    assert end == {"agent": "Anna", "outcome": "resume"}
    ticket = console.store.get(tid)
    assert (ticket.status, ticket.outcome) == ("closed", "beantwoord")


async def test_close_with_outcome(console: Console) -> None:
    tid = console.ticket()
    await console.login()
    await console.post(f"/console/tickets/{tid}/claim")
    page = f"/console/tickets/{tid}"
    assert (await console.post(f"{page}/close", {"outcome": ""}, csrf_from=page)).status == 400
    resp = await console.post(f"{page}/close", {"outcome": "doorverwezen"}, csrf_from=page)
    assert resp.status == 303
    end = console.rasa.intents("EXTERNAL_takeover_end")[0]["body"]["entities"]
    assert end["outcome"] == "closed"
    assert console.store.get(tid).outcome == "doorverwezen"


async def test_second_staff_member_cannot_claim_or_reply(console: Console) -> None:
    tid = console.ticket()
    await console.login()
    await console.post(f"/console/tickets/{tid}/claim")
    async with TestClient(TestServer(create_app(ConsoleConfig(
            database_url=console.db_url,
            rasa_url=console.client.server.app[SERVICES_KEY].config.rasa_url,
            rasa_token="test-token")), host="127.0.0.1")) as other_client:
        other = Console(other_client, console.store, console.rasa, console.db_url)
        assert await other.login("bert") == 303
        page = f"/console/tickets/{tid}"
        resp = await other.post(f"{page}/claim", csrf_from=page)
        assert resp.status == 409 and "al opgepakt door Anna" in await resp.text()
        resp = await other.post(f"{page}/reply", {"text": "Hallo"}, csrf_from=page)
        assert resp.status == 400 and "Pak het ticket eerst op" in await resp.text()
    assert len(console.rasa.intents("EXTERNAL_takeover_start")) == 1
    assert console.rasa.intents("EXTERNAL_staff_message") == []


async def test_oversize_reply_is_refused_with_a_message(console: Console) -> None:
    tid = console.ticket()
    await console.login()
    await console.post(f"/console/tickets/{tid}/claim")
    page = f"/console/tickets/{tid}"
    resp = await console.post(f"{page}/reply", {"text": "a" * 2001}, csrf_from=page)
    assert resp.status == 400
    assert "te lang (2001 tekens)" in await resp.text()
    assert console.rasa.intents("EXTERNAL_staff_message") == []
    resp = await console.post(f"{page}/reply", {"text": "a" * 2000}, csrf_from=page)
    assert resp.status == 303


async def test_rasa_down_on_claim_reopens_ticket(console: Console) -> None:
    tid = console.ticket()
    await console.login()
    console.rasa.fail = True
    resp = await console.post(f"/console/tickets/{tid}/claim")
    assert resp.status == 502
    assert "niet bereikbaar" in await resp.text()
    assert console.store.get(tid).status == "open"


async def test_callback_ticket_is_claimed_without_takeover(console: Console) -> None:
    tid = console.ticket(mode="callback", contact_preference="telefoon", consent=True,
                         contact_value="0612345678")
    await console.login()
    await console.post(f"/console/tickets/{tid}/claim")
    assert console.rasa.calls == []
    page = f"/console/tickets/{tid}"
    html = await (await console.client.get(page)).text()
    assert "0612345678" in html and "Teruggebeld" in html
    assert (await console.post(f"{page}/answered", csrf_from=page)).status == 303
    assert console.store.get(tid).status == "answered"


async def test_transcript_is_escaped_filtered_and_audited(console: Console) -> None:
    tid = console.ticket()
    console.rasa.say("conv-1", "user", "<script>alert('x')</script> ik wil een mens")
    console.rasa.say("conv-1", "user", "EXTERNAL: EXTERNAL_takeover_start")
    console.rasa.say("conv-1", "bot", "Ik ben een digitale assistent.",
                     data={"buttons": [{"title": "Ja", "payload": "/affirm"}]})
    console.rasa.say("conv-1", "bot", "Ik ben Anna.", metadata={"agent": "Anna"})
    await console.login()
    html = await (await console.client.get(f"/console/tickets/{tid}")).text()
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert "EXTERNAL" not in html
    assert "Keuzes: Ja" in html and "Anna (medewerker)" in html
    fragment = await (await console.client.get(f"/console/tickets/{tid}/transcript")).text()
    assert "ik wil een mens" in fragment
    reads = [e for e in AuditLog(console.db_url).entries("conv-1")
             if e.action == "transcript_gelezen"]
    assert len(reads) == 2 and reads[0].staff == "anna" and reads[0].ticket_id == tid


async def test_queue_events_stream_announces_new_tickets(console: Console) -> None:
    await console.login()
    resp = await console.client.get("/console/events")
    assert resp.status == 200 and resp.headers["Content-Type"].startswith("text/event-stream")
    assert (await resp.content.readline()).startswith(b"retry:")
    await resp.content.readline()
    console.ticket("new-one")
    line = await asyncio.wait_for(resp.content.readline(), timeout=5)
    assert line == b"event: queue\n"
    resp.close()
    fragment = await (await console.client.get("/console/queue")).text()
    assert "/console/tickets/" in fragment


async def test_privacy_page_from_configuration(console: Console) -> None:
    resp = await console.client.get("/privacy")
    html = await resp.text()
    assert resp.status == 200
    assert "Tynaarlo" in html and "30 dagen" in html and "365 dagen" in html
    assert "{{" not in html and "TODO" not in html and "XXX" not in html


# -- staff CLI ------------------------------------------------------------------------------
def test_staff_cli_creates_accounts(tmp_path, monkeypatch, capsys) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("DATABASE_URL", db)
    monkeypatch.setattr("sys.stdin", io.StringIO("een lang wachtwoord\n"))
    args = ["create", "--username", "Piet", "--name", "Piet", "--password-stdin"]
    assert staff_cli.main(args) == 0
    assert "Account aangemaakt: piet" in capsys.readouterr().out
    assert StaffAuth(db).authenticate("piet", "een lang wachtwoord", "127.0.0.1").name == "Piet"
    monkeypatch.setattr("sys.stdin", io.StringIO("een lang wachtwoord\n"))
    assert staff_cli.main(["create", "--username", "piet", "--password-stdin"]) == 1
    monkeypatch.setattr("sys.stdin", io.StringIO("kort\n"))
    assert staff_cli.main(["create", "--username", "kees", "--password-stdin"]) == 1
    assert "minstens" in capsys.readouterr().err


def test_transcript_shows_the_button_the_resident_saw_not_the_intent() -> None:
    from kcc.rasa_client import transcript

    lines = transcript({"events": [
        {"event": "user", "text": "/ladder_fails", "metadata": {"webchat_label": "Dat lukt niet"},
         "parse_data": {"intent": {"name": "ladder_fails"}}},
        {"event": "user", "text": "/request_human", "parse_data": {"intent": {"name": "request_human"}}}]})
    assert [line.text for line in lines] == ["(koos: Dat lukt niet)", "(koos: Spreek een medewerker)"]


async def test_an_urgent_ticket_without_topic_is_titled_as_danger(console: Console) -> None:
    console.ticket("conv-u", topic=None, urgency="urgent", reason="urgent")
    await console.login()
    html = await (await console.client.get("/console")).text()
    assert "Mogelijk gevaar" in html and "Algemene vraag" not in html


async def test_a_whatsapp_reply_outside_the_24_hour_window_is_refused(console: Console) -> None:
    from channels.whatsapp.store import WhatsAppStore

    store = WhatsAppStore(console.db_url, "key")
    inside = store.inbound("31611111111")
    tid_in = console.ticket(inside, channel="whatsapp")
    tid_out = console.ticket("wa-nobody-wrote-recently", channel="whatsapp")
    await console.login()
    for tid in (tid_in, tid_out):
        await console.post(f"/console/tickets/{tid}/claim", csrf_from=f"/console/tickets/{tid}")
    ok = await console.post(f"/console/tickets/{tid_in}/reply", {"text": "Goedemiddag"},
                            csrf_from=f"/console/tickets/{tid_in}")
    assert ok.status == 303
    refused = await console.post(f"/console/tickets/{tid_out}/reply", {"text": "Goedemiddag"},
                                 csrf_from=f"/console/tickets/{tid_out}")
    assert refused.status == 400 and "24 uur" in await refused.text()


# -- municipalities ---------------------------------------------------------------------------
async def test_staff_see_only_the_tickets_of_their_own_municipalities(console: Console) -> None:
    StaffAuth(console.db_url, hasher=CHEAP_HASHER).create_staff(
        "olga", PASSWORD, "Olga", municipalities=["oldambt"])
    ours = console.ticket("conv-oldambt", municipality="oldambt",
                          summary="Inwoner: vraag uit Oldambt.")
    theirs = console.ticket("conv-hogeland", summary="Inwoner: vraag uit Het Hogeland.")
    assert await console.login("olga") == 303
    queue = await (await console.client.get("/console/queue")).text()
    assert "vraag uit Oldambt" in queue and "vraag uit Het Hogeland" not in queue
    assert (await console.client.get(f"/console/tickets/{ours}")).status == 200
    for path in (f"/console/tickets/{theirs}", f"/console/tickets/{theirs}/transcript"):
        assert (await console.client.get(path)).status == 404, path
    resp = await console.post(f"/console/tickets/{theirs}/claim")
    assert resp.status == 404
    assert console.store.get(theirs).status == "open"
