"""Decisions on the review inbox, and the inbox itself grouped by similarity.

Why a decision table (``kcc_review_decisions``): the inbox is computed from the conversations
each time (``kcc.insights``), so an item only disappears when a decision on its key exists:
labelled with a topic, marked as missing content (a to-do for the catalogue) or dismissed.

Why TF-IDF grouping: residents ask the same thing in many ways ("iedereen stelt een vraag net
wat anders"); character n-grams (typos, compounds) put those under one heading, so the most
frequent gap is seen first. The same kind of features as the project's intent classifier.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence

from sqlalchemy import Column, DateTime, String, Text, select

from assistant.masking import mask
from kcc.db import Base, get_engine, session_factory
from kcc.models import utcnow

DECISIONS = ("labelled", "missing", "dismissed")
#: Two messages this similar (cosine of their TF-IDF vectors) share a group.
SIMILAR = 0.45


class ReviewDecision(Base):
    """What a beheerder decided about one inbox item."""

    __tablename__ = "kcc_review_decisions"

    key = Column(String(32), primary_key=True)
    decision = Column(String(16), nullable=False)
    topic = Column(String(64), nullable=True)
    text = Column(Text, nullable=False)  # masked
    municipality = Column(String(64), nullable=False)
    staff = Column(String(64), nullable=False)
    at = Column(DateTime, nullable=False, default=utcnow, index=True)
    done = Column(DateTime, nullable=True)  # missing content: when the catalogue got it


class ReviewStore:
    def __init__(self, database_url: Optional[str] = None) -> None:
        engine = get_engine(database_url)
        ReviewDecision.__table__.create(engine, checkfirst=True)
        self._session = session_factory(engine)

    def decide(self, key: str, decision: str, text: str, municipality: str, staff: str,
               topic: Optional[str] = None) -> None:
        if decision not in DECISIONS:
            raise ValueError(decision)
        with self._session() as s, s.begin():
            row = s.get(ReviewDecision, key) or ReviewDecision(key=key)
            row.decision, row.topic, row.text = decision, topic, mask(text)
            row.municipality, row.staff, row.at = municipality, staff, utcnow()
            s.merge(row)

    def decided(self) -> Dict[str, ReviewDecision]:
        with self._session() as s:
            return {r.key: r for r in s.execute(select(ReviewDecision)).scalars()}

    def missing(self, municipalities: Iterable[str]) -> List[ReviewDecision]:
        query = (select(ReviewDecision)
                 .where(ReviewDecision.decision == "missing",
                        ReviewDecision.municipality.in_(tuple(municipalities)))
                 .order_by(ReviewDecision.at.desc()))
        with self._session() as s:
            return list(s.execute(query).scalars())


@dataclass
class Group:
    """Similar messages under one heading: the newest first."""

    items: List[Dict[str, Any]]

    @property
    def newest(self) -> Any:
        return self.items[0]["at"]

    @property
    def size(self) -> int:
        return len(self.items)


def group_items(items: Sequence[Dict[str, Any]], threshold: float = SIMILAR) -> List[Group]:
    """Greedy grouping by TF-IDF cosine similarity; most frequent groups first, then newest."""
    if not items:
        return []
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    ordered = sorted(items, key=lambda i: i["at"], reverse=True)
    texts = [i["text"].lower() for i in ordered]
    try:
        vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).fit_transform(texts)
    except ValueError:  # nothing but very short texts: each its own group
        return [Group([i]) for i in ordered]
    similarity = cosine_similarity(vectors)
    leader: List[int] = []
    groups: List[List[int]] = []
    for index in range(len(ordered)):
        best = max(range(len(leader)), key=lambda g: similarity[index, leader[g]], default=None)
        if best is not None and similarity[index, leader[best]] >= threshold:
            groups[best].append(index)
        else:
            leader.append(index)
            groups.append([index])
    result = [Group([ordered[i] for i in members]) for members in groups]
    result.sort(key=lambda g: (-g.size, -g.newest.timestamp()))
    return result
