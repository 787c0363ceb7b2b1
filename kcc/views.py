"""Console pages and actions. Every handler: check login, check CSRF on POST, act, redirect.

Why the order "check, then Rasa, then database" for hand back and close: if Rasa cannot be told,
the ticket must stay active, otherwise the resident would be left in a silent takeover.
Claim is the exception: the database decides who wins first, and a failed Rasa call undoes it.
"""
from __future__ import annotations

import asyncio
import logging
import secrets
from functools import lru_cache
from typing import Any, Dict, NamedTuple, Optional, Union
from urllib.parse import urlencode, urlsplit

import aiohttp_jinja2
from aiohttp import web

from kcc import rights
from assistant.rate_limit import client_address
from kcc.auth import Login, RateLimited
from kcc.events import HEARTBEAT_S, queue_events, sse_stream
from kcc.labels import LABELS
from kcc.models import PRESENCE_STATUSES, Ticket
from kcc.presence import PRESENCE_KEY, PresenceBoard
from kcc.privacy import statement
from kcc.rasa_client import RasaError, transcript
from kcc.services import SERVICES_KEY, Services
from kcc.notes import KINDS as NOTE_KINDS, MAX_NOTE, NoteBook
from kcc.outcomes import outcomes_for
from kcc.tickets import CONTACT_PREFERENCES, TicketError, TicketNotFound
from kcc.web_auth import (LOGIN_CSRF_COOKIE, SESSION_COOKIE, check_token, csrf_form,
                          current_login, read_form, require_api_login, require_page_login,
                          safe_next,
                          set_cookie)

log = logging.getLogger(__name__)
MAX_REPLY = 2000
MESSAGES = {
    "claimed": "U hebt het gesprek overgenomen. De inwoner krijgt daar bericht van.",
    "claimed_callback": "U hebt dit terugbelverzoek opgepakt.",
    "sent": "Uw bericht is verstuurd.",
    "answered": "Het ticket staat op beantwoord.",
    "handed_back": "Het gesprek is teruggegeven aan de assistent. Het ticket is afgesloten.",
    "followup": "Het gesprek is teruggegeven aan de assistent. Het ticket blijft bij u open "
                "voor de opvolging.",
    "closed": "Het ticket is afgesloten.",
    "note": "De notitie is bewaard. De inwoner ziet die niet.",
    "attempt": "De poging is bewaard.",
    "reached": "De poging is bewaard: inwoner bereikt. Sluit het ticket af met een uitkomst.",
    "promised": "Het afgesproken moment is bewaard.",
    "transfer_sent": "Het ticket is aangeboden aan uw collega. Het blijft bij u tot die het aanneemt.",
    "transfer_accepted": "U hebt het ticket aangenomen. Het staat nu op uw naam.",
    "transfer_declined": "U hebt de overdracht geweigerd. Het ticket blijft bij uw collega.",
    "transfer_withdrawn": "U hebt de overdracht ingetrokken.",
}
RASA_DOWN = ("De assistent is nu niet bereikbaar. Er is niets naar de inwoner gestuurd. "
             "Probeer het over een minuut opnieuw.")


def _services(request: web.Request) -> Services:
    return request.app[SERVICES_KEY]


def _presence(request: web.Request) -> PresenceBoard:
    return request.app[PRESENCE_KEY]


def active_login(request: web.Request) -> Login:
    """The logged-in staff member of a page or form: the staff member's own action, so it
    counts as activity for presence (background refreshes do not, see kcc.presence)."""
    login = require_page_login(request)
    _presence(request).touch(login.staff_id)
    return login


def wants_json(request: web.Request) -> bool:
    """The console's script asks for JSON (fetch); a plain form gets a page or a redirect."""
    return "application/json" in request.headers.get("Accept", "")


def _ticket_id(request: web.Request) -> int:
    try:
        return int(request.match_info["ticket_id"])
    except ValueError:
        raise web.HTTPNotFound() from None


