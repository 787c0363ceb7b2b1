"""Open Klant adapter and outbox against a loopback server that validates bodies with the OAS."""
from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import AsyncIterator

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from kcc.backends import backend_from_env
from kcc.backends.openklant import OpenKlantBackend
from kcc.backends.sql import SqlBackend
from kcc.models import utcnow
from kcc.outbox import Outbox, backoff_delay
from tests.support.fakes import API_BASE, FakeOpenKlant, OasChecker
from kcc.tickets import TicketDraft, TicketStore
from tests.support.stack import free_port


def callback_draft(cid: str = "conv-ok", **kw) -> TicketDraft:
    values = dict(conversation_id=cid, episode=1, channel="webchat", municipality="oldambt",
                  topic="schulden_geldzorgen", ladder_rung="sociaal_loket",
                  summary="Inwoner: 'ik heb schulden en mijn kinderen'. Bot bood Geldfit aan.",
                  urgency="high", mode="callback", contact_preference="telefoon", consent=True,
                  contact_value="0612345678", reason="complex")
    values.update(kw)
    return TicketDraft(**values)


@pytest.fixture
async def openklant() -> AsyncIterator[tuple]:
    fake = FakeOpenKlant()
    server = TestServer(fake.app(), host="127.0.0.1")
    await server.start_server()
    yield fake, f"http://127.0.0.1:{server.port}{API_BASE}"
    await server.close()


@pytest.fixture
def store(tmp_path) -> TicketStore:
    return TicketStore(f"sqlite:///{tmp_path / 'ok.db'}", backend="openklant")


def test_oas_checker_finds_missing_and_wrong_fields() -> None:
    checker = OasChecker()
    assert checker.errors("/klantcontacten", {"kanaal": "chat"}) == [
        "body: 'onderwerp' is a required property", "body: 'taal' is a required property",
        "body: 'vertrouwelijk' is a required property"]
    wrong_task = checker.errors("/internetaken", {"aanleidinggevendKlantcontact": {},
                                                  "gevraagdeHandeling": "x", "status": "klaar"})
    assert "body.aanleidinggevendKlantcontact: 'uuid' is a required property" in wrong_task
    assert any(e.startswith("body.status: 'klaar' is not one of") for e in wrong_task)
    assert "body: Additional properties are not allowed ('typo' was unexpected)" in checker.errors(
        "/betrokkenen", {"hadKlantcontact": {"uuid": "u"}, "rol": "klant", "initiator": True,
                         "typo": 1})


def test_oas_checker_refuses_read_only_and_wrong_types_and_passes_a_valid_body() -> None:
    checker = OasChecker()
    valid = {"kanaal": "chat", "onderwerp": "Terugbelverzoek", "taal": "nld",
             "vertrouwelijk": True}
    assert checker.errors("/klantcontacten", valid) == []
    assert any("read-only" in e for e in checker.errors(
        "/klantcontacten", {**valid, "uuid": "7c3f0c36-0000-4000-8000-000000000001"}))
    assert checker.errors("/klantcontacten", {**valid, "kanaal": "c" * 51,
                                              "vertrouwelijk": "ja"}) == [
        f"body.kanaal: '{'c' * 51}' is too long",
        "body.vertrouwelijk: 'ja' is not of type 'boolean'"]
    assert "body.hadKlantcontact.uuid: 'u' is not a 'uuid'" in checker.errors(
        "/betrokkenen", {"hadKlantcontact": {"uuid": "u"}, "rol": "klant", "initiator": True})


async def test_the_fake_refuses_a_wrong_request_with_400(openklant) -> None:
    fake, url = openklant
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{url}/klantcontacten", json={"kanaal": "chat", "typo": 1},
                             headers={"Authorization": f"Token {fake.token}"}) as resp:
            assert resp.status == 400
            problems = (await resp.json())["invalidParams"]
    assert "body: 'onderwerp' is a required property" in problems
    assert fake.rejected[0]["errors"] == problems and "klantcontacten" not in fake.created


async def test_adapter_posts_valid_klantcontact_and_task(openklant, store) -> None:
    fake, url = openklant
    ticket, _ = store.create(callback_draft())
    actor = "7c3f0c36-0000-4000-8000-000000000001"
    backend = OpenKlantBackend(base_url=url, token=fake.token, actor_uuid=actor)
    progress: dict = {}
    ref = await backend.deliver(ticket, progress)

    assert fake.rejected == []
    kc = fake.created["klantcontacten"][0]
    assert (kc["kanaal"], kc["taal"], kc["vertrouwelijk"]) == ("chat", "nld", True)
    assert kc["inhoud"].startswith("Inwoner:")
    betrokkene = fake.created["betrokkenen"][0]
    assert betrokkene["hadKlantcontact"] == {"uuid": kc["uuid"]}
    adres = fake.created["digitaleadressen"][0]
    assert (adres["soortDigitaalAdres"], adres["adres"]) == ("telefoonnummer", "0612345678")
    assert adres["verstrektDoorBetrokkene"] == {"uuid": betrokkene["uuid"]}
    taak = fake.created["internetaken"][0]
    assert taak["gevraagdeHandeling"] == "Terugbellen" and taak["status"] == "te_verwerken"
    assert taak["aanleidinggevendKlantcontact"] == {"uuid": kc["uuid"]}
    assert taak["toegewezenAanActoren"] == [{"uuid": actor}]
    assert ref == f"internetaken/{taak['uuid']}"


