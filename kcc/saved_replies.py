"""Saved replies ("standaardantwoorden"): the shipped B1 texts plus the ones staff add.

Why a data file and a table: the shipped replies are reviewed like code (B1, no jargon) and are
the same for every deployment; staff of a municipality add their own without a release. The
console searches both and inserts one into the reply box with the keyboard.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

import yaml
from sqlalchemy import delete, select

from kcc.db import get_engine, session_factory
from kcc.models import SavedReply

DATA = Path(__file__).resolve().parent / "data" / "saved_replies.yml"
MAX_TITLE = 120
MAX_TEXT = 2000


@dataclass(frozen=True)
class Reply:
    key: str
    title: str
    text: str
    #: The id of a reply staff added (None for a shipped one).
    id: Optional[int] = None
    created_by: Optional[str] = None

    def as_json(self) -> dict:
        return {"key": self.key, "title": self.title, "text": self.text, "id": self.id,
                "own": self.id is not None}


@lru_cache(maxsize=1)
def shipped() -> Dict[str, object]:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def fill(text: str, staff_name: str, municipality_name: str) -> str:
    return text.replace("{naam}", staff_name).replace("{gemeente}", municipality_name)


def matches(reply: Reply, query: str) -> bool:
    """Every word of the query appears in the title or the text (case and accents as typed)."""
    haystack = f"{reply.title} {reply.text}".casefold()
    return all(word in haystack for word in query.casefold().split())


class SavedReplies:
    def __init__(self, database_url: Optional[str] = None) -> None:
        self._session = session_factory(get_engine(database_url))

    def for_municipality(self, municipality: str, staff_name: str = "",
                         municipality_name: str = "", query: str = "") -> List[Reply]:
        """The shipped replies (the municipality's own versions first), then the added ones,
        filled in for this staff member; only those matching ``query`` when given."""
        data = shipped()
        by_key: Dict[str, dict] = {r["key"]: r for r in data.get("default", [])}
        for reply in (data.get("municipalities") or {}).get(municipality, []):
            by_key[reply["key"]] = reply
        name = municipality_name or municipality.replace("-", " ").title()
        found = [Reply(r["key"], r["title"], fill(r["text"], staff_name, name))
                 for r in by_key.values()]
        with self._session() as s:
            rows = s.execute(select(SavedReply).where(SavedReply.municipality == municipality)
                             .order_by(SavedReply.title)).scalars()
            found += [Reply(f"eigen-{row.id}", row.title, fill(row.text, staff_name, name),
                            row.id, row.created_by) for row in rows]
        return [r for r in found if matches(r, query)] if query.strip() else found

    def add(self, municipality: str, title: str, text: str, created_by: str) -> SavedReply:
        title, text = title.strip(), text.strip()
        if not title or not text:
            raise ValueError("Vul een titel en een tekst in.")
        if len(title) > MAX_TITLE or len(text) > MAX_TEXT:
            raise ValueError(f"De titel mag {MAX_TITLE} en de tekst {MAX_TEXT} tekens hebben.")
        with self._session() as s, s.begin():
            row = SavedReply(municipality=municipality, title=title, text=text,
                             created_by=created_by)
            s.add(row)
            s.flush()
            return row

    def get(self, reply_id: int) -> Optional[SavedReply]:
        with self._session() as s:
            return s.get(SavedReply, reply_id)

    def delete(self, reply_id: int) -> None:
        with self._session() as s, s.begin():
            s.execute(delete(SavedReply).where(SavedReply.id == reply_id))
