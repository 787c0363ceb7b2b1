"""TicketStore: idempotent creation, queue order, the atomic claim and the state machine."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from kcc.models import OutboxItem, Ticket
from kcc.tickets import ClaimConflict, NotAllowed, TicketDraft, TicketNotFound, TicketStore


def draft(cid: str = "conv-1", episode: int = 1, **kw) -> TicketDraft:
    values = dict(conversation_id=cid, episode=episode, channel="webchat",
                  municipality="het-hogeland", topic="huishoudelijke_hulp",
                  ladder_rung="sociaal_loket", summary="Inwoner: 'ik kan niet meer schoonmaken'.",
                  urgency="normal", mode="live", reason="request")
    values.update(kw)
    return TicketDraft(**values)


@pytest.fixture
def store(tmp_path) -> TicketStore:
    return TicketStore(f"sqlite:///{tmp_path / 'kcc.db'}")


def test_create_is_idempotent_per_episode(store: TicketStore) -> None:
    first, created = store.create(draft())
    again, created_again = store.create(draft(summary="retry with other text"))
    other, created_other = store.create(draft(episode=2))
    assert created and not created_again and created_other
    assert again.id == first.id and other.id != first.id
    assert again.summary == first.summary


def test_concurrent_creates_from_threads_give_one_ticket(store: TicketStore) -> None:
    barrier = threading.Barrier(8)

    def create(_: int) -> tuple:
        barrier.wait()
        ticket, created = store.create(draft("race"))
        return ticket.id, created

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(create, range(8)))
    assert len({tid for tid, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    with store.session() as s:
        assert len(s.execute(select(Ticket).where(Ticket.conversation_id == "race")).all()) == 1


def test_contact_value_only_with_consent(store: TicketStore) -> None:
    without, _ = store.create(draft("a", contact_preference="telefoon", contact_value="0612345678"))
    with_consent, _ = store.create(draft("b", contact_preference="telefoon", consent=True,
                                         contact_value="0612345678"))
    assert without.contact_value is None
    assert with_consent.contact_value == "0612345678"


def test_draft_rejects_unknown_values() -> None:
    with pytest.raises(ValueError):
        draft(urgency="asap")
    with pytest.raises(ValueError):
        draft(channel="fax")
    with pytest.raises(ValueError):
        draft(cid="")


def test_queue_is_urgency_first_then_oldest(store: TicketStore) -> None:
    old_normal, _ = store.create(draft("n1"))
    high, _ = store.create(draft("h1", urgency="high"))
    new_normal, _ = store.create(draft("n2"))
    urgent, _ = store.create(draft("u1", urgency="urgent"))
    with store.session() as s, s.begin():  # make n1 clearly the oldest
        s.execute(update(Ticket).where(Ticket.id == old_normal.id)
                  .values(created_at=old_normal.created_at - timedelta(hours=1)))
    assert [t.id for t in store.queue()] == [urgent.id, high.id, old_normal.id, new_normal.id]


def test_claim_race_has_exactly_one_winner(store: TicketStore) -> None:
    ticket, _ = store.create(draft())
    barrier = threading.Barrier(6)

    def claim(i: int) -> str:
        barrier.wait()
        try:
            store.claim(ticket.id, f"staff{i}", f"Medewerker {i}")
            return "won"
        except ClaimConflict as exc:
            return exc.message

    with ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(claim, range(6)))
    assert outcomes.count("won") == 1
    winner = store.get(ticket.id)
    assert winner.status == "claimed"
    assert all(f"al opgepakt door {winner.staff_name}" in o for o in outcomes if o != "won")


def test_claim_unknown_ticket(store: TicketStore) -> None:
    with pytest.raises(TicketNotFound):
        store.claim(999, "anna", "Anna")


def test_state_machine_and_ownership(store: TicketStore) -> None:
    ticket, _ = store.create(draft())
    with pytest.raises(NotAllowed):
        store.mark_answered(ticket.id, "anna")  # not claimed yet
    store.claim(ticket.id, "anna", "Anna")
    with pytest.raises(NotAllowed, match="zelf hebt opgepakt"):
        store.close(ticket.id, "bert", "beantwoord")
    answered = store.mark_answered(ticket.id, "anna")
    assert answered.status == "answered" and answered.answered_at is not None
    first_answer = answered.answered_at
    assert store.mark_answered(ticket.id, "anna").answered_at == first_answer
    with pytest.raises(NotAllowed):
        store.close(ticket.id, "anna", "no-such-outcome")
    closed = store.close(ticket.id, "anna", "doorverwezen")
    assert (closed.status, closed.outcome) == ("closed", "doorverwezen")
    assert closed.closed_at is not None
    with pytest.raises(ClaimConflict, match="afgesloten"):
        store.claim(ticket.id, "bert", "Bert")


def test_hand_back_closes_and_release_reopens(store: TicketStore) -> None:
    ticket, _ = store.create(draft())
    store.claim(ticket.id, "anna", "Anna")
    reopened = store.release(ticket.id, "anna")
    assert reopened.status == "open" and reopened.staff is None
    store.claim(ticket.id, "anna", "Anna")
    back = store.hand_back(ticket.id, "anna")
    assert (back.status, back.outcome) == ("closed", "teruggegeven")


def test_open_for_conversation(store: TicketStore) -> None:
    assert store.open_for_conversation("c") is None
    ticket, _ = store.create(draft("c"))
    assert store.open_for_conversation("c").id == ticket.id
    store.claim(ticket.id, "anna", "Anna")
    store.close(ticket.id, "anna", "beantwoord")
    assert store.open_for_conversation("c") is None


def test_fingerprint_changes_on_every_change(store: TicketStore) -> None:
    before = store.fingerprint()
    ticket, _ = store.create(draft())
    after_create = store.fingerprint()
    store.claim(ticket.id, "anna", "Anna")
    assert len({before, after_create, store.fingerprint()}) == 3


@pytest.mark.parametrize("backend,mode,expected", [
    ("sql", "callback", 0), ("openklant", "live", 0), ("openklant", "callback", 1)])
def test_outbox_row_written_with_the_ticket(tmp_path, backend, mode, expected) -> None:
    store = TicketStore(f"sqlite:///{tmp_path / 'o.db'}", backend=backend)
    store.create(draft(mode=mode))
    store.create(draft(mode=mode))  # idempotent: no second outbox row either
    with store.session() as s:
        assert len(s.execute(select(OutboxItem)).all()) == expected


def test_from_env_uses_database_url(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    monkeypatch.setenv("TICKET_BACKEND", "openklant")
    store = TicketStore.from_env()
    assert store.backend == "openklant"
    store.create(draft())
    assert (tmp_path / "env.db").exists()


def test_ticket_ids_are_never_reused_after_a_delete(store: TicketStore) -> None:
    """An audit row names a ticket id: after a delete, that id must not name a new resident."""
    from sqlalchemy import delete

    first, _ = store.create(draft("conv-a"))
    with store.engine.begin() as conn:
        conn.execute(delete(Ticket).where(Ticket.id == first.id))
    second, _ = store.create(draft("conv-b"))
    assert second.id > first.id
