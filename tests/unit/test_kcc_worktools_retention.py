"""What staff wrote about a ticket goes when the ticket goes (retention, right to deletion)."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from kcc.callbacks import CallbackBook
from kcc.models import (CallbackAttempt, CallbackPlan, Ticket, TicketNote, Transfer, WaitOffer,
                        utcnow)
from kcc.notes import NoteBook
from kcc.tickets import TicketDraft, TicketStore
from kcc.transfers import TransferDesk


def test_deleting_a_conversation_deletes_its_notes_attempts_and_transfers(tmp_path, monkeypatch) -> None:
    from kcc import retention

    db = f"sqlite:///{tmp_path / 'r.db'}"
    monkeypatch.setenv("DATABASE_URL", db)
    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{tmp_path / 't.db'}")
    store = TicketStore(db)
    ticket, _ = store.create(TicketDraft(conversation_id="weg", episode=1, channel="webchat",
                                         municipality="het-hogeland", mode="callback"))
    NoteBook(db).add(ticket.id, "anna", "Anna", "Mevrouw woont op Dorpsstraat 1.")
    book = CallbackBook(db)
    book.record(ticket.id, "not_reached", "anna", "Anna")
    book.promise(ticket.id, utcnow() + timedelta(hours=1), "anna")
    store.claim(ticket.id, "anna", "Anna")
    TransferDesk(db).offer(store.get(ticket.id), "anna", "Anna", "bert", "Bert", "voor jou")
    with store.session() as s, s.begin():
        s.add(WaitOffer(ticket_id=ticket.id))
    retention.delete_conversation("weg", "anna")
    with store.session() as s:
        for table in (Ticket, TicketNote, CallbackAttempt, CallbackPlan, Transfer, WaitOffer):
            assert s.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() == 0, table
