"""The console's collaborators, built once per app and shared by all handlers."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Optional

from aiohttp import web

from kcc.audit import AuditLog
from kcc.auth import StaffAuth
from kcc.config import ConsoleConfig
from kcc.events import QueueWatcher
from kcc.outbox import Outbox
from kcc.rasa_client import RasaClient
from kcc.tickets import TicketStore

@dataclass
class Services:
    config: ConsoleConfig
    store: TicketStore
    auth: StaffAuth
    audit: AuditLog
    rasa: RasaClient
    watcher: QueueWatcher
    outbox: Optional[Outbox] = None
    closing: asyncio.Event = field(default_factory=asyncio.Event)

    @classmethod
    def build(cls, config: ConsoleConfig, store: TicketStore,
              outbox: Optional[Outbox] = None) -> "Services":
        return cls(config=config, store=store,
                   auth=StaffAuth(config.database_url, config.session_minutes,
                                  max_delay_seconds=config.login_max_delay_seconds,
                                  default_municipality=config.municipality),
                   audit=AuditLog(config.database_url),
                   rasa=RasaClient(config.rasa_url, config.rasa_token),
                   watcher=QueueWatcher(store, config.poll_seconds), outbox=outbox)


SERVICES_KEY = web.AppKey("kcc_services", Services)
