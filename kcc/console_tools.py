"""The worker's tools in the console: saved replies, callbacks as work, transfer to a colleague.

Why apart from kcc/views.py: views holds the ticket's life (claim, reply, hand back, close);
these are the tools around it. They use the same rules: a login for every page, the session's
CSRF token on every POST, a role in the municipality for what changes shared things, and 404 for
anything of a municipality the staff member does not work for.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

import aiohttp_jinja2
from aiohttp import web

from kcc.auth import Login
from kcc.models import Ticket
from kcc.privacy import municipality_name
from kcc.saved_replies import SavedReplies
from kcc.services import SERVICES_KEY
from kcc.views import EXTRAS_KEY, active_login, wants_json
from kcc.web_auth import csrf_form, require_api_login

REPLIES_KEY = web.AppKey("kcc_saved_replies", SavedReplies)


def _replies(request: web.Request) -> SavedReplies:
    return request.app[REPLIES_KEY]


def _name(request: web.Request, slug: str) -> str:
    return municipality_name(slug, request.app[SERVICES_KEY].config.database_url)[0]


def _municipality(login: Login, raw: Any) -> str:
    """A municipality the staff member works for, from a form or query; 404 otherwise."""
    slug = str(raw or "").strip().lower()
    if not slug and len(login.municipalities) == 1:
        slug = next(iter(login.municipalities))
    if slug not in login.municipalities:
        raise web.HTTPNotFound()
    return slug


# -- saved replies ------------------------------------------------------------------------
def replies_for_ticket(request: web.Request, ticket: Ticket, login: Login) -> Dict[str, Any]:
    if ticket.mode != "live" or ticket.staff != login.username or ticket.status == "closed":
        return {}
    return {"saved_replies": _replies(request).for_municipality(
        ticket.municipality, login.name, _name(request, ticket.municipality))}


async def replies_search(request: web.Request) -> web.Response:
    """JSON: the saved replies of a municipality matching ``q`` (all of them without)."""
    login = require_api_login(request)
    slug = _municipality(login, request.query.get("municipality"))
    found = _replies(request).for_municipality(slug, login.name, _name(request, slug),
                                               request.query.get("q", "")[:200])
    return web.json_response({"replies": [r.as_json() for r in found]})


async def replies_page(request: web.Request, error: Optional[str] = None,
                       status: int = 200) -> web.Response:
    login = active_login(request)
    places = sorted(login.municipalities)
    lists = {slug: _replies(request).for_municipality(slug, login.name, _name(request, slug))
             for slug in places}
    return aiohttp_jinja2.render_template("replies.html", request, {
        "login": login, "lists": lists, "names": {s: _name(request, s) for s in places},
        "error": error, "message": "Het standaardantwoord is bewaard."
        if request.query.get("m") == "added" else "Het standaardantwoord is verwijderd."
        if request.query.get("m") == "deleted" else None}, status=status)


async def replies_add(request: web.Request) -> web.Response:
    login = active_login(request)
    form = await csrf_form(request, login)
    slug = _municipality(login, form.get("municipality"))
    try:
        row = _replies(request).add(slug, str(form.get("title", "")), str(form.get("text", "")),
                                    login.username)
    except ValueError as exc:
        if wants_json(request):
            return web.json_response({"ok": False, "error": str(exc)}, status=400)
        return await replies_page(request, str(exc), status=400)
    request.app[SERVICES_KEY].audit.record(login.username, "standaardantwoord_toegevoegd",
                                           detail=f"{slug}: {row.id}")
    if wants_json(request):
        return web.json_response({"ok": True, "id": row.id})
    raise web.HTTPSeeOther("/console/replies?m=added")


async def replies_delete(request: web.Request) -> web.Response:
    """Whoever added a reply may delete it, and a beheerder of its municipality."""
    login = active_login(request)
    await csrf_form(request, login)
    try:
        row = _replies(request).get(int(request.match_info["reply_id"]))
    except ValueError:
        raise web.HTTPNotFound() from None
    if row is None or row.municipality not in login.municipalities:
        raise web.HTTPNotFound()
    if row.created_by != login.username and not login.can("beheerder", row.municipality):
        raise web.HTTPForbidden()
    _replies(request).delete(row.id)
    request.app[SERVICES_KEY].audit.record(login.username, "standaardantwoord_verwijderd",
                                           detail=f"{row.municipality}: {row.id}")
    raise web.HTTPSeeOther("/console/replies?m=deleted")


def add_tool_routes(app: web.Application) -> None:
    config = app[SERVICES_KEY].config
    app[REPLIES_KEY] = SavedReplies(config.database_url)
    app[EXTRAS_KEY].append(replies_for_ticket)
    r = app.router
    r.add_get("/console/replies", replies_page)
    r.add_get("/console/replies/search", replies_search)
    r.add_post("/console/replies", replies_add)
    r.add_post(r"/console/replies/{reply_id}/delete", replies_delete)
