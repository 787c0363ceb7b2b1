"""Ticket backends: where a ticket lives besides our own SQL row.

Why one small interface: the ticket is always stored in SQL first (`kcc.tickets`). A backend only
says which tickets it wants (`wants`, decided inside the create transaction, so the outbox row and
the ticket are written together) and how to deliver one (`deliver`, called by `kcc.outbox`).
"""
from __future__ import annotations

from assistant.settings import settings

from typing import Any, Dict, Protocol

from kcc.models import Ticket


class DeliveryError(Exception):
    """Delivery failed for now; the outbox retries later."""


class TicketBackend(Protocol):
    name: str

    @staticmethod
    def wants(ticket: Ticket) -> bool:
        """Whether this ticket must be delivered to the backend at all."""

    async def deliver(self, ticket: Ticket, progress: Dict[str, Any]) -> str:
        """Deliver the ticket; returns the external reference.

        `progress` records the remote steps that already succeeded. The backend updates it after
        each step, and the outbox saves it after a failure, so a retry continues where the last
        attempt stopped instead of creating duplicates.
        """


def backend_wants(name: str, ticket: Ticket) -> bool:
    """Whether backend `name` needs an outbox delivery for `ticket`."""
    return _backend_class(name).wants(ticket)


def backend_from_env() -> TicketBackend:
    """The backend selected by TICKET_BACKEND (sql|openklant) with its settings."""
    name = settings().ticket_backend or "sql"
    if name == "openklant":
        from kcc.backends.openklant import OpenKlantBackend

        return OpenKlantBackend.from_env()
    from kcc.backends.sql import SqlBackend

    _backend_class(name)  # rejects unknown names
    return SqlBackend()


def _backend_class(name: str) -> Any:
    if name == "sql":
        from kcc.backends.sql import SqlBackend

        return SqlBackend
    if name == "openklant":
        from kcc.backends.openklant import OpenKlantBackend

        return OpenKlantBackend
    raise ValueError(f"Unknown TICKET_BACKEND {name!r}; use 'sql' or 'openklant'.")
