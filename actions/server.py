"""Start the action server with the catalogue ready: ``python -m actions.server --port 5055``.

Why not plain ``rasa run actions``: the catalogue (database read, rendering, search index) was
loaded at the first resident's message. That resident waited for it, and the server's memory
after start-up did not show its working size (`make bench`: +34 % after the first messages,
which looks like a leak but is the catalogue). Here it is loaded before the port opens. The
arguments are rasa_sdk's own (`--actions` defaults to this package).
"""
from __future__ import annotations

import logging
from typing import Optional, Sequence

logger = logging.getLogger(__name__)


def warm() -> None:
    """Load the catalogue and build its search index; a failure is logged, not fatal: the
    actions load it again at the first message (the database may still be starting)."""
    from actions.common import catalogue
    from actions.decisions import decide

    try:
        decide("ik heb hulp nodig bij het huishouden", {"intent": {"name": "nlu_fallback",
                                                                 "confidence": 0.1}}, catalogue())
    except Exception as exc:  # noqa: BLE001 - start anyway, see above
        logger.warning("catalogue not loaded at start-up (%s); it loads at the first message",
                       type(exc).__name__)


def main(argv: Optional[Sequence[str]] = None) -> None:
    from rasa_sdk.__main__ import main_from_args
    from rasa_sdk.endpoint import create_argument_parser

    parser = create_argument_parser()
    parser.set_defaults(actions="actions")
    args = parser.parse_args(argv)
    warm()
    main_from_args(args)


if __name__ == "__main__":
    main()
