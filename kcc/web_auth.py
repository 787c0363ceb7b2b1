"""Request-level security helpers: who is logged in, CSRF checks, cookies.

Why separate from the handlers: every handler must apply the same rules (pages redirect to the
login, API and SSE answer 401, every POST needs the session's CSRF token), and keeping them in one
place makes that easy to check.
"""
from __future__ import annotations

import secrets
from typing import Optional
from urllib.parse import quote

from aiohttp import web
from multidict import MultiDictProxy

from kcc.auth import Login
from kcc.services import SERVICES_KEY

SESSION_COOKIE = "kcc_session"
LOGIN_CSRF_COOKIE = "kcc_login_csrf"


def current_login(request: web.Request) -> Optional[Login]:
    """The logged-in staff member of this request (which also counts as being present)."""
    auth = request.app[SERVICES_KEY].auth
    login = auth.lookup(request.cookies.get(SESSION_COOKIE))
    if login is not None:
        auth.seen(login.staff_id)
    return login


def require_page_login(request: web.Request) -> Login:
    """Logged-in staff member, or a redirect to the login page (back here afterwards)."""
    login = current_login(request)
    if login is None:
        raise web.HTTPSeeOther(f"/console/login?next={quote(request.path_qs, safe='')}")
    return login


def require_api_login(request: web.Request) -> Login:
    """Logged-in staff member, or 401 (fragments and event streams are not pages)."""
    login = current_login(request)
    if login is None:
        raise web.HTTPUnauthorized()  # the error middleware answers in Dutch
    return login


def require_role(request: web.Request, role: str, municipality: Optional[str] = None,
                 page: bool = True) -> Login:
    """Logged-in staff member with at least ``role`` (in ``municipality`` when given).

    A missing role is 403 (the staff member is known, the action is not theirs); a thing of
    another municipality is handled by the caller as 404, so its existence is not revealed.
    """
    login = require_page_login(request) if page else require_api_login(request)
    if not login.can(role, municipality):
        raise web.HTTPForbidden()
    return login


def check_token(expected: Optional[str], given: Optional[str]) -> None:
    if not expected or not given or not secrets.compare_digest(expected, given):
        raise web.HTTPForbidden(text="Ongeldig formulier (CSRF). Laad de pagina opnieuw.")


async def read_form(request: web.Request) -> MultiDictProxy:
    """The POSTed form; a body aiohttp cannot parse (a multipart body without boundary, bytes
    that are not in the declared charset) is the sender's error: 400, not 500."""
    try:
        return await request.post()
    except ValueError:  # includes UnicodeDecodeError
        raise web.HTTPBadRequest() from None


async def csrf_form(request: web.Request, login: Login) -> MultiDictProxy:
    """The POSTed form, after checking it carries this session's CSRF token."""
    form = await read_form(request)
    token = form.get("csrf_token")
    check_token(login.csrf_token, token if isinstance(token, str) else None)
    return form


def safe_next(target: Optional[str]) -> str:
    """Only local console paths as redirect targets (no open redirect)."""
    if target and target.startswith("/console") and not target.startswith("//"):
        return target
    return "/console"


def set_cookie(response: web.StreamResponse, name: str, value: str, secure: bool,
               max_age: Optional[int] = None) -> None:
    response.set_cookie(name, value, httponly=True, samesite="Strict", secure=secure,
                        path="/", max_age=max_age)
