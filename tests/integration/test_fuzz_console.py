"""Bad input at the staff console's forms (login, reply), through aiohttp's test client.

Every answer is a Dutch page or a 4xx with a reason, never a 500 or a stack trace, and the
ticket that existed before is still there afterwards.
"""
from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.stack import ROOT
from tests.integration.test_fuzz_http import NASTY_TEXTS
from tests.support.console import start_console as _start

COUNTS_FILE = ROOT / "var" / "artifacts" / "fuzz_counts.json"
FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
texts = st.one_of(st.sampled_from([t for t in NASTY_TEXTS if "\ud800" not in t]),
                  st.text(max_size=100))
CONTENT_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data", "application/json",
                 "text/plain", ""]


def record(name: str, n: int) -> None:
    COUNTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    try:
        merged = json.loads(COUNTS_FILE.read_text())
    except (OSError, ValueError):
        merged = {}
    merged[name] = n
    merged["total"] = sum(v for k, v in merged.items() if k != "total")
    COUNTS_FILE.write_text(json.dumps(merged, indent=1, sort_keys=True))


def check(status: int, body: str) -> None:
    assert status < 500, (status, body[:300])
    assert "Traceback" not in body and 'File "/' not in body


def _encode(fields: dict, content_type: str) -> bytes:
    if content_type == "application/json":
        return json.dumps(fields).encode("utf-8", "surrogatepass")
    from urllib.parse import urlencode
    return urlencode({k: v.encode("utf-8", "surrogatepass") for k, v in fields.items()}).encode()


async def test_console_forms_with_bad_input(tmp_path) -> None:
    console, rasa_server = await _start(tmp_path)
    cases = {"console_login": 0, "console_reply": 0}
    try:
        ticket = console.ticket("fuzz-console-1")
        samples = st.tuples(st.fixed_dictionaries({}, optional={
            "username": texts, "password": texts, "csrf_token": texts, "next": texts}),
            st.sampled_from(CONTENT_TYPES), st.booleans())
        # Hypothesis generates the cases; the async client sends them afterwards (hypothesis
        # does not drive coroutines itself).
        @FUZZ
        @given(fields=samples)
        def generate(fields) -> None:
            collected.append(fields)

        collected: list = []
        generate()
        for form, content_type, real_csrf in collected:
            cases["console_login"] += 1
            if real_csrf:
                form = {**form, "csrf_token": await console.csrf("/console/login")}
            resp = await console.client.post("/console/login", data=_encode(form, content_type),
                                             headers={"Content-Type": content_type} if content_type
                                             else {}, allow_redirects=False)
            check(resp.status, await resp.text())

        # A logged-in staff member who claimed the ticket sends odd replies.
        console.client.session.cookie_jar.clear()
        assert await console.login() == 303
        assert (await console.post(f"/console/tickets/{ticket}/claim")).status == 303
        replies: list = []

        @FUZZ
        @given(text=st.one_of(texts, st.just("x" * 100_000), st.just("")),
               content_type=st.sampled_from(CONTENT_TYPES), real_csrf=st.booleans())
        def generate_reply(text, content_type, real_csrf) -> None:
            replies.append((text, content_type, real_csrf))

        generate_reply()
        for text, content_type, real_csrf in replies:
            cases["console_reply"] += 1
            page = await (await console.client.get(f"/console/tickets/{ticket}")).text()
            token = re.search(r'name="csrf_token" value="([^"]+)"', page)
            fields = {"text": text, "csrf_token": token.group(1) if (token and real_csrf) else "nep"}
            resp = await console.client.post(
                f"/console/tickets/{ticket}/reply", data=_encode(fields, content_type),
                headers={"Content-Type": content_type} if content_type else {},
                allow_redirects=False)
            body = await resp.text()
            check(resp.status, body)
            if not real_csrf:
                assert resp.status in (400, 403)  # unreadable body, or a forged form
        assert console.store.get(ticket) is not None
        assert console.store.get(ticket).conversation_id == "fuzz-console-1"
    finally:
        await console.client.close()
        await rasa_server.close()
        for name, n in cases.items():
            record(name, n)
    assert cases["console_login"] >= 20 and cases["console_reply"] >= 20
