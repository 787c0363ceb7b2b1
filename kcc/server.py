"""The KCC staff console: `python -m kcc.server --port 8080`.

aiohttp app with Jinja2 templates (Dutch UI), server-side sessions, CSRF on every form, live queue
via SSE, the outbox delivery loop, and an error middleware so nobody ever sees a stack trace.
"""
from __future__ import annotations

from assistant.settings import settings

import argparse
import asyncio
import logging
from pathlib import Path
from typing import Awaitable, Callable, List, Optional

import aiohttp_jinja2
import jinja2
from aiohttp import web

from assistant.masking import install_log_masking
from kcc import labels, rights
from kcc.backends import backend_from_env
from kcc.config import ConsoleConfig
from kcc.outbox import Outbox
from kcc.privacy import municipality_name
from kcc.services import SERVICES_KEY, Services
from kcc.tickets import TicketStore
from kcc.views import add_routes
from kcc.catalogue_views import add_routes as add_catalogue_routes
from kcc.review import add_routes as add_review_routes

log = logging.getLogger("kcc.server")
HERE = Path(__file__).resolve().parent
TASKS_KEY = web.AppKey("kcc_tasks", list)
PLAIN_PATHS = ("/healthz", "/console/queue", "/console/events")
ERROR_TEXT = {
    400: ("Ongeldig verzoek", "Het formulier of adres klopt niet."),
    401: ("Niet ingelogd", "Log opnieuw in."),
    403: ("Geen toegang", "Dit mag u hier niet doen, of het formulier is verlopen. Ga terug, "
                          "laad de pagina opnieuw en probeer het nog een keer."),
    404: ("Niet gevonden", "Deze pagina of dit ticket bestaat niet."),
    405: ("Niet toegestaan", "Deze actie kan hier niet."),
    413: ("Te groot", "Wat u stuurde is te groot."),
    429: ("Even wachten", "Te veel pogingen. Wacht even en probeer het opnieuw."),
    500: ("Er ging iets mis", "Er ging iets mis aan onze kant. Probeer het opnieuw. Blijft het "
                              "misgaan? Meld het bij de functioneel beheerder."),
}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _is_plain(request: web.Request) -> bool:
    path = request.path
    return path in PLAIN_PATHS or path.endswith(("/transcript", "/events"))


def _error_response(request: web.Request, status: int) -> web.StreamResponse:
    title, text = ERROR_TEXT.get(status, ERROR_TEXT[500 if status >= 500 else 400])
    if _is_plain(request):
        return web.Response(status=status, text=f"{title}. {text}", content_type="text/plain")
    return aiohttp_jinja2.render_template("error.html", request,
                                          {"title": title, "text": text, "status": status,
                                           "login": None}, status=status)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Dutch error pages for every HTTP error; unexpected exceptions are logged, never shown."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return _error_response(request, exc.status)
    except asyncio.CancelledError:
        raise
    except Exception:  # noqa: BLE001 — the one place that turns bugs into a polite 500
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _error_response(request, 500)


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'self'")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.path.startswith("/console"):
        response.headers["Cache-Control"] = "no-store"
    if _services_of(request).config.cookie_secure:  # served over HTTPS: browsers must stay there
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")


def _services_of(request: web.Request) -> Services:
    return request.app[SERVICES_KEY]


async def _start_background(app: web.Application) -> None:
    services: Services = app[SERVICES_KEY]
    tasks: List[asyncio.Task] = [asyncio.create_task(services.watcher.run())]
    if services.outbox is not None:
        tasks.append(asyncio.create_task(
            services.outbox.run_forever(services.config.outbox_interval_seconds)))
    app[TASKS_KEY] = tasks


async def _stop_background(app: web.Application) -> None:
    services: Services = app[SERVICES_KEY]
    services.closing.set()
    services.watcher.notify(None)  # ends open event streams so shutdown is quick
    for task in app.get(TASKS_KEY, []):
        task.cancel()
    await asyncio.gather(*app.get(TASKS_KEY, []), return_exceptions=True)
    await services.rasa.close()


def create_app(config: Optional[ConsoleConfig] = None, store: Optional[TicketStore] = None,
               outbox: Optional[Outbox] = None) -> web.Application:
    """The console app; tests pass their own config/store, production reads the environment."""
    config = config or ConsoleConfig.from_env()
    store = store or TicketStore(config.database_url)
    app = web.Application(middlewares=[error_middleware], client_max_size=256 * 1024)
    app[SERVICES_KEY] = Services.build(config, store, outbox)
    env = aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(str(HERE / "templates")),
                               autoescape=jinja2.select_autoescape(["html"], default=True))
    labels.register(env)
    env.globals["municipality"] = municipality_name(config.municipality, config.database_url)[0]
    env.globals["max_conversation_id"] = rights.MAX_ID_LENGTH  # the form fields' maxlength
    app.router.add_static("/static", HERE / "static", name="static")
    add_routes(app)
    add_catalogue_routes(app)
    add_review_routes(app)  # review inbox, retraining, dashboard (issue 19)
    app.on_response_prepare.append(_security_headers)
    app.on_startup.append(_start_background)
    app.on_shutdown.append(_stop_background)
    return app


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m kcc.server", description="KCC-console")
    parser.add_argument("--port", type=int, default=settings().console_port)
    parser.add_argument("--host", default=settings().console_host)
    args = parser.parse_args(argv)
    logging.basicConfig(level=settings().log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_log_masking()
    config = ConsoleConfig.from_env()
    store = TicketStore.from_env()
    backend = backend_from_env()
    outbox = Outbox(store, backend) if backend.name != "sql" else None
    log.info("KCC console on http://%s:%s (ticket backend: %s)", args.host, args.port, backend.name)
    web.run_app(create_app(config, store, outbox), host=args.host, port=args.port,
                shutdown_timeout=3, access_log=None, print=lambda *_: None)
    log.info("console stopped")


if __name__ == "__main__":
    main()
