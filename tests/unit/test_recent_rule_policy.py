"""RecentRulePolicy (bot/rule_policy.py) predicts exactly what Rasa's RulePolicy predicts, at every
step of a long conversation with slots, a restart and a rewound turn, while it builds only the
new states."""

from __future__ import annotations

from pathlib import Path
from typing import Any, List

import pytest
from rasa.core.training import load_data
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (ActionExecuted, BotUttered, Restarted, SlotSet,
                                     UserUttered, UserUtteranceReverted)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.rule_policy import RecentRulePolicy

DOMAIN = """
version: "3.1"
intents: [groet, hulp, dank, verder]
slots:
  topic:
    type: categorical
    values: [wmo, schulden]
    influence_conversation: true
    mappings: [{type: custom}]
responses:
  utter_groet: [{text: "Goedendag."}]
  utter_graag: [{text: "Graag gedaan."}]
  utter_wmo: [{text: "Over de Wmo."}]
  utter_verder: [{text: "Waarmee verder?"}]
actions: [action_topic]
"""

RULES = """
version: "3.1"
rules:
- rule: groet
  steps:
  - intent: groet
  - action: utter_groet
- rule: hulp
  steps:
  - intent: hulp
  - action: action_topic
- rule: dank na een antwoord
  steps:
  - action: action_topic
  - intent: dank
  - action: utter_graag
- rule: verder bij de Wmo
  condition:
  - slot_was_set:
    - topic: wmo
  steps:
  - intent: verder
  - action: utter_wmo
- rule: verder zonder onderwerp
  condition:
  - slot_was_set:
    - topic: null
  steps:
  - intent: verder
  - action: utter_verder
"""


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("rules")
    (folder / "domain.yml").write_text(DOMAIN)
    (folder / "rules.yml").write_text(RULES)
    domain = Domain.load(str(folder / "domain.yml"))
    trackers = load_data(str(folder / "rules.yml"), domain, augmentation_factor=0)
    policy = RecentRulePolicy.create(
        {**RecentRulePolicy.get_default_config(), "core_fallback_action_name": "action_default_fallback"},
        LocalModelStorage(folder),
        Resource("rules"),
        ExecutionContext(GraphSchema({}), "test"),
    )
    policy.train(trackers, domain)
    return policy, domain


def _user(intent: str) -> UserUttered:
    return UserUttered(intent, {"name": intent, "confidence": 1.0})


def _conversation() -> List[Any]:
    """A long conversation: 40 turns, slot changes, a restart, a rewound user turn."""
    events: List[Any] = [ActionExecuted("action_listen")]
    for i in range(40):
        intent = ("groet", "hulp", "dank", "verder")[i % 4]
        events.append(_user(intent))
        if i == 17:
            events += [UserUtteranceReverted(), ActionExecuted("action_listen"), _user("verder")]
        if intent == "hulp":
            events += [ActionExecuted("action_topic"),
                       SlotSet("topic", "wmo" if i % 8 == 1 else None), BotUttered("antwoord")]
        else:
            events += [ActionExecuted(f"utter_{'graag' if intent == 'dank' else intent}"),
                       BotUttered("antwoord")]
        if i == 25:
            events += [Restarted()]
        events.append(ActionExecuted("action_listen"))
    return events


def test_predicts_like_rasa_at_every_step(trained: Any) -> None:
    policy, domain = trained
    tracker = DialogueStateTracker("lang", domain.slots)
    compared = 0
    for event in _conversation():
        tracker.update(event)
        recent = policy.predict_action_probabilities(tracker, domain)
        policy._keep = -1  # Rasa's own path
        try:
            rasa = policy.predict_action_probabilities(tracker, domain)
        finally:
            policy._keep = None
        assert recent.probabilities == rasa.probabilities, f"after {event}"
        assert recent.action_metadata == rasa.action_metadata
        compared += 1
    assert compared > 150
    assert policy._rule_window() < len(tracker.past_states(domain))  # the window was in use
    progress = policy._recent._progress.get("lang")
    assert len(progress.states) + 1 == len(tracker.past_states(domain))
    # The same conversation read back from a database: new event objects, built from the start.
    again = DialogueStateTracker.from_dict("lang", [e.as_dict() for e in tracker.events], domain.slots)
    again.update(_user("verder"))
    tracker.update(_user("verder"))
    recent_again = policy.predict_action_probabilities(again, domain)
    recent_same = policy.predict_action_probabilities(tracker, domain)
    policy._keep = -1
    try:
        rasa = policy.predict_action_probabilities(tracker, domain)
    finally:
        policy._keep = None
    assert recent_again.probabilities == recent_same.probabilities == rasa.probabilities
    assert max(rasa.probabilities) == 1.0  # a rule matched (utter_wmo or utter_verder)


def test_builds_only_new_states(trained: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    policy, domain = trained
    tracker = DialogueStateTracker("kort", domain.slots)
    for event in _conversation()[:60]:
        tracker.update(event)
    policy.predict_action_probabilities(tracker, domain)
    built: List[int] = []
    original = Domain.get_active_state

    def counting(self: Domain, *args: Any, **kwargs: Any) -> Any:
        built.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Domain, "get_active_state", counting)
    tracker.update(_user("groet"))
    policy.predict_action_probabilities(tracker, domain)
    assert len(built) <= 2  # the new turn and the current state, not the whole conversation


def test_a_conversation_start_rule_keeps_rasas_path(trained: Any) -> None:
    policy, _ = trained
    policy.lookup["rules"]['[{}, {"user": {"intent": "groet"}}]'] = "utter_groet"
    policy._keep = None
    try:
        assert policy._rule_window() is None
    finally:
        del policy.lookup["rules"]['[{}, {"user": {"intent": "groet"}}]']
        policy._keep = None
    assert policy._rule_window() is not None


def test_other_tracker_types_take_rasas_path(trained: Any, tmp_path: Path) -> None:
    from rasa.shared.core.generator import TrackerWithCachedStates

    policy, domain = trained
    tracker = TrackerWithCachedStates("t", domain.slots, domain=domain)
    for event in _conversation()[:20]:
        tracker.update(event)
    policy.predict_action_probabilities(tracker, domain)
    assert "t" not in policy._recent._progress
