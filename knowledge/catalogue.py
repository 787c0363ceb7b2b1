"""The read side: build a rendered Catalogue for one municipality from the database."""
from __future__ import annotations

from datetime import time
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from .render import render
from .types import (RUNGS, Contact, Entry, Helpline, OpeningHours, Partner, Profile)


class UnknownMunicipality(LookupError):
    pass


class Catalogue:
    """All entries rendered for `profile`, plus national help lines and a lazy search index."""

    def __init__(self, entries: Sequence[Entry], profile: Profile,
                 helplines: Mapping[str, Helpline], content_hash: str = ""):
        self._entries: Dict[str, Entry] = {e.id: e for e in entries}
        self._order: List[str] = [e.id for e in entries]
        self.profile = profile
        self._helplines = dict(helplines)
        self.content_hash = content_hash
        self._index = None  # built on first search (scikit-learn is imported only then)

    # --- lookups -------------------------------------------------------------------------
    @property
    def entries(self) -> List[Entry]:
        return [self._entries[i] for i in self._order]

    def entry(self, entry_id: str) -> Optional[Entry]:
        return self._entries.get(entry_id)

    def entries_for_topic(self, topic: str) -> List[Entry]:
        """Entries of one topic, the main entry first, then in source order."""
        found = [e for e in self.entries if e.topic == topic]
        return sorted(found, key=lambda e: not e.main)

    def topics(self) -> List[str]:
        return sorted({e.topic for e in self.entries})

    def helpline(self, key: str) -> Helpline:
        """A verified national help line by key; KeyError for unknown keys."""
        return self._helplines[key]

    @property
    def helplines(self) -> List[Helpline]:
        return list(self._helplines.values())

    # --- retrieval -----------------------------------------------------------------------
    def search(self, text: str, topic: Optional[str] = None, k: int = 3) -> List[Tuple[Entry, float]]:
        """Dutch retrieval over the rendered entries; scores 0..1, best first."""
        if self._index is None:
            from .retrieval import SearchIndex

            self._index = SearchIndex(self.entries)
        return self._index.search(text, topic=topic, k=k)


# --- building from stored dicts ---------------------------------------------------------------
def _hm(value: str) -> time:
    h, m = value.split(":")
    return time(int(h), int(m))


def build_profile(data: Mapping[str, Any]) -> Profile:
    def contact(d: Mapping[str, Any]) -> Contact:
        return Contact(name=d.get("name"), description=d["description"], mention=d["mention"],
                       phone=d.get("phone"), email=d.get("email"), website=d.get("website"),
                       missing=list(d.get("missing", [])), sources=list(d.get("sources", [])))

    def partner(key: str, d: Mapping[str, Any]) -> Partner:
        return Partner(key=key, name=d.get("name"), what=d["what"], rung=d.get("rung"),
                       mention=d["mention"], website=d.get("website"), phone=d.get("phone"),
                       sources=list(d.get("sources", [])))

    oh = data["opening_hours"]
    week = {day: [(_hm(s.split("-")[0]), _hm(s.split("-")[1])) for s in spans]
            for day, spans in oh["week"].items()}
    return Profile(
        slug=data["slug"], name=data["name"], general_contact=data["general_contact"],
        website=data.get("website"), phone=data.get("phone"),
        kcc=contact(data["kcc"]), sociaal_loket=contact(data["sociaal_loket"]),
        welzijn=partner("welzijn", data["welzijn"]),
        partners={k: partner(k, v) for k, v in data["partners"].items()},
        opening_hours=OpeningHours(week=week, assumed=oh["assumed"], note=oh["note"]),
        notes=list(data.get("notes", [])), sources=list(data.get("sources", [])),
    )


def build_entry(data: Mapping[str, Any], profile_data: Mapping[str, Any]) -> Entry:
    r = lambda t: render(t, profile_data)  # noqa: E731
    return Entry(
        id=data["id"], topic=data["topic"], title=r(data["title"]),
        upl_name=data.get("upl_name"), upl_uri=data.get("upl_uri"),
        short_answer=r(data["short_answer"]), details=r(data["details"]),
        ladder={rung: r(data["ladder"].get(rung)) for rung in RUNGS},
        ladder_na_reason=dict(data.get("ladder_na_reason", {})),
        related=list(data.get("related", [])), synonyms=list(data.get("synonyms", [])),
        sources=list(data.get("sources", [])),
        links=[{"title": link["title"], "url": link["url"]} for link in data.get("links", [])],
        main=bool(data.get("main", False)),
    )


def build_helpline(d: Mapping[str, Any]) -> Helpline:
    return Helpline(key=d["key"], name=d["name"], number=d.get("number"), hours=d.get("hours"),
                    url=d.get("url"), description=d["description"],
                    alt_numbers=list(d.get("alt_numbers", [])), verified=d["verified"],
                    verified_on=d.get("verified_on"), status_note=d.get("status_note"),
                    sources=list(d.get("sources", [])))


def build_catalogue(entries: Sequence[Mapping[str, Any]], profile_data: Mapping[str, Any],
                    helplines: Sequence[Mapping[str, Any]], content_hash: str = "") -> Catalogue:
    profile = build_profile(profile_data)
    return Catalogue([build_entry(e, profile_data) for e in entries], profile,
                     {h["key"]: build_helpline(h) for h in helplines}, content_hash)


def read_catalogue(url: str, slug: str) -> Optional[Catalogue]:
    """Catalogue for `slug` from the database, or None when nothing has been loaded yet."""
    from sqlalchemy import create_engine, inspect, select

    from .models import KbEntry, KbHelpline, KbProfile, KbSourceState

    engine = create_engine(url, future=True)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table(KbSourceState.__tablename__):
                return None
            state = conn.execute(select(KbSourceState.__table__)).first()
            if state is None:
                return None
            entries = [row.data for row in
                       conn.execute(select(KbEntry.__table__).order_by(KbEntry.position))]
            profile = conn.execute(select(KbProfile.__table__).where(KbProfile.slug == slug)).first()
            if profile is None:
                known = [r.slug for r in conn.execute(select(KbProfile.__table__))]
                raise UnknownMunicipality(f"municipality {slug!r} not loaded; known: {known}")
            helplines = [row.data for row in
                         conn.execute(select(KbHelpline.__table__).order_by(KbHelpline.position))]
            return build_catalogue(entries, profile.data, helplines, state.content_hash)
    finally:
        engine.dispose()
