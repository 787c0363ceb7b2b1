"""Bad input at the resident-facing HTTP entry points (property-based, hypothesis).

REST webhook, web chat (/message, /history, /events) and the Telegram webhook of the shared
session stack get empty bodies, 100 kB texts, invalid UTF-8, emoji and RTL text, HTML/script,
SQL fragments, deeply nested and malformed JSON, wrong content types and missing fields. Each
must get a clear answer or a 4xx with a reason: never a 5xx, never a stack trace; and what was
stored before (a known conversation, a known ticket) is still there afterwards.

The number of generated cases per entry point goes to var/artifacts/fuzz_counts.json.
"""
from __future__ import annotations

import itertools
import hashlib
import hmac
import json
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, Dict, Iterator, Optional, Tuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.untrusted import resident_text
from bot.serve import MAX_BODY_BYTES as RASA_MAX_BODY
from tests.support.stack import MODEL, REST_HEADERS, ROOT, Stack
from tests.support.presence import make_available

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not MODEL.exists(), reason=f"needs a trained model at {MODEL} (make train)"),
]

COUNTS_FILE = ROOT / "var" / "artifacts" / "fuzz_counts.json"
COUNTS: Dict[str, int] = {}
FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


def record_counts(counts: Dict[str, int]) -> None:
    """Merge this module's counts into the shared artifact (other fuzz modules add theirs)."""
    COUNTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    try:
        merged = json.loads(COUNTS_FILE.read_text())
    except (OSError, ValueError):
        merged = {}
    merged.update(counts)
    merged["total"] = sum(v for k, v in merged.items() if k != "total")
    COUNTS_FILE.write_text(json.dumps(merged, indent=1, sort_keys=True))


def count(entry_point: str) -> None:
    COUNTS[entry_point] = COUNTS.get(entry_point, 0) + 1


# -- generated input ------------------------------------------------------------------------------
NASTY_TEXTS = [
    "", " ", "\n\t\r", "a" * 100_000, "ik " * 700, "😀👍🏽🇳🇱" * 30, "مرحبا، أحتاج مساعدة",
    "\u202eRTL-override\u202c", "שלום", "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>", "'; DROP TABLE events; --", "1' OR '1'='1",
    "\" OR 1=1; DELETE FROM kcc_tickets; --", "\x00\x01\x7f", "\ud800", "{{ 7*7 }} ${7*7}",
    "%s%s%n", "../../../../etc/passwd", "/restart", "/session_start",
    '/EXTERNAL_staff_message{"agent":"Anna","staff_text":"nep"}', '/details{"entry_id":"../x"}',
    '/choose_topic{"topic": 5}', "/contact_method{kapot", "/choose_entry{}", "/" * 50,
    "Ik wil een medewerker spreken", "Hallo 👋 ik heb een vraag over de Wmo",
]
texts = st.one_of(st.sampled_from(NASTY_TEXTS), st.text(max_size=200))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12)
CONTENT_TYPES = ["application/json", "application/json; charset=utf-8", "text/plain",
                 "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "",
                 "text/html", "application/xml"]
DEEP = b'{"a":' * 3000 + b"1" + b"}" * 3000
SPECIAL_BODIES = [b"", b"{", b"null", b"[]", b'"text"', b"\xff\xfe\xfa", DEEP, b"[" * 100_000,
                  b'{"sender": "x", "message": "' + b"\xc3\x28" + b'"}', b"sender=a&message=b",
                  json.dumps({"x": "y" * 100_000}).encode()]


def envelope(fields: Dict[str, st.SearchStrategy]) -> st.SearchStrategy:
    """A JSON object with some of the expected fields (any of them may be missing or odd)."""
    optional = {k: st.one_of(v, json_values) for k, v in fields.items()}
    return st.fixed_dictionaries({}, optional=optional).map(lambda d: json.dumps(d).encode())


def bodies(fields: Dict[str, st.SearchStrategy]) -> st.SearchStrategy:
    return st.one_of(envelope(fields), envelope(fields), json_values.map(lambda v: json.dumps(v).encode()),
                     st.sampled_from(SPECIAL_BODIES), st.binary(max_size=300))


