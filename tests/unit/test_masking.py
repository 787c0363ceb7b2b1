"""Masking of personal data (assistant/masking.py) on realistic Dutch resident messages.

Valid/invalid pairs matter: a BSN or IBAN is only masked when it passes its check (elfproef,
mod 97), so ordinary numbers (amounts, house numbers, help lines) stay readable.
"""
from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.masking import (MaskingLogFilter, bsn_valid, iban_valid, mask, mask_event,
                         mask_with_counts)

ROOT = Path(__file__).resolve().parents[2]

VALID_BSN = ["111222333", "123456782"]
INVALID_BSN = ["123456789", "111222334"]


@pytest.mark.parametrize("number", VALID_BSN)
def test_elfproef_accepts_valid_bsn(number: str) -> None:
    assert bsn_valid(number)


@pytest.mark.parametrize("number", INVALID_BSN + ["000000000", "12345678", "abcdefghi"])
def test_elfproef_refuses_invalid_bsn(number: str) -> None:
    assert not bsn_valid(number)


@pytest.mark.parametrize("text", [
    "Mijn BSN is 111222333.",
    "bsn: 1234.56.782 (zo staat het op mijn paspoort)",
    "Burgerservicenummer 123.456.782",
    "mijn bsn 123 456 782 graag",
])
def test_valid_bsn_is_masked_in_every_notation(text: str) -> None:
    masked, counts = mask_with_counts(text)
    assert counts.get("bsn") == 1 and "[BSN]" in masked
    assert not any(d in masked for d in ("111222333", "782"))


def test_invalid_bsn_and_ordinary_numbers_stay() -> None:
    text = ("Ik heb nummer 123456789 gekregen, betaal 1250 euro per maand, woon op nummer 12, "
            "postcode 9981 AB, en het bedrag was 111.222.333,00 euro.")
    assert mask(text) == text


@pytest.mark.parametrize("iban", ["NL91ABNA0417164300", "NL91 ABNA 0417 1643 00",
                                  "nl20ingb0001234567", "BE68539007547034"])
def test_valid_iban_is_masked(iban: str) -> None:
    assert iban_valid(iban)
    masked = mask(f"Mijn rekeningnummer is {iban}, kunt u daarop storten?")
    assert masked == "Mijn rekeningnummer is [IBAN], kunt u daarop storten?"


@pytest.mark.parametrize("iban", ["NL91ABNA0417164301", "NL02RABO0123456789"])
def test_invalid_iban_is_left_alone(iban: str) -> None:
    assert not iban_valid(iban)
    assert iban in mask(f"rekening {iban}")


@pytest.mark.parametrize("phone", [
    "06-12345678", "06 1234 5678", "0612345678", "+31 6 12345678", "+31612345678",
    "0031612345678", "050-1234567", "0595 123456", "050 123 4567", "+31 (0)50 123 4567",
])
def test_phone_numbers_are_masked(phone: str) -> None:
    masked, counts = mask_with_counts(f"U kunt mij bellen op {phone}, liefst 's middags.")
    assert counts == {"phone": 1}, (phone, masked)
    assert masked == "U kunt mij bellen op [TELEFOON], liefst 's middags."


@pytest.mark.parametrize("service", ["112", "113", "0800-0113", "0800-2000", "14 0595"])
def test_short_service_numbers_stay_readable(service: str) -> None:
    text = f"Bel {service} als het dringend is."
    assert mask(text) == text


@pytest.mark.parametrize("email", ["jan.jansen@example.nl", "m_de-vries+gemeente@mail.co.uk"])
def test_email_is_masked(email: str) -> None:
    assert mask(f"Mail naar {email} graag") == "Mail naar [EMAIL] graag"


@pytest.mark.parametrize("date", ["12-03-1956", "3-4-1987", "03/04/1987", "12.03.1956",
                                  "3 maart 1956", "14 okt. 1949", "1956-03-12"])
def test_dates_of_birth_are_masked(date: str) -> None:
    masked = mask(f"Ik ben geboren op {date} in Winsum.")
    assert masked == "Ik ben geboren op [GEBOORTEDATUM] in Winsum.", masked


