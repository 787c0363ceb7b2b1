"""Private notes on a ticket: what staff promised, agreed or found out, for their colleagues.

Why a table of its own and never the conversation: a note is the municipality's own working
memory ("ik bel u zo op", "melding Sociaal Loket gedaan"). It must never reach the resident's
chat, so nothing here talks to Rasa; the console shows notes beside the transcript, never in it.
Writing one is audited like every other act on a conversation.
"""
from __future__ import annotations

from typing import List, Optional

from sqlalchemy import select

from assistant.masking import mask
from kcc.db import get_engine, session_factory
from kcc.models import TicketNote

MAX_NOTE = 2000
KINDS = {"note": "Notitie", "handback": "Bij teruggeven", "close": "Bij afsluiten",
         "transfer": "Bij overdracht", "callback": "Bij terugbellen", "followup": "Opvolging"}


class NoteBook:
    def __init__(self, database_url: Optional[str] = None) -> None:
        self._session = session_factory(get_engine(database_url))

    def add(self, ticket_id: int, staff: str, staff_name: str, text: str,
            kind: str = "note") -> TicketNote:
        text = text.strip()
        if not text:
            raise ValueError("Typ eerst een notitie.")
        if len(text) > MAX_NOTE:
            raise ValueError(f"Uw notitie is te lang ({len(text)} tekens). Het maximum is "
                             f"{MAX_NOTE} tekens.")
        if kind not in KINDS:
            raise ValueError(f"kind {kind!r} not in {tuple(KINDS)}")
        # Notes are kept as long as the ticket: a BSN, IBAN, phone number, e-mail address or
        # birth date typed into one is masked like everything else that is stored (the contact
        # data a resident consented to has its own field on the ticket).
        text = mask(text)
        with self._session() as s, s.begin():
            note = TicketNote(ticket_id=ticket_id, staff=staff, staff_name=staff_name, text=text,
                              kind=kind)
            s.add(note)
            s.flush()
            return note

    def for_ticket(self, ticket_id: int) -> List[TicketNote]:
        """The ticket's notes, oldest first (read them as a story)."""
        with self._session() as s:
            return list(s.execute(select(TicketNote).where(TicketNote.ticket_id == ticket_id)
                                  .order_by(TicketNote.id)).scalars())
