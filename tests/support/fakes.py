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
from typing import Any, Dict, List, Optional

import yaml
from aiohttp import web

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
    """Checks request bodies against the Klantinteracties OAS: required (writable) fields,
    types, enums, maxLength, and no unknown fields, resolving $ref and allOf."""

    def __init__(self, path: Path = OAS_PATH) -> None:
        with open(path, encoding="utf-8") as fh:
            self.spec = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))

    def request_schema(self, path: str, method: str = "post") -> Dict[str, Any]:
        op = self.spec["paths"][path][method]
        return op["requestBody"]["content"]["application/json"]["schema"]

    def resolve(self, schema: Dict[str, Any]) -> Dict[str, Any]:
        while "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = {**self.spec["components"]["schemas"][name],
                      **{k: v for k, v in schema.items() if k != "$ref"}}
        if "allOf" in schema:
            merged: Dict[str, Any] = {}
            for part in schema["allOf"]:
                merged.update(self.resolve(part))
            merged.update({k: v for k, v in schema.items() if k != "allOf"})
            return merged
        return schema

    def errors(self, path: str, body: Any) -> List[str]:
        found: List[str] = []
        self._check(self.request_schema(path), body, "body", found)
        return found

    def _check(self, schema: Dict[str, Any], value: Any, where: str, out: List[str]) -> None:
        schema = self.resolve(schema)
        if value is None:
            if not schema.get("nullable"):
                out.append(f"{where}: null not allowed")
            return
        kind = schema.get("type") or ("object" if "properties" in schema else None)
        if "enum" in schema and value not in schema["enum"]:
            out.append(f"{where}: {value!r} not in {schema['enum']}")
        if kind == "object":
            self._check_object(schema, value, where, out)
        elif kind == "array":
            if not isinstance(value, list):
                out.append(f"{where}: expected array")
            else:
                for i, item in enumerate(value):
                    self._check(schema.get("items", {}), item, f"{where}[{i}]", out)
        elif kind == "string":
            if not isinstance(value, str):
                out.append(f"{where}: expected string")
            elif len(value) > schema.get("maxLength", 10**9):
                out.append(f"{where}: longer than {schema['maxLength']}")
        elif kind == "boolean" and not isinstance(value, bool):
            out.append(f"{where}: expected boolean")

    def _check_object(self, schema: Dict[str, Any], value: Any, where: str, out: List[str]) -> None:
        if not isinstance(value, dict):
            out.append(f"{where}: expected object")
            return
        props = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value and not props.get(name, {}).get("readOnly"):
                out.append(f"{where}.{name}: required")
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            if key in props:
                if props[key].get("readOnly"):
                    out.append(f"{where}.{key}: read-only")
                else:
                    self._check(props[key], item, f"{where}.{key}", out)
            elif isinstance(extra, dict):
                self._check(extra, item, f"{where}.{key}", out)
            elif not extra:
                out.append(f"{where}.{key}: unknown field")


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
