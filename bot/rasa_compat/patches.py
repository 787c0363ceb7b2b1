"""The patches of Rasa 3.6 classes, each with its reason; applied by :func:`bot.rasa_compat.apply`.

Importing this module changes nothing: every patch is a function that is called once, from
``apply`` (Rasa server start) or, for the action timeout, when the guard policy loads.
"""
from __future__ import annotations

import logging
from typing import Any

from rasa.core.tracker_store import FailSafeTrackerStore

logger = logging.getLogger(__name__)

def cache_action_response_validator() -> None:
    """Validate action server responses with one prepared validator instead of Rasa's per-call
    `jsonschema.validate`, which first re-checks Rasa's constant schema against the JSON Schema
    meta-schema on every call; under load that self-check was the largest item in py-spy
    (bench/README.md). Same schema, same errors, same message; idempotent.
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
    fast = event_wise_validator(schema)

    def _validate_action_result(self: Any, result: Any) -> bool:
        if fast is not None and fast(result):
            return True
        try:
            validator.validate(result)
            return True
        except ValidationError:
            return original(self, result)  # Rasa's own path builds the documented error

    _validate_action_result._cached_validator = True  # type: ignore[attr-defined]
    _validate_action_result.__wrapped_original__ = original  # type: ignore[attr-defined]
    remote._validate_action_result = _validate_action_result


def event_wise_validator(schema: Any) -> Any:
    """A check that says True only where the whole schema would, at a fraction of the cost;
    None when the schema does not have the shape it relies on.

    Rasa's response schema checks each event against `oneOf` 23 event schemas, each of which
    starts with `"event": {"const": <type>}`, and every event must have a string `event`. So
    for an event of type X every alternative but X fails on its `const`, and "exactly one
    alternative holds" is "alternative X holds". This check validates the response against the
    schema without the `oneOf` and each event against its own alternative only: both passing
    means the full schema passes. Anything else (an unknown type, a wrong field) is decided by
    the full schema, so the answer and the error are exactly Rasa's. Under load the `oneOf` was
    the largest single item of the action call (py-spy at 50 residents, bench/README.md).
    """
    import copy

    from jsonschema.validators import validator_for

    try:
        items = schema["properties"]["events"]["items"]
        alternatives = items["oneOf"]
        if "event" not in items.get("required", ()) or \
                items["properties"]["event"] != {"type": "string"}:
            return None
        by_type = {}
        for alternative in alternatives:
            kind = alternative["properties"]["event"]["const"]
            if not isinstance(kind, str) or kind in by_type:
                return None
            by_type[kind] = alternative
    except (KeyError, TypeError):
        return None
    without = copy.deepcopy(schema)
    del without["properties"]["events"]["items"]["oneOf"]
    cls = validator_for(schema)
    base = cls(without)
    each = {kind: cls(alternative) for kind, alternative in by_type.items()}

    def check(result: Any) -> bool:
        if not base.is_valid(result):
            return False
        events = result.get("events") if isinstance(result, dict) else None
        for event in events or ():
            alternative = each.get(event["event"])  # base: every event is an object with one
            if alternative is None or not alternative.is_valid(event):
                return False
        return True

    return check


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
    handler.__wrapped_original__ = original  # type: ignore[attr-defined]
    return handler


def fail_loudly_on_database_errors() -> None:
    """Install the handler below on Rasa's FailSafeTrackerStore; idempotent."""
    for name in ("on_tracker_store_error", "on_tracker_store_retrieve_error"):
        handler = getattr(FailSafeTrackerStore, name)
        if not getattr(handler, "fails_loudly", False):
            setattr(FailSafeTrackerStore, name, _fail_loudly(handler))


# Events older than this window are not sent to the action server (see bound_action_payload).
ACTION_EVENT_WINDOW = 120


def action_events(tracker: Any, window: int = ACTION_EVENT_WINDOW) -> list:
    """The events an action call carries: the last `window` of the session, plus the older
    ones the actions still read (the session start and every hand-back, which make the ticket
    episode, `actions.common.episode`). Slots, the latest message and the active loop travel
    in the tracker state itself, so the actions see the same state."""
    events = list(tracker.events)
    older = [e for e in events[:-window]
             if e.type_name == "session_started"
             or (e.type_name == "action" and getattr(e, "action_name", None) == "action_takeover_end")]
    return [e.as_dict() for e in older + events[-window:]]


