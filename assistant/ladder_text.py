"""How each rung of the self-reliance ladder is introduced to the resident.

Why separate: the ladder walk (actions/triage.py) and the first answer (actions/knowledge.py)
present rungs the same way, in the same calm, B1 wording.
"""
from __future__ import annotations

import re
from typing import Dict, List

from assistant.replies import BUTTON_FAILS, BUTTON_HELPS, BUTTON_HUMAN

RUNG_INTRO: Dict[str, str] = {
    "zelf": "Dit kunt u misschien zelf doen:",
    "netwerk": "Misschien kan iemand uit uw omgeving helpen:",
    "voorliggend_veld": "Er is ook gratis hulp in de buurt. Daarvoor hoeft u niets aan te vragen:",
    "sociaal_loket": "De gemeente kan met u meekijken:",
}
RUNG_LABEL: Dict[str, str] = {
    "zelf": "zelf doen",
    "netwerk": "hulp uit de eigen omgeving",
    "voorliggend_veld": "gratis hulp in de buurt",
    "sociaal_loket": "Sociaal Loket",
}
# One closing question per rung, in words that fit that rung (not the same question each time).
RUNG_QUESTION: Dict[str, str] = {
    "zelf": "Kunt u hiermee verder?",
    "netwerk": "Kunt u dit aan iemand vragen?",
    "voorliggend_veld": "Wilt u dit eerst proberen?",
    "sociaal_loket": "Wilt u dat de gemeente contact met u opneemt?",
}
QUESTION = RUNG_QUESTION["zelf"]
LOKET_QUESTION = RUNG_QUESTION["sociaal_loket"]
# What the resident said about the last rung, and the words that lead to the next one.
_BRIDGES = (
    (re.compile(r"\b(?:geen (?:kinderen|familie|vrienden|buren)|niemand|alleen|te ver weg|"
                r"kunnen niet helpen|willen niet)\b"), "U heeft niemand die kan helpen. Dat is "
                                                       "vervelend."),
    (re.compile(r"\b(?:te duur|niet betalen|geen geld|kost te veel)\b"), "Het kost u te veel. "
                                                                         "Dat begrijp ik."),
    (re.compile(r"\b(?:al geprobeerd|al gedaan|heb ik al|werkt niet|helpt niet)\b"),
     "U heeft dat al geprobeerd."),
)
_ALREADY_FAILED = re.compile(r"(?:^|(?<=[.!?]) )Lukt (?:het|dat) niet(?: alleen)?\?\s*", re.I)


def bridge(text: str) -> str:
    """One sentence back about why the last rung did not work, or a neutral one."""
    low = (text or "").lower()
    for pattern, sentence in _BRIDGES:
        if pattern.search(low):
            return sentence
    return "Dan kijken we verder."


def rung_message(rung: str, body: str, lead: str = "", failed_before: bool = False) -> str:
    """A rung as the resident reads it: an optional lead sentence, the intro, the text and one
    question. ``failed_before``: the resident already said the previous step did not work, so
    a "Lukt het niet?" inside the text is not asked again."""
    text = body.strip()
    if failed_before:
        text = _ALREADY_FAILED.sub("", text).strip()
    opening = f"{lead} {RUNG_INTRO[rung]}".strip()
    return f"{opening}\n{text}\n\n{RUNG_QUESTION[rung]}"


def rung_buttons(rung: str) -> List[dict]:
    if rung == "sociaal_loket":
        return [{"title": "Ja, graag", "payload": "/affirm"},
                {"title": "Nee, dank u", "payload": "/deny"}, BUTTON_HUMAN]
    return [BUTTON_HELPS, BUTTON_FAILS, BUTTON_HUMAN]
