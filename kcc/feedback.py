"""What residents said about the assistant's answers and about a conversation with staff.

Why a table of its own (``kcc_feedback``): a 👍/👎 or a satisfaction score belongs to one answer
(conversation, topic, catalogue entry, channel, municipality) and must outlive the conversation's
retention period as an anonymous figure, so it is not kept only in the tracker. Remarks are free
text from the public and are masked (``assistant.masking``) before they are written.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, List, Optional

from sqlalchemy import Column, DateTime, Integer, String, Text, select

from assistant.masking import mask
from kcc.db import Base, get_engine, session_factory
from kcc.models import utcnow

#: What a 👎 can say was wrong (button payload value → Dutch label).
REASONS = {
    "niet_mijn_vraag": "Niet mijn vraag",
    "niet_duidelijk": "Niet duidelijk",
    "klopt_niet": "Klopt niet",
    "wil_mens": "Ik wil een mens",
}
KINDS = ("answer", "staff")  # a catalogue answer, or a conversation with a staff member
RATINGS_ANSWER = ("up", "down")
SCORES = ("1", "2", "3", "4", "5")
MAX_REMARK = 500


class Feedback(Base):
    """One resident's verdict on one answer (``answer``) or one staff conversation (``staff``)."""

    __tablename__ = "kcc_feedback"
    __table_args__ = {"sqlite_autoincrement": True}

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, default=utcnow, index=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    kind = Column(String(16), nullable=False, default="answer")
    rating = Column(String(8), nullable=False)  # up / down, or the score 1-5
    reason = Column(String(32), nullable=True)
    remark = Column(Text, nullable=True)
    topic = Column(String(64), nullable=True)
    entry_id = Column(String(120), nullable=True)
    channel = Column(String(32), nullable=False, default="rest")
    municipality = Column(String(64), nullable=False)
    message = Column(Text, nullable=True)  # the resident's question the answer was for, masked


@dataclass(frozen=True)
class FeedbackDraft:
    """What an action knows when a resident gives feedback."""

    conversation_id: str
    kind: str
    rating: str
    channel: str
    municipality: str
    topic: Optional[str] = None
    entry_id: Optional[str] = None
    message: Optional[str] = None

    def __post_init__(self) -> None:
        allowed = RATINGS_ANSWER if self.kind == "answer" else SCORES
        if self.kind not in KINDS or self.rating not in allowed:
            raise ValueError(f"onbekende feedback {self.kind}/{self.rating}")


class FeedbackStore:
    """Writes and reads ``kcc_feedback``; the reason and remark follow the rating later."""

    def __init__(self, database_url: Optional[str] = None) -> None:
        engine = get_engine(database_url)
        # The engine may have been made (and its tables created) before this module was imported.
        Feedback.__table__.create(engine, checkfirst=True)
        self._session = session_factory(engine)

    def add(self, draft: FeedbackDraft) -> int:
        with self._session() as s, s.begin():
            row = Feedback(conversation_id=draft.conversation_id, kind=draft.kind,
                           rating=draft.rating, channel=draft.channel,
                           municipality=draft.municipality, topic=draft.topic,
                           entry_id=draft.entry_id,
                           message=mask(draft.message)[:MAX_REMARK] if draft.message else None)
            s.add(row)
            s.flush()
            return int(row.id)

    def latest(self, conversation_id: str, kinds: Iterable[str] = KINDS) -> Optional[Feedback]:
        """The newest feedback of a conversation: where a reason or remark belongs."""
        query = (select(Feedback).where(Feedback.conversation_id == conversation_id,
                                        Feedback.kind.in_(tuple(kinds)))
                 .order_by(Feedback.id.desc()).limit(1))
        with self._session() as s:
            return s.execute(query).scalars().first()

    def set_reason(self, feedback_id: int, reason: str) -> None:
        if reason not in REASONS:
            raise ValueError(f"onbekende reden {reason!r}")
        self._update(feedback_id, reason=reason)

    def set_remark(self, feedback_id: int, remark: str) -> None:
        self._update(feedback_id, remark=mask(remark.strip())[:MAX_REMARK] or None)

    def _update(self, feedback_id: int, **values: object) -> None:
        with self._session() as s, s.begin():
            row = s.get(Feedback, feedback_id)
            if row is not None:
                for key, value in values.items():
                    setattr(row, key, value)

    def since(self, start: Optional[datetime] = None,
              municipalities: Optional[Iterable[str]] = None) -> List[Feedback]:
        query = select(Feedback).order_by(Feedback.id)
        if start is not None:
            query = query.where(Feedback.at >= start)
        if municipalities is not None:
            query = query.where(Feedback.municipality.in_(tuple(municipalities)))
        with self._session() as s:
            return list(s.execute(query).scalars())