def _load(request: web.Request, login: Login) -> Ticket:
    """The ticket of the URL; 404 when it does not exist or belongs to a municipality the
    staff member does not work for (its existence is not revealed)."""
    ticket = _services(request).store.get(_ticket_id(request))
    if ticket is None or ticket.municipality not in login.municipalities:
        raise web.HTTPNotFound()
    return ticket


# -- public -------------------------------------------------------------------------------
async def healthz(request: web.Request) -> web.Response:
    _services(request).store.fingerprint()  # proves the database answers
    return web.json_response({"status": "ok"})


async def root(request: web.Request) -> web.Response:
    raise web.HTTPFound("/console")


@aiohttp_jinja2.template("privacy.html")
async def privacy(request: web.Request) -> Dict[str, Any]:
    return {"privacy": statement(_services(request).config), "login": current_login(request)}


@aiohttp_jinja2.template("privacy.html")
async def privacy_of(request: web.Request) -> Dict[str, Any]:
    """The statement of one municipality of the region (residents are linked here by slug)."""
    from knowledge.tenants import valid_municipality

    slug = valid_municipality(request.match_info["municipality"])
    if slug is None:
        raise web.HTTPNotFound()
    shown = statement(_services(request).config, slug)
    return {"privacy": shown, "login": current_login(request), "municipality": shown.municipality}


# -- login --------------------------------------------------------------------------------
def _render_login(request: web.Request, error: Optional[str] = None, status: int = 200,
                  username: str = "") -> web.Response:
    token = secrets.token_urlsafe(32)
    response = aiohttp_jinja2.render_template("login.html", request, {
        "csrf_token": token, "error": error, "username": username,
        "next": safe_next(request.query.get("next")), "login": None}, status=status)
    set_cookie(response, LOGIN_CSRF_COOKIE, token, _services(request).config.cookie_secure)
    return response


async def login_page(request: web.Request) -> web.Response:
    if current_login(request) is not None:
        raise web.HTTPSeeOther(safe_next(request.query.get("next")))
    return _render_login(request)


async def login_submit(request: web.Request) -> web.Response:
    form = await read_form(request)
    given = form.get("csrf_token")
    check_token(request.cookies.get(LOGIN_CSRF_COOKIE), given if isinstance(given, str) else None)
    username = str(form.get("username", ""))[:64]
    password = str(form.get("password", ""))
    services = _services(request)
    address = client_address(request.remote, request.headers.getall("X-Forwarded-For", []),
                             services.config.trusted_proxies)
    loop = asyncio.get_running_loop()
    await asyncio.sleep(await loop.run_in_executor(None, services.auth.delay_seconds, username))
    try:
        staff = await loop.run_in_executor(None, services.auth.authenticate, username, password,
                                           address)
    except RateLimited:
        return _render_login(request, "Te veel mislukte pogingen vanaf dit adres. Wacht 15 "
                             "minuten en probeer het dan opnieuw.", status=429, username=username)
    if staff is None:
        return _render_login(request, "Gebruikersnaam of wachtwoord klopt niet.", status=401,
                             username=username)
    token = services.auth.start_session(staff)
    _presence(request).set_status(staff.id, "available")
    services.auth.seen(staff.id)
    services.audit.record(staff.username, "ingelogd")
    response = web.HTTPSeeOther(safe_next(str(form.get("next", ""))))
    set_cookie(response, SESSION_COOKIE, token, services.config.cookie_secure,
               max_age=services.config.session_minutes * 60)
    response.del_cookie(LOGIN_CSRF_COOKIE, path="/")
    raise response


async def logout(request: web.Request) -> web.Response:
    login = require_page_login(request)
    await csrf_form(request, login)
    _presence(request).set_status(login.staff_id, "away")
    _services(request).auth.end_session(request.cookies.get(SESSION_COOKIE))
    response = web.HTTPSeeOther("/console/login")
    response.del_cookie(SESSION_COOKIE, path="/")
    raise response


