"""Open Klant 2.x (VNG Klantinteracties API 0.9): a klantcontact plus an interne taak "Terugbellen".

Why separate calls instead of `/maak-klantcontact`: the callback number must hang on a betrokkene
(`/digitaleadressen` → `verstrektDoorBetrokkene`), and each step's uuid is kept in `progress` so
that a retry after a failure never creates a second klantcontact or task.
"""
from __future__ import annotations

from assistant.settings import settings

from dataclasses import dataclass
from typing import Any, Dict, Optional

import aiohttp

from kcc.backends import DeliveryError
from kcc.models import Ticket

KANAAL = {"webchat": "chat", "rest": "chat", "telegram": "telegram"}
URGENCY_LABEL = {"urgent": "Spoed", "high": "Hoog", "normal": "Normaal"}


@dataclass
class OpenKlantBackend:
    base_url: str
    token: str
    actor_uuid: Optional[str] = None  # the KCC team actor that gets the task, if configured
    timeout_s: float = 10.0
    name: str = "openklant"

    @classmethod
    def from_env(cls) -> "OpenKlantBackend":
        current = settings()
        url = current.openklant_url
        if not url:
            raise ValueError("TICKET_BACKEND=openklant needs OPENKLANT_URL "
                             "(…/klantinteracties/api/v1) and OPENKLANT_TOKEN")
        return cls(base_url=url.rstrip("/"), token=current.openklant_token,
                   actor_uuid=current.openklant_actor_uuid or None)

    @staticmethod
    def wants(ticket: Ticket) -> bool:
        """Only callback tickets become a task; live chats are handled in the console."""
        return ticket.mode == "callback"

    async def deliver(self, ticket: Ticket, progress: Dict[str, Any]) -> str:
        headers = {"Authorization": f"Token {self.token}", "Accept": "application/json"}
        timeout = aiohttp.ClientTimeout(total=self.timeout_s)
        try:
            async with aiohttp.ClientSession(headers=headers, timeout=timeout) as http:
                if "klantcontact" not in progress:
                    progress["klantcontact"] = await self._post(http, "klantcontacten",
                                                                klantcontact_body(ticket))
                if wants_contact_address(ticket):
                    if "betrokkene" not in progress:
                        progress["betrokkene"] = await self._post(
                            http, "betrokkenen", betrokkene_body(progress["klantcontact"]))
                    if "digitaaladres" not in progress:
                        body = digitaal_adres_body(ticket, progress["betrokkene"])
                        progress["digitaaladres"] = await self._post(http, "digitaleadressen", body)
                if "internetaak" not in progress:
                    progress["internetaak"] = await self._post(
                        http, "internetaken",
                        interne_taak_body(ticket, progress["klantcontact"], self.actor_uuid))
        except aiohttp.ClientError as exc:
            raise DeliveryError(f"Open Klant niet bereikbaar: {type(exc).__name__}: {exc}") from exc
        return f"internetaken/{progress['internetaak']}"

    async def _post(self, http: aiohttp.ClientSession, resource: str, body: Dict[str, Any]) -> str:
        async with http.post(f"{self.base_url}/{resource}", json=body) as resp:
            text = await resp.text()
            if resp.status != 201:
                raise DeliveryError(f"POST /{resource} gaf HTTP {resp.status}: {text[:300]}")
            try:
                return str((await resp.json(content_type=None))["uuid"])
            except (ValueError, KeyError, TypeError) as exc:
                raise DeliveryError(f"POST /{resource}: antwoord zonder uuid") from exc


def wants_contact_address(ticket: Ticket) -> bool:
    return bool(ticket.consent and ticket.contact_value
                and ticket.contact_preference in ("telefoon", "email"))


def _iso(ticket: Ticket) -> str:
    return ticket.created_at.replace(microsecond=0).isoformat() + "Z"


def klantcontact_body(ticket: Ticket) -> Dict[str, Any]:
    topic = (ticket.topic or "algemeen").replace("_", " ")
    return {
        "kanaal": KANAAL.get(ticket.channel, "chat"),
        "onderwerp": f"Vraag via digitale assistent: {topic}"[:200],
        "inhoud": (ticket.summary or "")[:1000],
        "taal": "nld",
        "vertrouwelijk": True,
        "indicatieContactGelukt": True,
        "plaatsgevondenOp": _iso(ticket),
        "metadata": {"kccTicket": str(ticket.id), "gemeente": ticket.municipality[:255]},
    }


def betrokkene_body(klantcontact_uuid: str) -> Dict[str, Any]:
    return {"hadKlantcontact": {"uuid": klantcontact_uuid}, "rol": "klant", "initiator": True}


def digitaal_adres_body(ticket: Ticket, betrokkene_uuid: str) -> Dict[str, Any]:
    phone = ticket.contact_preference == "telefoon"
    return {
        "verstrektDoorBetrokkene": {"uuid": betrokkene_uuid},
        "soortDigitaalAdres": "telefoonnummer" if phone else "email",
        "adres": (ticket.contact_value or "")[:80],
        "omschrijving": "terugbelnummer" if phone else "e-mailadres voor antwoord",
    }


def interne_taak_body(ticket: Ticket, klantcontact_uuid: str,
                      actor_uuid: Optional[str]) -> Dict[str, Any]:
    handeling = "Terugmailen" if ticket.contact_preference == "email" else "Terugbellen"
    note = (f"Urgentie: {URGENCY_LABEL.get(ticket.urgency, ticket.urgency)}. "
            f"Trede: {ticket.ladder_rung or 'onbekend'}. {ticket.summary or ''}")
    body: Dict[str, Any] = {
        "aanleidinggevendKlantcontact": {"uuid": klantcontact_uuid},
        "gevraagdeHandeling": handeling,
        "toelichting": note[:1000],
        "status": "te_verwerken",
    }
    if actor_uuid:
        body["toegewezenAanActoren"] = [{"uuid": actor_uuid}]
    return body
