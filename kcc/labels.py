"""Dutch labels and time formatting for the templates (codes stay English in the database)."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional
from zoneinfo import ZoneInfo

import jinja2

from kcc.models import utcnow
from kcc.tickets import OUTCOME_LABELS

LOCAL_TZ = ZoneInfo("Europe/Amsterdam")
LABELS = {
    "urgency": {"urgent": "Spoed", "high": "Hoog", "normal": "Normaal"},
    "status": {"open": "Open", "claimed": "Opgepakt", "answered": "Beantwoord",
               "closed": "Afgesloten"},
    "mode": {"live": "Live chat", "callback": "Terugbelverzoek"},
    "channel": {"webchat": "Webchat", "telegram": "Telegram", "whatsapp": "WhatsApp",
                "rest": "API"},
    "rung": {"zelf": "Zelf", "netwerk": "Eigen netwerk", "voorliggend_veld": "Voorliggend veld",
             "sociaal_loket": "Sociaal Loket", "urgent": "Spoed", "complex": "Complex"},
    "reason": {"request": "Vraagt om een medewerker", "fallback": "Assistent begreep de vraag niet",
               "complex": "Complexe situatie", "urgent": "Spoed",
               "ladder_exhausted": "Eigen mogelijkheden geprobeerd"},
    "presence": {"available": "Beschikbaar", "busy": "Bezet", "away": "Afwezig"},
    "preference": {"chat": "Chat", "telefoon": "Telefoon", "email": "E-mail"},
    "outcome": OUTCOME_LABELS,
    "topic": {
        "huishoudelijke_hulp": "Huishoudelijke hulp",
        "begeleiding_dagbesteding": "Begeleiding en dagbesteding",
        "hulpmiddelen_woningaanpassing": "Hulpmiddelen en woningaanpassing", "vervoer": "Vervoer",
        "mantelzorg": "Mantelzorg", "jeugdhulp_opvoeden": "Jeugdhulp en opvoeden",
        "bijstand_uitkering": "Bijstand en uitkering", "werk_reintegratie": "Werk en re-integratie",
        "schulden_geldzorgen": "Schulden en geldzorgen",
        "minimaregelingen_toeslagen": "Minimaregelingen en toeslagen",
        "eenzaamheid_meedoen": "Eenzaamheid en meedoen",
        "wonen_beschermd_wonen_opvang": "Wonen, beschermd wonen en opvang",
        "huiselijk_geweld_veiligheid": "Huiselijk geweld en veiligheid",
        "psychische_problemen_crisis": "Psychische problemen en crisis",
        "eigen_bijdrage_kosten": "Eigen bijdrage en kosten", "pgb": "Pgb (persoonsgebonden budget)",
        "bezwaar_klacht": "Bezwaar en klacht", "clientondersteuning": "Cliëntondersteuning",
        "sociaal_loket_contact": "Contact met het Sociaal Loket",
        "out_of_scope_municipal": "Andere gemeentelijke vraag",
        "out_of_scope_other": "Andere vraag",
    },
}


def label(value: Optional[str], kind: str) -> str:
    if not value:
        return "Algemene vraag" if kind == "topic" else "—"
    return LABELS.get(kind, {}).get(value, value.replace("_", " ").capitalize())


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def localtime(moment: Optional[datetime], fmt: str = "%d-%m-%Y %H:%M") -> str:
    return _as_utc(moment).astimezone(LOCAL_TZ).strftime(fmt) if moment else "—"


def age(moment: Optional[datetime]) -> str:
    """'5 min', '2 uur', '3 dagen': how long a resident has been waiting."""
    if moment is None:
        return "—"
    minutes = int((_as_utc(utcnow()) - _as_utc(moment)).total_seconds() // 60)
    if minutes < 1:
        return "net binnen"
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} uur"
    return f"{minutes // 1440} dagen"


def sla_minutes(urgency: str) -> int:
    """How long a ticket of this urgency may wait (SLA_URGENT_MINUTES and so on)."""
    from assistant.settings import settings

    current = settings()
    return {"urgent": current.sla_urgent_minutes, "high": current.sla_high_minutes}.get(
        urgency, current.sla_normal_minutes)


def sla(ticket: object) -> str:
    """'late' past the norm of its urgency, 'near' in its last quarter, else 'ok'; only for
    tickets nobody has picked up yet."""
    if getattr(ticket, "status", None) != "open":
        return "none"
    waited = (_as_utc(utcnow()) - _as_utc(ticket.created_at)).total_seconds() / 60  # type: ignore[attr-defined]
    norm = sla_minutes(ticket.urgency)  # type: ignore[attr-defined]
    return "late" if waited > norm else "near" if waited > norm * 0.75 else "ok"


def minutes_text(minutes: int) -> str:
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} uur" + (
        f" {minutes % 60} min" if minutes % 60 else "")


def register(env: jinja2.Environment) -> None:
    env.filters.update(label=label, localtime=localtime, age=age, sla=sla,
                       sla_minutes=sla_minutes, minutes_text=minutes_text)
