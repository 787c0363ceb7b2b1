"""A resident who waits too long for a live chat is offered a callback by the assistant itself.

Why from the console: the console is where pick-ups happen and it already polls the ticket table.
Rasa's own reminders cannot do this: they answer through the output channel of the message that
set them, and the web chat's is a per-request collector that nobody reads afterwards. So after
CALLBACK_OFFER_MINUTES without a pick-up the console calls Rasa's trigger_intent (as for staff
messages, through the resident's own channel) with EXTERNAL_waiting_check, and the action says
how long the resident has waited, their place, and offers "Bel mij liever terug".

Once per ticket: a row in ``kcc_wait_offers`` claims the offer before Rasa is called, so two
console processes never offer twice. An offer Rasa could not take is not retried (the resident
is told again about the callback with every message they send meanwhile).
"""
from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import List, Optional

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from assistant.settings import settings
from kcc.db import get_engine, session_factory
from kcc.models import Ticket, WaitOffer, utcnow
from kcc.rasa_client import RasaClient, RasaError

log = logging.getLogger(__name__)
INTENT = "EXTERNAL_waiting_check"


def offer_minutes() -> float:
    return max(0.0, settings().callback_offer_minutes)


class WaitWatcher:
    def __init__(self, database_url: Optional[str], rasa: RasaClient,
                 interval_s: float = 15.0) -> None:
        self._session = session_factory(get_engine(database_url))
        self.rasa = rasa
        self.interval_s = interval_s

    def due(self, minutes: Optional[float] = None) -> List[Ticket]:
        """Live tickets nobody picked up for ``minutes`` and not offered a callback yet."""
        minutes = offer_minutes() if minutes is None else minutes
        offered = select(WaitOffer.ticket_id)
        with self._session() as s:
            return list(s.execute(select(Ticket).where(
                Ticket.mode == "live", Ticket.status == "open",
                Ticket.created_at <= utcnow() - timedelta(minutes=minutes),
                Ticket.id.not_in(offered)).order_by(Ticket.created_at).limit(50)).scalars())

    def claim(self, ticket_id: int) -> bool:
        try:
            with self._session() as s, s.begin():
                s.add(WaitOffer(ticket_id=ticket_id))
            return True
        except IntegrityError:
            return False

    async def check_once(self) -> int:
        """Offer the callback in every conversation that is due; returns how many were told."""
        told = 0
        for ticket in self.due():
            if not self.claim(ticket.id):
                continue
            try:
                await self.rasa.trigger(ticket.conversation_id, INTENT, {}, ticket.channel)
                told += 1
            except RasaError as exc:
                log.warning("callback offer for ticket %s failed: %s", ticket.id, exc)
        return told

    async def run(self) -> None:
        while True:
            try:
                await self.check_once()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - a locked database must not end the loop
                log.exception("waiting check failed")
            await asyncio.sleep(self.interval_s)