async def test_no_contact_address_without_consent(openklant, store) -> None:
    fake, url = openklant
    ticket, _ = store.create(callback_draft(consent=False))
    await OpenKlantBackend(base_url=url, token=fake.token).deliver(ticket, {})
    assert fake.rejected == []
    assert "digitaleadressen" not in fake.created and "betrokkenen" not in fake.created
    assert "toegewezenAanActoren" not in fake.created["internetaken"][0]


async def test_outbox_retries_with_backoff_then_delivers_exactly_once(openklant, store) -> None:
    fake, url = openklant
    ticket, _ = store.create(callback_draft())
    outbox = Outbox(store, OpenKlantBackend(base_url=url, token=fake.token), base_delay_s=5)
    fake.fail_on = {"internetaken"}  # klantcontact succeeds, the task fails: a partial delivery
    now = utcnow()

    first = await outbox.deliver_pending(now=now)
    assert (first.delivered, first.failed) == (0, 1)
    item = outbox.pending()[0]
    assert item.attempts == 1 and "HTTP 500" in item.last_error
    assert item.next_attempt_at == now + timedelta(seconds=5)
    assert "klantcontact" in json.loads(item.progress)

    assert (await outbox.deliver_pending(now=now + timedelta(seconds=4))).failed == 0  # not due
    second = await outbox.deliver_pending(now=now + timedelta(seconds=5))
    assert second.failed == 1
    assert outbox.pending()[0].next_attempt_at == now + timedelta(seconds=5 + 10)  # doubled

    fake.fail_on = set()
    third = await outbox.deliver_pending(now=now + timedelta(seconds=15))
    assert third.delivered == 1
    assert outbox.pending() == []
    assert await outbox.deliver_pending(now=now + timedelta(days=1)) == type(third)()

    assert len(fake.created["klantcontacten"]) == 1  # resumed, not repeated
    assert len(fake.created["internetaken"]) == 1
    task_uuid = fake.created["internetaken"][0]["uuid"]
    assert store.get(ticket.id).external_ref == f"internetaken/{task_uuid}"


async def test_outbox_survives_connection_refused(store) -> None:
    ticket, _ = store.create(callback_draft())
    dead = OpenKlantBackend(base_url=f"http://127.0.0.1:{free_port()}{API_BASE}", token="x")
    report = await Outbox(store, dead).deliver_pending()
    assert report.failed == 1
    item = Outbox(store, dead).pending()[0]
    assert "niet bereikbaar" in item.last_error and item.delivered_at is None
    assert store.get(ticket.id).status == "open"  # the ticket itself is untouched


async def test_two_delivery_loops_deliver_once(openklant, store) -> None:
    fake, url = openklant
    store.create(callback_draft("a"))
    store.create(callback_draft("b"))
    backend = OpenKlantBackend(base_url=url, token=fake.token)
    await asyncio.gather(Outbox(store, backend).deliver_pending(),
                         Outbox(store, backend).deliver_pending())
    assert len(fake.created["internetaken"]) == 2
    assert len(fake.created["klantcontacten"]) == 2


async def test_wrong_token_is_a_retryable_failure(openklant, store) -> None:
    fake, url = openklant
    store.create(callback_draft())
    report = await Outbox(store, OpenKlantBackend(base_url=url, token="wrong")).deliver_pending()
    assert report.failed == 1 and "HTTP 401" in Outbox(store, SqlBackend()).pending()[0].last_error


def test_backoff_is_exponential_and_capped() -> None:
    assert [backoff_delay(n, 5, 60) for n in range(1, 6)] == [5, 10, 20, 40, 60]


def test_backend_from_env(monkeypatch) -> None:
    monkeypatch.setenv("TICKET_BACKEND", "openklant")
    monkeypatch.setenv("OPENKLANT_URL", "http://127.0.0.1:1/klantinteracties/api/v1/")
    monkeypatch.setenv("OPENKLANT_TOKEN", "t")
    backend = backend_from_env()
    assert isinstance(backend, OpenKlantBackend) and backend.base_url.endswith("/v1")
    monkeypatch.delenv("OPENKLANT_URL")
    with pytest.raises(ValueError):
        backend_from_env()
    monkeypatch.setenv("TICKET_BACKEND", "excel")
    with pytest.raises(ValueError):
        backend_from_env()
    monkeypatch.setenv("TICKET_BACKEND", "sql")
    assert backend_from_env().name == "sql"
