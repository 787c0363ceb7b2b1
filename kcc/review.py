"""The review inbox for the beheerder: what the assistant did not handle well, to learn from.

``add_routes(app)`` registers ``/console/review`` (role ``beheerder``; a ``kcc`` login gets 403).
Items come from ``kcc.insights`` (clarifying questions, fallbacks, out-of-scope answers to a
social question, 👎, handoffs because the assistant did not understand), masked, only of the
login's municipalities, grouped by similarity. Per item: label with a topic (a training example
in ``nlu/data/reviewed_examples.yml``), mark as missing content, or dismiss. Every action is in
the audit log.
"""
from __future__ import annotations

from assistant.settings import settings

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import quote

import aiohttp_jinja2
from aiohttp import web

from kcc.insights import WHY, Facts, Filters
from assistant.topics import TOPICS
from kcc.auth import Login
from kcc.review_examples import ExampleConflict, ReviewedExamples
from kcc.review_store import ReviewStore, group_items
from kcc.services import SERVICES_KEY
from kcc.web_auth import csrf_form, require_role

ROLE = "beheerder"
ACTIONS = {"label": "labelled", "missing": "missing", "dismiss": "dismissed"}


@dataclass
class ReviewConfig:
    """Where the inbox reads and writes; tests point it at their own files."""

    database_url: Optional[str]
    tracker_url: str
    examples: ReviewedExamples
    runs_dir: Path
    #: The retraining the button starts (tests give a dry run on a test model).
    retrain_command: Tuple[str, ...] = (sys.executable, "-m", "evaluation.retrain")
    running: Dict[str, Any] = field(default_factory=dict)


REVIEW_KEY = web.AppKey("kcc_review", ReviewConfig)


def add_routes(app: web.Application) -> None:
    from kcc.db import REPO_ROOT

    config = app[SERVICES_KEY].config
    app[REVIEW_KEY] = ReviewConfig(config.database_url, settings().tracker_store_url,
                                   ReviewedExamples(), REPO_ROOT / "var" / "retrain")
    app.router.add_get("/console/review", review_page, name="review")
    app.router.add_post("/console/review/decide", decide)
    from kcc import dashboard, review_retrain

    review_retrain.add_routes(app)
    dashboard.add_routes(app)


def _config(request: web.Request) -> ReviewConfig:
    return request.app[REVIEW_KEY]


def open_items(request: web.Request, login: Login) -> List[Dict[str, Any]]:
    """The undecided inbox items of the municipalities where this login is beheerder."""
    config = _config(request)
    facts = Facts.read(tracker_url=config.tracker_url, database_url=config.database_url)
    decided = ReviewStore(config.database_url).decided()
    items = facts.inbox(Filters(municipalities=login.where(ROLE)))
    seen: set = set()
    out = []
    for item in items:
        if item["key"] not in decided and item["key"] not in seen:
            seen.add(item["key"])
            out.append(item)
    return out


@aiohttp_jinja2.template("review.html")
async def review_page(request: web.Request) -> Dict[str, Any]:
    login = require_role(request, ROLE)
    items = open_items(request, login)
    store = ReviewStore(_config(request).database_url)
    request.app[SERVICES_KEY].audit.record(login.username, "review_bekeken",
                                           detail=f"{len(items)} berichten")
    return {"login": login, "groups": group_items(items), "count": len(items), "why": WHY,
            "topics": TOPICS, "missing": store.missing(login.where(ROLE)),
            "message": request.query.get("melding", "")[:200]}


async def decide(request: web.Request) -> web.StreamResponse:
    login = require_role(request, ROLE)
    form = await csrf_form(request, login)
    action, key, topic = (str(form.get(name, "")) for name in ("action", "key", "topic"))
    if action not in ACTIONS:
        raise web.HTTPBadRequest()
    item = next((i for i in open_items(request, login) if i["key"] == key), None)
    if item is None:  # decided already, or of a municipality this login does not manage
        raise web.HTTPNotFound()
    config = _config(request)
    note = "Bericht afgehandeld."
    if action == "label":
        if topic not in TOPICS:
            raise web.HTTPBadRequest()
        try:
            example = config.examples.add(item["text"], topic)
        except ExampleConflict as exc:
            raise _back(str(exc)) from None
        except ValueError:
            raise _back("Dit bericht is te kort om van te leren. Kies Negeren.") from None
        note = f"Voorbeeld toegevoegd bij {topic}: {example}"
    ReviewStore(config.database_url).decide(key, ACTIONS[action], item["text"],
                                            item["municipality"], login.username,
                                            topic if action == "label" else None)
    request.app[SERVICES_KEY].audit.record(
        login.username, f"review_{ACTIONS[action]}", item["conversation_id"],
        detail=f"{item['why']}; {topic}" if action == "label" else item["why"])
    raise _back(note)


def _back(note: str) -> web.HTTPSeeOther:
    """Back to the inbox with a short notice (shown as text, escaped by the template)."""
    return web.HTTPSeeOther(f"/console/review?melding={quote(note[:200])}")
