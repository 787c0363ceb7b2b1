"""The one door to Rasa's internals: every patch of a Rasa class, and the fingerprint of every
private upstream function the project overrides or calls.

Why one place: Rasa Open Source 3.6 has no public hooks for what a municipal assistant needs
(a tracker store that fails loudly instead of forgetting a conversation, a bounded action
payload, a shorter action timeout). The patches live in :mod:`bot.rasa_compat.patches`;
private methods used by our subclasses (``RecentRulePolicy``, ``MaskingSQLTrackerStore``) and the
sanic-cors internals the web chat channel steps in front of are listed in :data:`RELIED_ON`.
:func:`apply` refuses to start on a Rasa release the code was not written for, and a contract
test compares each fingerprint with the installed source, so an upgrade fails the tests instead
of silently running code written for other code. Importing this package changes nothing.
"""
from __future__ import annotations

import hashlib
import inspect
from typing import Any, Callable, Dict, List

#: The Rasa release the patches and overrides were written for and tested against.
WRITTEN_FOR = "3.6.21"


class UnsupportedRasa(RuntimeError):
    """Rasa is not the release the patches were written for: refuse to start, do not guess."""


def _patched() -> Dict[str, Callable[[], Any]]:
    """Every upstream function a patch wraps or replaces, by name (looked up lazily)."""
    from rasa.core.actions.action import RemoteAction
    from rasa.core.tracker_store import FailSafeTrackerStore
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.shared.core.trackers import DialogueStateTracker

    return {
        "DaskGraphRunner.run": lambda: DaskGraphRunner.run,
        "RemoteAction._validate_action_result": lambda: RemoteAction._validate_action_result,
        "RemoteAction._action_call_format": lambda: RemoteAction._action_call_format,
        "DialogueStateTracker.copy": lambda: DialogueStateTracker.copy,
        "FailSafeTrackerStore.on_tracker_store_error":
            lambda: FailSafeTrackerStore.on_tracker_store_error,
        "FailSafeTrackerStore.on_tracker_store_retrieve_error":
            lambda: FailSafeTrackerStore.on_tracker_store_retrieve_error,
    }


def _relied_on() -> Dict[str, Callable[[], Any]]:
    """Private upstream functions our subclasses override or call, and the sanic-cors internals
    the web chat channel relies on (its preflight answer and the ``SANIC_CORS_EVALUATED`` mark)."""
    import sanic_cors.extension as cors
    from rasa.core.policies.policy import Policy
    from rasa.core.tracker_store import SQLTrackerStore

    return {
        "Policy._prediction_states": lambda: Policy._prediction_states,
        "SQLTrackerStore._event_query": lambda: SQLTrackerStore._event_query,
        "SQLTrackerStore._additional_events": lambda: SQLTrackerStore._additional_events,
        "sanic_cors.unapplied_cors_request_middleware":
            lambda: cors.unapplied_cors_request_middleware,
        "sanic_cors._make_cors_request_middleware_function":
            lambda: cors._make_cors_request_middleware_function,
    }


#: SHA-256 (first 16 hex digits) of each upstream function's source in Rasa 3.6.21.
UPSTREAM_SOURCE = {
    "DaskGraphRunner.run": "45f0f52f574f3aa9",
    "RemoteAction._validate_action_result": "f8cdb4be68123961",
    "RemoteAction._action_call_format": "428795b944f22edb",
    "DialogueStateTracker.copy": "dfa48dca9f355ad1",
    "FailSafeTrackerStore.on_tracker_store_error": "6faca7ba72b36da4",
    "FailSafeTrackerStore.on_tracker_store_retrieve_error": "162b49564c52ab49",
}
#: The same fingerprint of each private function in :func:`_relied_on`.
RELIED_ON = {
    "Policy._prediction_states": "ed9b82bed2f26ad7",
    "SQLTrackerStore._event_query": "cd44f7901b860bfd",
    "SQLTrackerStore._additional_events": "d22f99eb863acb07",
    "sanic_cors.unapplied_cors_request_middleware": "d70edf014980e57d",
    "sanic_cors._make_cors_request_middleware_function": "07be057317b1ee4c",
}


def source_hash(function: Any) -> str:
    """The fingerprint of an upstream function (of the original, not of a patch)."""
    original = getattr(function, "__wrapped_original__", function)
    return hashlib.sha256(inspect.getsource(original).encode()).hexdigest()[:16]


def changed_upstream() -> List[str]:
    """Names of patched or relied-on upstream functions whose source is not the one written for."""
    known = {**UPSTREAM_SOURCE, **RELIED_ON}
    return [name for name, get in {**_patched(), **_relied_on()}.items()
            if source_hash(get()) != known[name]]


def check_version() -> None:
    """Refuse to run on a Rasa release the patches were not written for."""
    import rasa

    if rasa.__version__ != WRITTEN_FOR:
        raise UnsupportedRasa(
            f"bot/rasa_compat is written for Rasa {WRITTEN_FOR}, not {rasa.__version__}: "
            "check every patch and override against the new release and update WRITTEN_FOR, "
            "UPSTREAM_SOURCE and RELIED_ON before starting.")


def apply() -> None:
    """All patches, once per process; called when the tracker store starts (Rasa server only)."""
    from bot.rasa_compat import patches

    check_version()
    patches.fail_loudly_on_database_errors()
    patches.cache_action_response_validator()
    patches.bound_action_payload()
    patches.copy_trackers_without_replay()
    patches.run_graphs_without_dask()
