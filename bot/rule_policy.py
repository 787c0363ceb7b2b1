"""Rasa's RulePolicy, with the cost of a prediction independent of the conversation's length.

Why: before every prediction Rasa's RulePolicy turns the *whole* conversation into dialogue
states: it replays every event from the start and builds a state at every action, then walks all
of them against the rules and deep-copies them for a debug log. With three or four predictions per
message this grew with every message (py-spy, `make bench`; figures in bench/README.md).

Two facts make a shortcut exact. A rule is compared with the last `len(rule)` states only
(`RulePolicy._is_rule_applicable` answers True for anything older), and the project has no
`conversation_start` rules (checked at start). And a state depends only on the events before it.
So this policy keeps, per conversation, the states already built and the replayed tracker they
came from, extends them with the new events only, and hands the rule matching the last few
states (the longest rule plus a margin). When the history is not a continuation of what was seen
(a restart, a rewound turn, another process), the states are built from the start, as Rasa does.
Training and `rasa test` trackers of other types take Rasa's own path. The private upstream
method overridden here (`Policy._prediction_states`) is fingerprinted in `bot.rasa_compat`.
"""
from __future__ import annotations

import copy
import itertools
import json
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional, Text, Tuple

from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import PREVIOUS_ACTION
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import (ActionExecuted, ActionReverted, ActiveLoop, Event,
                                     Restarted, SessionStarted, UserUtteranceReverted)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_cache import Recent

MARGIN = 2  # states beyond the longest rule (the featurizer may drop the last one)
CONVERSATIONS = 500  # per process; older ones are rebuilt from their events when they return


# Events after which the applied history is not simply "the earlier history plus the new events"
# (see `DialogueStateTracker.applied_events`): the states are then built from the start.
_REWRITES_HISTORY = (Restarted, SessionStarted, ActionReverted, UserUtteranceReverted, ActiveLoop)


@dataclass
class _Progress:
    """States of one conversation up to its last action seen, and the tracker replayed so far."""

    replay: DialogueStateTracker
    seen: List[Event] = field(default_factory=list)  # the tracker's events consumed so far
    states: List[State] = field(default_factory=list)
    loops: bool = False  # a form (active loop) occurs in the history


class _Resume:
    """Hands Rasa's own `states_for_tracker_history` only the prior trackers not yet seen,
    followed by the current one (as `DialogueStateTracker.generate_all_prior_trackers` does)."""

    def __init__(self, replay: DialogueStateTracker, applied: List[Event]) -> None:
        self.replay, self.applied = replay, applied

    def generate_all_prior_trackers(self) -> Iterator[Tuple[DialogueStateTracker, bool]]:
        for event in self.applied:
            if isinstance(event, ActionExecuted):
                yield self.replay, event.hide_rule_turn
            self.replay.update(event)
        yield self.replay, False


class RecentStates:
    """Per-conversation incremental states (least recently used conversations are dropped)."""

    def __init__(self, size: int = CONVERSATIONS) -> None:
        self._progress: Recent[_Progress] = Recent(size)

    def last_states(self, tracker: DialogueStateTracker, domain: Domain, keep: int) -> List[State]:
        """The last `keep` states of `tracker.past_states(domain)`, copied (callers change them)."""
        progress = self._progress.pop(tracker.sender_id)
        events = tracker.events
        new: List[Event] = []
        if progress is not None and len(progress.seen) <= len(events) and all(
                a is b for a, b in zip(progress.seen, events)):
            new = list(itertools.islice(events, len(progress.seen), None))
        else:
            progress = None
        if progress is None or progress.loops or any(isinstance(e, _REWRITES_HISTORY) for e in new):
            # From the start, exactly as Rasa does. With a form in the history Rasa also hides
            # repeated runs of the form action, so such conversations always take this path.
            progress = _Progress(replay=tracker.init_copy(),
                                 loops=any(isinstance(e, ActiveLoop) for e in events))
            applied = tracker.applied_events()
        else:
            applied = new
        progress.seen = list(events)
        states = domain.states_for_tracker_history(_Resume(progress.replay, applied))
        progress.states.extend(states[:-1])
        self._progress.put(tracker.sender_id, progress)
        return copy.deepcopy((progress.states[-keep:] + states[-1:])[-keep:])


class _RecentView:
    """The tracker as the featurizer sees it: `past_states` gives the recent states only."""

    def __init__(self, tracker: DialogueStateTracker, states: List[State]) -> None:
        self._tracker, self._states = tracker, states

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tracker, name)

    def past_states(self, domain: Domain, omit_unset_slots: bool = False,
                    ignore_rule_only_turns: bool = False,
                    rule_only_data: Optional[Dict[Text, Any]] = None) -> List[State]:
        if omit_unset_slots or ignore_rule_only_turns:  # not RulePolicy's way: Rasa's own path
            return self._tracker.past_states(domain, omit_unset_slots, ignore_rule_only_turns,
                                             rule_only_data)
        return self._states


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class RecentRulePolicy(RulePolicy):
    """RulePolicy whose predictions look at the recent states only (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._recent = RecentStates()
        self._keep: Optional[int] = None

    def _rule_window(self) -> Optional[int]:
        """Longest rule in states plus a margin; None (Rasa's path) if a rule starts a
        conversation, since such a rule also checks that nothing came before it."""
        if self._keep is None:
            keys = list(self.lookup.get(RULES, {})) + list(self.lookup.get(RULES_FOR_LOOP_UNHAPPY_PATH, {}))
            rules = [json.loads(key) for key in keys]
            starts = any(rule and not rule[0].get(PREVIOUS_ACTION) for rule in rules)
            self._keep = -1 if starts else max((len(r) for r in rules), default=0) + MARGIN
        return None if self._keep < 0 else self._keep

    def _prediction_states(self, tracker: DialogueStateTracker, domain: Domain,
                           use_text_for_last_user_input: bool = False,
                           rule_only_data: Optional[Dict[Text, Any]] = None) -> List[State]:
        keep = self._rule_window()
        if keep is None or type(tracker) is not DialogueStateTracker:
            return super()._prediction_states(tracker, domain, use_text_for_last_user_input,
                                              rule_only_data)
        view = _RecentView(tracker, self._recent.last_states(tracker, domain, keep))
        return super()._prediction_states(view, domain, use_text_for_last_user_input,  # type: ignore[arg-type]
                                          rule_only_data)
