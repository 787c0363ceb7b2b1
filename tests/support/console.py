"""A running staff console on loopback (aiohttp test server) with a fake Rasa, for the tests.

Why here: many test modules drive the console the same way (log in, post with the CSRF token,
make a ticket); one harness keeps them alike. The ``console`` fixture is in tests/unit/conftest.py.
"""
from __future__ import annotations

import re

from aiohttp.test_utils import TestClient, TestServer
from argon2 import PasswordHasher

from kcc.auth import StaffAuth
from kcc.config import ConsoleConfig
from kcc.server import create_app
from kcc.tickets import TicketDraft, TicketStore
from tests.support.fakes import FakeRasa

PASSWORD = "correct horse battery"
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


class Console:
    """A running console plus handles on its database and the fake Rasa."""

    def __init__(self, client: TestClient, store: TicketStore, rasa: FakeRasa, db_url: str) -> None:
        self.client, self.store, self.rasa, self.db_url = client, store, rasa, db_url

    def ticket(self, cid: str = "conv-1", **kw) -> int:
        values = dict(conversation_id=cid, episode=1, channel="webchat",
                      municipality="het-hogeland",
                      topic="huishoudelijke_hulp", ladder_rung="sociaal_loket",
                      summary="Inwoner: ik kan mijn huis niet meer schoonmaken.", mode="live")
        values.update(kw)
        return self.store.create(TicketDraft(**values))[0].id

    async def csrf(self, path: str) -> str:
        html = await (await self.client.get(path)).text()
        return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)

    async def login(self, username: str = "anna", password: str = PASSWORD,
                    headers: dict | None = None) -> int:
        token = await self.csrf("/console/login")
        resp = await self.client.post("/console/login", allow_redirects=False, headers=headers,
                                      data={"csrf_token": token, "username": username,
                                            "password": password, "next": "/console"})
        return resp.status

    async def post(self, path: str, data: dict | None = None, csrf_from: str = "/console"):
        token = await self.csrf(csrf_from)
        return await self.client.post(path, data={"csrf_token": token, **(data or {})},
                                      allow_redirects=False)


def _keep_review_in(app, tmp_path) -> None:
    """A test console never writes the project's reviewed examples or trains and switches the
    project's live model: a route walk that presses the retraining button would otherwise start
    the real ``evaluation.retrain`` in the working tree. Tests that exercise them set their own."""
    import sys

    from kcc.review import REVIEW_KEY
    from kcc.review_examples import ReviewedExamples

    if REVIEW_KEY in app:
        review = app[REVIEW_KEY]
        review.examples = ReviewedExamples(tmp_path / "nlu" / "reviewed_examples.yml")
        review.runs_dir = tmp_path / "retrain-runs"
        review.retrain_command = (sys.executable, "-c", "pass")


async def start_console(tmp_path, **config_kw) -> tuple:
    """A console on a fresh SQLite database, staff anna and bert, and its fake Rasa server."""
    rasa = FakeRasa()
    rasa_server = TestServer(rasa.app(), host="127.0.0.1")
    await rasa_server.start_server()
    db_url = f"sqlite:///{tmp_path / 'console.db'}"
    config_kw.setdefault("login_max_delay_seconds", 0.05)  # the delay grows, the test stays fast
    config = ConsoleConfig(database_url=db_url, rasa_url=f"http://127.0.0.1:{rasa_server.port}",
                           rasa_token=rasa.token, municipality="tynaarlo", poll_seconds=0.1,
                           **config_kw)
    auth = StaffAuth(db_url, hasher=CHEAP_HASHER)  # verification follows the stored parameters
    auth.create_staff("anna", PASSWORD, "Anna")
    auth.create_staff("bert", PASSWORD, "Bert")
    store = TicketStore(db_url)
    app = create_app(config, store)
    _keep_review_in(app, tmp_path)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    return Console(client, store, rasa, db_url), rasa_server
