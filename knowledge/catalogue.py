"""The read side: build a rendered Catalogue for one municipality from the database.

Referrals: every organisation, office or help line an answer names comes with a way to reach
it. Short answer and details carry contact links (`tel:` for verified numbers, the
organisation's own website, or else the municipality's website as its honest general contact);
a ladder text, which is sent on its own, ends with a contact sentence when it names someone
without saying how to reach them. Contact data is only what the sources give (never guessed).
"""
from __future__ import annotations

import re
from datetime import date, time
from urllib.parse import urlsplit
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from .layers import merge
from .render import render
from assistant.vocabulary import RUNGS

from .types import Contact, Entry, Helpline, OpeningHours, Partner, Profile


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
        closing_days=tuple(date.fromisoformat(str(d)) for d in data.get("closing_days") or []),
        kcc_outcomes=dict(data.get("kcc_outcomes") or {}),
    )


def build_entry(data: Mapping[str, Any], profile_data: Mapping[str, Any],
                helplines: Sequence[Mapping[str, Any]] = ()) -> Entry:
    """One entry rendered for a municipality. Every organisation, office or help line the texts
    name comes with a way to reach it (knowledge/referrals.py): short answer and details get
    the contact links, a ladder text (sent on its own) gets a closing contact sentence."""
    r = lambda t: render(t, profile_data)  # noqa: E731
    short_answer, details = r(data["short_answer"]), r(data["details"])
    ladder = {rung: (with_reach(data["ladder"].get(rung), r(data["ladder"].get(rung)),
                                profile_data, helplines)
                     if data["ladder"].get(rung) else None) for rung in RUNGS}
    own = [{"title": link["title"], "url": link["url"]} for link in data.get("links", [])]
    reach = contact_links([(data["short_answer"], short_answer), (data["details"], details)],
                          profile_data, helplines)
    seen = {link["url"] for link in reach}
    return Entry(
        id=data["id"], topic=data["topic"], title=r(data["title"]),
        upl_name=data.get("upl_name"), upl_uri=data.get("upl_uri"),
        short_answer=short_answer, details=details,
        ladder=ladder,
        ladder_na_reason=dict(data.get("ladder_na_reason", {})),
        related=list(data.get("related", [])), synonyms=list(data.get("synonyms", [])),
        sources=list(data.get("sources", [])),
        links=reach + [link for link in own if link["url"] not in seen],
        main=bool(data.get("main", False)),
    )


# --- referrals: how to reach whoever an answer names ----------------------------------------
_LOCAL_PLACEHOLDER_RE = re.compile(r"\{(sociaal_loket|kcc|welzijn)\}|\{partner:([a-z0-9_]+)\}")


def _digits(value: Optional[str]) -> str:
    return re.sub(r"\D", "", value or "")


def tel_url(number: str) -> str:
    """`tel:` URL of a phone number: digits and hyphens only (so it is always safe to link)."""
    return "tel:" + re.sub(r"[^\d+-]", "", number.replace(" ", ""))


def host(url: Optional[str]) -> str:
    """`www.hethogeland.nl` from `https://www.hethogeland.nl/...` ('' when there is none)."""
    return (urlsplit(url).netloc if url and "//" in url else (url or "")).lower()


def _numbers_in(text: str) -> set:
    return {_digits(m) for m in re.findall(r"\+?\d[\d -]{1,14}\d|\b\d{3}\b", text or "")}


def _text_reaches(text: str, phones: Sequence[Optional[str]], urls: Sequence[Optional[str]]) -> bool:
    numbers = _numbers_in(text)
    low = (text or "").lower()
    if any(_digits(p) and _digits(p) in numbers for p in phones):
        return True
    return any(h and (h in low or h.replace("www.", "", 1) in low) for h in map(host, urls))


def named_local(source: Optional[str], rendered: Optional[str],
                profile: Mapping[str, Any]) -> List[Dict[str, Any]]:
    """Profile organisations a text names: by placeholder, or by their name in the text."""
    found: Dict[str, Dict[str, Any]] = {}
    orgs = {"kcc": profile["kcc"], "sociaal_loket": profile["sociaal_loket"],
            "welzijn": profile["welzijn"]}
    orgs.update({f"partner:{k}": v for k, v in profile.get("partners", {}).items()})
    for m in _LOCAL_PLACEHOLDER_RE.finditer(source or ""):
        key = m.group(1) or f"partner:{m.group(2)}"
        if key in orgs:
            found[key] = orgs[key]
    for key, org in orgs.items():
        name = (org.get("name") or "").strip()
        if name and re.search(r"(?<!\w)" + re.escape(name) + r"(?!\w)", rendered or "", re.I):
            found[key] = org
    return [dict(org, key=key) for key, org in found.items()]


def helpline_aliases(h: Mapping[str, Any]) -> List[str]:
    """How texts name a help line: 'Veilig Thuis', 'De Luisterlijn' -> 'Luisterlijn', '113'."""
    name = re.sub(r"^(Alarmnummer|De|Het)\s+|\s*\(.*\)$", "", h["name"]).strip()
    aliases = {name}
    if re.match(r"^\d{3}\b", name):
        aliases = {name.split()[0]}
    return sorted(aliases)


def named_helplines(rendered: Optional[str], helplines: Sequence[Mapping[str, Any]]
                    ) -> List[Mapping[str, Any]]:
    out = []
    for h in helplines:
        numbers = [h.get("number")] + list(h.get("alt_numbers") or [])
        by_name = any(re.search(r"(?<![\w-])" + re.escape(a) + r"(?![\w-])", rendered or "", re.I)
                      for a in helpline_aliases(h))
        by_number = any(_digits(n) and _digits(n) in _numbers_in(rendered or "") for n in numbers)
        if by_name or by_number:
            out.append(h)
    return out


