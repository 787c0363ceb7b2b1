"""One resident message, read once: its text, normalised form, clauses and tokens.

Why: the danger detector, the ladder, the need-for-a-person rules and the topic keywords all look
at the same message in the same normalised form. Building that form once per message and handing
the same object to every detector keeps the flow through the core one way (decide → detectors)
and avoids normalising a long story five times. Every detector still accepts a plain string, for
the evaluation tools and the tests.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from typing import Tuple, Union

#: Sentence ends: a resident who buries the point of a long message usually gives it a sentence
#: of its own (the learned classifiers score sentences; the danger frames set one aside).
SENTENCE_END = re.compile(r"[.!?;\n]+")
#: Clause boundaries: punctuation, and conjunctions that often join two needs ("en", "maar").
CLAUSE_SPLIT = re.compile(
    r"[.,;:!?\n]+|\s(?:en|maar|ook|plus|daarnaast|bovendien|verder|tevens|want|terwijl)\s", re.I)


@dataclass(frozen=True)
class Message:
    """A resident's message with its derived forms, each computed at first use."""

    text: str

    @classmethod
    def of(cls, value: Union["Message", str, None]) -> "Message":
        """The message itself, or a new one for a plain string (``None`` and non-text: empty)."""
        if isinstance(value, Message):
            return value
        return cls(value if isinstance(value, str) else "")

    @cached_property
    def normalised(self) -> str:
        """Lower case, no accents, chat contractions expanded, padded with spaces (see
        :func:`assistant.safety_detector.normalise`)."""
        from assistant.safety_detector import normalise

        return normalise(self.text)

    @cached_property
    def clauses(self) -> Tuple[str, ...]:
        """The normalised clauses, split on punctuation and joining conjunctions."""
        from assistant.safety_detector import normalise

        return tuple(normalise(p) for p in CLAUSE_SPLIT.split(self.text) if p and p.strip())

    @cached_property
    def in_other_script(self) -> bool:
        """Most letters are of another script than Latin (Cyrillic, Arabic ...): the assistant
        cannot answer such a message, so it says which languages it reads instead of offering
        topics the resident did not ask about."""
        letters = sum(1 for ch in self.text if ch.isalpha())
        return letters > 0 and sum(1 for ch in self.text if other_script(ch)) * 2 > letters

    @cached_property
    def tokens(self) -> Tuple[str, ...]:
        """The words of the normalised text."""
        return tuple(self.normalised.split())


def other_script(ch: str) -> bool:
    """A letter of another script than Latin (Cyrillic, Greek, Arabic ...)."""
    return ch.isalpha() and "LATIN" not in unicodedata.name(ch, "LATIN")


#: What every detector accepts: the message read once, or a plain string.
MessageLike = Union[Message, str]
