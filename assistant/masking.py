"""Masking of personal data (AVG) before conversation text is stored or logged.

Why here and not in the channels: the NLU and the actions of the *current* turn may need the
real text (a resident who consents to a callback gives a phone number that goes into the
ticket), but nothing that is stored afterwards may keep it. So the tracker store and the log
filter call :func:`mask` on the way out.

BSN and IBAN are validated (elfproef, ISO 7064 mod 97, with python-stdnum) so ordinary numbers
such as amounts or house numbers are left alone. The patterns are wide on purpose: residents glue
labels to numbers ("BSN111222333"), write years with two digits ("12.03.61", "12 mrt '61") and
hide e-mail addresses from spam filters ("jan(at)example.nl").
"""
from __future__ import annotations

import logging
import re
from typing import Any, Callable, Dict, Match, Pattern, Tuple

from stdnum import iban as stdnum_iban
from stdnum.nl import bsn as stdnum_bsn

PLACEHOLDERS = {
    "email": "[EMAIL]",
    "iban": "[IBAN]",
    "bsn": "[BSN]",
    "phone": "[TELEFOON]",
    "birthdate": "[GEBOORTEDATUM]",
}

_MONTHS = ("januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|"
           "december|jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec")

_AT = r"(?:\s*@\s*|\s*[(\[{]\s*(?:at|a|apenstaartje)\s*[)\]}]\s*|\s+apenstaartje\s+)"
_DOT = r"(?:\.|\s*[(\[{]\s*(?:dot|punt)\s*[)\]}]\s*)"
EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+" + _AT + r"[A-Za-z0-9\-]+(?:" + _DOT + r"[A-Za-z0-9\-]+)*"
                   + _DOT + r"[A-Za-z]{2,}\b", re.IGNORECASE)
IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b",
                  re.IGNORECASE)
# 9 digits, plain or grouped with dots, spaces or dashes: 123456782, 1234.56.782 (the official
# notation), 123.456.782, 123 456 782, also glued to a label (BSN111222333). Only numbers that
# pass the elfproef are masked; amounts such as 111.222.333,00 are not numbers of 9 digits.
BSN = re.compile(r"(?<![\d.\-])\d(?:[. \-]?\d){8}(?!\d|[.,\-]\d)")
# Dutch phone numbers: 06-12345678, 06 1234 5678, +31 6 12345678, 0031612345678, 050-1234567,
# 0595 123456. Service numbers such as 0800-2000 or 14 0595 are too short to match.
PHONE = re.compile(
    r"(?<![\d\w+])(?:(?:\+|00)31[ \-]?(?:\(0\))?[ \-]?|0)"
    r"(?:6[ \-]?(?:\d[ \-]?){7}\d|[1-9](?:[ \-]?\d){8})(?!\d)"
)
# Dates: 12-03-1961, 12/3/61, 12.03.61, 12 maart 1961, 12 mrt '61, 1961-03-12.
BIRTHDATE = re.compile(
    r"(?<![\d.])(?:[0-3]?\d[-/.][01]?\d[-/.](?:(?:19|20)\d{2}|\d{2})"
    r"|[0-3]?\d\s*(?:" + _MONTHS + r")\.?\s*(?:(?:19|20)\d{2}|['\u2019`]\d{2}|\d{2})"
    r"|(?:19|20)\d{2}-[01]?\d-[0-3]?\d)(?![\d])",
    re.IGNORECASE,
)


def bsn_valid(digits: str) -> bool:
    """Elfproef for a 9-digit BSN (python-stdnum); the all-zero number is not a BSN."""
    return (len(digits) == 9 and digits.isdigit() and digits != "000000000"
            and stdnum_bsn.is_valid(digits))


def iban_valid(candidate: str) -> bool:
    """ISO 13616 mod-97 check of an IBAN (python-stdnum), spaces allowed."""
    return stdnum_iban.is_valid(re.sub(r"\s", "", candidate).upper(), check_country=False)


def _sub_valid(pattern: Pattern[str], text: str, placeholder: str,
               valid: Callable[[Match[str]], bool]) -> Tuple[str, int]:
    count = 0

    def repl(m: Match[str]) -> str:
        nonlocal count
        if valid(m):
            count += 1
            return placeholder
        return m.group(0)

    return pattern.sub(repl, text), count


# Every pattern above needs one of these: IBAN, BSN, phone and dates a digit, an e-mail address
# its "@", a bracket of "(at)" / "[a]" / "{apenstaartje}", or the word "apenstaartje". Text with
# none of them (most intent names, slot values and plain sentences) cannot match any pattern.
_MAYBE_PERSONAL = re.compile(r"[\d@(\[{]|apenstaartje", re.IGNORECASE)


