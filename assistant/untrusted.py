"""What a channel may hand to Rasa from a resident: plain text, or a button of our own.

Why: Rasa reads a message that starts with ``/`` as an intent with entities
(``/intent{"slot": "value"}``) and skips the NLU. Every channel's input comes from the public,
so anyone could trigger any intent (the staff intents ``EXTERNAL_*`` among them) or fill any slot
through entities. Buttons do need that syntax. So a ``/`` message passes only when it is one of
the payloads the assistant itself offers, with the entity keys and value shapes those buttons
use; anything else loses its leading slashes and is read as ordinary text by the NLU.
"""
from __future__ import annotations

import json
import re
from typing import Dict, FrozenSet, Mapping, Optional

#: Button intents the assistant offers, with the entity keys each may carry.
BUTTON_INTENTS: Mapping[str, FrozenSet[str]] = {
    "affirm": frozenset(),
    "deny": frozenset(),
    "greet": frozenset(),
    "restart": frozenset(),
    "ask_capabilities": frozenset(),
    "request_human": frozenset(),
    "ladder_helps": frozenset(),
    "ladder_fails": frozenset(),
    "details": frozenset({"entry_id"}),
    "choose_entry": frozenset({"entry_id"}),
    "choose_topic": frozenset({"topic"}),
    "contact_method": frozenset({"contact_method"}),
    "feedback": frozenset({"rating", "entry_id"}),
    "feedback_reason": frozenset({"reason"}),
    "feedback_skip": frozenset(),
    "satisfaction": frozenset({"score"}),
}
#: Entity keys whose buttons carry one of a few fixed values: anything else is not our button.
BUTTON_VALUES: Mapping[str, FrozenSet[str]] = {
    "rating": frozenset({"up", "down"}),
    "reason": frozenset({"niet_mijn_vraag", "niet_duidelijk", "klopt_niet", "wil_mens"}),
    "score": frozenset({"1", "2", "3", "4", "5"}),
}
_VALUE = re.compile(r"^[a-z0-9_\-]{1,80}$")
_PAYLOAD = re.compile(r"^/([a-z_]{1,40})(\{.{0,400}\})?$", re.DOTALL)


def button_payload(text: str) -> Optional[str]:
    """The payload in canonical form when ``text`` is one of our buttons, else None."""
    m = _PAYLOAD.match(text.strip())
    if m is None or m.group(1) not in BUTTON_INTENTS:
        return None
    intent, raw = m.group(1), m.group(2)
    if raw is None:
        return f"/{intent}"
    try:
        entities = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(entities, dict) or not entities:
        return None
    allowed = BUTTON_INTENTS[intent]
    clean: Dict[str, str] = {}
    for key, value in entities.items():
        if key not in allowed or not isinstance(value, str) or not _VALUE.match(value):
            return None
        if key in BUTTON_VALUES and value not in BUTTON_VALUES[key]:
            return None
        clean[key] = value
    return f"/{intent}{json.dumps(clean, separators=(',', ':'))}"


def resident_text(text: str) -> str:
    """The text to hand to Rasa for a resident's message (see module docstring).

    A button payload of our own passes in canonical form; any other text starting with ``/``
    loses its slashes, so Rasa's intent syntax can never be typed. Rasa also treats a text
    starting with the external-event prefix specially in places, so that prefix is defused too.
    """
    stripped = text.strip()
    if stripped.startswith("/"):
        payload = button_payload(stripped)
        if payload is not None:
            return payload
        stripped = stripped.lstrip("/ \t\r\n")
    if stripped.upper().startswith("EXTERNAL:"):
        stripped = stripped[len("EXTERNAL:"):].strip()
    return stripped
