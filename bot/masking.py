"""Masking of personal data (AVG) before conversation text is stored or logged.

Why here and not in the channels: the NLU and the actions of the *current* turn may need the
real text (a resident who consents to a callback gives a phone number that goes into the
ticket), but nothing that is stored afterwards may keep it. So the tracker store and the log
filter call :func:`mask` on the way out.

BSN and IBAN are validated (elfproef, ISO 7064 mod 97) so ordinary numbers such as amounts or
house numbers are left alone.
"""
from __future__ import annotations

import logging
import re
from typing import Any, Callable, Dict, List, Match, Pattern, Tuple

PLACEHOLDERS = {
    "email": "[EMAIL]",
    "iban": "[IBAN]",
    "bsn": "[BSN]",
    "phone": "[TELEFOON]",
    "birthdate": "[GEBOORTEDATUM]",
}

_MONTHS = ("januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|"
           "december|jan|feb|mrt|apr|jun|jul|aug|sep|sept|okt|nov|dec")

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?\b", re.IGNORECASE)
# 9 digits, plain or grouped with dots, spaces or dashes: 123456782, 1234.56.782 (the official
# notation), 123.456.782, 123 456 782. Only numbers that pass the elfproef are masked.
BSN = re.compile(r"(?<![\d\w.\-])\d(?:[. \-]?\d){8}(?![\d\w]|[.,\-]\d)")
# Dutch phone numbers: 06-12345678, 06 1234 5678, +31 6 12345678, 0031612345678, 050-1234567,
# 0595 123456. Service numbers such as 0800-2000 or 14 0595 are too short to match.
PHONE = re.compile(
    r"(?<![\d\w+])(?:(?:\+|00)31[ \-]?(?:\(0\))?[ \-]?|0)"
    r"(?:6[ \-]?(?:\d[ \-]?){7}\d|[1-9](?:[ \-]?\d){8})(?![\d\w])"
)
BIRTHDATE = re.compile(
    r"\b(?:[0-3]?\d[-/.][01]?\d[-/.](?:19|20)\d{2}|[0-3]?\d\s+(?:" + _MONTHS + r")\.?\s+(?:19|20)\d{2}"
    r"|(?:19|20)\d{2}-[01]?\d-[0-3]?\d)\b",
    re.IGNORECASE,
)


def bsn_valid(digits: str) -> bool:
    """Elfproef for a 9-digit BSN: weights 9..2 and -1 for the last digit."""
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1))) - int(digits[8])
    return total % 11 == 0


def iban_valid(candidate: str) -> bool:
    """ISO 13616 check: move the first four characters to the end, letters to numbers, mod 97."""
    s = re.sub(r"\s", "", candidate).upper()
    if not (15 <= len(s) <= 34) or not s[:2].isalpha() or not s[2:4].isdigit():
        return False
    rearranged = s[4:] + s[:4]
    try:
        number = "".join(str(int(ch, 36)) for ch in rearranged)
    except ValueError:
        return False
    return int(number) % 97 == 1


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


def mask_with_counts(text: str) -> Tuple[str, Dict[str, int]]:
    """Mask personal data; returns the masked text and what was found (for tests and logs)."""
    counts: Dict[str, int] = {}
    if not text:
        return text, counts
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


# Event keys whose strings come from the resident and must be masked before storage.
_USER_EVENT_KEYS = ("text", "parse_data", "entities")


def mask_event(data: Dict[str, Any]) -> Dict[str, Any]:
    """Mask a serialised Rasa event: user text, parse data, entities and slot values.

    Bot utterances are left alone: they come from the catalogue (official phone numbers must
    stay readable), except staff messages, which are masked like user text.
    """
    event = data.get("event")
    out = dict(data)
    if event == "user":
        for key in _USER_EVENT_KEYS:
            if key in out:
                out[key] = mask_value(out[key])
    elif event == "slot":
        out["value"] = mask_value(out.get("value"))
    elif event == "bot" and (out.get("metadata") or {}).get("agent"):
        out["text"] = mask_value(out.get("text"))
    return out


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
    passes once, at creation; the logger and handler filters stay as a second line. Idempotent.
    """
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
