"""Dutch texts the Telegram channel itself says (everything else comes from the dialogue).

Kept apart from the logic so that a municipality's editor can review every sentence in one place.
Language rules: B1, formal "u", short sentences.
"""

from __future__ import annotations

from assistant.settings import settings


DEFAULT_CONSOLE_URL = "http://127.0.0.1:8080"


def privacy_url() -> str:
    """Where the privacy statement lives: `PRIVACY_URL`, else the console's `/privacy` page."""
    return settings().privacy_page


def privacy_notice() -> str:
    """Shown after /start: what we keep, what we never keep, where to read more."""
    return (
        "Goed om te weten over uw privacy:\n"
        "- Wij bewaren de tekst van uw berichten. Persoonlijke gegevens daarin schermen wij af.\n"
        "- Wij bewaren uw naam en gebruikersnaam van Telegram niet.\n"
        "- Met /stop sluit u het gesprek.\n"
        f"Lees meer in onze privacyverklaring: {privacy_url()}"
    )


def conversation_closed() -> str:
    """Shown after /stop, before the conversation is restarted."""
    return (
        "Het gesprek is gesloten. U kunt altijd opnieuw beginnen met /start.\n"
        "Wij bewaren alleen de tekst van uw berichten, afgeschermd en niet langer dan nodig. "
        f"Meer hierover leest u in onze privacyverklaring: {privacy_url()}"
    )


PRIVATE_CHAT_ONLY = (
    "Ik werk alleen in een privégesprek. Zo blijven uw vragen van u. "
    "Stuur mij een bericht in een eigen chat."
)

BUTTON_EXPIRED = "Deze knop werkt niet meer. Wilt u uw vraag opnieuw typen?"

BUTTONS_PROMPT = "Maak een keuze:"

STAFF_SUFFIX = "(medewerker)"
