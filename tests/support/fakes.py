"""Test doubles on loopback: a fake Rasa HTTP API and an Open Klant server that checks the OAS.

Why under tests/: test doubles are not part of the product and must not ship with it; the unit
tests and the browser test share them from here. Nothing here runs unless a test starts it.
"""
from __future__ import annotations

import asyncio
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

import yaml
from aiohttp import web
from jsonschema import RefResolver
from openapi_schema_validator import OAS30WriteValidator

# Copy of open-klant 2.18 src/openklant/components/klantinteracties/openapi.yaml
# (Klantinteracties API 0.9.0, EUPL-1.2), so the tests run from a fresh clone.
OAS_PATH = Path(__file__).resolve().parents[2] / "kcc" / "openapi" / "klantinteracties-0.9.0.yaml"
API_BASE = "/klantinteracties/api/v1"


# -- a server in a background thread (for sync tests such as Playwright) ------------------
class ThreadedServer:
    """Runs an aiohttp app on 127.0.0.1 in its own thread and event loop."""

    def __init__(self, app: web.Application) -> None:
        self.app = app
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._runner: Optional[web.AppRunner] = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "ThreadedServer":
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    async def _start(self) -> None:
        self._runner = web.AppRunner(self.app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)


# -- fake Rasa ----------------------------------------------------------------------------
@dataclass
class FakeRasa:
    """Records trigger_intent calls and serves a tracker, like Rasa's HTTP API with --auth-token."""

    token: str = "test-token"
    fail: bool = False
    calls: List[Dict[str, Any]] = field(default_factory=list)
    events: Dict[str, List[Dict[str, Any]]] = field(default_factory=dict)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/conversations/{cid}/trigger_intent", self._trigger)
        app.router.add_get("/conversations/{cid}/tracker", self._tracker)
        return app

    def say(self, conversation_id: str, kind: str, text: str, **extra: Any) -> None:
        """Append a user or bot event to a conversation (test set-up)."""
        event = {"event": kind, "text": text, "timestamp": time.time(), **extra}
        self.events.setdefault(conversation_id, []).append(event)

    def intents(self, name: Optional[str] = None) -> List[Dict[str, Any]]:
        return [c for c in self.calls if name is None or c["body"].get("name") == name]

    def _check(self, request: web.Request) -> None:
        if request.query.get("token") != self.token:
            raise web.HTTPUnauthorized()
        if self.fail:
            raise web.HTTPInternalServerError()

    async def _trigger(self, request: web.Request) -> web.Response:
        self._check(request)
        cid = request.match_info["cid"]
        body = await request.json()
        self.calls.append({"conversation_id": cid, "query": dict(request.query), "body": body})
        name = body.get("name", "")
        self.say(cid, "user", f"EXTERNAL: {name}")
        entities = body.get("entities") or {}
        if name == "EXTERNAL_staff_message":
            self.say(cid, "bot", entities.get("staff_text", ""),
                     metadata={"agent": entities.get("agent")})
        return web.json_response({"tracker": {"sender_id": cid}, "messages": []})

    async def _tracker(self, request: web.Request) -> web.Response:
        self._check(request)
        cid = request.match_info["cid"]
        return web.json_response({"sender_id": cid, "events": self.events.get(cid, [])})


# -- Open Klant with OAS request validation -----------------------------------------------
class OasChecker:
    """Checks request bodies against the Klantinteracties OAS with openapi-schema-validator (as
    a request: required fields except read-only ones, read-only fields refused), plus one rule of
    the fake's own: no unknown fields. Open Klant drops those silently, so a misspelt field in
    the adapter would be lost without any test noticing."""

    def __init__(self, path: Path = OAS_PATH) -> None:
        with open(path, encoding="utf-8") as fh:
            self.spec = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        _close_objects(self.spec)
        self._resolver = RefResolver.from_schema(self.spec)

    def request_schema(self, path: str, method: str = "post") -> Dict[str, Any]:
        op = self.spec["paths"][path][method]
        return op["requestBody"]["content"]["application/json"]["schema"]

    def errors(self, path: str, body: Any) -> List[str]:
        """What is wrong with ``body`` as the request body of ``POST path``, one line each."""
        validator = OAS30WriteValidator(self.request_schema(path), resolver=self._resolver,
                                        format_checker=OAS30WriteValidator.FORMAT_CHECKER)
        return sorted(f"body{_where(error.absolute_path)}: {error.message}"
                      for error in validator.iter_errors(body))


def _where(path: Iterable[Any]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)


def _close_objects(spec: Dict[str, Any]) -> None:
    """``additionalProperties: false`` on every object schema a request body can reach, unless it
    says otherwise or is a part of an allOf of several (each part would refuse the others' fields;
    those are the polymorphic actors and parties, which the adapter does not send)."""
    schemas = spec["components"]["schemas"]
    reachable: Dict[int, Dict[str, Any]] = {}
    parts: set = set()

    def target(node: Dict[str, Any]) -> Dict[str, Any]:
        return schemas[node["$ref"].rsplit("/", 1)[-1]] if "$ref" in node else node

    def visit(node: Any) -> None:
        if isinstance(node, list):
            for value in node:
                visit(value)
        elif isinstance(node, dict) and id(node) not in reachable:
            reachable[id(node)] = node
            if len(node.get("allOf") or ()) > 1:
                parts.update(id(target(part)) for part in node["allOf"])
            if "$ref" in node:
                visit(target(node))
            for value in node.values():
                visit(value)

    for operations in spec["paths"].values():
        for operation in operations.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                visit(operation["requestBody"])
    for key, node in reachable.items():
        if "properties" in node and "additionalProperties" not in node and key not in parts:
            node["additionalProperties"] = False


@dataclass
class FakeOpenKlant:
    """POST endpoints of Open Klant that validate bodies (400 with the errors) and record them.

    `fail_on` makes matching resources answer 500 ("*" = all), to test the outbox.
    """

    token: str = "ok-token"
    checker: OasChecker = field(default_factory=OasChecker)
    fail_on: set = field(default_factory=set)
    created: Dict[str, List[Dict[str, Any]]] = field(default_factory=dict)
    rejected: List[Dict[str, Any]] = field(default_factory=list)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(API_BASE + "/{resource}", self._create)
        return app

    async def _create(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Token {self.token}":
            return web.json_response({"detail": "Authenticatiegegevens zijn niet opgegeven."},
                                     status=401)
        resource = request.match_info["resource"]
        if resource in self.fail_on or "*" in self.fail_on:
            return web.json_response({"detail": "storing"}, status=500)
        path = f"/{resource}"
        if path not in self.checker.spec["paths"]:
            raise web.HTTPNotFound()
        body = await request.json()
        errors = self.checker.errors(path, body)
        if errors:
            self.rejected.append({"resource": resource, "body": body, "errors": errors})
            return web.json_response({"invalidParams": errors}, status=400)
        new_uuid = str(uuid.uuid4())
        url = f"http://{request.host}{API_BASE}/{resource}/{new_uuid}"
        record = {**body, "uuid": new_uuid, "url": url}
        self.created.setdefault(resource, []).append(record)
        return web.json_response(record, status=201)
