"""Outcome codes for closing a ticket: one default list, plus the municipality's own.

Why per municipality: one municipality counts "melding Sociaal Loket", another "doorgezet naar
het wijkteam". The profile (knowledge/content/municipalities/*.yml) may add its own under
``kcc_outcomes`` (code: Dutch text); codes of the default list keep their meaning everywhere.
"""
from __future__ import annotations

import logging
from typing import Dict

log = logging.getLogger(__name__)

DEFAULT_OUTCOMES: Dict[str, str] = {
    "beantwoord": "Vraag beantwoord",
    "doorverwezen": "Doorverwezen naar een andere organisatie",
    "melding_sociaal_loket": "Melding gedaan bij het Sociaal Loket",
    "terugbelafspraak": "Terugbelafspraak gemaakt",
    "geen_reactie": "Geen reactie van de inwoner",
    "niet_bereikt": "Inwoner niet bereikt",
    "overig": "Overig",
}


def outcomes_for(municipality: str) -> Dict[str, str]:
    """The default outcomes followed by the municipality's own (from its profile)."""
    extra: Dict[str, str] = {}
    try:
        from knowledge import get_catalogue

        extra = dict(getattr(get_catalogue(municipality).profile, "kcc_outcomes", None) or {})
    except Exception:  # noqa: BLE001 - an unloaded catalogue must not stop closing a ticket
        log.warning("no profile outcomes for %s; using the default list", municipality)
    return {**DEFAULT_OUTCOMES, **{k: v for k, v in extra.items() if k not in DEFAULT_OUTCOMES}}
