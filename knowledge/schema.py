"""Validation schema for the YAML sources (pydantic 1.10).

Why a schema: content editors change these files by hand. Every mistake must be reported with
file, entry id and field, before anything reaches the database.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Dict, List, Optional

from pydantic import BaseModel, Extra, HttpUrl, validator, root_validator

from assistant.vocabulary import RUNGS, TOPICS

from .types import DAY_KEYS

SLUG_RE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
PLACEHOLDER_RE = re.compile(r"\{([a-z_]+)(?::([a-z0-9_]+))?\}")
SIMPLE_PLACEHOLDERS = {"gemeente", "sociaal_loket", "kcc", "welzijn", "algemene_contact"}
# A source is a seed line (002:L848 or 002:L848-853), a law article, or an official page.
SOURCE_RE = re.compile(
    r"^(?:\d{3}:L\d+(?:-\d+)?(?:,\s*L?\d+(?:-\d+)?)*"          # seed document + line(s)
    r"|(?:Wmo 2015|Jeugdwet|Participatiewet|Wgs|Awb|Invorderingswet 1990|Wlz|Zvw) art\. .+"
    r"|https?://\S+.*"                                          # official page (+ optional note)
    r"|facts: .+"                                               # section of standards-and-facts.md
    r"|UPL: .+)$"                                               # UPL product row
)


class _Strict(BaseModel):
    class Config:
        extra = Extra.forbid
        anystr_strip_whitespace = True


class LinkModel(_Strict):
    title: str
    url: HttpUrl


def _check_placeholders(text: str) -> str:
    for m in PLACEHOLDER_RE.finditer(text):
        name, arg = m.group(1), m.group(2)
        if name == "partner":
            if not arg:
                raise ValueError(f"placeholder {m.group(0)} needs a partner key")
        elif name not in SIMPLE_PLACEHOLDERS:
            raise ValueError(f"unknown placeholder {m.group(0)}")
    stray = re.sub(PLACEHOLDER_RE, "", text)
    if "{" in stray or "}" in stray:
        raise ValueError("unbalanced or malformed placeholder braces")
    return text


class EntryModel(_Strict):
    id: str
    topic: str
    title: str
    main: bool = False
    upl_name: Optional[str]
    upl_uri: Optional[str]
    short_answer: str
    details: str
    ladder: Dict[str, Optional[str]]
    ladder_na_reason: Dict[str, str] = {}
    related: List[str] = []
    synonyms: List[str]
    links: List[LinkModel] = []
    sources: List[str]

    @validator("id")
    def _slug(cls, v: str) -> str:
        if not SLUG_RE.match(v):
            raise ValueError("must be a slug (lowercase letters, digits, '-' or '_')")
        return v

    @validator("topic")
    def _topic(cls, v: str) -> str:
        if v not in TOPICS:
            raise ValueError(f"unknown topic label {v!r}")
        return v

    @validator("title", "short_answer", "details")
    def _text(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("must not be empty")
        return _check_placeholders(v)

    @validator("ladder")
    def _ladder(cls, v: Dict[str, Optional[str]]) -> Dict[str, Optional[str]]:
        missing = [r for r in RUNGS if r not in v]
        extra = [r for r in v if r not in RUNGS]
        if missing:
            raise ValueError(f"missing rung(s) {missing}; write `null` plus ladder_na_reason if n.v.t.")
        if extra:
            raise ValueError(f"unknown rung(s) {extra}")
        for rung, text in v.items():
            if text is not None:
                if not text.strip():
                    raise ValueError(f"rung {rung} is empty; use null plus ladder_na_reason")
                _check_placeholders(text)
        return v

    @validator("synonyms")
    def _synonyms(cls, v: List[str]) -> List[str]:
        if len(v) < 3:
            raise ValueError("give at least 3 resident phrasings")
        return v

    @validator("sources")
    def _sources(cls, v: List[str]) -> List[str]:
        if not v:
            raise ValueError("every entry needs at least one source")
        bad = [s for s in v if not SOURCE_RE.match(s)]
        if bad:
            raise ValueError(f"unrecognised source format: {bad}")
        return v

    @root_validator(skip_on_failure=True)
    def _na_reasons(cls, values: dict) -> dict:
        ladder = values.get("ladder") or {}
        reasons = values.get("ladder_na_reason") or {}
        for rung, text in ladder.items():
            if text is None and not reasons.get(rung, "").strip():
                raise ValueError(f"ladder.{rung} is null but ladder_na_reason.{rung} is missing")
        for rung in reasons:
            if ladder.get(rung) is not None:
                raise ValueError(f"ladder_na_reason.{rung} given but ladder.{rung} is filled")
        if (values.get("upl_name") is None) != (values.get("upl_uri") is None):
            raise ValueError("upl_name and upl_uri must both be set or both be null")
        return values


class EntryFile(_Strict):
    entries: List[EntryModel]


class HelplineModel(_Strict):
    key: str
    name: str
    number: Optional[str]
    alt_numbers: List[str] = []
    hours: Optional[str]
    url: Optional[HttpUrl]
    description: str
    verified: str
    verified_on: str
    status_note: Optional[str]
    sources: List[str]

    @validator("verified")
    def _verified(cls, v: str) -> str:
        if v not in ("verified", "weak", "unverified"):
            raise ValueError("must be verified | weak | unverified")
        return v

    @validator("name")
    def _no_sensoor(cls, v: str) -> str:
        if "sensoor" in v.lower():
            raise ValueError("Sensoor is now De Luisterlijn; do not list it separately")
        return v


class HelplineFile(_Strict):
    helplines: List[HelplineModel]


class ContactModel(_Strict):
    name: Optional[str]
    description: str
    mention: str
    phone: Optional[str]
    email: Optional[str] = None
    website: Optional[str] = None
    missing: List[str] = []
    sources: List[str] = []


class PartnerModel(_Strict):
    name: Optional[str]
    what: str
    rung: Optional[str]
    mention: str
    website: Optional[str] = None
    phone: Optional[str] = None
    sources: List[str] = []

    @validator("rung")
    def _rung(cls, v: Optional[str]) -> Optional[str]:
        if v is not None and v not in RUNGS:
            raise ValueError(f"unknown rung {v!r}")
        return v


class OpeningHoursModel(_Strict):
    assumed: bool
    note: str
    week: Dict[str, List[str]]

    @validator("week")
    def _week(cls, v: Dict[str, List[str]]) -> Dict[str, List[str]]:
        for day, spans in v.items():
            if day not in DAY_KEYS:
                raise ValueError(f"unknown day {day!r}; use {DAY_KEYS}")
            for span in spans:
                if not re.match(r"^\d{2}:\d{2}-\d{2}:\d{2}$", span):
                    raise ValueError(f"{day}: {span!r} is not HH:MM-HH:MM")
        return v


class ProfileModel(_Strict):
    slug: str
    name: str
    province: Optional[str]
    default: bool = False
    website: Optional[str]
    phone: Optional[str]
    general_contact: str
    general_contact_mention: str
    kcc: ContactModel
    sociaal_loket: ContactModel
    welzijn: PartnerModel
    partners: Dict[str, PartnerModel]
    opening_hours: OpeningHoursModel
    notes: List[str] = []
    sources: List[str]
    #: Extra closing days of the contact centre (YYYY-MM-DD), besides the national holidays.
    closing_days: List[date] = []
    #: The municipality's own outcome codes for closing a ticket in the console (code: text).
    kcc_outcomes: Dict[str, str] = {}

    @validator("kcc_outcomes")
    def _outcome_codes(cls, v: Dict[str, str]) -> Dict[str, str]:
        for code, text in v.items():
            if not SLUG_RE.match(code) or not text.strip():
                raise ValueError(f"outcome {code!r}: use a code like melding_wijkteam and a text")
        return v
