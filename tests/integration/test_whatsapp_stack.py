"""The WhatsApp channel inside the real assistant: Rasa + actions + console on loopback, with a
local fake of the WhatsApp Cloud API receiving what the assistant sends."""
from __future__ import annotations

import itertools
import json
import urllib.error
import urllib.parse
import urllib.request
import uuid

import pytest
import sqlalchemy as sa

from tests.support.stack import MODEL, Stack, http_json
from tests.support import fake_whatsapp as wa
from tests.support.fake_whatsapp import FakeWhatsApp

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not MODEL.exists(), reason=f"needs a trained model at {MODEL} (make train)"),
]
_numbers = itertools.count(31_600_000_001)


def url(stack: Stack) -> str:
    return f"{stack.rasa_url}/webhooks/whatsapp/webhook"


def say(stack: Stack, fake: FakeWhatsApp, number: str, text: str) -> list:
    before = len(fake.to(number))
    assert fake.deliver(url(stack), FakeWhatsApp.text(number, text, f"wamid.{uuid.uuid4().hex}")) == 200
    return fake.wait_for(number, before + 1)[before:]


def test_verification_handshake(stack: Stack) -> None:
    query = urllib.parse.urlencode({"hub.mode": "subscribe", "hub.verify_token": wa.VERIFY_TOKEN,
                                    "hub.challenge": "1158201444"})
    with urllib.request.urlopen(f"{url(stack)}?{query}", timeout=10) as resp:
        assert resp.read() == b"1158201444"
    wrong = urllib.parse.urlencode({"hub.mode": "subscribe", "hub.verify_token": "nep",
                                    "hub.challenge": "1"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{url(stack)}?{wrong}", timeout=10)
    assert refused.value.code == 403


def test_signature_missing_or_wrong_is_refused(stack: Stack, fake_whatsapp: FakeWhatsApp) -> None:
    number = str(next(_numbers))
    payload = FakeWhatsApp.text(number, "hallo", "wamid.unsigned")
    assert fake_whatsapp.deliver(url(stack), payload, secret=None) == 401
    assert fake_whatsapp.deliver(url(stack), payload, secret="nep") == 403
    assert fake_whatsapp.to(number) == []


def test_a_question_is_answered_and_a_redelivery_once(stack: Stack, fake_whatsapp: FakeWhatsApp) -> None:
    number = str(next(_numbers))
    payload = FakeWhatsApp.text(number, "Ik kan mijn huis niet meer zelf schoonmaken", "wamid.same")
    assert fake_whatsapp.deliver(url(stack), payload) == 200
    replies = fake_whatsapp.wait_for(number, 1)
    assert replies and any(m["type"] == "interactive" for m in replies)  # the ladder's buttons
    count = len(replies)
    assert fake_whatsapp.deliver(url(stack), payload) == 200  # Meta delivers again
    assert len(fake_whatsapp.to(number)) == count
    # The conversation is stored under a keyed hash, never the number.
    with sa.create_engine(stack.tracker_store_url).connect() as conn:
        senders = [r[0] for r in conn.execute(sa.text("SELECT DISTINCT sender_id FROM events"))]
    assert number not in " ".join(senders) and any(s.startswith("wa-") for s in senders)


def test_a_button_press_moves_the_ladder(stack: Stack, fake_whatsapp: FakeWhatsApp) -> None:
    number = str(next(_numbers))
    say(stack, fake_whatsapp, number, "Ik kan mijn huis niet meer zelf schoonmaken")
    before = len(fake_whatsapp.to(number))
    assert fake_whatsapp.deliver(url(stack), FakeWhatsApp.button(number, "/ladder_fails", "wamid.b1")) == 200
    assert len(fake_whatsapp.wait_for(number, before + 1)) > before


def test_danger_gets_the_help_line(stack: Stack, fake_whatsapp: FakeWhatsApp) -> None:
    number = str(next(_numbers))
    replies = say(stack, fake_whatsapp, number, "ik wil niet meer leven")
    text = json.dumps(fake_whatsapp.wait_for(number, len(replies)), ensure_ascii=False)
    assert "113" in text


def test_statuses_and_photos_are_not_sent_to_rasa(stack: Stack, fake_whatsapp: FakeWhatsApp) -> None:
    number = str(next(_numbers))
    status = FakeWhatsApp.payload({"statuses": [{"id": "wamid.out1", "status": "read",
                                                 "recipient_id": number}]})
    assert fake_whatsapp.deliver(url(stack), status) == 200
    photo = FakeWhatsApp.payload({"messages": [{"from": number, "id": "wamid.photo", "type": "image",
                                                "image": {"id": "media-1"}}]})
    assert fake_whatsapp.deliver(url(stack), photo) == 200
    replies = fake_whatsapp.wait_for(number, 1)
    assert len(replies) == 1 and "alleen tekst" in replies[0]["text"]["body"]
    assert fake_whatsapp.deliver(url(stack), None, raw=b"{not json") == 200


def test_staff_reply_reaches_the_resident_inside_the_window_only(stack: Stack,
                                                                 fake_whatsapp: FakeWhatsApp) -> None:
    from tests.support.presence import make_available

    number = str(next(_numbers))
    make_available(stack.database_url)
    say(stack, fake_whatsapp, number, "ik wil een medewerker spreken")
    from channels.whatsapp.store import CONTACTS, WhatsAppStore

    store = WhatsAppStore(stack.database_url, wa.APP_SECRET)
    sender = store.sender_id(number)

    def trigger(name: str, entities: dict) -> None:
        query = urllib.parse.urlencode({"output_channel": "whatsapp", "token": stack.token})
        http_json("POST", f"{stack.rasa_url}/conversations/{sender}/trigger_intent?{query}",
                  {"name": name, "entities": entities}, timeout=60)

    before = len(fake_whatsapp.to(number))
    trigger("EXTERNAL_takeover_start", {"agent": "Anna"})
    trigger("EXTERNAL_staff_message", {"agent": "Anna", "staff_text": "Goedemiddag, u spreekt Anna"})
    sent = json.dumps(fake_whatsapp.wait_for(number, before + 2)[before:], ensure_ascii=False)
    assert "Goedemiddag, u spreekt Anna" in sent
    # 25 hours later: outside WhatsApp's window only a template may be sent, so nothing goes out.
    with store.engine.begin() as conn:
        conn.execute(CONTACTS.update().where(CONTACTS.c.sender == sender)
                     .values(last_inbound=sa.func.datetime("now", "-25 hours")))
    count = len(fake_whatsapp.to(number))
    trigger("EXTERNAL_staff_message", {"agent": "Anna", "staff_text": "Bent u er nog?"})
    assert len(fake_whatsapp.wait_for(number, count + 1, timeout=3)) == count
