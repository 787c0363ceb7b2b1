"""The few places where Rasa 3.6's own behaviour is changed, each with its reason.

Why a module of its own: these are patches of Rasa classes, not tracker-store logic. They are
applied by :func:`apply`, which the tracker store calls when the Rasa server starts, so importing
this module does nothing and the patches stay visible in one place.
"""
from __future__ import annotations

import logging
from typing import Any

from rasa.core.tracker_store import FailSafeTrackerStore

logger = logging.getLogger(__name__)


def cache_action_response_validator() -> None:
    """Validate action server responses with one prepared validator instead of Rasa's per-call
    `jsonschema.validate`, which first re-checks Rasa's constant schema against the JSON Schema
    meta-schema on every call. Under load that self-check was about 36 % of the Rasa server's
    time (py-spy, `make bench`). Same schema, same errors, same message; idempotent.
    Lives here because the tracker store is the project code every Rasa server process loads.
    """
    from jsonschema import ValidationError
    from jsonschema.validators import validator_for
    from rasa.core.actions import action as rasa_action

    remote = rasa_action.RemoteAction
    if getattr(remote._validate_action_result, "_cached_validator", False):
        return
    schema = remote.action_response_format_spec()
    validator = validator_for(schema)(schema)
    original = remote._validate_action_result

    def _validate_action_result(self: Any, result: Any) -> bool:
        try:
            validator.validate(result)
            return True
        except ValidationError:
            return original(self, result)  # Rasa's own path builds the documented error

    _validate_action_result._cached_validator = True  # type: ignore[attr-defined]
    remote._validate_action_result = _validate_action_result


def _fail_loudly(original: Any) -> Any:
    """Let `TrackerStoreUnavailable` through Rasa's FailSafeTrackerStore.

    Rasa wraps every tracker store in a FailSafeTrackerStore. On a database error it answers
    from an *empty* tracker (the resident's conversation silently starts over, slots gone) and
    keeps new events only in memory (never written back, lost at the next restart). For a
    municipal assistant a clear error is better: the channel answers with a Dutch "try again"
    (REST 503, web chat refusal) and nothing is half-stored. Other errors keep Rasa's behaviour.
    """

    from bot.tracker_store import TrackerStoreUnavailable  # the store imports this module

    def handler(self: FailSafeTrackerStore, error: Exception) -> None:
        if isinstance(error, TrackerStoreUnavailable):
            raise error
        original(self, error)

    handler.fails_loudly = True  # type: ignore[attr-defined]
    return handler


def fail_loudly_on_database_errors() -> None:
    """Install the handler below on Rasa's FailSafeTrackerStore; idempotent."""
    for name in ("on_tracker_store_error", "on_tracker_store_retrieve_error"):
        handler = getattr(FailSafeTrackerStore, name)
        if not getattr(handler, "fails_loudly", False):
            setattr(FailSafeTrackerStore, name, _fail_loudly(handler))


def apply() -> None:
    """All patches, once per process; called when the tracker store starts (Rasa server only)."""
    fail_loudly_on_database_errors()
    cache_action_response_validator()