def test_realistic_message_with_everything() -> None:
    text = ("Goedemiddag, ik ben mevrouw De Vries, geboren 3 maart 1956, BSN 1234.56.782. Mijn "
            "dochter (j.devries@example.nl, 06-12345678) helpt mij. Rekening NL91ABNA0417164300. "
            "Ik heb 2 kinderen en woon op nummer 14.")
    masked, counts = mask_with_counts(text)
    assert counts == {"email": 1, "iban": 1, "birthdate": 1, "bsn": 1, "phone": 1}
    for raw in ("1956", "1234.56.782", "j.devries", "06-12345678", "NL91ABNA"):
        assert raw not in masked
    assert "2 kinderen" in masked and "nummer 14" in masked and "mevrouw De Vries" in masked


def test_mask_event_masks_user_text_parse_data_slots_and_staff_messages() -> None:
    user = {"event": "user", "text": "bel 0612345678",
            "parse_data": {"text": "bel 0612345678", "entities": [{"value": "0612345678"}]}}
    masked = json.dumps(mask_event(user))
    assert "0612345678" not in masked and masked.count("[TELEFOON]") == 3
    slot = mask_event({"event": "slot", "name": "x", "value": ["a@b.nl", {"k": "111222333"}]})
    assert slot["value"] == ["[EMAIL]", {"k": "[BSN]"}]
    staff = mask_event({"event": "bot", "text": "Ik bel u op 06-12345678",
                        "metadata": {"agent": "Anna"}})
    assert staff["text"] == "Ik bel u op [TELEFOON]"
    # Bot texts from the catalogue keep official numbers readable.
    bot = {"event": "bot", "text": "Bel De Luisterlijn: 088-0767 000", "metadata": {}}
    assert mask_event(bot) == bot


def test_empty_and_non_text_values_pass_unchanged() -> None:
    assert mask("") == "" and mask_event({"event": "slot", "value": None})["value"] is None
    assert mask_event({"event": "slot", "value": 3})["value"] == 3


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_masking_is_idempotent_and_never_raises(text: str) -> None:
    once = mask(text)
    assert mask(once) == once


@settings(max_examples=60, deadline=None)
@given(prefix=st.text(alphabet=st.characters(blacklist_categories=("Nd", "L")), max_size=20),
       digits=st.sampled_from(["0612345678", "06-12345678", "+31612345678"]))
def test_phone_is_masked_whatever_punctuation_surrounds_it(prefix: str, digits: str) -> None:
    masked = mask(f"{prefix} {digits} {prefix}")
    assert "12345678" not in masked


# -- logs ---------------------------------------------------------------------------------------
def test_log_filter_masks_message_and_args(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.masking.filter")
    logger.addFilter(MaskingLogFilter())
    with caplog.at_level(logging.INFO, logger="test.masking.filter"):
        logger.info("resident wrote %s", "mijn nummer is 06-12345678 en bsn 111222333")
    assert "06-12345678" not in caplog.text and "111222333" not in caplog.text
    assert "[TELEFOON]" in caplog.text and "[BSN]" in caplog.text


def test_log_filter_keeps_broken_records() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s %s", ("only one",), None)
    assert MaskingLogFilter().filter(record) is True


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin",
                                           "RASA_TELEMETRY_ENABLED": "false"})
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout + out.stderr


def test_install_masks_records_of_loggers_and_handlers_created_later() -> None:
    # In a fresh interpreter: the handler and the child logger appear after installation, as they
    # do in Rasa and rasa_sdk, whose logging is configured after our modules are imported.
    output = _run(
        "import logging\n"
        "from assistant.masking import install_log_masking, log_masking_installed\n"
        "install_log_masking(); install_log_masking()\n"
        "assert log_masking_installed()\n"
        "logging.basicConfig(level=logging.INFO, format='%(message)s')\n"
        "logging.getLogger('rasa.core.processor.child').info('tekst %s', 'bel 0612345678')\n"
        "logging.getLogger('sanic.access').warning('mail a.b@example.nl')\n")
    assert "0612345678" not in output and "a.b@example.nl" not in output
    assert output.count("[TELEFOON]") == 1 and output.count("[EMAIL]") == 1


def test_action_server_package_installs_log_masking() -> None:
    # rasa_sdk imports the `actions` package before running any action.
    assert "yes" in _run("import actions\nfrom assistant.masking import log_masking_installed\n"
                         "print('yes' if log_masking_installed() else 'no')")


def test_console_entry_point_installs_log_masking() -> None:
    assert "yes" in _run(
        "import aiohttp.web as web\n"
        "web.run_app = lambda *a, **k: None\n"
        "import kcc.server\n"
        "import os, tempfile\n"
        "os.environ['DATABASE_URL'] = 'sqlite:///' + tempfile.mkdtemp() + '/c.db'\n"
        "kcc.server.main(['--port', '0'])\n"
        "from assistant.masking import log_masking_installed\n"
        "print('yes' if log_masking_installed() else 'no')")


