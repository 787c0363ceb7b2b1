"""Start the action server with the catalogue ready: ``python -m actions.server --port 5055``.

Why not plain ``rasa run actions``: the catalogue (database read, rendering, search index) was
loaded at the first resident's message. That resident waited for it, and the server's memory
after start-up did not show its working size (`make bench` saw it grow after the first
messages, which looks like a leak but is the catalogue). Here it is loaded before the port opens. The
arguments are rasa_sdk's own (`--actions` defaults to this package).

The action server creates tickets and reads whole conversations, so nobody but Rasa may call
it: it listens on loopback (``ACTIONS_HOST``) and refuses every call without the shared token
(``ACTION_SERVER_TOKEN``, kept in ``var/action_server_token``) that Rasa sends as
``Authorization: Bearer`` (the ``headers`` of ``action_endpoint`` in endpoints.yml). The check is
attached through rasa_sdk's own plugin hook. Bodies above ``MAX_BODY_BYTES`` are refused before
they are read (Sanic's ``REQUEST_MAX_SIZE``).
"""
from __future__ import annotations

import logging
import os
import sys
from typing import Any, Optional, Sequence

import pluggy
from sanic import Sanic
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse, json as json_response

from assistant.settings import settings
from assistant.secret_files import bearer, read_secret, tokens_equal

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024  # Rasa sends a bounded window of events (bot/rasa_compat/patches.py)
OPEN_PATHS = frozenset({"/health"})
hookimpl = pluggy.HookimplMarker("rasa_sdk")


class TokenCheck:
    """rasa_sdk plugin: every route but /health needs the shared token."""

    def __init__(self, token: str) -> None:
        self.token = token

    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        @app.on_request
        async def require_token(request: Request) -> Optional[HTTPResponse]:
            if request.path in OPEN_PATHS:
                return None
            if tokens_equal(bearer(request.headers.get("authorization")), self.token):
                return None
            return json_response({"error": "unauthorized"}, status=401,
                                 headers={"WWW-Authenticate": "Bearer"})

        @app.exception(PayloadTooLarge)
        async def too_large(_request: Request, _exc: Exception) -> HTTPResponse:
            # rasa_sdk's catch-all handler would answer 500 (and echo the body it has).
            return json_response({"error": "payload_too_large"}, status=413)

    def __repr__(self) -> str:  # pluggy names plugins by repr; never show the token
        return "TokenCheck()"


def keep_alive_seconds() -> int:
    """How long a connection may wait for its request: as long as Rasa waits for the answer.

    Rasa opens a new connection for every action call, and when its event loop is busy (a burst
    of residents) it may write the request seconds after the connection was made. Sanic closed a
    connection that had sent nothing after its keep-alive timeout (5 s), and Rasa's call then
    failed with "Cannot write to closing transport": the resident got the calm "storing" answer
    without the action (2 to 5 calls at the start of each 100-resident run of the cluster test).
    Rasa closes its connection after every call, so no idle connection is kept longer.
    """
    return max(75, int(settings().action_timeout_seconds or 10) + 5)


def secure(environ: Any = os.environ) -> str:
    """Loopback, a body limit and the token; returns the token (exits when there is none)."""
    environ.setdefault("SANIC_HOST", settings().actions_host or "127.0.0.1")
    environ.setdefault("SANIC_REQUEST_MAX_SIZE", str(MAX_BODY_BYTES))
    environ.setdefault("SANIC_KEEP_ALIVE_TIMEOUT", str(keep_alive_seconds()))
    token = read_secret("ACTION_SERVER_TOKEN", "action_server_token")
    if not token:
        sys.exit("FOUT: ACTION_SERVER_TOKEN ontbreekt (of var/action_server_token); "
                 "start via 'make run' of zet de variabele.")
    return token


def warm() -> None:
    """Load the catalogue and build its search index; a failure is logged, not fatal: the
    actions load it again at the first message (the database may still be starting)."""
    from actions.common import catalogue
    from assistant.decisions import decide
    from knowledge import get_glossary

    try:
        decide("ik heb hulp nodig bij het huishouden", {"intent": {"name": "nlu_fallback",
                                                                 "confidence": 0.1}}, catalogue(),
               get_glossary())
    except Exception as exc:  # noqa: BLE001 - start anyway, see above
        logger.warning("catalogue not loaded at start-up (%s); it loads at the first message",
                       type(exc).__name__)


def main(argv: Optional[Sequence[str]] = None) -> None:
    from rasa_sdk.__main__ import main_from_args
    from rasa_sdk.endpoint import create_argument_parser
    from rasa_sdk.plugin import plugin_manager

    parser = create_argument_parser()
    parser.set_defaults(actions="actions")
    args = parser.parse_args(argv)
    plugin_manager().register(TokenCheck(secure()))
    warm()
    main_from_args(args)


if __name__ == "__main__":
    main()
