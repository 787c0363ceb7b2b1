"""Transfer a ticket to a colleague, with a note; it moves only when the colleague accepts.

Why accept and not push: a colleague may be on the phone or not know the subject. Until they
accept, the ticket stays with the one who has it (a live chat is never left without anyone),
and the offer can be withdrawn or declined. Accepting is one conditional UPDATE, so two
colleagues can never both end up with the ticket.
"""
from __future__ import annotations

from typing import List, Optional, Tuple

from sqlalchemy import select, update

from assistant.masking import mask
from kcc.db import get_engine, session_factory
from kcc.models import Ticket, Transfer, utcnow
from kcc.tickets import NotAllowed

MAX_NOTE = 2000


class TransferDesk:
    def __init__(self, database_url: Optional[str] = None) -> None:
        self._session = session_factory(get_engine(database_url))

    def offer(self, ticket: Ticket, from_staff: str, from_name: str, to_staff: str,
              to_name: str, note: str) -> Transfer:
        """A new offer (an earlier open offer of this ticket is withdrawn)."""
        note = note.strip()
        if not note:
            raise ValueError("Schrijf in een notitie wat uw collega moet weten.")
        if len(note) > MAX_NOTE:
            raise ValueError(f"De notitie is te lang (maximaal {MAX_NOTE} tekens).")
        note = mask(note)  # stored as long as the ticket, like every other stored text
        now = utcnow()
        with self._session() as s, s.begin():
            s.execute(update(Transfer).where(Transfer.ticket_id == ticket.id,
                                             Transfer.status == "pending")
                      .values(status="withdrawn", decided_at=now))
            transfer = Transfer(ticket_id=ticket.id, from_staff=from_staff, from_name=from_name,
                                to_staff=to_staff, to_name=to_name, note=note, created_at=now)
            s.add(transfer)
            # The queue's live refresh follows the ticket table: the colleague sees the offer.
            s.execute(update(Ticket).where(Ticket.id == ticket.id).values(updated_at=now))
            s.flush()
            return transfer

    def get(self, transfer_id: int) -> Optional[Transfer]:
        with self._session() as s:
            return s.get(Transfer, transfer_id)

    def pending_for_ticket(self, ticket_id: int) -> Optional[Transfer]:
        with self._session() as s:
            return s.execute(select(Transfer).where(Transfer.ticket_id == ticket_id,
                                                    Transfer.status == "pending")
                             .order_by(Transfer.id.desc()).limit(1)).scalar_one_or_none()

    def inbox(self, username: str, municipalities) -> List[Tuple[Transfer, Ticket]]:  # type: ignore[no-untyped-def]
        """Open offers to ``username`` for tickets of their municipalities, oldest first."""
        with self._session() as s:
            rows = s.execute(select(Transfer, Ticket).join(Ticket, Ticket.id == Transfer.ticket_id)
                             .where(Transfer.to_staff == username, Transfer.status == "pending",
                                    Ticket.municipality.in_(tuple(municipalities)),
                                    Ticket.status != "closed")
                             .order_by(Transfer.id)).all()
        return [(t, ticket) for t, ticket in rows]

    def decide(self, transfer_id: int, status: str, by: str) -> Transfer:
        """accepted / declined by the colleague, withdrawn by the one who offered; once."""
        column = Transfer.from_staff if status == "withdrawn" else Transfer.to_staff
        with self._session() as s, s.begin():
            done = s.execute(update(Transfer).where(Transfer.id == transfer_id,
                                                    Transfer.status == "pending", column == by)
                             .values(status=status, decided_at=utcnow())
                             .execution_options(synchronize_session=False))
            if done.rowcount != 1:
                raise NotAllowed("Deze overdracht is al afgehandeld.")
            transfer = s.get(Transfer, transfer_id, populate_existing=True)
            s.execute(update(Ticket).where(Ticket.id == transfer.ticket_id)
                      .values(updated_at=utcnow()))
            return transfer

    def reopen(self, transfer_id: int) -> None:
        """Undo an acceptance that could not be completed (the assistant could not be told)."""
        with self._session() as s, s.begin():
            s.execute(update(Transfer).where(Transfer.id == transfer_id)
                      .values(status="pending", decided_at=None))