# -- presence -----------------------------------------------------------------------------
async def presence_set(request: web.Request) -> web.Response:
    """The staff member sets available / busy / away in the header."""
    login = active_login(request)
    form = await csrf_form(request, login)
    status = str(form.get("status", ""))
    if status not in PRESENCE_STATUSES:
        raise web.HTTPBadRequest()
    state = _presence(request).set_status(login.staff_id, status)
    _services(request).audit.record(login.username, "status_gezet", detail=status)
    if wants_json(request):
        return web.json_response(state.as_json())
    raise web.HTTPSeeOther(_back(request))


def _back(request: web.Request) -> str:
    """The console page the form was sent from (same origin), else the queue."""
    referer = urlsplit(request.headers.get("Referer", ""))
    if referer.netloc and referer.netloc != request.host:
        return "/console"
    return safe_next(referer.path + (f"?{referer.query}" if referer.query else ""))


async def presence_ping(request: web.Request) -> web.Response:
    """The console's script: the staff member pressed a key or moved the mouse (once a minute)."""
    login = active_login(request)
    await csrf_form(request, login)
    return web.json_response(_presence(request).state(login.staff_id).as_json())


# -- queue --------------------------------------------------------------------------------
FILTERS = ("q", "status", "urgency", "channel", "topic", "mine")


def _filters(request: web.Request) -> Dict[str, str]:
    return {name: request.query.get(name, "").strip()[:200] for name in FILTERS}


def _queue_context(request: web.Request, login: Login) -> Dict[str, Any]:
    store = _services(request).store
    filters = _filters(request)
    shown = {k: v for k, v in filters.items() if v}
    tickets = store.search(login.municipalities, filters["q"], filters["status"],
                           filters["urgency"], filters["channel"], filters["topic"],
                           login.username if filters["mine"] else None)
    extras: Dict[str, Any] = {}
    for provide in request.app.get(QUEUE_EXTRAS_KEY, []):
        extras.update(provide(request, login))
    return {**extras, "tickets": tickets, "filters": filters, "filtered": bool(shown),
            "topics": sorted(LABELS["topic"].items(), key=lambda item: item[1]),
            "query_string": urlencode(shown),
            "closed": store.recently_closed(10, municipalities=login.municipalities),
            "login": login}


async def queue_page(request: web.Request) -> web.Response:
    login = active_login(request)
    return aiohttp_jinja2.render_template("queue.html", request, _queue_context(request, login))


async def queue_fragment(request: web.Request) -> web.Response:
    login = require_api_login(request)
    return aiohttp_jinja2.render_template("_queue_list.html", request,
                                          _queue_context(request, login))


async def queue_stream(request: web.Request) -> web.StreamResponse:
    require_api_login(request)
    services = _services(request)
    subscription = services.watcher.subscribe()
    try:
        return await sse_stream(request, lambda: queue_events(subscription),
                                lambda: current_login(request) is not None)
    finally:
        services.watcher.unsubscribe(subscription)


# -- ticket detail ------------------------------------------------------------------------
async def _transcript_context(request: web.Request, ticket: Ticket, login: Login) -> Dict[str, Any]:
    services = _services(request)
    try:
        tracker = await services.rasa.tracker(ticket.conversation_id)
    except RasaError as exc:
        log.warning("transcript of ticket %s unavailable: %s", ticket.id, exc)
        return {"lines": None}
    services.audit.record(login.username, "transcript_gelezen", ticket.conversation_id, ticket.id)
    return {"lines": transcript(tracker), "event_count": len(tracker.get("events") or [])}