def test_rasa_tracker_store_installs_log_masking(tmp_path: Path) -> None:
    assert "yes" in _run(
        "from bot.tracker_store import MaskingSQLTrackerStore\n"
        f"MaskingSQLTrackerStore(host='sqlite:///{tmp_path / 't.db'}')\n"
        "from assistant.masking import log_masking_installed\n"
        "print('yes' if log_masking_installed() else 'no')")



# -- forms found in the security review -------------------------------------------------------
@pytest.mark.parametrize("text, placeholder", [
    ("BSN111222333", "[BSN]"), ("mijn bsn:123456782.", "[BSN]"),
    ("geboren 12.03.61", "[GEBOORTEDATUM]"), ("geb. 12 mrt '61", "[GEBOORTEDATUM]"),
    ("12/3/61", "[GEBOORTEDATUM]"), ("op 3 april 1961 geboren", "[GEBOORTEDATUM]"),
    ("mail jan(at)example.nl", "[EMAIL]"), ("jan [at] gemeente (punt) nl", "[EMAIL]"),
    ("j.jansen apenstaartje ziggo.nl", "[EMAIL]"),
])
def test_wider_forms_are_masked(text: str, placeholder: str) -> None:
    masked = mask(text)
    assert placeholder in masked
    assert not any(part in masked for part in ("111222333", "123456782", "61", "jan(at)", "ziggo"))


def test_times_amounts_and_help_lines_stay_readable() -> None:
    text = "om 12.30 uur, 111.222.333,00 euro, bel 0800-2000 of 113, huisnummer 12a"
    assert mask(text) == text


def test_every_content_field_of_a_user_event_is_masked() -> None:
    event = {"event": "user", "timestamp": 1.0, "message_id": "a1b2c3111222333",
             "text": "mijn nummer", "input_channel": "webchat",
             "metadata": {"webchat_label": "bel 0612345678", "nested": ["BSN111222333"]},
             "parse_data": {"text": "mail jan(at)example.nl", "entities": []}}
    stored = mask_event(event)
    dumped = json.dumps(stored)
    assert "0612345678" not in dumped and "111222333\"]" not in dumped and "jan(at)" not in dumped
    assert stored["message_id"] == event["message_id"] and stored["timestamp"] == 1.0


def test_buttons_of_bot_messages_are_masked_but_catalogue_text_stays() -> None:
    event = {"event": "bot", "text": "Bel de gemeente: 0595 447777.",
             "data": {"buttons": [{"title": "Bel mij op 0612345678", "payload": "/affirm"}]}}
    stored = mask_event(event)
    assert stored["text"] == event["text"]
    assert stored["data"]["buttons"][0]["title"] == "Bel mij op [TELEFOON]"


def test_python_warnings_are_masked_in_the_log() -> None:
    # Rasa warns with the raw text when a "/..." message does not parse.
    output = _run(
        "import logging\n"
        "from assistant.masking import install_log_masking\n"
        "install_log_masking()\n"
        "logging.basicConfig(level=logging.INFO, format='%(message)s')\n"
        "import rasa.shared.utils.io as io\n"
        "io.raise_warning(\"Failed to parse '/x{bsn 111222333, iban NL91ABNA0417164300, "
        "tel 0612345678, geb 12-03-1961}'\")\n")
    assert "Failed to parse" in output
    for raw in ("111222333", "NL91ABNA0417164300", "0612345678", "12-03-1961"):
        assert raw not in output


# -- the shortcut for text no pattern can match (speed; bench/README.md) ----------------------
@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aAbeijklmnoprst .,-+@([{}])/:'0123456789٣")),
               max_size=60))
def test_the_shortcut_gives_what_every_pattern_gives(text: str) -> None:
    from assistant.masking import _mask_all, mask_with_counts

    assert mask_with_counts(text) == _mask_all(text)


@pytest.mark.parametrize("text", [
    "jan APENSTAARTJE ziggo.nl", "jan {a} ziggo.nl", "jan [AT] ziggo (dot) nl", "jan@ziggo.nl",
    "bsn ١٢٣٤٥٦٧٨٢", "hallo", "ik wil een medewerker spreken", "request_human",
])
def test_the_shortcut_keeps_every_trigger(text: str) -> None:
    from assistant.masking import _mask_all, mask_with_counts

    assert mask_with_counts(text) == _mask_all(text)
