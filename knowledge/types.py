"""Plain, framework-free value objects of the catalogue API.

They are deliberately stdlib-only so that `from knowledge import Entry` costs nothing at import
time (actions and tests import them often; SQLAlchemy and scikit-learn load only when a
catalogue is actually built).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo

DAY_KEYS: Tuple[str, ...] = ("ma", "di", "wo", "do", "vr", "za", "zo")
DAY_NAMES_NL: Dict[str, str] = {
    "ma": "maandag", "di": "dinsdag", "wo": "woensdag", "do": "donderdag",
    "vr": "vrijdag", "za": "zaterdag", "zo": "zondag",
}


@dataclass(frozen=True)
class Link:
    title: str
    url: str

    def as_dict(self) -> Dict[str, str]:
        return {"title": self.title, "url": self.url}


@dataclass(frozen=True)
class Entry:
    """One catalogue answer, already rendered for the selected municipality.

    `ladder[rung] is None` means the rung explicitly does not apply; the reason is in
    `ladder_na_reason[rung]`.
    """

    id: str
    topic: str
    title: str
    upl_name: Optional[str]
    upl_uri: Optional[str]
    short_answer: str
    details: str
    ladder: Dict[str, Optional[str]]
    ladder_na_reason: Dict[str, str]
    related: List[str]
    synonyms: List[str]
    sources: List[str]
    links: List[Dict[str, str]]
    main: bool = False

    def rung(self, name: str) -> Optional[str]:
        """Text for one ladder rung (None = not applicable)."""
        return self.ladder.get(name)


@dataclass(frozen=True)
class Helpline:
    key: str
    name: str
    number: Optional[str]
    hours: Optional[str]
    url: Optional[str]
    description: str
    alt_numbers: List[str] = field(default_factory=list)
    verified: str = "verified"  # verified | weak | unverified
    verified_on: Optional[str] = None
    status_note: Optional[str] = None
    sources: List[str] = field(default_factory=list)


@dataclass(frozen=True)
class Contact:
    """How a municipal service point is reached. Unknown fields stay None, never guessed."""

    name: Optional[str]
    description: str
    mention: str
    phone: Optional[str] = None
    email: Optional[str] = None
    website: Optional[str] = None
    missing: List[str] = field(default_factory=list)
    sources: List[str] = field(default_factory=list)


@dataclass(frozen=True)
class Partner:
    key: str
    name: Optional[str]
    what: str
    rung: Optional[str]
    mention: str
    website: Optional[str] = None
    phone: Optional[str] = None
    sources: List[str] = field(default_factory=list)


DUTCH_TIME = ZoneInfo("Europe/Amsterdam")


def dutch_time(dt: datetime) -> datetime:
    """``dt`` as Dutch wall-clock time. A naive time is taken to be Dutch already (that is how
    residents and the profiles speak about hours); an aware one is converted, so a server that
    runs on UTC still opens at 08:30 in Het Hogeland."""
    return dt.replace(tzinfo=DUTCH_TIME) if dt.tzinfo is None else dt.astimezone(DUTCH_TIME)


def is_public_holiday(day: date) -> bool:
    """National public holidays (Nieuwjaarsdag, Pasen, Koningsdag, Bevrijdingsdag in lustrum
    years, Hemelvaart, Pinksteren, Kerst), from the maintained ``holidays`` package."""
    return day in _dutch_holidays(day.year)


@lru_cache(maxsize=8)
def _dutch_holidays(year: int) -> Any:
    import holidays

    return holidays.Netherlands(years=year)


@dataclass(frozen=True)
class OpeningHours:
    """Weekly office hours. `assumed=True` means the sources give none and a default is used."""

    week: Dict[str, List[Tuple[time, time]]]
    assumed: bool
    note: str

    def intervals(self, day_index: int) -> List[Tuple[time, time]]:
        return self.week.get(DAY_KEYS[day_index], [])


@dataclass(frozen=True)
class Profile:
    slug: str
    name: str
    general_contact: str
    website: Optional[str]
    phone: Optional[str]
    kcc: Contact
    sociaal_loket: Contact
    welzijn: Partner
    partners: Dict[str, Partner]
    opening_hours: OpeningHours
    notes: List[str] = field(default_factory=list)
    sources: List[str] = field(default_factory=list)
    #: Days the contact centre is closed besides the national holidays (a local holiday, a
    #: training day), from the profile's ``closing_days``.
    closing_days: Tuple[date, ...] = ()
    #: The municipality's own outcome codes for closing a ticket (code -> Dutch text), added to
    #: the console's default list (kcc/outcomes.py).
    kcc_outcomes: Dict[str, str] = field(default_factory=dict)

    def closed_on(self, day: date) -> bool:
        """A national public holiday or one of the municipality's own closing days."""
        return is_public_holiday(day) or day in self.closing_days

    def is_open(self, dt: datetime) -> bool:
        """True inside office hours, in Dutch time (whatever the server's clock), and never on
        a national public holiday or a closing day of the municipality."""
        local = dutch_time(dt)
        if self.closed_on(local.date()):
            return False
        now = local.time()
        return any(a <= now < b for a, b in self.opening_hours.intervals(local.weekday()))

    def next_opening(self, dt: datetime) -> Optional[datetime]:
        """Start of the next office-hours interval after `dt`, in Dutch time, skipping public
        holidays (None when never open); naive in, naive out."""
        local = dutch_time(dt)
        for offset in range(0, 15):
            day = local + timedelta(days=offset)
            if self.closed_on(day.date()):
                continue
            for start, _end in sorted(self.opening_hours.intervals(day.weekday())):
                candidate = datetime.combine(day.date(), start, tzinfo=local.tzinfo)
                if candidate > local:
                    return candidate if dt.tzinfo is not None else candidate.replace(tzinfo=None)
        return None

    def describe_opening_hours(self) -> str:
        """Dutch sentence for residents, e.g. 'maandag tot en met vrijdag van 08:30 tot 17:00 uur'."""
        groups: List[Tuple[List[str], str]] = []
        for key in DAY_KEYS:
            spans = self.opening_hours.week.get(key, [])
            label = ", ".join(f"{a:%H:%M} tot {b:%H:%M} uur" for a, b in spans) if spans else ""
            if groups and groups[-1][1] == label:
                groups[-1][0].append(key)
            else:
                groups.append(([key], label))
        parts = []
        for days, label in groups:
            if not label:
                continue
            if len(days) == 1:
                span = DAY_NAMES_NL[days[0]]
            else:
                span = f"{DAY_NAMES_NL[days[0]]} tot en met {DAY_NAMES_NL[days[-1]]}"
            parts.append(f"{span} van {label}")
        text = "; ".join(parts) if parts else "geen vaste openingstijden bekend"
        sentence = f"{self.kcc.name or 'De gemeente'} is bereikbaar op {text}."
        if self.opening_hours.assumed:
            sentence += " Dit zijn algemene kantoortijden. Kijk voor de juiste tijden op de website."
        return sentence