async def ticket_page(request: web.Request, error: Optional[str] = None, status: int = 200,
                      draft: str = "") -> web.Response:
    login = active_login(request)
    ticket = _load(request, login)
    context = {"ticket": ticket, "login": login, "outcomes": outcomes_for(ticket.municipality),
               "error": error, "draft": draft, "max_reply": MAX_REPLY, "max_note": MAX_NOTE,
               "message": MESSAGES.get(request.query.get("m", "")),
               "notes": _notes(request).for_ticket(ticket.id), "note_kinds": NOTE_KINDS,
               "next_ticket": _next_ticket(request, login, ticket),
               **await _transcript_context(request, ticket, login)}
    context.update(await _ticket_extras(request, ticket, login))
    return aiohttp_jinja2.render_template("ticket.html", request, context, status=status)


async def _ticket_extras(request: web.Request, ticket: Ticket, login: Login) -> Dict[str, Any]:
    """What the later tools add to the ticket page (saved replies, callbacks, transfers)."""
    extras: Dict[str, Any] = {}
    for provide in request.app.get(EXTRAS_KEY, []):
        extras.update(provide(request, ticket, login))
    return extras


EXTRAS_KEY = web.AppKey("kcc_ticket_extras", list)
QUEUE_EXTRAS_KEY = web.AppKey("kcc_queue_extras", list)


def _notes(request: web.Request) -> NoteBook:
    return request.app[NOTES_KEY]


NOTES_KEY = web.AppKey("kcc_notes", NoteBook)


def _next_ticket(request: web.Request, login: Login, current: Ticket) -> Optional[Ticket]:
    """The first open ticket of the queue after this one is done: "volgende ticket"."""
    if current.status != "closed" and current.staff == login.username:
        return None
    for ticket in _services(request).store.queue(("open",), limit=5,
                                                  municipalities=login.municipalities):
        if ticket.id != current.id:
            return ticket
    return None


async def _fail(request: web.Request, message: str, status: int, draft: str = "") -> web.Response:
    """A refused action: JSON for the console's script, else the ticket page with the reason."""
    if wants_json(request):
        return web.json_response({"ok": False, "error": message}, status=status)
    return await ticket_page(request, message, status=status, draft=draft)


def _ok(request: web.Request, ticket: Ticket, key: str, **extra: Any) -> web.Response:
    if wants_json(request):
        return web.json_response({"ok": True, "message": MESSAGES[key], **extra})
    raise _done(ticket, key)


async def ticket_view(request: web.Request) -> web.Response:
    return await ticket_page(request)


async def transcript_fragment(request: web.Request) -> web.Response:
    login = require_api_login(request)
    ticket = _load(request, login)
    context = {"ticket": ticket, **await _transcript_context(request, ticket, login)}
    return aiohttp_jinja2.render_template("_transcript.html", request, context)


async def transcript_stream(request: web.Request) -> web.StreamResponse:
    """Tells the page when the conversation has new events; the page then fetches (and audits)."""
    login = require_api_login(request)
    ticket = _load(request, login)
    services = _services(request)
    state: Dict[str, Optional[int]] = {"count": None}

    async def count() -> Optional[int]:
        try:
            return len((await services.rasa.tracker(ticket.conversation_id)).get("events") or [])
        except RasaError:
            return state["count"]

    # Start from what the page showed, not from now: events between rendering the page and
    # opening this stream would otherwise never reach the screen.
    shown = request.query.get("shown", "")
    state["count"] = int(shown) if shown.isdigit() else await count()

    async def next_event() -> Optional[str]:
        waited = 0.0
        while waited < HEARTBEAT_S:
            if services.closing.is_set():
                return None
            await asyncio.sleep(services.config.poll_seconds)
            waited += services.config.poll_seconds
            current = await count()
            if current != state["count"]:
                state["count"] = current
                return "transcript"
        return ""

    return await sse_stream(request, next_event, lambda: current_login(request) is not None)


