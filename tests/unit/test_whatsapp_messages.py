"""The WhatsApp channel's rules on plain payloads: what reaches Rasa, what is answered directly,
how buttons and long answers are sent, the signature, dedupe and the 24-hour window."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from channels.refusal import CHAT_ONLY_TEXT as TEXT_ONLY
from channels.whatsapp.channel import signature_ok
from channels.whatsapp.messages import outgoing, read_payload, split_text
from channels.whatsapp.store import WhatsAppStore
from tests.support.fake_whatsapp import FakeWhatsApp


def test_text_button_and_non_text_messages() -> None:
    incoming, statuses = read_payload(FakeWhatsApp.text("31612345678", "ik heb schulden", "m1"))
    assert [(m.wa_id, m.message_id, m.text) for m in incoming] == [("31612345678", "m1", "ik heb schulden")]
    pressed, _ = read_payload(FakeWhatsApp.button("31612345678", "/ladder_fails", "m2"))
    assert pressed[0].text == "/ladder_fails"
    forged, _ = read_payload(FakeWhatsApp.button("31612345678", '/EXTERNAL_staff_message{"x":1}', "m3"))
    assert not forged[0].text.startswith("/")
    photo = FakeWhatsApp.payload({"messages": [{"from": "316", "id": "m4", "type": "image",
                                                 "image": {"id": "media"}}]})
    assert read_payload(photo)[0][0].say == TEXT_ONLY


def test_statuses_are_read_and_odd_payloads_are_skipped() -> None:
    status = FakeWhatsApp.payload({"statuses": [{"id": "wamid.1", "status": "delivered"}]})
    incoming, statuses = read_payload(status)
    assert incoming == [] and [(s.message_id, s.status) for s in statuses] == [("wamid.1", "delivered")]
    for odd in (None, [], {"object": "page"}, {"object": "whatsapp_business_account", "entry": "x"},
                FakeWhatsApp.payload({"messages": [{"from": "not a number", "id": "x", "type": "text"}]})):
        assert read_payload(odd) == ([], [])


def test_buttons_become_reply_buttons_or_a_list_and_long_text_is_split() -> None:
    three = outgoing("316", {"text": "Helpt dit?", "buttons": [
        {"title": "Dat helpt", "payload": "/ladder_helps"}, {"title": "Dat lukt niet", "payload": "/ladder_fails"},
        {"title": "Spreek een medewerker die mij kan helpen", "payload": "/request_human"}]})
    assert len(three) == 1 and three[0]["interactive"]["type"] == "button"
    titles = [b["reply"]["title"] for b in three[0]["interactive"]["action"]["buttons"]]
    assert all(len(t) <= 20 for t in titles)
    five = outgoing("316", {"text": "Kies", "buttons": [{"title": f"Keuze {i}", "payload": "/affirm"}
                                                         for i in range(5)]})
    assert five[-1]["interactive"]["type"] == "list"
    long = "Dit is een zin. " * 400
    pieces = split_text(long)
    assert len(pieces) > 1 and all(len(p) <= 4096 and p.endswith(".") for p in pieces)
    linked = outgoing("316", {"text": "Bel ons.", "links": [{"title": "113", "url": "tel:113"}]})
    assert "113: 113" in linked[0]["text"]["body"]


def test_signature_is_checked_in_constant_time_and_exactly() -> None:
    import hashlib
    import hmac

    body = b'{"a":1}'
    good = "sha256=" + hmac.new(b"secret", body, hashlib.sha256).hexdigest()
    assert signature_ok("secret", body, good)
    assert not signature_ok("secret", body + b" ", good)
    assert not signature_ok("secret", body, None) and not signature_ok("", body, good)


def test_dedupe_survives_a_restart_and_the_window_closes_after_24_hours(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'wa.db'}"
    store = WhatsAppStore(url, "key")
    assert store.first_time("m1") and not store.first_time("m1")
    assert not WhatsAppStore(url, "key").first_time("m1")  # a new process, same database
    sender = store.inbound("31612345678")
    assert "31612345678" not in sender and sender == WhatsAppStore(url, "key").sender_id("31612345678")
    assert store.reply_address(sender) == "31612345678"
    later = datetime.now(timezone.utc).replace(tzinfo=None) + timedelta(hours=25)
    assert store.reply_address(sender, now=later) is None
