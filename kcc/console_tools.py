"""The worker's tools in the console: saved replies, callbacks as work, transfer to a colleague.

Why apart from kcc/views.py: views holds the ticket's life (claim, reply, hand back, close);
these are the tools around it. They use the same rules: a login for every page, the session's
CSRF token on every POST, a role in the municipality for what changes shared things, and 404 for
anything of a municipality the staff member does not work for.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, Optional

import aiohttp_jinja2
from aiohttp import web

from kcc.auth import Login
from kcc.callbacks import RESULT_LABELS, CallbackBook
from kcc.labels import LOCAL_TZ
from kcc.models import Ticket
from kcc.privacy import municipality_name
from kcc.saved_replies import SavedReplies
from kcc.services import SERVICES_KEY
from kcc.presence import PRESENCE_KEY
from kcc.rasa_client import RasaError
from kcc.tickets import TicketError
from kcc.transfers import TransferDesk
from kcc.views import (EXTRAS_KEY, MESSAGES, QUEUE_EXTRAS_KEY, RASA_DOWN, _fail, _load, _notes, _ok, _own_active,
                       active_login, log, wants_json)
from kcc.web_auth import csrf_form, require_api_login

REPLIES_KEY = web.AppKey("kcc_saved_replies", SavedReplies)
CALLBACKS_KEY = web.AppKey("kcc_callbacks", CallbackBook)
TRANSFERS_KEY = web.AppKey("kcc_transfers", TransferDesk)


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


# -- callbacks as work --------------------------------------------------------------------
def _callbacks(request: web.Request) -> CallbackBook:
    return request.app[CALLBACKS_KEY]


def callback_for_ticket(request: web.Request, ticket: Ticket, login: Login) -> Dict[str, Any]:
    if ticket.mode != "callback":
        return {}
    return {"callback": _callbacks(request).item(ticket), "results": RESULT_LABELS}


async def callbacks_page(request: web.Request) -> web.Response:
    login = active_login(request)
    mine = request.query.get("mine") == "1"
    items = _callbacks(request).work_list(login.municipalities,
                                          mine=login.username if mine else None)
    return aiohttp_jinja2.render_template("callbacks.html", request, {
        "login": login, "items": items, "mine": mine, "results": RESULT_LABELS,
        "overdue": sum(1 for i in items if i.overdue)})


async def record_attempt(request: web.Request) -> web.Response:
    """One try to reach the resident: reached (the ticket is answered), not reached, wrong
    number; an optional note says what was agreed or tried."""
    login = active_login(request)
    form = await csrf_form(request, login)
    services = request.app[SERVICES_KEY]
    ticket = _load(request, login)
    result = str(form.get("result", ""))
    note = str(form.get("note", "")).strip()
    problem = _own_active(ticket, login)
    if problem is None and ticket.mode != "callback":
        problem = "Dit is geen terugbelverzoek."
    if problem is not None:
        return await _fail(request, problem, 409)
    if result not in RESULT_LABELS:
        return await _fail(request, "Kies hoe de poging ging.", 400)
    if note and len(note) > 2000:
        return await _fail(request, "De notitie is te lang (maximaal 2000 tekens).", 400)
    _callbacks(request).record(ticket.id, result, login.username, login.name)
    if note:
        _notes(request).add(ticket.id, login.username, login.name, note, "callback")
    if result == "reached":
        try:
            services.store.mark_answered(ticket.id, login.username)
        except TicketError as exc:
            return await _fail(request, exc.message, 409)
    services.audit.record(login.username, "terugbelpoging", ticket.conversation_id, ticket.id,
                          result)
    services.watcher.notify()
    return _ok(request, ticket, "reached" if result == "reached" else "attempt")


def parse_local(value: str) -> Optional[datetime]:
    """A datetime-local field ('2026-12-01T15:00'), Dutch time, as an aware moment."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return moment.replace(tzinfo=LOCAL_TZ) if moment.tzinfo is None else moment


async def set_promise(request: web.Request) -> web.Response:
    login = active_login(request)
    form = await csrf_form(request, login)
    ticket = _load(request, login)
    problem = _own_active(ticket, login)
    if problem is not None:
        return await _fail(request, problem, 409)
    moment = parse_local(str(form.get("promised_at", "")))
    if moment is None:
        return await _fail(request, "Vul een datum en tijd in, bijvoorbeeld vandaag 15:00.", 400)
    _callbacks(request).promise(ticket.id, moment, login.username)
    request.app[SERVICES_KEY].audit.record(login.username, "terugbelmoment", ticket.conversation_id,
                                           ticket.id, moment.isoformat())
    return _ok(request, ticket, "promised")


# -- transfer to a colleague ----------------------------------------------------------------
def _desk(request: web.Request) -> TransferDesk:
    return request.app[TRANSFERS_KEY]


def transfer_for_ticket(request: web.Request, ticket: Ticket, login: Login) -> Dict[str, Any]:
    if ticket.status == "closed":
        return {}
    pending = _desk(request).pending_for_ticket(ticket.id)
    mine = ticket.staff == login.username and ticket.status in ("claimed", "answered")
    if pending is None and not mine:
        return {}
    colleagues = request.app[PRESENCE_KEY].colleagues(ticket.municipality,
                                                      exclude=[login.username]) if mine else []
    return {"transfer_part": True, "pending_transfer": pending, "colleagues": colleagues}


def transfers_inbox(request: web.Request, login: Login) -> Dict[str, Any]:
    """For the queue: the offers waiting for this staff member."""
    return {"transfers_for_me": _desk(request).inbox(login.username, login.municipalities)}


