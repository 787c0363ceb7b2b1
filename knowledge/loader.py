"""Validate the YAML sources and load them into the database in one transaction.

Why so strict: the assistant answers residents only from this catalogue, so a broken or
half-loaded catalogue is worse than the previous one. Rules:
- every problem is reported as `file: entry <id>: field <name>: message`, all at once;
- nothing is written unless everything validates; writing is one transaction;
- a content hash makes reloading unchanged sources a no-op.
"""
from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

import yaml
from pydantic import ValidationError

from . import settings
from .render import RenderError, partner_keys_used, render
from assistant.vocabulary import RUNGS, TOPICS

from .schema import EntryFile, HelplineFile, ProfileModel


SCHEMA_VERSION = "kb-1"


@dataclass(frozen=True)
class Problem:
    file: str
    entry: Optional[str]
    field: Optional[str]
    message: str

    def __str__(self) -> str:
        parts = [self.file]
        if self.entry:
            parts.append(f"entry {self.entry}")
        if self.field:
            parts.append(f"field {self.field}")
        return ": ".join(parts) + f": {self.message}"


class ContentError(ValueError):
    """Raised with every validation problem; nothing has been written."""

    def __init__(self, problems: List[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Sources:
    """Validated source data, as plain dicts (JSON-serialisable, unrendered)."""

    entries: List[Tuple[str, Dict[str, Any]]] = field(default_factory=list)  # (file, entry)
    profiles: List[Tuple[str, Dict[str, Any]]] = field(default_factory=list)
    helplines: List[Dict[str, Any]] = field(default_factory=list)
    content_hash: str = ""


@dataclass(frozen=True)
class LoadResult:
    changed: bool
    content_hash: str
    entries: int
    profiles: int
    helplines: int


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _source_files(content_dir: Path) -> List[Path]:
    return sorted(p for p in content_dir.rglob("*.yml") if p.is_file())


def content_hash(content_dir: Path) -> str:
    """sha256 over schema version, relative paths and bytes of every source file."""
    h = hashlib.sha256(SCHEMA_VERSION.encode())
    for path in _source_files(content_dir) + sorted(content_dir.rglob("*.csv")):
        h.update(str(path.relative_to(content_dir)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _pydantic_problems(file: str, exc: ValidationError, raw: Any, list_key: str) -> List[Problem]:
    problems = []
    items = raw.get(list_key, []) if isinstance(raw, dict) else []
    for err in exc.errors():
        loc = list(err["loc"])
        entry_id = None
        if len(loc) >= 2 and loc[0] == list_key and isinstance(loc[1], int):
            idx = loc[1]
            item = items[idx] if idx < len(items) and isinstance(items[idx], dict) else {}
            entry_id = str(item.get("id") or item.get("key") or f"#{idx + 1}")
            loc = loc[2:]
        fld = ".".join(str(x) for x in loc if x != "__root__") or None
        problems.append(Problem(file, entry_id, fld, err["msg"]))
    return problems


def _read_yaml(path: Path, name: str, problems: List[Problem]) -> Any:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        if raw is None:  # an empty file would otherwise silently drop its entries or help lines
            problems.append(Problem(name, None, None, "file is empty"))
        return raw
    except yaml.YAMLError as exc:
        problems.append(Problem(name, None, None, f"YAML error: {exc}"))
        return None
    except UnicodeDecodeError:
        problems.append(Problem(name, None, None, "not UTF-8 text"))
        return None
    except RecursionError:
        problems.append(Problem(name, None, None, "YAML nested too deeply"))
        return None


def _upl_index(content_dir: Path) -> Dict[str, str]:
    path = content_dir / "upl.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as fh:
        return {row["UniformeProductnaam"]: row["URI"] for row in csv.DictReader(fh)}


def read_sources(content_dir: Optional[Path] = None) -> Sources:
    """Parse and validate every source file; raise ContentError listing all problems."""
    content_dir = Path(content_dir or settings.CONTENT_DIR)
    problems: List[Problem] = []
    src = Sources(content_hash=content_hash(content_dir))

    for path in sorted((content_dir / "national").glob("*.yml")):
        name = _rel(path, content_dir)
        raw = _read_yaml(path, name, problems)
        if raw is None:
            continue
        try:
            parsed = EntryFile.parse_obj(raw)
        except ValidationError as exc:
            problems.extend(_pydantic_problems(name, exc, raw, "entries"))
            continue
        for model in parsed.entries:
            data = json.loads(model.json())
            src.entries.append((name, data))

    help_path = content_dir / "helplines.yml"
    if help_path.exists():
        name = _rel(help_path, content_dir)
        raw = _read_yaml(help_path, name, problems)
        if raw is not None:
            try:
                src.helplines = [json.loads(h.json()) for h in HelplineFile.parse_obj(raw).helplines]
            except ValidationError as exc:
                problems.extend(_pydantic_problems(name, exc, raw, "helplines"))
    else:
        problems.append(Problem(_rel(help_path, content_dir), None, None, "file missing"))

    for path in sorted((content_dir / "municipalities").glob("*.yml")):
        name = _rel(path, content_dir)
        raw = _read_yaml(path, name, problems)
        if raw is None:
            continue
        try:
            model = ProfileModel.parse_obj(raw)
        except ValidationError as exc:
            for p in _pydantic_problems(name, exc, raw, "-"):
                slug = raw.get("slug", path.stem) if isinstance(raw, dict) else path.stem
                problems.append(Problem(name, str(slug), p.field, p.message))
            continue
        if model.slug != path.stem:
            problems.append(Problem(name, model.slug, "slug", f"must equal file name {path.stem!r}"))
        src.profiles.append((name, json.loads(model.json())))

    problems.extend(_cross_checks(src, _upl_index(content_dir)))
    if problems:
        raise ContentError(problems)
    return src


def _cross_checks(src: Sources, upl: Dict[str, str]) -> Iterable[Problem]:
    """Checks that span entries and files: ids, related, topics, UPL names, placeholders."""
    seen: Dict[str, str] = {}
    for file, e in src.entries:
        if e["id"] in seen:
            yield Problem(file, e["id"], "id", f"duplicate id (also in {seen[e['id']]})")
        seen[e["id"]] = file
    for file, e in src.entries:
        for rel in e["related"]:
            if rel not in seen:
                yield Problem(file, e["id"], "related", f"unknown entry id {rel!r}")
        if e["upl_name"] is not None and upl:
            if e["upl_name"] not in upl:
                yield Problem(file, e["id"], "upl_name", f"{e['upl_name']!r} is not a UPL name")
            elif upl[e["upl_name"]] != e["upl_uri"]:
                yield Problem(file, e["id"], "upl_uri", f"expected {upl[e['upl_name']]}")
    mains: Dict[str, List[str]] = {}
    for _file, e in src.entries:
        mains.setdefault(e["topic"], [])
        if e["main"]:
            mains[e["topic"]].append(e["id"])
    for topic in TOPICS:
        if topic not in mains:
            yield Problem("national/", None, "topic", f"topic {topic!r} has no entry")
        elif len(mains[topic]) != 1:
            yield Problem("national/", None, "main",
                          f"topic {topic!r} needs exactly one main entry, has {mains[topic]}")
    defaults = [p["slug"] for _f, p in src.profiles if p["default"]]
    if src.profiles and len(defaults) != 1:
        yield Problem("municipalities/", None, "default", f"exactly one default profile, got {defaults}")
    keys = [h["key"] for h in src.helplines]
    if len(keys) != len(set(keys)):
        yield Problem("helplines.yml", None, "key", "duplicate helpline key")
    # Every text must render for every municipality (no dangling partner keys).
    for pfile, profile in src.profiles:
        for file, e in src.entries:
            for fld, text in _texts(e):
                try:
                    render(text, profile)
                except RenderError as exc:
                    yield Problem(file, e["id"], fld, f"{exc} ({pfile})")


def _texts(e: Dict[str, Any]) -> Iterable[Tuple[str, Optional[str]]]:
    yield "title", e["title"]
    yield "short_answer", e["short_answer"]
    yield "details", e["details"]
    for rung in RUNGS:
        yield f"ladder.{rung}", e["ladder"].get(rung)


def partner_keys(src: Sources) -> set:
    """All partner keys used by national texts (for editors and tests)."""
    keys: set = set()
    for _f, e in src.entries:
        for _fld, text in _texts(e):
            keys |= partner_keys_used(text)
    return keys


def load(url: Optional[str] = None, content_dir: Optional[Path] = None,
         force: bool = False) -> LoadResult:
    """Validate and (re)load the sources into DATABASE_URL; no-op when the hash is unchanged."""
    return store(read_sources(content_dir), url, force=force)


def store(src: Sources, url: Optional[str] = None, force: bool = False) -> LoadResult:
    """Write validated sources in one transaction (also used by `make bench` for synthetic
    catalogues); no-op when the stored hash is the same."""
    from sqlalchemy import create_engine, select

    from .migrate import upgrade
    from .models import KB_TABLES, KbEntry, KbHelpline, KbProfile, KbSourceState

    upgrade(url)  # the schema by migrations, so a reload never drops an edit (kb_layer_versions)
    engine = create_engine(settings.database_url(url), future=True)
    try:
        with engine.begin() as conn:
            state = conn.execute(select(KbSourceState.__table__)).first()
            if state is not None and state.content_hash == src.content_hash and not force:
                return LoadResult(False, src.content_hash, state.entry_count,
                                  state.profile_count, state.helpline_count)
            for table in KB_TABLES:
                conn.execute(table.delete())
            conn.execute(KbEntry.__table__.insert(), [
                {"id": e["id"], "position": i, "topic": e["topic"], "title": e["title"],
                 "main": e["main"], "upl_name": e["upl_name"], "upl_uri": e["upl_uri"],
                 "source_file": f, "data": e}
                for i, (f, e) in enumerate(src.entries)])
            conn.execute(KbProfile.__table__.insert(), [
                {"slug": p["slug"], "name": p["name"], "is_default": p["default"],
                 "source_file": f, "data": p} for f, p in src.profiles])
            conn.execute(KbHelpline.__table__.insert(), [
                {"key": h["key"], "position": i, "name": h["name"], "number": h["number"],
                 "data": h} for i, h in enumerate(src.helplines)])
            conn.execute(KbSourceState.__table__.insert(), [{
                "id": 1, "content_hash": src.content_hash, "entry_count": len(src.entries),
                "profile_count": len(src.profiles), "helpline_count": len(src.helplines)}])
    finally:
        engine.dispose()
    return LoadResult(True, src.content_hash, len(src.entries), len(src.profiles),
                      len(src.helplines))