# -- ticket actions -----------------------------------------------------------------------
def _done(ticket: Ticket, message: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(f"/console/tickets/{ticket.id}?m={message}")


async def claim(request: web.Request) -> web.Response:
    login = active_login(request)
    await csrf_form(request, login)
    services = _services(request)
    ticket_id = _load(request, login).id
    try:
        ticket = services.store.claim(ticket_id, login.username, login.name)
    except TicketNotFound:
        raise web.HTTPNotFound() from None
    except TicketError as exc:
        return await ticket_page(request, exc.message, status=409)
    if ticket.mode == "live":
        try:
            await services.rasa.trigger(ticket.conversation_id, "EXTERNAL_takeover_start",
                                        {"agent": login.name}, ticket.channel)
        except RasaError as exc:
            log.warning("takeover start for ticket %s failed: %s", ticket.id, exc)
            services.store.release(ticket.id, login.username)
            services.watcher.notify()
            return await ticket_page(request, RASA_DOWN, status=502)
    services.audit.record(login.username, "ticket_opgepakt", ticket.conversation_id, ticket.id)
    services.watcher.notify()
    raise _done(ticket, "claimed" if ticket.mode == "live" else "claimed_callback")


def _own_active(ticket: Ticket, login: Login) -> Optional[str]:
    """Why this staff member cannot act on the ticket now (None = they can)."""
    if ticket.status == "closed":
        return "Dit ticket is al afgesloten."
    if ticket.staff != login.username:
        return "Pak het ticket eerst op. Alleen wie het ticket heeft, kan dit doen."
    return None


def whatsapp_window_open(database_url: Optional[str], conversation_id: str) -> bool:
    """May a free text go to this WhatsApp conversation now (24 hours after the resident's last
    message)? Read from the channel's own table, in the same database."""
    return _whatsapp_store(database_url).reply_address(conversation_id) is not None


@lru_cache(maxsize=4)
def _whatsapp_store(database_url: Optional[str]) -> Any:
    """One engine per database for the console process (not one per reply). The hashing key is
    not needed to look up a conversation id that is already a hash."""
    from channels.whatsapp.store import WhatsAppStore
    from knowledge.settings import database_url as resolve

    return WhatsAppStore(resolve(database_url), key="")


async def reply(request: web.Request) -> web.Response:
    login = active_login(request)
    form = await csrf_form(request, login)
    services = _services(request)
    ticket = _load(request, login)
    text = str(form.get("text", "")).strip()
    problem = _own_active(ticket, login)
    if problem is None and ticket.mode != "live":
        problem = "Dit is een terugbelverzoek. Neem contact op zoals de inwoner heeft gevraagd."
    if problem is None and not text:
        problem = "Typ eerst een bericht."
    if problem is None and len(text) > MAX_REPLY:
        problem = (f"Uw bericht is te lang ({len(text)} tekens). Het maximum is {MAX_REPLY} "
                   "tekens. Maak het korter of verstuur het in delen.")
    if problem is None and ticket.channel == "whatsapp" and not whatsapp_window_open(
            services.config.database_url, ticket.conversation_id):
        problem = ("De inwoner schreef meer dan 24 uur geleden via WhatsApp. Buiten dat venster "
                   "mag WhatsApp geen vrij bericht doorsturen. Bel de inwoner of wacht tot de "
                   "inwoner opnieuw schrijft.")
    if problem is not None:
        return await _fail(request, problem, 400, draft=text[:MAX_REPLY * 2])
    try:
        await services.rasa.trigger(ticket.conversation_id, "EXTERNAL_staff_message",
                                    {"agent": login.name, "staff_text": text}, ticket.channel)
    except RasaError as exc:
        log.warning("staff message for ticket %s failed: %s", ticket.id, exc)
        return await _fail(request, RASA_DOWN, 502, draft=text)
    try:
        services.store.mark_answered(ticket.id, login.username)
    except TicketError as exc:  # closed meanwhile (other tab); the message itself went out
        log.info("ticket %s not marked answered: %s", ticket.id, exc.message)
    services.audit.record(login.username, "bericht_verstuurd", ticket.conversation_id, ticket.id)
    services.watcher.notify()
    return _ok(request, ticket, "sent")


async def answered(request: web.Request) -> web.Response:
    login = active_login(request)
    await csrf_form(request, login)
    services = _services(request)
    ticket = _load(request, login)
    try:
        services.store.mark_answered(ticket.id, login.username)
    except TicketError as exc:
        return await ticket_page(request, exc.message, status=409)
    services.audit.record(login.username, "beantwoord", ticket.conversation_id, ticket.id)
    services.watcher.notify()
    raise _done(ticket, "answered")


async def _finish(request: web.Request, closing: bool) -> web.Response:
    """Hand back to the assistant or close; tells Rasa first for live tickets.

    Handing back is not closing: the staff member chooses an outcome (the municipality's list)
    with an optional note, or keeps the ticket open for a follow-up (a callback, a melding),
    with the contact details the resident gave in the chat. Closing always needs an outcome.
    """
    login = active_login(request)
    form = await csrf_form(request, login)
    services = _services(request)
    ticket = _load(request, login)
    allowed = outcomes_for(ticket.municipality)
    follow_up = not closing and form.get("after") == "followup"
    outcome = None if follow_up else str(form.get("outcome", ""))
    note = str(form.get("note", "")).strip()
    preference = str(form.get("contact_preference", "")) or None
    contact = str(form.get("contact_value", "")).strip()[:255]
    problem = _own_active(ticket, login)
    if problem is not None:
        return await _fail(request, problem, 409)
    if outcome is not None and outcome not in allowed:
        problem = ("Kies een uitkomst. Of kies dat het ticket open blijft voor opvolging."
                   if not closing else "Kies een uitkomst.")
    if problem is None and len(note) > MAX_NOTE:
        problem = f"De notitie is te lang ({len(note)} tekens). Het maximum is {MAX_NOTE} tekens."
    if problem is None and preference is not None and preference not in CONTACT_PREFERENCES:
        problem = "Kies hoe de inwoner bereikt wil worden."
    if problem is None and follow_up and not (note or contact or ticket.contact_value):
        problem = ("Schrijf op wat er nog moet gebeuren, of vul in hoe de inwoner bereikt wil "
                   "worden. Anders weet een collega niet wat de opvolging is.")
    if problem is not None:
        return await _fail(request, problem, 400)
    if ticket.mode == "live":
        try:
            await services.rasa.trigger(ticket.conversation_id, "EXTERNAL_takeover_end",
                                        {"agent": login.name,
                                         "outcome": "closed" if closing else "resume"},
                                        ticket.channel)
        except RasaError as exc:
            log.warning("takeover end for ticket %s failed: %s", ticket.id, exc)
            return await _fail(request, RASA_DOWN, 502)
    try:
        if follow_up:
            services.store.follow_up(ticket.id, login.username, preference, contact or None)
        else:
            services.store.close(ticket.id, login.username, outcome, allowed)
    except TicketError as exc:
        return await _fail(request, exc.message, 409)
    if follow_up and str(form.get("promised_at", "")).strip():
        from kcc.console_tools import CALLBACKS_KEY, parse_local

        moment = parse_local(str(form.get("promised_at")))
        if moment is not None:
            request.app[CALLBACKS_KEY].promise(ticket.id, moment, login.username)
    if note:
        kind = "followup" if follow_up else "close" if closing else "handback"
        _notes(request).add(ticket.id, login.username, login.name, note, kind)
    action = "afgesloten" if closing else "opvolging" if follow_up else "teruggegeven"
    services.audit.record(login.username, action, ticket.conversation_id, ticket.id,
                          outcome or "opvolging")
    services.watcher.notify()
    return _ok(request, ticket, "closed" if closing else "followup" if follow_up else "handed_back")


async def add_note(request: web.Request) -> web.Response:
    """A private note on the ticket (any staff member of its municipality; audited)."""
    login = active_login(request)
    form = await csrf_form(request, login)
    ticket = _load(request, login)
    text = str(form.get("text", ""))
    try:
        note = _notes(request).add(ticket.id, login.username, login.name, text)
    except ValueError as exc:
        return await _fail(request, str(exc), 400, draft="")
    _services(request).audit.record(login.username, "notitie_geschreven", ticket.conversation_id,
                                    ticket.id, f"notitie {note.id}")
    html = aiohttp_jinja2.render_string("_notes.html", request, {
        "notes": _notes(request).for_ticket(ticket.id), "note_kinds": NOTE_KINDS})
    return _ok(request, ticket, "note", html=html)


async def hand_back(request: web.Request) -> web.Response:
    return await _finish(request, closing=False)


async def close(request: web.Request) -> web.Response:
    return await _finish(request, closing=True)


# -- resident's rights: export or delete one conversation (AVG art. 15 and 17) ------------------
RIGHTS_PAGE = "/console/conversations"
NO_ID = "Vul een gespreksnummer in. U vindt het nummer op de pagina van het ticket."
CONFIRM_MISMATCH = ("Het nummer dat u typte is niet hetzelfde als het gespreksnummer. "
                    "Er is niets verwijderd. Probeer het opnieuw.")


def _rights_login(request: web.Request) -> Login:
    """These actions are POSTs; after logging in, the staff member lands on the form page."""
    login = current_login(request)
    if login is None:
        raise web.HTTPSeeOther(f"/console/login?next={RIGHTS_PAGE}")
    return login


def _from_ticket(form: Any) -> Optional[int]:
    raw = str(form.get("ticket_id", ""))
    return int(raw) if raw.isdigit() else None


def _rights_page(request: web.Request, login: Login, status: int = 200, **context: Any
                 ) -> web.Response:
    values = {"login": login, "state": "form", "conversation_id": "", "error": None,
              "counts": None, "ticket_id": None}
    values.update(context)
    return aiohttp_jinja2.render_template("conversation.html", request, values, status=status)


def _unknown(request: web.Request, login: Login, conversation_id: str) -> web.Response:
    return _rights_page(request, login, status=404, conversation_id=conversation_id,
                        error=f"Onder nummer ‘{conversation_id}’ is geen gesprek opgeslagen. "
                              "Controleer het nummer. Misschien is het gesprek al verwijderd.")


async def _in_thread(func: Any, *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, func, *args)


async def rights_form(request: web.Request) -> web.Response:
    login = active_login(request)
    return _rights_page(request, login)


class _Stored(NamedTuple):
    """A staff request about one conversation that is known to have stored data."""

    login: Login
    form: Any
    conversation_id: str
    counts: Dict[str, int]


async def _stored_conversation(request: web.Request) -> Union[_Stored, web.Response]:
    """The steps export and delete share: login, CSRF, a valid id, and data stored under it.

    Returns the page to show instead when one of them fails.
    """
    login = _rights_login(request)
    form = await csrf_form(request, login)
    conversation_id = rights.clean_id(form.get("conversation_id"))
    if conversation_id is None:
        return _rights_page(request, login, status=400, error=NO_ID)
    counts = await _in_thread(rights.stored_counts, conversation_id)
    if not any(counts.values()):
        return _unknown(request, login, conversation_id)
    # Another municipality's conversation answers as if it did not exist (issue 21).
    owners = await _in_thread(rights.municipalities_of, conversation_id,
                              _services(request).config.municipality)
    if not owners <= login.municipalities:
        return _unknown(request, login, conversation_id)
    return _Stored(login, form, conversation_id, counts)


async def conversation_export(request: web.Request) -> web.Response:
    found = await _stored_conversation(request)
    if isinstance(found, web.Response):
        return found
    body = await _in_thread(rights.export_json, found.conversation_id, found.login.username)
    name = rights.download_name(found.conversation_id)
    return web.Response(body=body, content_type="application/json", charset="utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})


async def conversation_delete(request: web.Request) -> web.Response:
    """Step 1 shows what is stored and asks to type the id again; step 2 deletes."""
    found = await _stored_conversation(request)
    if isinstance(found, web.Response):
        return found
    login, form, conversation_id, counts = found
    ticket_id = _from_ticket(form)
    if form.get("step") != "confirm":
        return _rights_page(request, login, state="confirm", conversation_id=conversation_id,
                            counts=counts, ticket_id=ticket_id)
    if str(form.get("confirmation", "")).strip() != conversation_id:
        return _rights_page(request, login, status=400, state="confirm",
                            conversation_id=conversation_id, counts=counts, ticket_id=ticket_id,
                            error=CONFIRM_MISMATCH)
    deleted = await _in_thread(rights.delete, conversation_id, login.username)
    _services(request).watcher.notify()
    return _rights_page(request, login, state="deleted", conversation_id=conversation_id,
                        counts=deleted)


def add_routes(app: web.Application) -> None:
    services = app[SERVICES_KEY]
    board = PresenceBoard(services.config.database_url, services.config.municipality)
    app[PRESENCE_KEY] = board
    app[NOTES_KEY] = NoteBook(services.config.database_url)
    app[EXTRAS_KEY] = []
    app[QUEUE_EXTRAS_KEY] = []
    env = aiohttp_jinja2.get_env(app)
    env.globals["presence_of"] = lambda login: board.state(login.staff_id)
    env.globals["presence_statuses"] = PRESENCE_STATUSES
    r = app.router
    r.add_post("/console/presence", presence_set)
    r.add_post("/console/presence/ping", presence_ping)
    r.add_get("/", root)
    r.add_get("/healthz", healthz)
    r.add_get("/privacy", privacy)
    r.add_get("/privacy/{municipality}", privacy_of)
    r.add_get("/console/login", login_page)
    r.add_post("/console/login", login_submit)
    r.add_post("/console/logout", logout)
    r.add_get("/console", queue_page)
    r.add_get("/console/queue", queue_fragment)
    r.add_get("/console/events", queue_stream)
    r.add_get(r"/console/tickets/{ticket_id}", ticket_view)
    r.add_get(r"/console/tickets/{ticket_id}/transcript", transcript_fragment)
    r.add_get(r"/console/tickets/{ticket_id}/events", transcript_stream)
    r.add_post(r"/console/tickets/{ticket_id}/claim", claim)
    r.add_post(r"/console/tickets/{ticket_id}/reply", reply)
    r.add_post(r"/console/tickets/{ticket_id}/answered", answered)
    r.add_post(r"/console/tickets/{ticket_id}/handback", hand_back)
    r.add_post(r"/console/tickets/{ticket_id}/close", close)
    r.add_post(r"/console/tickets/{ticket_id}/notes", add_note)
    from kcc.console_tools import add_tool_routes  # the tools use this module's helpers

    add_tool_routes(app)
    app.on_startup.append(_start_wait_watcher)
    app.on_shutdown.append(_stop_wait_watcher)  # before the server closes the Rasa client
    r.add_get(RIGHTS_PAGE, rights_form)
    r.add_post(RIGHTS_PAGE + "/export", conversation_export)
    r.add_post(RIGHTS_PAGE + "/delete", conversation_delete)


WAIT_TASK_KEY = web.AppKey("kcc_wait_task", asyncio.Task)


async def _start_wait_watcher(app: web.Application) -> None:
    """After CALLBACK_OFFER_MINUTES without a pick-up the assistant offers a callback."""
    from kcc.waiting import WaitWatcher

    services = app[SERVICES_KEY]
    watcher = WaitWatcher(services.config.database_url, services.rasa,
                          max(1.0, services.config.poll_seconds * 5))
    app[WAIT_TASK_KEY] = asyncio.create_task(watcher.run())


async def _stop_wait_watcher(app: web.Application) -> None:
    task = app.get(WAIT_TASK_KEY)
    if task is not None:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
