"""Outbox: reliable delivery of stored tickets to an external backend (Open Klant).

Why an outbox: the resident's ticket must never depend on an external system being up. The ticket
and its outbox row are written in one SQL transaction; this module delivers later, retries with
exponential backoff, and keeps the remote steps already done (`progress`) so every ticket arrives
exactly once. A short lease (a conditional UPDATE) stops two console processes delivering the
same row at the same time.
"""
from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import List, Optional

from sqlalchemy import select, update

from kcc.backends import DeliveryError, TicketBackend
from kcc.models import OutboxItem, Ticket, utcnow
from kcc.tickets import TicketStore

log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    delivered: int = 0
    failed: int = 0


def backoff_delay(attempts: int, base_s: float, max_s: float) -> float:
    """Seconds to wait after the `attempts`-th failure: base, 2×base, 4×base … capped."""
    return min(max_s, base_s * (2 ** max(0, attempts - 1)))


class Outbox:
    def __init__(self, store: TicketStore, backend: TicketBackend, base_delay_s: float = 5.0,
                 max_delay_s: float = 3600.0, lease_s: float = 120.0) -> None:
        self.store = store
        self.backend = backend
        self.base_delay_s = base_delay_s
        self.max_delay_s = max_delay_s
        self.lease_s = lease_s

    def pending(self) -> List[OutboxItem]:
        with self.store.session() as s:
            return list(s.execute(select(OutboxItem).where(OutboxItem.delivered_at.is_(None))
                                  .order_by(OutboxItem.id)).scalars())

    async def deliver_pending(self, now: Optional[datetime] = None,
                              limit: int = 20) -> DeliveryReport:
        """Try every due, undelivered item once."""
        now = now or utcnow()
        report = DeliveryReport()
        with self.store.session() as s:
            due = list(s.execute(select(OutboxItem.id).where(
                OutboxItem.delivered_at.is_(None), OutboxItem.backend == self.backend.name,
                OutboxItem.next_attempt_at <= now).order_by(OutboxItem.next_attempt_at)
                .limit(limit)).scalars())
        for item_id in due:
            leased = self._lease(item_id, now)
            if leased is None:
                continue
            item, ticket = leased
            progress = json.loads(item.progress or "{}")
            try:
                ref = await self.backend.deliver(ticket, progress)
            except DeliveryError as exc:
                self._failed(item, progress, str(exc), now)
                report.failed += 1
                log.warning("outbox: ticket %s not delivered (attempt %s): %s",
                            ticket.id, item.attempts + 1, exc)
            else:
                self._delivered(item, progress, ref, now)
                report.delivered += 1
        return report

    async def run_forever(self, interval_s: float = 5.0) -> None:
        """Background loop for the console server; never dies on one bad item."""
        while True:
            try:
                await self.deliver_pending()
            except Exception:  # noqa: BLE001 — keep the loop alive, the error is logged
                log.exception("outbox loop failed")
            await asyncio.sleep(interval_s)

    # -- internals ------------------------------------------------------------------------
    def _lease(self, item_id: int, now: datetime) -> Optional[tuple]:
        with self.store.session() as s, s.begin():
            won = s.execute(update(OutboxItem).where(
                OutboxItem.id == item_id, OutboxItem.delivered_at.is_(None),
                OutboxItem.next_attempt_at <= now)
                .values(next_attempt_at=now + timedelta(seconds=self.lease_s))
                .execution_options(synchronize_session=False)).rowcount
            if won != 1:
                return None
            item = s.get(OutboxItem, item_id, populate_existing=True)
            return item, s.get(Ticket, item.ticket_id)

    def _failed(self, item: OutboxItem, progress: dict, error: str, now: datetime) -> None:
        attempts = item.attempts + 1
        delay = backoff_delay(attempts, self.base_delay_s, self.max_delay_s)
        with self.store.session() as s, s.begin():
            s.execute(update(OutboxItem).where(OutboxItem.id == item.id).values(
                attempts=attempts, last_error=error[:2000], progress=json.dumps(progress),
                next_attempt_at=now + timedelta(seconds=delay)))

    def _delivered(self, item: OutboxItem, progress: dict, ref: str, now: datetime) -> None:
        with self.store.session() as s, s.begin():
            s.execute(update(OutboxItem).where(OutboxItem.id == item.id).values(
                attempts=item.attempts + 1, last_error=None, progress=json.dumps(progress),
                delivered_at=now))
            s.execute(update(Ticket).where(Ticket.id == item.ticket_id).values(external_ref=ref))
