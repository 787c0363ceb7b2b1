"""Editing a municipality's local layer: drafts, four eyes, history and rollback.

Why this shape:
- a change is a *draft* until a second beheerder approves it, and whoever wrote part of a draft
  cannot approve it (four eyes: a typo in a phone number reaches residents only after a colleague
  looked at it);
- every published version is a whole snapshot (``kb_layer_versions``), so history, diff and
  rollback are reads, and a reload of the national sources never touches an edit;
- an edit is validated with the loader's schema (the same messages as ``python -m knowledge
  validate``) on the merged result before anything is stored, and a new fact (amount, phone
  number, law article, address) needs a source;
- publishing writes one row; the action server sees the new version on its next message
  (:func:`knowledge.get_catalogue` compares a cheap marker, see :func:`catalogue_marker`).

The console (kcc/catalogue_views.py) checks roles; this module checks the content rules.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from pydantic import ValidationError

from . import layers, settings
from .facts import describe, new_facts
from .loader import Problem
from .render import RenderError, render
from .schema import SOURCE_RE, EntryModel, ProfileModel
from assistant.vocabulary import RUNGS

PROFILE = "profile"


class EditError(ValueError):
    """The change breaks a rule; ``problems`` say which field and why. Nothing was stored."""

    def __init__(self, problems: List[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))

    def by_field(self) -> Dict[str, List[str]]:
        out: Dict[str, List[str]] = {}
        for p in self.problems:
            out.setdefault(p.field or "", []).append(p.message)
        return out


class FourEyes(PermissionError):
    """The approver wrote (part of) the draft."""


@dataclass
class Version:
    id: int
    municipality: str
    status: str
    number: Optional[int]
    base_number: int
    data: Dict[str, Any]
    authors: List[str]
    approved_by: Optional[str]
    note: Optional[str]
    created_at: datetime
    decided_at: Optional[datetime]


@dataclass
class Base:
    """The national layer as loaded: entries with their source file, profiles, help lines."""

    entries: List[Tuple[str, Dict[str, Any]]] = field(default_factory=list)
    profiles: Dict[str, Dict[str, Any]] = field(default_factory=dict)
    profile_files: Dict[str, str] = field(default_factory=dict)
    helplines: List[Dict[str, Any]] = field(default_factory=list)
    content_hash: str = ""


def _now() -> datetime:
    return datetime.utcnow()


def _field_of(loc: Sequence[Any]) -> str:
    return ".".join(str(x) for x in loc if x != "__root__")


def schema_problems(model: Any, data: Mapping[str, Any], where: str) -> List[Problem]:
    """The loader's schema errors for one entry or profile, as (field, message)."""
    try:
        model.parse_obj(data)
    except ValidationError as exc:
        return [Problem("console", where, _field_of(e["loc"]) or None, e["msg"])
                for e in exc.errors()]
    return []


def entry_problems(entry: Mapping[str, Any], profile: Mapping[str, Any],
                   known_ids: Sequence[str]) -> List[Problem]:
    """Schema, placeholders that must render for this municipality, and related ids."""
    problems = schema_problems(EntryModel, entry, str(entry.get("id")))
    if problems:
        return problems
    texts = [("title", entry["title"]), ("short_answer", entry["short_answer"]),
             ("details", entry["details"])] + [(f"ladder.{r}", entry["ladder"].get(r))
                                               for r in RUNGS]
    for fld, text in texts:
        try:
            render(text, profile)
        except RenderError as exc:
            problems.append(Problem("console", entry["id"], fld, str(exc)))
    for rel in entry.get("related", []):
        if rel not in known_ids:
            problems.append(Problem("console", entry["id"], "related", f"onbekende entry {rel!r}"))
    return problems


def source_target(target: str, path: str) -> str:
    """Where the source of a changed field is written: the sources list nearest to it."""
    if target != PROFILE:
        return "sources"
    parts = path.split(".")
    if parts[0] in ("kcc", "sociaal_loket", "welzijn"):
        return f"{parts[0]}.sources"
    if parts[0] == "partners" and len(parts) > 1:
        return f"partners.{parts[1]}.sources"
    return "sources"


