"""SQLAlchemy 1.4 tables of the catalogue (all prefixed `kb_`; tickets share the database).

Entries and profiles are stored *unrendered* (as validated source dicts) so one load serves
every municipality; rendering happens when a catalogue is built for MUNICIPALITY.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Column, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class KbSourceState(Base):
    """One row: hash of the loaded sources, so reloading unchanged sources does nothing."""

    __tablename__ = "kb_source_state"
    id = Column(Integer, primary_key=True)
    content_hash = Column(String(64), nullable=False)
    loaded_at = Column(DateTime, nullable=False, default=datetime.utcnow)
    entry_count = Column(Integer, nullable=False)
    profile_count = Column(Integer, nullable=False)
    helpline_count = Column(Integer, nullable=False)


class KbEntry(Base):
    __tablename__ = "kb_entries"
    id = Column(String(100), primary_key=True)
    position = Column(Integer, nullable=False)
    topic = Column(String(60), nullable=False, index=True)
    title = Column(Text, nullable=False)
    main = Column(Boolean, nullable=False, default=False)
    upl_name = Column(Text, nullable=True)
    upl_uri = Column(Text, nullable=True)
    source_file = Column(Text, nullable=False)
    data = Column(JSON, nullable=False)


class KbProfile(Base):
    __tablename__ = "kb_profiles"
    slug = Column(String(60), primary_key=True)
    name = Column(Text, nullable=False)
    is_default = Column(Boolean, nullable=False, default=False)
    source_file = Column(Text, nullable=False)
    data = Column(JSON, nullable=False)


class KbHelpline(Base):
    __tablename__ = "kb_helplines"
    key = Column(String(60), primary_key=True)
    position = Column(Integer, nullable=False)
    name = Column(Text, nullable=False)
    number = Column(String(40), nullable=True)
    data = Column(JSON, nullable=False)


KB_TABLES = [KbSourceState.__table__, KbEntry.__table__, KbProfile.__table__, KbHelpline.__table__]


class KbLayerVersion(Base):
    """One version of a municipality's local layer (see knowledge/layers.py).

    Why whole snapshots: every published version is kept as it was, so history, diff and
    rollback are reads of rows, and a reload of the national sources (which replaces the
    ``KB_TABLES``) never touches an edit. ``status``: ``draft`` (at most one per municipality,
    waiting for a second beheerder), ``published`` (``number`` 1, 2, ...; the newest is live),
    ``withdrawn`` (a draft that was thrown away).
    """

    __tablename__ = "kb_layer_versions"
    __table_args__ = (UniqueConstraint("municipality", "number", name="uq_kb_layer_number"),
                      {"sqlite_autoincrement": True})
    id = Column(Integer, primary_key=True)
    municipality = Column(String(64), nullable=False, index=True)
    status = Column(String(16), nullable=False)
    number = Column(Integer, nullable=True)
    base_number = Column(Integer, nullable=False, default=0)
    data = Column(JSON, nullable=False)
    authors = Column(JSON, nullable=False)
    approved_by = Column(String(64), nullable=True)
    note = Column(Text, nullable=True)
    created_at = Column(DateTime, nullable=False, default=datetime.utcnow)
    updated_at = Column(DateTime, nullable=False, default=datetime.utcnow)
    decided_at = Column(DateTime, nullable=True)