def mask_with_counts(text: str) -> Tuple[str, Dict[str, int]]:
    """Mask personal data; returns the masked text and what was found (for tests and logs)."""
    if not text or not _MAYBE_PERSONAL.search(text):
        return text, {}
    return _mask_all(text)


def _mask_all(text: str) -> Tuple[str, Dict[str, int]]:
    """Every pattern over `text` (what `mask_with_counts` does when a pattern can match)."""
    counts: Dict[str, int] = {}
    text, counts["email"] = _sub_valid(EMAIL, text, PLACEHOLDERS["email"], lambda m: True)
    text, counts["iban"] = _sub_valid(IBAN, text, PLACEHOLDERS["iban"], lambda m: iban_valid(m.group(0)))
    text, counts["birthdate"] = _sub_valid(BIRTHDATE, text, PLACEHOLDERS["birthdate"], lambda m: True)
    text, counts["bsn"] = _sub_valid(
        BSN, text, PLACEHOLDERS["bsn"], lambda m: bsn_valid(re.sub(r"\D", "", m.group(0)))
    )
    text, counts["phone"] = _sub_valid(PHONE, text, PLACEHOLDERS["phone"], lambda m: True)
    return text, {k: v for k, v in counts.items() if v}


def mask(text: str) -> str:
    """Text with BSN, IBAN, phone numbers, e-mail addresses and dates of birth replaced."""
    return mask_with_counts(text)[0]


def mask_value(value: Any) -> Any:
    """Mask strings inside nested JSON-like data (event dicts, slot values, entities)."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, list):
        return [mask_value(v) for v in value]
    if isinstance(value, dict):
        return {k: mask_value(v) for k, v in value.items()}
    return value


# Keys of an event that are structure, not content: ids and times are never personal data, and
# masking them could turn a hex id with nine digits in a row into "[BSN]".
_STRUCTURE_KEYS = frozenset({"event", "timestamp", "message_id", "input_channel", "name",
                             "policy", "confidence", "action_text"})


def _mask_content(data: Dict[str, Any]) -> Dict[str, Any]:
    return {k: (v if k in _STRUCTURE_KEYS else mask_value(v)) for k, v in data.items()}


def mask_event(data: Dict[str, Any]) -> Dict[str, Any]:
    """Mask a serialised Rasa event before it is stored: every field that holds content.

    User events (text, parse data, entities, metadata such as the label of a clicked button),
    slot values, staff messages and every button of a bot message are masked. The text of the
    assistant's own answers is left alone: it comes from the catalogue, and official phone
    numbers must stay readable; it never repeats what the resident typed.
    """
    event = data.get("event")
    if event in ("user", "slot"):
        return _mask_content(data)
    if event == "bot":
        if (data.get("metadata") or {}).get("agent"):
            return _mask_content(data)
        out = dict(data)
        if isinstance(out.get("data"), dict) and out["data"].get("buttons"):
            out["data"] = {**out["data"], "buttons": mask_value(out["data"]["buttons"])}
        return out
    return dict(data)


class MaskingLogFilter(logging.Filter):
    """Masks personal data in log records, so logs never hold what the database may not."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is not ours to fix; keep the record
            return True
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def install_log_masking(loggers: Tuple[str, ...] = ("", "rasa", "rasa_sdk", "sanic", "aiohttp")) -> None:
    """Mask every log record of this process, whichever logger or handler it passes.

    Filters on loggers only see records logged *on* that logger (not those propagated from
    children), and handlers added later (Rasa and rasa_sdk configure logging after start-up) would
    miss a handler filter. So the masking runs in the log record factory, which every record
    passes once, at creation; the logger and handler filters stay as a second line. Python's
    ``warnings`` are routed into logging too: Rasa reports a message it cannot parse (one that
    starts with ``/``) as a warning holding the raw text. Idempotent.
    """
    logging.captureWarnings(True)
    flt = MaskingLogFilter()
    for name in loggers:
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskingLogFilter) for f in logger.filters):
            logger.addFilter(flt)
        for handler in logger.handlers:
            if not any(isinstance(f, MaskingLogFilter) for f in handler.filters):
                handler.addFilter(flt)
    previous = logging.getLogRecordFactory()
    if getattr(previous, "masks_personal_data", False):
        return

    def masking_record_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        flt.filter(record)
        return record

    masking_record_factory.masks_personal_data = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(masking_record_factory)


def log_masking_installed() -> bool:
    """True when this process masks its log records (checked by tests and health checks)."""
    return bool(getattr(logging.getLogRecordFactory(), "masks_personal_data", False))