def _helpline_phones(h: Mapping[str, Any]) -> List[str]:
    # Numbers that are not verified are not offered to residents (the website is, see helplines.yml).
    if h.get("verified") != "verified":
        return []
    return [n for n in [h.get("number")] + list(h.get("alt_numbers") or []) if n]


def contact_links(texts: Sequence[Tuple[Optional[str], Optional[str]]], profile: Mapping[str, Any],
                  helplines: Sequence[Mapping[str, Any]]) -> List[Dict[str, str]]:
    """Links that let a resident reach everyone `texts` ((source, rendered) pairs) name."""
    links: List[Dict[str, str]] = []

    def add(title: str, url: Optional[str]) -> None:
        if url and all(link["url"] != url for link in links):
            links.append({"title": title, "url": url})

    for source, rendered in texts:
        for h in named_helplines(rendered, helplines):
            for number in _helpline_phones(h)[:1]:
                add(f"Bel {h['name']}: {number}", tel_url(number))
            if h.get("url"):
                add(f"Website {h['name']}", h["url"])
    general = False
    for source, rendered in texts:
        for org in named_local(source, rendered, profile):
            own = False
            if org.get("phone"):
                add(f"Bel {org.get('name') or org['mention']}: {org['phone']}", tel_url(org["phone"]))
                own = True
            if org.get("website") and host(org["website"]) != host(profile.get("website")):
                add(f"Website {org.get('name') or org['mention']}", org["website"])
                own = True
            general = general or not own
    if general and profile.get("website"):
        add(f"Contact met de gemeente {profile['name']} (website)", profile["website"])
    return links


def with_reach(source: Optional[str], rendered: Optional[str], profile: Mapping[str, Any],
               helplines: Sequence[Mapping[str, Any]]) -> Optional[str]:
    """A ladder text that names someone ends with how to reach them, unless it says so already."""
    if not rendered:
        return rendered
    extra: List[str] = []
    general_host = host(profile.get("website"))
    for h in named_helplines(rendered, helplines):
        phones = _helpline_phones(h)
        if _text_reaches(rendered, [h.get("number")] + list(h.get("alt_numbers") or []), [h.get("url")]):
            continue
        if phones:
            extra.append(f"Bel {h['name']}: {phones[0]}.")
        elif h.get("url"):
            extra.append(f"Kijk op {host(h['url']).replace('www.', '', 1)}.")
    missing = [org for org in named_local(source, rendered, profile)
               if not _text_reaches(rendered, [org.get("phone")],
                                    [org.get("website"), profile.get("website")])]
    if missing and general_host:
        extra.append(f"Hoe u ze bereikt, ziet u op {general_host}.")
    return " ".join([rendered.rstrip()] + extra) if extra else rendered


def build_helpline(d: Mapping[str, Any]) -> Helpline:
    return Helpline(key=d["key"], name=d["name"], number=d.get("number"), hours=d.get("hours"),
                    url=d.get("url"), description=d["description"],
                    alt_numbers=list(d.get("alt_numbers", [])), verified=d["verified"],
                    verified_on=d.get("verified_on"), status_note=d.get("status_note"),
                    sources=list(d.get("sources", [])))


def build_catalogue(entries: Sequence[Mapping[str, Any]], profile_data: Mapping[str, Any],
                    helplines: Sequence[Mapping[str, Any]], content_hash: str = "") -> Catalogue:
    profile = build_profile(profile_data)
    return Catalogue([build_entry(e, profile_data, helplines) for e in entries], profile,
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
            _number, overlay = published_layer(conn, slug)
            entries, profile_data = merge(entries, profile.data, overlay)
            return build_catalogue(entries, profile_data, helplines, state.content_hash)
    finally:
        engine.dispose()


def published_layer(conn: Any, slug: str) -> Tuple[int, Optional[Dict[str, Any]]]:
    """(number, overlay) of the municipality's live local layer; (0, None) when there is none
    (also in a database from before catalogue editing, which has no versions table yet)."""
    from sqlalchemy import inspect, select

    from .models import KbLayerVersion as V

    if not inspect(conn).has_table(V.__tablename__):
        return 0, None
    row = conn.execute(select(V.number, V.data).where(
        V.municipality == slug, V.status == "published").order_by(V.number.desc())).first()
    return (row.number, row.data) if row else (0, None)


_MARKER_ENGINES: Dict[str, Any] = {}


def catalogue_marker(url: str, slug: str) -> Tuple[str, int]:
    """What a cached catalogue must still match: (content hash, newest published version id).

    Why so small: it is asked before every use of the cached catalogue, so a version published
    in the console reaches the next resident message without a restart. Two indexed reads.
    """
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError, ProgrammingError
    from sqlalchemy.pool import QueuePool

    engine = _MARKER_ENGINES.get(url)
    if engine is None:
        # A small pool: the check runs for every message, opening a connection each time costs
        # more than the query (SQLite connections may cross threads, the lock is SQLite's).
        args = {"check_same_thread": False} if url.startswith("sqlite") else {}
        engine = _MARKER_ENGINES.setdefault(url, create_engine(
            url, future=True, poolclass=QueuePool, pool_size=2, max_overflow=4,
            connect_args=args))
    try:
        with engine.connect() as conn:
            row = conn.execute(text(
                "SELECT (SELECT content_hash FROM kb_source_state), (SELECT max(id) FROM "
                "kb_layer_versions WHERE municipality = :m AND status = 'published')"),
                {"m": slug}).first()
    except (OperationalError, ProgrammingError):  # tables not made yet: nothing to compare
        return ("", 0)
    return (row[0] or "", row[1] or 0)
