"""The reviewed-examples file: resident messages a beheerder labelled with their topic.

Why a file in ``nlu/data/`` and not a table: the training data of the assistant is YAML in the
repository, reviewed like code, and ``rasa train`` reads this file with the rest; the gated
retraining (``evaluation/retrain.py``) decides whether a model trained with it goes live. The file is
written in Rasa's NLU YAML format, one block per topic, so ``rasa data validate`` accepts it.
"""
from __future__ import annotations

from assistant.settings import settings

import re
import threading
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from assistant.masking import mask
from assistant.topics import TOPICS
from kcc.db import REPO_ROOT

DEFAULT_PATH = REPO_ROOT / "nlu" / "data" / "reviewed_examples.yml"
HEADER = ("# Resident messages labelled with their topic in the console's review inbox (kcc/review.py).\n"
          "# Written by the console; masked. A model trained with them goes live only through the\n"
          "# gate of `make retrain` (evaluation/retrain.py).\n")
_lock = threading.Lock()


class ExampleConflict(ValueError):
    """The text is already a training example of another topic (Rasa would warn, and the NLU
    cannot learn both)."""


def clean_example(text: str) -> str:
    """One line of masked text, without Rasa's entity annotation syntax: ``[TELEFOON]`` becomes
    ``telefoon``, brackets and braces go, whitespace collapses."""
    text = mask(text or "")
    text = re.sub(r"\[([A-Z]+)\]", lambda m: m.group(1).lower(), text)
    text = re.sub(r"[\[\]{}()]", " ", text)
    return re.sub(r"\s+", " ", text).strip()[:300]


def existing_examples(data_dir: Path) -> Dict[str, str]:
    """Every NLU example in ``data_dir`` (lowercased) with its intent."""
    found: Dict[str, str] = {}
    for path in sorted(data_dir.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            if isinstance(block, dict) and block.get("intent") and block.get("examples"):
                for line in str(block["examples"]).splitlines():
                    line = line.strip()
                    if line.startswith("- "):
                        found.setdefault(line[2:].strip().lower(), block["intent"])
    return found


class ReviewedExamples:
    """Appends labelled examples to the file, grouped per topic, never a duplicate."""

    def __init__(self, path: Optional[Path] = None) -> None:
        self.path = Path(path or settings().reviewed_examples_path or DEFAULT_PATH)

    def read(self) -> Dict[str, List[str]]:
        if not self.path.exists():
            return {}
        data = yaml.safe_load(self.path.read_text(encoding="utf-8")) or {}
        out: Dict[str, List[str]] = {}
        for block in data.get("nlu") or []:
            lines = [ln.strip()[2:] for ln in str(block.get("examples") or "").splitlines()
                     if ln.strip().startswith("- ")]
            out.setdefault(block["intent"], []).extend(lines)
        return out

    def add(self, text: str, topic: str) -> str:
        """Add ``text`` as an example of ``topic``; returns the line as written."""
        if topic not in TOPICS:
            raise ValueError(f"onbekend onderwerp {topic!r}")
        example = clean_example(text)
        if len(example.split()) < 2:
            raise ValueError("Dit bericht is te kort om van te leren.")
        with _lock:
            known = {**existing_examples(self.path.parent), **existing_examples(DEFAULT_PATH.parent)}
            other = known.get(example.lower())
            if other is not None and other != topic:
                raise ExampleConflict(f"Dit voorbeeld staat al bij onderwerp {other}.")
            if other == topic:
                return example
            blocks = self.read()
            blocks.setdefault(topic, []).append(example)
            self._write(blocks)
        return example

    def _write(self, blocks: Dict[str, List[str]]) -> None:
        lines = [HEADER, 'version: "3.1"', "", "nlu:"]
        for topic in sorted(blocks):
            lines.append(f"  - intent: {topic}")
            lines.append("    examples: |")
            lines += [f"      - {example}" for example in blocks[topic]]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        tmp.replace(self.path)
