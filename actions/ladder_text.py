"""How each rung of the self-reliance ladder is introduced to the resident.

Why separate: the ladder walk (actions/triage.py) and the first answer (actions/knowledge.py)
present rungs the same way, in the same calm, B1 wording.
"""
from __future__ import annotations

from typing import Dict, List

from actions.common import BUTTON_FAILS, BUTTON_HELPS, BUTTON_HUMAN

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
QUESTION = "Helpt dit u verder?"
LOKET_QUESTION = "Wilt u dat de gemeente contact met u opneemt?"


def rung_message(rung: str, body: str) -> str:
    question = LOKET_QUESTION if rung == "sociaal_loket" else QUESTION
    return f"{RUNG_INTRO[rung]}\n{body.strip()}\n\n{question}"


def rung_buttons(rung: str) -> List[dict]:
    if rung == "sociaal_loket":
        return [{"title": "Ja, graag", "payload": "/affirm"},
                {"title": "Nee, dank u", "payload": "/deny"}, BUTTON_HUMAN]
    return [BUTTON_HELPS, BUTTON_FAILS, BUTTON_HUMAN]