async def offer_transfer(request: web.Request) -> web.Response:
    login = active_login(request)
    form = await csrf_form(request, login)
    services = request.app[SERVICES_KEY]
    ticket = _load(request, login)
    problem = _own_active(ticket, login)
    if problem is not None:
        return await _fail(request, problem, 409)
    to = str(form.get("to", "")).strip().lower()
    colleague = request.app[PRESENCE_KEY].works_for(to, ticket.municipality)
    if colleague is None or colleague.username == login.username:
        return await _fail(request, "Kies een collega die voor deze gemeente werkt.", 400)
    try:
        transfer = _desk(request).offer(ticket, login.username, login.name, colleague.username,
                                        colleague.name, str(form.get("note", "")))
    except ValueError as exc:
        return await _fail(request, str(exc), 400)
    _notes(request).add(ticket.id, login.username, login.name,
                        f"Aangeboden aan {colleague.name}: {transfer.note}", "transfer")
    services.audit.record(login.username, "overdracht_aangeboden", ticket.conversation_id,
                          ticket.id, f"aan {colleague.username}")
    services.watcher.notify()
    return _ok(request, ticket, "transfer_sent")


async def decide_transfer(request: web.Request) -> web.Response:
    """The colleague accepts or declines; the one who offered may withdraw."""
    login = active_login(request)
    await csrf_form(request, login)
    services = request.app[SERVICES_KEY]
    decision = request.match_info["decision"]
    status = {"accept": "accepted", "decline": "declined", "withdraw": "withdrawn"}[decision]
    try:
        transfer = _desk(request).get(int(request.match_info["transfer_id"]))
    except ValueError:
        raise web.HTTPNotFound() from None
    ticket = services.store.get(transfer.ticket_id) if transfer is not None else None
    party = transfer.from_staff if status == "withdrawn" else transfer.to_staff if transfer else None
    if ticket is None or ticket.municipality not in login.municipalities or party != login.username:
        raise web.HTTPNotFound()  # not theirs to decide: as if it did not exist
    back = f"/console/tickets/{ticket.id}"
    try:
        _desk(request).decide(transfer.id, status, login.username)
        if status == "accepted":
            ticket = services.store.reassign(ticket.id, transfer.from_staff, login.username,
                                             login.name)
    except TicketError as exc:
        if status == "accepted":  # the ticket changed meanwhile (closed, or not the giver's)
            _desk(request).reopen(transfer.id)
            _desk(request).decide(transfer.id, "withdrawn", transfer.from_staff)
        return await _transfer_problem(request, exc.message, back)
    if status == "accepted" and ticket.mode == "live":
        try:  # the resident reads who talks to them now
            await services.rasa.trigger(ticket.conversation_id, "EXTERNAL_takeover_start",
                                        {"agent": login.name}, ticket.channel)
        except RasaError as exc:
            log.warning("takeover by %s of ticket %s failed: %s", login.username, ticket.id, exc)
            services.store.reassign(ticket.id, login.username, transfer.from_staff,
                                    transfer.from_name)
            _desk(request).reopen(transfer.id)
            return await _transfer_problem(request, RASA_DOWN, back, 502)
    kind = {"accepted": "aangenomen", "declined": "geweigerd", "withdrawn": "ingetrokken"}[status]
    _notes(request).add(ticket.id, login.username, login.name, f"Overdracht {kind}.", "transfer")
    services.audit.record(login.username, f"overdracht_{kind}", ticket.conversation_id, ticket.id,
                          f"van {transfer.from_staff} aan {transfer.to_staff}")
    services.watcher.notify()
    key = f"transfer_{status}"
    if wants_json(request):
        return web.json_response({"ok": True, "message": MESSAGES[key]})
    target = back if status != "declined" else "/console"
    raise web.HTTPSeeOther(f"{target}?m={key}" if target == back else target)


async def _transfer_problem(request: web.Request, message: str, back: str,
                            status: int = 409) -> web.Response:
    if wants_json(request):
        return web.json_response({"ok": False, "error": message}, status=status)
    return aiohttp_jinja2.render_template("error.html", request, {
        "title": "Overdracht niet gelukt", "text": message, "status": status,
        "login": None, "back": back}, status=status)


def add_tool_routes(app: web.Application) -> None:
    config = app[SERVICES_KEY].config
    app[REPLIES_KEY] = SavedReplies(config.database_url)
    app[CALLBACKS_KEY] = CallbackBook(config.database_url)
    app[TRANSFERS_KEY] = TransferDesk(config.database_url)
    app[EXTRAS_KEY].extend([replies_for_ticket, callback_for_ticket, transfer_for_ticket])
    app[QUEUE_EXTRAS_KEY].append(transfers_inbox)
    r = app.router
    r.add_post(r"/console/tickets/{ticket_id}/transfer", offer_transfer)
    r.add_post(r"/console/transfers/{transfer_id}/{decision:accept|decline|withdraw}",
               decide_transfer)
    r.add_get("/console/callbacks", callbacks_page)
    r.add_post(r"/console/tickets/{ticket_id}/attempts", record_attempt)
    r.add_post(r"/console/tickets/{ticket_id}/promise", set_promise)
    r.add_get("/console/replies", replies_page)
    r.add_get("/console/replies/search", replies_search)
    r.add_post("/console/replies", replies_add)
    r.add_post(r"/console/replies/{reply_id}/delete", replies_delete)
