"""Audit log: every time staff read a transcript or act on a conversation, a row in `kcc_audit`.

Why: residents' conversations are personal data (AVG/GDPR art. 5 lid 2, accountability); the
municipality must be able to show who saw which conversation and when.
"""
from __future__ import annotations

from typing import List, Optional

from sqlalchemy import select

from kcc.db import get_engine, session_factory
from kcc.models import AuditEntry


class AuditLog:
    def __init__(self, database_url: Optional[str] = None) -> None:
        self._session = session_factory(get_engine(database_url))

    def record(self, staff: str, action: str, conversation_id: Optional[str] = None,
               ticket_id: Optional[int] = None, detail: Optional[str] = None) -> None:
        with self._session() as s, s.begin():
            s.add(AuditEntry(staff=staff, action=action, conversation_id=conversation_id,
                             ticket_id=ticket_id, detail=detail))

    def entries(self, conversation_id: Optional[str] = None) -> List[AuditEntry]:
        query = select(AuditEntry).order_by(AuditEntry.id)
        if conversation_id is not None:
            query = query.where(AuditEntry.conversation_id == conversation_id)
        with self._session() as s:
            return list(s.execute(query).scalars())
