"""Refusing what a resident (or a caller) sends: one set of checks and Dutch answers for all channels.

Why one module: every channel takes text from the public, and each used to parse and refuse it in
its own code, with its own wording for the same problem. Here is what every channel checks (body
size, JSON shape, text type and length, Rasa's intent syntax through ``assistant.untrusted``, the
municipality), the one table of refusal codes with their HTTP status and Dutch sentence, and the
sentences the chat apps (Telegram, WhatsApp) reply with instead of an HTTP error.

The HTTP channels differ only in what they answer for a few problems, and that is data
(`Policy`): the web chat is read by residents through the widget, REST by integrations that need
to know which field is wrong.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple

from sanic.response import HTTPResponse
from sanic.response import json as json_response

from assistant.untrusted import resident_text
from channels.tenant import UnknownMunicipality, municipality_from

MAX_BODY_BYTES = 16 * 1024
#: What a resident may type on the HTTP channels (a longer text keeps the NLU busy for seconds).
MAX_TEXT = 2000
#: Telegram and WhatsApp deliver at most 4096 characters a message; longer did not come from an app.
CHAT_MAX_TEXT = 4096
#: A REST caller's conversation id.
MAX_SENDER = 128

#: code -> (HTTP status, what the resident or caller reads). B1, formal "u", no technical detail.
REFUSALS: Dict[str, Tuple[int, str]] = {
    # the message itself
    "bad_format": (400, "Uw bericht kon niet worden gelezen. Probeer het opnieuw."),
    "bad_message": (400, "'message' ontbreekt of is geen tekst."),
    "bad_metadata": (400, "'metadata' moet een JSON-object zijn."),
    "bad_municipality": (400, "Deze chat is niet goed ingesteld voor uw gemeente. Neem contact "
                              "op met de gemeente via haar website."),
    "empty": (400, "Uw bericht is leeg. Typ eerst uw vraag."),
    "too_long": (413, f"Uw bericht is te lang. Gebruik maximaal {MAX_TEXT} tekens."),
    "too_large": (413, "Het verzoek is te groot."),
    "unsupported_type": (415, "Stuur het bericht als JSON (Content-Type: application/json)."),
    # who sends it
    "bad_sender": (400, "'sender' ontbreekt of is ongeldig. Gebruik een tekst van maximaal "
                        f"{MAX_SENDER} tekens."),
    "bad_session": (400, "Dit gesprek is niet geldig. Laad de pagina opnieuw."),
    "unauthorized": (401, "Geen toegang: dit kanaal vraagt een token (Authorization: Bearer ...)."),
    # whether we can take it now
    "rate_limited": (429, "U stuurt veel berichten snel achter elkaar. Wacht een minuut en "
                          "probeer het dan opnieuw."),
    "too_many_streams": (429, "Dit gesprek is op te veel plekken tegelijk open. Sluit een ander "
                              "venster en laad de pagina opnieuw."),
    "not_ready": (503, "De digitale assistent is nog niet klaar. Probeer het over een minuut "
                       "opnieuw."),
    "server_error": (500, "Er ging iets mis. Uw bericht is niet verwerkt. Probeer het over een "
                          "minuut opnieuw of bel de gemeente."),
}

#: What the chat apps reply (they have no HTTP error a resident would see).
CHAT_TOO_LONG = (
    f"Uw bericht is te lang. Ik kan maximaal {CHAT_MAX_TEXT} tekens lezen. "
    "Wilt u uw vraag korter typen? U kunt ook meer berichten na elkaar sturen."
)
CHAT_ONLY_TEXT = (
    "Ik kan alleen tekstberichten lezen. Foto's, spraakberichten, stickers, bestanden, "
    "video's en locaties kan ik niet openen. Wilt u uw vraag typen?"
)


class Refusal(Exception):
    """A request answered with one of `REFUSALS` instead of being passed on.

    ``status`` replaces the table's status where a channel's callers need another one (REST
    answers a failed message with 503, so that an integration retries it).
    """

    def __init__(self, code: str, retry_after: Optional[int] = None,
                 status: Optional[int] = None) -> None:
        super().__init__(code)
        self.code = code
        self.retry_after = retry_after
        self.status = status if status is not None else REFUSALS[code][0]

    @property
    def message(self) -> str:
        return REFUSALS[self.code][1]

    def response(self, headers: Optional[Dict[str, str]] = None) -> HTTPResponse:
        extra = dict(headers or {})
        if self.retry_after:
            extra["Retry-After"] = str(self.retry_after)
        return json_response({"error": self.code, "message": self.message},
                             status=self.status, headers=extra)


@dataclass(frozen=True)
class Policy:
    """Which refusal an HTTP channel gives where the checks are the same but the callers differ."""

    #: for a Content-Type that is not JSON
    wrong_type: str
    #: also ``application/*+json`` and no Content-Type at all (scripts and tools send those)
    lenient_type: bool
    #: for a body over `MAX_BODY_BYTES`
    too_large: str
    #: for a message without text, and for text that is not a string
    missing_text: str
    text_not_string: str


def json_body(policy: Policy, content_type: Optional[str], body: bytes) -> Dict[str, Any]:
    """The request body as a JSON object, or the `Refusal` for the first thing that is wrong."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind != "application/json" and not (
            policy.lenient_type and (not kind or kind.endswith("+json"))):
        raise Refusal(policy.wrong_type)
    if len(body) > MAX_BODY_BYTES:
        raise Refusal(policy.too_large)
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: absurd nesting
        raise Refusal("bad_format") from None
    if not isinstance(data, dict):
        raise Refusal("bad_format")
    try:  # JSON escapes such as "\ud800" decode to text that no database can store
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise Refusal("bad_format") from None
    return data


def message_text(policy: Policy, value: Any) -> str:
    """The resident's text as Rasa may read it (`assistant.untrusted.resident_text`), or refuse."""
    if not isinstance(value, str):
        raise Refusal(policy.missing_text if value is None else policy.text_not_string)
    if len(value) > MAX_TEXT:
        raise Refusal("too_long")
    text = resident_text(value)
    if not text:
        raise Refusal("empty")
    return text


def municipality(value: Any) -> Optional[str]:
    """A known municipality's slug, None for none given, or refuse (channels/tenant.py)."""
    try:
        return municipality_from(value)
    except UnknownMunicipality:
        raise Refusal("bad_municipality") from None
