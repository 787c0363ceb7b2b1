"""Privacy end to end: what a resident types is masked before the tracker store and the logs
hold it, while the callback ticket (with consent, outside office hours) keeps the phone number.

A private stack with the clock pinned to a Sunday evening and debug logging (Rasa then logs every
user message, so the log masking is really exercised).
"""
from __future__ import annotations

import json
import sqlite3
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from tests.support.stack import MODEL, Stack, http_json, make_env

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not MODEL.exists(), reason=f"needs a trained model at {MODEL} (make train)"),
]

SUNDAY_EVENING = "2026-11-22T20:00:00"
PII = {
    "bsn": "111222333", "bsn_dotted": "1234.56.782", "iban": "NL91ABNA0417164300",
    "email": "j.devries@example.nl", "birthdate": "12-03-1956", "landline": "050-1234567",
    "phone": "06-12345678", "intl": "+31 6 87654321",
}
SENDER = "privacy-resident-1"


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = tmp_path_factory.mktemp("privacy")
    env = make_env(workdir, {"ASSISTANT_NOW": SUNDAY_EVENING, "LOG_LEVEL": "DEBUG"})
    stack = Stack(workdir=workdir, env=env, token=env["RASA_API_TOKEN"])
    try:
        stack.start(with_console=False)
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="module")
def conversation(own: Stack) -> dict:
    replies = [
        own.rest(SENDER, f"Ik heb schulden. Mijn BSN is {PII['bsn']} en ik ben geboren op "
                         f"{PII['birthdate']}."),
        own.rest(SENDER, f"Mijn rekening is {PII['iban']}, mail mij op {PII['email']} of bel "
                         f"{PII['landline']}. BSN van mijn man: {PII['bsn_dotted']}, "
                         f"zijn nummer {PII['intl']}"),
        own.rest(SENDER, "Ik wil een medewerker spreken"),
        own.rest(SENDER, '/contact_method{"contact_method":"telefoon"}'),
        own.rest(SENDER, f"Mijn nummer is {PII['phone']}"),
    ]
    return {"replies": replies}


def _dump(path: Path) -> str:
    with sqlite3.connect(path, timeout=30) as conn:
        rows = []
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'"):
            rows += [json.dumps(r, default=str) for r in conn.execute(f'SELECT * FROM "{table}"')]
    return "\n".join(rows)


def _variants(value: str) -> list:
    return [value, value.replace("-", ""), value.replace(" ", ""), value.replace(".", "")]


def test_callback_offered_outside_office_hours(conversation: dict) -> None:
    handoff = " ".join(m.get("text", "") for m in conversation["replies"][2])
    assert "geen medewerkers" in handoff and "terugbellen" in handoff
    done = " ".join(m.get("text", "") for m in conversation["replies"][4])
    assert "gebeld" in done


def test_tracker_store_holds_no_raw_personal_data(own: Stack, conversation: dict) -> None:
    stored = _dump(Path(own.tracker_store_url.replace("sqlite:///", "", 1)))
    assert SENDER in stored
    for kind, value in PII.items():
        for variant in _variants(value):
            assert variant not in stored, f"raw {kind} in the tracker store"
    for placeholder in ("[BSN]", "[IBAN]", "[EMAIL]", "[GEBOORTEDATUM]", "[TELEFOON]"):
        assert placeholder in stored
    # The conversation API reads the same store: masked there too.
    api = json.dumps(own.tracker(SENDER))
    assert PII["phone"] not in api and PII["bsn"] not in api and "[TELEFOON]" in api


def test_callback_ticket_keeps_the_phone_number_with_consent(own: Stack, conversation: dict) -> None:
    with sqlite3.connect(own.database_url.replace("sqlite:///", "", 1), timeout=30) as conn:
        conn.row_factory = sqlite3.Row
        tickets = [dict(r) for r in conn.execute(
            "SELECT * FROM kcc_tickets WHERE conversation_id=?", (SENDER,))]
    assert len(tickets) == 1, tickets
    ticket = tickets[0]
    assert ticket["mode"] == "callback" and ticket["consent"] == 1
    assert ticket["contact_preference"] == "telefoon" and ticket["contact_value"] == PII["phone"]
    # The summary for staff quotes the resident, masked: only the consented number is kept.
    for kind in ("bsn", "iban", "email", "birthdate"):
        assert PII[kind] not in ticket["summary"], kind


def test_logs_hold_no_raw_personal_data(own: Stack, conversation: dict) -> None:
    rasa_log = own.log("rasa")
    assert "[TELEFOON]" in rasa_log, "debug log should show the (masked) user messages"
    for name in ("rasa", "actions"):
        log = own.log(name)
        for kind, value in PII.items():
            assert value not in log, f"raw {kind} in the {name} log"


def test_action_server_log_is_masked(own: Stack) -> None:
    body = {"next_action": f"actie bel {PII['phone']}", "sender_id": "x",
            "tracker": {"sender_id": "x", "slots": {}, "latest_message": {}, "events": [],
                        "paused": False, "followup_action": None, "active_loop": {},
                        "latest_action_name": None},
            "domain": {}, "version": "3.6.2"}
    token = own.env["ACTION_SERVER_TOKEN"]  # past the token check, to reach the action's log
    req = urllib.request.Request(f"{own.actions_url}/webhook", data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json",
                                          "Authorization": f"Bearer {token}"}, method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(req, timeout=30)
    assert refused.value.code == 404
    deadline = time.monotonic() + 10
    while "actie bel [TELEFOON]" not in own.log("actions") and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "actie bel [TELEFOON]" in own.log("actions")
    assert PII["phone"] not in own.log("actions")


CARE = {"huishoudelijke_hulp", "begeleiding_dagbesteding", "mantelzorg",
        "hulpmiddelen_woningaanpassing"}


@pytest.mark.parametrize("raw, sensible", [
    ("Ik heb schulden en kan mijn rekeningen niet betalen. Mijn BSN is 111222333.",
     {"schulden_geldzorgen"}),
    ("Kunt u mij terugbellen op 06-12345678 over hulp in de huishouding?",
     {"huishoudelijke_hulp", "request_human"}),
    ("Mijn moeder, geboren 3 maart 1940, kan niet meer zelf koken", CARE),
    ("Ik wil een medewerker spreken, mail naar j.devries@example.nl", {"request_human"}),
])
def test_nlu_classifies_masked_text_sensibly(own: Stack, raw: str, sensible: set) -> None:
    """Placeholders do not derail the NLU: the masked text (what transcripts and exports hold)
    still gets an intent that fits the question."""
    from assistant.masking import mask

    masked = mask(raw)
    assert masked != raw
    url = f"{own.rasa_url}/model/parse?token={own.token}"
    original = http_json("POST", url, {"text": raw})["intent"]["name"]
    again = http_json("POST", url, {"text": masked})["intent"]["name"]
    assert again in sensible, (masked, original, again)
