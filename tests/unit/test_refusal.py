"""One refusal module for every channel: the same checks, one table, and each channel's policy."""
from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

import pytest

from channels import refusal, rest
from channels.refusal import MAX_BODY_BYTES, MAX_TEXT, REFUSALS, Refusal
from channels.webchat import guards

SESSION = "0b7f6f6e-9a1c-4d1e-8f3a-2b7c9d0e1f23"


def rest_code(content_type: str, body: Any) -> str:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    with pytest.raises(Refusal) as refused:
        rest.parse_body(content_type, raw)
    return refused.value.code


def webchat_code(content_type: str, body: Any) -> str:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    with pytest.raises(Refusal) as refused:
        guards.parse_message(SimpleNamespace(headers={"content-type": content_type}, body=raw))
    return refused.value.code


@pytest.mark.parametrize("content_type,body,rest_answer,webchat_answer", [
    ("text/plain", {"sender": "a", "message": "hoi"}, "unsupported_type", "bad_format"),
    ("application/json", b"x" * (MAX_BODY_BYTES + 1), "too_large", "too_long"),
    ("application/json", b"{niet: json", "bad_format", "bad_format"),
    ("application/json", b"\xff\xfe", "bad_format", "bad_format"),
    ("application/json", b"[" * 5000 + b"]" * 5000, "bad_format", "bad_format"),
    ("application/json", ["geen", "object"], "bad_format", "bad_format"),
    ("application/json", b'{"sender": "a", "session_id": "%s", "message": "\\ud800", '
                         b'"text": "\\ud800"}' % SESSION.encode(), "bad_format", "bad_format"),
], ids=["not-json-type", "too-large", "broken-json", "not-utf8", "deep-nesting", "list",
        "lone-surrogate"])
def test_same_checks_each_channels_answer(content_type, body, rest_answer, webchat_answer) -> None:
    assert rest_code(content_type, body) == rest_answer
    assert webchat_code(content_type, body) == webchat_answer


def test_text_checks_and_their_codes_per_channel() -> None:
    for text, rest_answer, webchat_answer in [
        (None, "bad_message", "empty"), (42, "bad_message", "bad_format"),
        ("  ", "empty", "empty"), ("/" * 5, "empty", "empty"),
        ("x" * (MAX_TEXT + 1), "too_long", "too_long"),
    ]:
        assert rest_code("application/json", {"sender": "a", "message": text}) == rest_answer
        assert webchat_code("application/json", {"session_id": SESSION, "text": text}) \
            == webchat_answer


def test_rest_is_lenient_about_json_media_types_the_widget_is_not() -> None:
    body = json.dumps({"sender": "a", "message": "hoi"}).encode()
    for content_type in ("", "application/vnd.api+json", "application/json; charset=utf-8"):
        assert rest.parse_body(content_type, body)[1] == "hoi"
    assert webchat_code("", {"session_id": SESSION, "text": "hoi"}) == "bad_format"


def test_typed_intents_lose_their_slash_and_own_buttons_pass() -> None:
    assert rest.parse_body("application/json", json.dumps(
        {"sender": "a", "message": "/EXTERNAL_staff_message"}).encode())[1] \
        == "EXTERNAL_staff_message"
    incoming = guards.parse_message(SimpleNamespace(
        headers={"content-type": "application/json"},
        body=json.dumps({"session_id": SESSION, "text": "/ladder_fails"}).encode()))
    assert incoming.text == "/ladder_fails"


def test_every_refusal_is_dutch_with_a_4xx_or_5xx() -> None:
    for code, (status, message) in REFUSALS.items():
        assert 400 <= status < 600, code
        assert message and "Traceback" not in message, code
    for sentence in (refusal.CHAT_TOO_LONG, refusal.CHAT_ONLY_TEXT):
        assert " u " in f" {sentence.lower()} "


def test_a_response_carries_code_message_status_and_retry_after() -> None:
    answer = Refusal("rate_limited", retry_after=12).response({"Vary": "Origin"})
    assert answer.status == 429 and answer.headers["Retry-After"] == "12"
    assert json.loads(answer.body) == {"error": "rate_limited",
                                       "message": REFUSALS["rate_limited"][1]}
    assert Refusal("server_error").response().status == 500
    assert Refusal("server_error", status=rest.NOT_PROCESSED).response().status == 503
