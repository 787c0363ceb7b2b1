"""The one vocabulary agrees with the Rasa domain, the catalogue schema and the stores."""
from __future__ import annotations

from pathlib import Path

import yaml

from assistant import vocabulary
from kcc.models import Ticket

ROOT = Path(__file__).resolve().parents[2]


def _domain_intents() -> set:
    intents: set = set()
    for path in (ROOT / "bot" / "domain").glob("*.yml"):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("intents") or []:
            intents.add(item if isinstance(item, str) else next(iter(item)))
    return intents


def test_every_topic_is_an_intent_of_the_domain_and_has_a_dutch_name() -> None:
    assert set(vocabulary.TOPICS) <= _domain_intents()
    assert set(vocabulary.TOPIC_NAMES) == set(vocabulary.TOPICS)
    assert set(vocabulary.OUT_OF_SCOPE) | set(vocabulary.IN_SCOPE) == set(vocabulary.TOPICS)


def test_catalogue_entries_use_the_vocabulary() -> None:
    for path in (ROOT / "knowledge" / "content" / "national").glob("*.yml"):
        for entry in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("entries") or []:
            assert entry["topic"] in vocabulary.TOPICS, (path.name, entry.get("id"))
            assert set(entry.get("ladder") or {}) <= set(vocabulary.RUNGS), entry.get("id")


def test_ladder_values_and_channels() -> None:
    assert vocabulary.LADDER_VALUES[:4] == vocabulary.RUNGS
    assert set(vocabulary.PUSH_CHANNELS) < set(vocabulary.CHANNELS)
    assert Ticket.channel.type.length >= max(len(c) for c in vocabulary.CHANNELS)