class Editor:
    """Drafts and versions of the local layers in DATABASE_URL."""

    def __init__(self, database_url: Optional[str] = None) -> None:
        from sqlalchemy import create_engine

        self.url = settings.database_url(database_url)
        self._engine = create_engine(self.url, future=True,
                                     connect_args={"timeout": 15} if self.url.startswith(
                                         "sqlite") else {})

    # -- reading ----------------------------------------------------------------------------
    def base(self) -> Base:
        from sqlalchemy import select

        from .models import KbEntry, KbHelpline, KbProfile, KbSourceState

        with self._engine.connect() as conn:
            state = conn.execute(select(KbSourceState.__table__)).first()
            base = Base(content_hash=state.content_hash if state else "")
            base.entries = [(r.source_file, r.data) for r in conn.execute(
                select(KbEntry.__table__).order_by(KbEntry.position))]
            for r in conn.execute(select(KbProfile.__table__)):
                base.profiles[r.slug] = r.data
                base.profile_files[r.slug] = r.source_file
            base.helplines = [r.data for r in conn.execute(
                select(KbHelpline.__table__).order_by(KbHelpline.position))]
        return base

    def _versions(self, slug: str, *statuses: str) -> List[Version]:
        from sqlalchemy import select

        from .models import KbLayerVersion as V

        query = select(V.__table__).where(V.municipality == slug)
        if statuses:
            query = query.where(V.status.in_(statuses))
        with self._engine.connect() as conn:
            rows = conn.execute(query.order_by(V.id.desc())).all()
        return [Version(id=r.id, municipality=r.municipality, status=r.status, number=r.number,
                        base_number=r.base_number, data=layers.normalise(r.data),
                        authors=list(r.authors), approved_by=r.approved_by, note=r.note,
                        created_at=r.created_at, decided_at=r.decided_at) for r in rows]

    def published(self, slug: str) -> Optional[Version]:
        found = self._versions(slug, "published")
        return found[0] if found else None

    def draft(self, slug: str) -> Optional[Version]:
        found = self._versions(slug, "draft")
        return found[0] if found else None

    def history(self, slug: str) -> List[Version]:
        """Published and withdrawn versions, newest first."""
        return self._versions(slug, "published", "withdrawn")

    def version(self, slug: str, number: int) -> Optional[Version]:
        return next((v for v in self._versions(slug, "published") if v.number == number), None)

    def layer(self, slug: str, draft: bool = True) -> Dict[str, Any]:
        """The local layer being edited (the draft, else the live one)."""
        version = (self.draft(slug) if draft else None) or self.published(slug)
        return layers.normalise(version.data if version else None)

    def merged(self, slug: str, overlay: Mapping[str, Any], base: Optional[Base] = None
               ) -> Tuple[List[Dict[str, Any]], Dict[str, Any]]:
        base = base or self.base()
        if slug not in base.profiles:
            raise LookupError(slug)
        return layers.merge([e for _f, e in base.entries], base.profiles[slug], overlay)

    def catalogue(self, slug: str, overlay: Mapping[str, Any]):
        """The catalogue residents would get with ``overlay`` (the preview)."""
        from .catalogue import build_catalogue

        base = self.base()
        entries, profile = self.merged(slug, overlay, base)
        return build_catalogue(entries, profile, base.helplines, base.content_hash)

    # -- writing ----------------------------------------------------------------------------
    def edit(self, slug: str, author: str, target: str, changes: Mapping[str, Any],
             source: Optional[str] = None) -> Version:
        """Apply ``changes`` (path -> value) to ``target`` (an entry id or ``profile``) in the
        municipality's draft. A value equal to the national one removes the local override."""
        base = self.base()
        overlay = self.layer(slug)
        entries, profile = self.merged(slug, overlay, base)
        national = {e["id"]: e for _f, e in base.entries}
        added = target in overlay["added"]
        if target == PROFILE:
            current, national_data = profile, base.profiles[slug]
        elif added:
            current, national_data = overlay["added"][target], None
        elif target in national:
            current, national_data = next(e for e in entries if e["id"] == target), national[target]
        else:
            raise LookupError(target)
        problems: List[Problem] = []
        source = (source or "").strip() or None
        facts = [f for path, value in changes.items()
                 for f in new_facts(layers.get_path(current, path), value)]
        if facts and source is None:
            first = next(p for p, v in changes.items()
                         if new_facts(layers.get_path(current, p), v))
            problems.append(Problem("console", target, first,
                                    f"Dit bevat {describe(facts)}. Geef een bron op."))
        if source is not None and not SOURCE_RE.match(source):
            problems.append(Problem("console", target, "bron", "Onbekende vorm van bron. Gebruik "
                                    "bijvoorbeeld een https-adres of 'Wmo 2015 art. 2.3.2'."))
        if problems:
            raise EditError(problems)
        updated = layers.apply(current, changes)
        if source is not None:
            for path in {source_target(target, p) for p in changes}:
                listed = list(layers.get_path(updated, path) or [])
                if source not in listed:
                    layers.set_path(updated, path, listed + [source])
        if target == PROFILE:
            problems = schema_problems(ProfileModel, updated, slug)
            problems += [p for e in entries for p in entry_problems(e, updated, [])
                         if p.field != "related"]
        else:
            ids = [e["id"] for e in entries]
            problems = entry_problems(updated, profile, ids)
        if problems:
            raise EditError(problems)
        if added:
            overlay["added"][target] = updated
        else:
            part = overlay["profile"] if target == PROFILE else overlay["entries"].setdefault(
                target, {})
            paths = set(changes) | {source_target(target, p) for p in changes if source}
            for path in paths:
                value = layers.get_path(updated, path)
                if value == layers.get_path(national_data, path):
                    part.pop(path, None)
                else:
                    part[path] = copy.deepcopy(value)
            if target != PROFILE and not part:
                overlay["entries"].pop(target, None)
        return self._save_draft(slug, author, overlay)

    def add_entry(self, slug: str, author: str, entry: Mapping[str, Any]) -> Version:
        """A local entry (only in this municipality), validated like a national one."""
        overlay = self.layer(slug)
        entries, profile = self.merged(slug, overlay)
        data = json.loads(json.dumps(dict(entry)))
        ids = [e["id"] for e in entries]
        if data.get("id") in ids and data.get("id") not in overlay["added"]:
            raise EditError([Problem("console", data.get("id"), "id", "Deze id bestaat al.")])
        problems = entry_problems(data, profile, ids + [data.get("id")])
        if problems:
            raise EditError(problems)
        data = json.loads(EntryModel.parse_obj(data).json())
        overlay["added"][data["id"]] = data
        return self._save_draft(slug, author, overlay)

    def _save_draft(self, slug: str, author: str, overlay: Dict[str, Any]) -> Version:
        from sqlalchemy import insert, update

        from .models import KbLayerVersion as V

        draft = self.draft(slug)
        live = self.published(slug)
        with self._engine.begin() as conn:
            if draft is None:
                conn.execute(insert(V.__table__).values(
                    municipality=slug, status="draft", number=None,
                    base_number=live.number if live else 0, data=overlay, authors=[author],
                    created_at=_now(), updated_at=_now()))
            else:
                authors = draft.authors + ([author] if author not in draft.authors else [])
                conn.execute(update(V.__table__).where(V.id == draft.id).values(
                    data=overlay, authors=authors, updated_at=_now()))
        result = self.draft(slug)
        assert result is not None
        return result

    def approve(self, slug: str, approver: str) -> Version:
        """Publish the draft; refused to anyone who wrote part of it."""
        draft = self.draft(slug)
        if draft is None:
            raise LookupError("Er is geen concept.")
        if approver in draft.authors:
            raise FourEyes("U hebt (een deel van) dit concept zelf gemaakt. Een andere "
                           "beheerder moet het goedkeuren.")
        live = self.published(slug)
        if (live.number if live else 0) != draft.base_number:
            raise EditError([Problem("console", slug, None, "Het concept hoort bij een oudere "
                                     "versie. Gooi het weg en begin opnieuw.")])
        problems = self.validate(slug, draft.data)
        if problems:
            raise EditError(problems)
        return self._publish(slug, draft.data, approver, draft_id=draft.id)

    def validate(self, slug: str, overlay: Mapping[str, Any]) -> List[Problem]:
        """Every merged entry and the profile against the schema (national content may have
        changed since the draft was made)."""
        entries, profile = self.merged(slug, overlay)
        ids = [e["id"] for e in entries]
        return schema_problems(ProfileModel, profile, slug) + [
            p for e in entries for p in entry_problems(e, profile, ids)]

    def withdraw(self, slug: str) -> None:
        from sqlalchemy import update

        from .models import KbLayerVersion as V

        with self._engine.begin() as conn:
            conn.execute(update(V.__table__).where(V.municipality == slug, V.status == "draft")
                         .values(status="withdrawn", decided_at=_now()))

    def rollback(self, slug: str, number: int, who: str) -> Version:
        """Publish again what version ``number`` had (0 = only the national content). Why no
        second pair of eyes: the version was approved by two people when it was first live."""
        if number == 0:
            data: Dict[str, Any] = layers.empty()
        else:
            old = self.version(slug, number)
            if old is None:
                raise LookupError(f"versie {number} bestaat niet")
            data = old.data
        return self._publish(slug, data, who, note=f"Terug naar versie {number}", authors=[who])

    def _publish(self, slug: str, data: Mapping[str, Any], approver: str,
                 draft_id: Optional[int] = None, note: Optional[str] = None,
                 authors: Optional[List[str]] = None) -> Version:
        from sqlalchemy import func, insert, select, update

        from .models import KbLayerVersion as V

        with self._engine.begin() as conn:
            number = (conn.execute(select(func.max(V.number)).where(
                V.municipality == slug)).scalar() or 0) + 1
            values = dict(status="published", number=number, approved_by=approver,
                          decided_at=_now(), updated_at=_now())
            if draft_id is not None:
                conn.execute(update(V.__table__).where(V.id == draft_id).values(**values))
            else:
                conn.execute(insert(V.__table__).values(
                    municipality=slug, base_number=number - 1, data=dict(data),
                    authors=authors or [approver], note=note, created_at=_now(), **values))
        published = self.published(slug)
        assert published is not None
        from . import reset_cache

        reset_cache()  # this process sees it at once; others within RECHECK_SECONDS
        return published

    def diff(self, slug: str, number: int) -> List[Dict[str, Any]]:
        """What version ``number`` changed compared to the version before it."""
        new = self.version(slug, number)
        old = self.version(slug, number - 1) if number > 1 else None
        return layers.diff(old.data if old else None, new.data if new else None)
