"""The built-in backend: the SQL ticket row is the ticket, so nothing is delivered anywhere."""
from __future__ import annotations

from typing import Any, Dict

from kcc.models import Ticket


class SqlBackend:
    name = "sql"

    @staticmethod
    def wants(ticket: Ticket) -> bool:
        return False

    async def deliver(self, ticket: Ticket, progress: Dict[str, Any]) -> str:
        return f"kcc_tickets/{ticket.id}"
