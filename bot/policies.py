"""The policy that decides before all others: safety, live takeover, staff messages, contact data.

Why a policy and not rules: these decisions must hold in *every* state (inside a form, after a
fallback, while a staff member has taken over), and rules only match the states they list.
A policy with a higher priority than the RulePolicy sees each turn first and abstains (all
zeros) when none of its cases applies, so ordinary dialogue stays in readable rules.

Rasa's own ``ConversationPaused`` is not used for takeover: a paused tracker skips prediction
entirely, which would also silence the safety answer. A slot (``takeover``) keeps the state in
the tracker store instead, so it survives a server restart.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction, confidence_scores_for
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import (ACTION_LISTEN_NAME, EXTERNAL_MESSAGE_PREFIX, IS_EXTERNAL,
                                         USER_INTENT_RESTART, USER_INTENT_SESSION_START)
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.settings import settings
from assistant.safety_detector import detect
from bot.rasa_compat.patches import limit_action_timeout

logger = logging.getLogger(__name__)

EXTERNAL_ACTIONS: Dict[str, str] = {
    "EXTERNAL_takeover_start": "action_takeover_start",
    "EXTERNAL_staff_message": "action_staff_message",
    "EXTERNAL_takeover_end": "action_takeover_end",
    # The console, after CALLBACK_OFFER_MINUTES without a pick-up (kcc/waiting.py).
    "EXTERNAL_waiting_check": "action_waiting_check",
}
# Static responses Rasa renders itself, so they work when the action server is down or slow.
SAFETY_FALLBACK = "utter_safety_fallback"
TECHNICAL_PROBLEM = "utter_technical_problem"
# After these actions the bot waits for the resident.
LISTEN_AFTER = frozenset({
    "action_safety", "action_collect_contact", "action_handoff_waiting", *EXTERNAL_ACTIONS.values(),
    "action_feedback_remark",
    SAFETY_FALLBACK, TECHNICAL_PROBLEM,
})
# Actions that may legitimately say nothing.
SILENT_ACTIONS = frozenset({"action_staff_message", "action_waiting_check"})


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False
)
class ConversationGuardPolicy(Policy):
    """Safety first, then staff takeover, then a pending request for contact data."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"priority": 7, "action_timeout": 10}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 execution_context: ExecutionContext, featurizer: Any = None) -> None:
        super().__init__(config, model_storage, resource, execution_context, featurizer)
        limit_action_timeout(settings().action_timeout_seconds
                             or float(config.get("action_timeout", 10)))

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain,
              **kwargs: Any) -> Resource:
        return self._resource

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: Optional[Dict[Text, Any]] = None,
                                     **kwargs: Any) -> PolicyPrediction:
        action = self.decide(tracker)
        if action is None or action not in domain.action_names_or_texts:
            return self._prediction(self._default_predictions(domain))
        return self._prediction(confidence_scores_for(action, 1.0, domain))

    @staticmethod
    def decide(tracker: DialogueStateTracker) -> Optional[str]:
        """The action to force this turn, or None to let the other policies decide."""
        last = tracker.latest_action_name
        # The cheap event check first: reading the settings is not free on every prediction.
        if _failed_silently(tracker, last) and _detect_failures():
            # The action server did not answer (down, slow, or an error): Rasa logged the action
            # without its events. Say so calmly; safety gets the verified help lines regardless.
            return SAFETY_FALLBACK if last == "action_safety" else TECHNICAL_PROBLEM
        if last in LISTEN_AFTER:
            return ACTION_LISTEN_NAME
        if last != ACTION_LISTEN_NAME:
            return None
        message = tracker.latest_message
        if message is None:
            return None
        intent = (message.intent or {}).get("name")
        if intent in EXTERNAL_ACTIONS:
            return EXTERNAL_ACTIONS[intent] if _from_trigger_api(message) else ACTION_LISTEN_NAME
        if intent in (USER_INTENT_RESTART, USER_INTENT_SESSION_START):
            return None  # a resident can always start over, also during a takeover
        text = message.text or ""
        confidence = float((message.intent or {}).get("confidence") or 0.0)
        if not text.startswith("/") and detect(text, intent, confidence).urgent:
            return "action_safety"
        if tracker.get_slot("takeover"):
            # A staff member has the conversation (or is about to): the bot stays silent,
            # the message is stored and the console shows it. While nobody has claimed it yet,
            # the resident may still choose to be called back instead of waiting.
            if tracker.get_slot("agent"):
                return ACTION_LISTEN_NAME
            return None if intent == "contact_method" else "action_handoff_waiting"
        if tracker.get_slot("awaiting") == "contact_value" and intent not in ("request_human", "deny"):
            return "action_collect_contact"
        if (tracker.get_slot("awaiting") == "feedback_remark" and not text.startswith("/")
                and intent != "request_human"):
            return "action_feedback_remark"  # the optional remark after a 👎 or a score
        return None


def _from_trigger_api(message: UserUttered) -> bool:
    """Was this staff intent made by Rasa's token-protected trigger_intent API (the console)?

    Rasa builds such an event itself (``UserUttered.create_external``): the text is the prefix
    plus the intent name and the metadata says ``is_external``. A resident's message never has
    both: the channels pass no caller metadata and refuse the intent syntax for staff intents
    (``assistant.untrusted``), and the NLU cannot predict these intents (they have no examples).
    Either check alone would do; both are kept so one mistake in a channel is not enough.
    A user event without any text (a step replayed from a test story) was typed by nobody and
    passes as well: every channel hands Rasa a text.
    """
    intent = (message.intent or {}).get("name")
    if message.text is None:
        return True
    return (message.text == f"{EXTERNAL_MESSAGE_PREFIX}{intent}"
            and bool((message.metadata or {}).get(IS_EXTERNAL)))


def _detect_failures() -> bool:
    """Off only while `rasa test` replays stories: it logs actions without running them, so every
    custom action would look as if it had failed."""
    return not settings().story_replay


def _failed_silently(tracker: DialogueStateTracker, last: Optional[str]) -> bool:
    """A custom action ran this turn but produced no events at all: it did not really run."""
    if not last or not last.startswith("action_") or last == ACTION_LISTEN_NAME or last in SILENT_ACTIONS:
        return False
    for event in reversed(tracker.events):
        if isinstance(event, ActionExecuted):
            if event.action_name == last:
                continue
            return False
        if isinstance(event, (BotUttered, SlotSet)):
            return False
        if isinstance(event, UserUttered):
            return True
    return False
