"""The privacy statement, generated from configuration so it can never drift from what we do.

Why generated: retention periods and the municipality name come from the same settings that the
purge job and the console use; a hand-written page would go stale or keep placeholders.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import List, Optional, Tuple

from kcc.config import ConsoleConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PrivacyStatement:
    municipality: str
    contact: Optional[str]
    conversation_days: int
    ticket_days: int
    stored: List[Tuple[str, str]]
    who_sees: List[str]


def municipality_name(slug: str, database_url: Optional[str] = None) -> Tuple[str, Optional[str]]:
    """(name, general contact sentence) from the catalogue profile, else a name from the slug."""
    try:
        from knowledge import get_catalogue

        profile = get_catalogue(municipality=slug, database_url=database_url).profile
        return profile.name, getattr(profile, "general_contact", None)
    except Exception:  # noqa: BLE001 — the catalogue may not be loaded; the page must still work
        log.info("privacy: catalogue profile not available, using the municipality slug")
        return slug.replace("-", " ").title(), None


def statement(config: ConsoleConfig, municipality: Optional[str] = None) -> PrivacyStatement:
    """The statement of ``municipality`` (a region serves several), else the default's."""
    name, contact = municipality_name(municipality or config.municipality, config.database_url)
    days_c, days_t = config.retention_conversation_days, config.retention_ticket_days
    return PrivacyStatement(
        municipality=name,
        contact=contact,
        conversation_days=days_c,
        ticket_days=days_t,
        stored=[
            ("Het gesprek met de digitale assistent",
             f"Uw berichten en de antwoorden. Wij bewaren dit {days_c} dagen. "
             "Daarna wissen wij het."),
            ("Een verzoek om contact met een medewerker",
             "Het onderwerp, een korte samenvatting van uw vraag, het kanaal en hoe dringend "
             "het is. "
             f"Wij bewaren dit {days_t} dagen. Zo kunnen wij uw vraag afhandelen en laten zien wat "
             "wij gedaan hebben."),
            ("Uw telefoonnummer of e-mailadres",
             "Alleen als u daar zelf toestemming voor geeft. Wij gebruiken het alleen om u "
             "terug te bellen of te mailen over deze vraag. Het hoort bij het contactverzoek "
             f"({days_t} dagen)."),
            ("Wie een gesprek heeft ingezien",
             "Wij leggen vast welke medewerker een gesprek heeft bekeken en wanneer. "
             f"Dat bewaren wij ook {days_t} dagen."),
            ("Als u via WhatsApp chat",
             "Uw telefoonnummer is nodig om u te antwoorden. Bij het gesprek bewaren wij alleen "
             "een versleutelde code in plaats van uw nummer. Het nummer zelf bewaren wij tot 30 "
             "dagen na uw laatste bericht."),
            ("Als u via Telegram chat",
             "Wij bewaren het chatnummer van Telegram bij het gesprek, om u te kunnen antwoorden. "
             "Uw naam en gebruikersnaam lezen en bewaren wij niet."),
            ("WhatsApp (Meta) en Telegram",
             "Zij verwerken uw berichten ook zelf. Lees daarvoor hun eigen privacyverklaring."),
        ],
        who_sees=[
            f"Medewerkers van het Klantcontactcentrum en het Sociaal Loket van de gemeente {name}, "
            "alleen als u om een medewerker vraagt of als de assistent u doorverwijst.",
            "Niemand anders. Wij verkopen uw gegevens niet en gebruiken ze niet voor reclame.",
        ],
    )