def bound_action_payload(window: int = ACTION_EVENT_WINDOW) -> None:
    """Send the action server a bounded window of events instead of the whole session.

    Rasa serialises every event of the session into each action call, so the call (JSON on
    both sides) grew with the conversation (py-spy: `json.dumps` of that payload, late in a long
    conversation; bench/README.md). The project's actions read only the
    recent messages and the episode markers kept above. Idempotent.
    """
    import rasa
    from rasa.core.actions import action as rasa_action
    from rasa.shared.core.trackers import EventVerbosity

    remote = rasa_action.RemoteAction
    if getattr(remote._action_call_format, "_bounded", False):
        return

    def _action_call_format(self: Any, tracker: Any, domain: Any) -> Any:
        # Rasa's own method (rasa/core/actions/action.py), with the events bounded.
        state = tracker.current_state(EventVerbosity.NONE)
        state["events"] = action_events(tracker, window)
        result = {"next_action": self._name, "sender_id": tracker.sender_id,
                  "tracker": state, "version": rasa.__version__}
        if (not self._is_selective_domain_enabled()
                or domain.does_custom_action_explicitly_need_domain(self.name())):
            result["domain"] = domain.as_dict()
        return result

    _action_call_format._bounded = True  # type: ignore[attr-defined]
    _action_call_format.__wrapped_original__ = remote._action_call_format  # type: ignore[attr-defined]
    remote._action_call_format = _action_call_format


def copy_trackers_without_replay() -> None:
    """`DialogueStateTracker.copy()` without replaying the whole conversation.

    Rasa's processor copies the tracker before every action it runs (`_run_action`), and Rasa's
    `copy()` builds a new tracker by replaying every event: cost that grows with the
    conversation (py-spy, `make bench`). A duplicate of the current state is the same tracker
    (`bot.tracker_cache.duplicate`). Only plain trackers: training trackers keep Rasa's copy,
    because they carry caches of their own. Idempotent.
    """
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.tracker_cache import duplicate

    if getattr(DialogueStateTracker.copy, "_without_replay", False):
        return
    original = DialogueStateTracker.copy

    def copy(self: Any) -> Any:
        return duplicate(self) if type(self) is DialogueStateTracker else original(self)

    copy._without_replay = True  # type: ignore[attr-defined]
    copy.__wrapped_original__ = original  # type: ignore[attr-defined]
    DialogueStateTracker.copy = copy  # type: ignore[assignment]


def limit_action_timeout(seconds: float) -> None:
    """Rasa waits up to 5 minutes for the action server; a resident should not wait that long.

    Rasa 3.6 has no setting for it, so the module constant it reads at call time is lowered once,
    when the model (and so the guard policy) is loaded in the Rasa server.
    """
    from bot.rasa_compat import check_version

    check_version()
    import rasa.core.actions.action as rasa_action

    rasa_action.DEFAULT_REQUEST_TIMEOUT = int(seconds)


def run_graph(graph: Any, targets: Any) -> list:
    """What ``dask.get(graph, targets)`` computes for Rasa's graphs, without dask's scheduler.

    A task is ``(callable, *names)``: each name that is a key of the graph is replaced by that
    node's result (computed once), any other value is passed as it is; a value that is not a
    task (Rasa's inputs, ``(name, value)``) is its own result. Exceptions of a node propagate
    as they do from dask's synchronous scheduler.
    """
    results: dict = {}

    def value(key: Any) -> Any:
        if key in results:
            return results[key]
        task = graph[key]
        if isinstance(task, tuple) and task and callable(task[0]):
            out = task[0](*(value(arg) if _is_key(graph, arg) else arg for arg in task[1:]))
        else:
            out = task
        results[key] = out
        return out

    return [value(target) for target in targets]


def _is_key(graph: Any, arg: Any) -> bool:
    try:
        return arg in graph
    except TypeError:  # unhashable: a value, never a key
        return False


def run_graphs_without_dask() -> None:
    """Run Rasa's model graph (NLU and policies, several times per message) by plain
    recursion instead of dask's local scheduler.

    `DaskGraphRunner.run` hands each run to `dask.get`, whose scheduler (task queue, ordering,
    callbacks, a thread-pool style executor run synchronously) cost about as much as the
    policies themselves under load (py-spy at 50 residents: `get_async`, `fire_tasks`,
    `submit`; bench/README.md). The graph is the same, each node runs once with the same
    inputs, and the results are the same; only the order of nodes that do not depend on each
    other may differ, and they share no state. Errors keep Rasa's own handling. Idempotent.
    """
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner.dask import DaskGraphRunner, logger as dask_logger

    if getattr(DaskGraphRunner.run, "_without_dask", False):
        return
    original = DaskGraphRunner.run

    def run(self: Any, inputs: Any = None, targets: Any = None) -> Any:
        # Rasa's own method (rasa/engine/runner/dask.py), with `run_graph` for `dask.get`.
        run_targets = targets if targets else self._graph_schema.target_names
        minimal_schema = self._graph_schema.minimal_graph_schema(run_targets)
        run_graph_ = self._build_dask_graph(minimal_schema)
        if inputs:
            self._add_inputs_to_graph(inputs, run_graph_)
        if dask_logger.isEnabledFor(logging.DEBUG):
            dask_logger.debug(f"Running graph with inputs: {inputs}, targets: {targets} "
                              f"and {self._execution_context}.")
        try:
            return dict(run_graph(run_graph_, run_targets))
        except RuntimeError as e:
            raise GraphRunError("Error running runner.") from e

    run._without_dask = True  # type: ignore[attr-defined]
    run.__wrapped_original__ = original  # type: ignore[attr-defined]
    DaskGraphRunner.run = run  # type: ignore[assignment]