# -- HTTP -----------------------------------------------------------------------------------------
def request(method: str, url: str, body: Optional[bytes] = None, content_type: str = "",
            headers: Optional[Dict[str, str]] = None, read: int = -1) -> Tuple[int, str, str]:
    """(status, content type, body) also for HTTP errors; `read` limits what is read (streams)."""
    req = urllib.request.Request(url, data=body, method=method)
    if content_type:
        req.add_header("Content-Type", content_type)
    for key, value in (headers or {}).items():
        req.add_header(key, value)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read(read).decode(
                errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read().decode(errors="replace")


def assert_clear(status: int, ctype: str, body: str, where: str) -> None:
    assert status < 500, f"{where}: HTTP {status}: {body[:300]}"
    for leak in ("Traceback", 'File "/', "sqlalchemy", "Exception:"):
        assert leak not in body, f"{where}: {leak!r} in the answer: {body[:300]}"
    if status >= 400:
        assert "json" in ctype, f"{where}: {status} without a JSON reason ({ctype})"
        answer = json.loads(body)
        reason = answer.get("message") if isinstance(answer, dict) else None
        assert reason or answer == {"ok": False}, f"{where}: no reason in {body[:300]}"


def stored_user_texts(stack: Stack, sender: str) -> list:
    with sqlite3.connect(stack.tracker_store_url.replace("sqlite:///", "", 1), timeout=30) as conn:
        rows = conn.execute("SELECT data FROM events WHERE sender_id=? AND type_name='user' "
                            "ORDER BY id", (sender,)).fetchall()
    return [json.loads(r[0])["text"] for r in rows]


def ticket_ids(stack: Stack, sender: str) -> list:
    with sqlite3.connect(stack.database_url.replace("sqlite:///", "", 1), timeout=30) as conn:
        return [r[0] for r in conn.execute(
            "SELECT id FROM kcc_tickets WHERE conversation_id=?", (sender,))]


@pytest.fixture(scope="module")
def known(stack: Stack) -> Iterator[Dict[str, object]]:
    """A conversation and a ticket that exist before the fuzzing; checked again afterwards."""
    sender, ticket_sender = f"fuzz-known-{uuid.uuid4().hex[:8]}", f"fuzz-ticket-{uuid.uuid4().hex[:8]}"
    stack.rest(sender, "Ik kan mijn huis niet meer zelf schoonmaken")
    stack.rest(sender, "dat lukt niet")
    make_available(stack.database_url)  # a live chat is offered only when someone is there
    stack.rest(ticket_sender, "Ik wil een medewerker spreken")
    before = {"texts": stored_user_texts(stack, sender), "tickets": ticket_ids(stack, ticket_sender),
              "slots": stack.tracker(sender)["slots"]}
    assert len(before["texts"]) == 2 and len(before["tickets"]) == 1
    yield before
    assert stored_user_texts(stack, sender) == before["texts"]
    assert ticket_ids(stack, ticket_sender) == before["tickets"]
    after = stack.tracker(sender)["slots"]
    assert {k: after[k] for k in ("topic", "ladder_rung")} == \
        {k: before["slots"][k] for k in ("topic", "ladder_rung")}  # type: ignore[index]
    record_counts(COUNTS)


# -- REST -----------------------------------------------------------------------------------------
senders = st.one_of(st.text(min_size=1, max_size=40), st.sampled_from(["", " ", "x" * 500, "\x00"]),
                    st.builds(lambda: f"fuzz-rest-{uuid.uuid4().hex[:10]}"))


@FUZZ
@given(body=bodies({"sender": senders, "message": texts, "metadata": json_values}),
       content_type=st.sampled_from(CONTENT_TYPES))
def test_rest_webhook(stack: Stack, known, body: bytes, content_type: str) -> None:
    count("rest_webhook")
    status, ctype, answer = request("POST", f"{stack.rasa_url}/webhooks/rest/webhook", body,
                                    content_type)
    assert_clear(status, ctype, answer, "rest")
    if status == 200:
        assert isinstance(json.loads(answer), list)


@FUZZ
@given(text=texts)
def test_rest_valid_envelope_with_nasty_text(stack: Stack, known, text: str) -> None:
    count("rest_webhook")
    body = json.dumps({"sender": f"fuzz-rest-{uuid.uuid4().hex[:10]}", "message": text}).encode()
    status, ctype, answer = request("POST", f"{stack.rasa_url}/webhooks/rest/webhook", body,
                                    "application/json", headers=REST_HEADERS)
    assert_clear(status, ctype, answer, "rest")
    if resident_text(text) and len(text) <= 2000 and "\ud800" not in text:
        assert status == 200, answer


# -- web chat -------------------------------------------------------------------------------------
session_ids = st.one_of(st.builds(lambda: str(uuid.uuid4())), st.text(max_size=40),
                        st.sampled_from(["", "../../etc", str(uuid.uuid4()).upper(), "0" * 36]))


def webchat(stack: Stack, path: str) -> str:
    return f"{stack.rasa_url}/webhooks/webchat/{path}"


def origin(stack: Stack) -> Dict[str, str]:
    return {"Origin": stack.env["CONSOLE_URL"]}


@FUZZ
@given(body=bodies({"session_id": session_ids, "text": texts, "label": texts}),
       content_type=st.sampled_from(CONTENT_TYPES))
def test_webchat_message(stack: Stack, known, body: bytes, content_type: str) -> None:
    count("webchat_message")
    status, ctype, answer = request("POST", webchat(stack, "message"), body, content_type,
                                    origin(stack))
    assert_clear(status, ctype, answer, "webchat/message")
    if status == 200:
        assert isinstance(json.loads(answer), list)


@FUZZ
@given(session=session_ids, extra=st.sampled_from(["", "&after=abc", "&session_id=x", "&x=%ff"]))
def test_webchat_history(stack: Stack, known, session: str, extra: str) -> None:
    count("webchat_history")
    query = urllib.parse.urlencode({"session_id": session}) + extra
    status, ctype, answer = request("GET", webchat(stack, f"history?{query}"),
                                    headers=origin(stack))
    assert_clear(status, ctype, answer, "webchat/history")
    if status == 200:
        assert isinstance(json.loads(answer)["messages"], list)


@settings(FUZZ, max_examples=30)
@given(session=session_ids, after=st.one_of(st.none(), st.text(max_size=30)))
def test_webchat_events(stack: Stack, known, session: str, after: Optional[str]) -> None:
    count("webchat_events")
    params = {"session_id": session, **({"after": after} if after is not None else {})}
    status, ctype, answer = request("GET", webchat(stack, "events?" + urllib.parse.urlencode(params)),
                                    headers=origin(stack), read=9)
    assert_clear(status, ctype, answer, "webchat/events")
    if status == 200:
        assert ctype.startswith("text/event-stream") and answer.startswith("retry:")


# -- Telegram -------------------------------------------------------------------------------------
_chats = itertools.count(770_000_001)
_updates = itertools.count(990_000_001)


def telegram_update(text: object) -> bytes:
    chat = next(_chats)
    return json.dumps({"update_id": next(_updates), "message": {
        "message_id": 1, "date": 1_700_000_000, "text": text,
        "chat": {"id": chat, "type": "private", "first_name": "Test"},
        "from": {"id": chat, "is_bot": False, "first_name": "Test"}}}).encode()


@FUZZ
@given(body=st.one_of(bodies({"update_id": st.integers(), "message": json_values}),
                      st.one_of(texts, json_values).map(telegram_update)),
       secret=st.sampled_from(["right", "right", "wrong", "none"]),
       content_type=st.sampled_from(CONTENT_TYPES))
def test_telegram_webhook(stack: Stack, known, body: bytes, secret: str,
                          content_type: str) -> None:
    count("telegram_webhook")
    headers = {}
    if secret != "none":
        headers["X-Telegram-Bot-Api-Secret-Token"] = (stack.env["TELEGRAM_SECRET"]
                                                      if secret == "right" else "nep-geheim")
    status, ctype, answer = request("POST", f"{stack.rasa_url}/webhooks/telegram/webhook", body,
                                    content_type, headers)
    assert_clear(status, ctype, answer, "telegram")
    if len(body) > RASA_MAX_BODY:  # refused before it is read; real updates are a few kB
        assert status == 413, (status, answer)
        return
    assert status == (200 if secret == "right" else 403), (status, answer)


def whatsapp_message(value: Any) -> bytes:
    from tests.support.fake_whatsapp import FakeWhatsApp

    return json.dumps(FakeWhatsApp.payload({"messages": [value]})).encode()


@FUZZ
@given(body=st.one_of(bodies({"object": st.sampled_from(["whatsapp_business_account", "page"]),
                              "entry": json_values}),
                      json_values.map(whatsapp_message),
                      st.builds(lambda wa_id, text: whatsapp_message(
                          {"from": wa_id, "id": f"wamid.fuzz{uuid.uuid4().hex}", "type": "text",
                           "text": {"body": text}}),
                          st.sampled_from(["31612345678", "0", "abc", ""]), texts)),
       signed=st.sampled_from([True, True, False]))
def test_whatsapp_webhook(stack: Stack, known, body: bytes, signed: bool) -> None:
    from tests.support import fake_whatsapp as wa

    count("whatsapp_webhook")
    headers = {}
    if signed:
        headers["X-Hub-Signature-256"] = "sha256=" + hmac.new(
            wa.APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    status, ctype, answer = request("POST", f"{stack.rasa_url}/webhooks/whatsapp/webhook", body,
                                    "application/json", headers)
    assert_clear(status, ctype, answer, "whatsapp")
    if len(body) > RASA_MAX_BODY:
        assert status == 413, (status, answer)
        return
    assert status == (200 if signed else 401), (status, answer)


def test_counts_are_recorded(known) -> None:
    # Runs last in this module: the `known` fixture checks survival and writes the counts.
    assert COUNTS, "no fuzz cases ran"

