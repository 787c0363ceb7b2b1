"""Conversation scripts the simulated residents follow (pure data and checks, no I/O).

A script is a list of turns; each turn is the resident's text and whether an answer is due.
The project's residents greet, ask a topic question, walk the ladder ("dat lukt niet" twice)
and ask for a person (office hours are pinned, so this is a live handoff and the bot goes
quiet afterwards: the script ends there). The stock `rasa init` bot gets a script of the same
length in its own vocabulary (greet, mood, affirm, bot challenge, goodbye).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Sequence


@dataclass(frozen=True)
class Turn:
    text: str
    answer_due: bool = True


# Plain one-topic questions (no second life domain, no danger words: those would hand off early).
TOPIC_QUESTIONS: Sequence[str] = (
    "ik kan mijn huis niet meer zelf schoonmaken, kan ik hulp krijgen?",
    "hoe vraag ik een scootmobiel aan?",
    "ik wil met de regiotaxi naar de dagbesteding",
    "ik zorg voor mijn moeder en ik ben erg moe",
    "kan ik bijzondere bijstand krijgen voor een nieuwe wasmachine?",
    "ik ben vaak alleen en zou graag meer mensen ontmoeten",
    "hoe werkt een persoonsgebonden budget?",
    "ik wil bezwaar maken tegen een besluit van de gemeente",
)

STOCK_SCRIPTS: Sequence[Sequence[str]] = (
    ("hello", "I am sad", "yes", "are you a bot?", "goodbye"),
    ("hi", "very sad", "no", "am I talking to a human?", "bye"),
    ("hey there", "I am feeling great", "are you a bot?", "hello", "see you later"),
)

HANDOFF_TEXT = "ik wil een medewerker spreken"
LADDER_FAILS = "dat lukt niet"


def project_script(n: int) -> List[Turn]:
    """The n-th resident's conversation with the project's assistant (5 turns)."""
    return [
        Turn("hallo"),
        Turn(TOPIC_QUESTIONS[n % len(TOPIC_QUESTIONS)]),
        Turn(LADDER_FAILS),
        Turn(LADDER_FAILS),
        Turn(HANDOFF_TEXT),
    ]


def stock_script(n: int) -> List[Turn]:
    """The n-th resident's conversation with the stock bot (5 turns, all answered)."""
    return [Turn(t) for t in STOCK_SCRIPTS[n % len(STOCK_SCRIPTS)]]


def long_script(length: int) -> List[Turn]:
    """One long conversation of `length` topic questions, cycling through TOPIC_QUESTIONS
    so that early and late positions carry the same texts (position i and i + k*len)."""
    return [Turn(TOPIC_QUESTIONS[i % len(TOPIC_QUESTIONS)]) for i in range(length)]


def answered(turn: Turn, response: Any) -> bool:
    """Did the bot answer as it should? An answer is due -> at least one non-empty message."""
    if not turn.answer_due:
        return True
    if not isinstance(response, list) or not response:
        return False
    return any(
        (m.get("text") or m.get("buttons") or m.get("image") or m.get("custom"))
        for m in response
        if isinstance(m, dict)
    )


def plan(total_messages: int, script_len: int, concurrency: int) -> int:
    """Number of whole conversations for a message budget (at least one per worker)."""
    if script_len <= 0:
        raise ValueError("script_len must be positive")
    return max(concurrency, total_messages // script_len)
