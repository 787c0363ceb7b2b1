"""The Dutch spaCy pipeline that Rasa's ``SpacyNLP`` loads.

Why this module exists: ``nl_core_news_sm`` is the natural choice, but it is not on every
package registry (it is published on GitHub releases only). So we keep the real loading code
for wherever the model is installed, and otherwise build our own Dutch pipeline offline from
what *is* on PyPI: spaCy's Dutch language data (tokenizer exceptions, stop words, lexical
attributes) plus the Dutch lookup lemmatizer from ``spacy-lookups-data``.

Either way the result is written to one folder (``var/spacy_nl``, git-ignored) that
``config.yml`` points at, so the rest of the project never needs to know which one it got.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Optional

import spacy
from spacy.language import Language

OFFICIAL_MODEL = "nl_core_news_sm"
STAMP_FILE = "assistant-pipeline.json"
# Bump when the offline build changes, so `ensure` rebuilds stale folders.
BUILD_VERSION = 1


def load_official() -> Optional[Language]:
    """Load ``nl_core_news_sm`` if it is installed, else ``None``."""
    try:
        return spacy.load(OFFICIAL_MODEL)
    except OSError:
        return None


def build_offline() -> Language:
    """Build a Dutch pipeline without any download.

    The lookup lemmatizer maps inflected forms to lemmas ("aangevraagd" → "aanvragen"); it
    misses many forms, which is why the NLU config does not rely on lemmas alone.
    """
    nlp = spacy.blank("nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the lookup tables from spacy-lookups-data, offline
    nlp.meta["name"] = "assistant_nl"
    nlp.meta["description"] = "Offline Dutch pipeline: tokenizer, stop words, lookup lemmas"
    return nlp


def load_dutch_pipeline() -> tuple[Language, str]:
    """Return the best Dutch pipeline available here and which kind it is."""
    official = load_official()
    if official is not None:
        return official, OFFICIAL_MODEL
    return build_offline(), "offline"


def ensure(path: Path) -> str:
    """Write the pipeline to ``path`` unless an up-to-date one is already there."""
    stamp = path / STAMP_FILE
    if stamp.exists():
        info = json.loads(stamp.read_text())
        official_now = _official_installed()
        if info.get("build") == BUILD_VERSION and (info.get("kind") == OFFICIAL_MODEL) == official_now:
            return info["kind"]
    nlp, kind = load_dutch_pipeline()
    if path.exists():
        shutil.rmtree(path)
    nlp.to_disk(path)
    stamp.write_text(json.dumps({"kind": kind, "build": BUILD_VERSION, "spacy": spacy.__version__}))
    print(f"spaCy: Dutch pipeline ({kind}) written to {path}")
    return kind


def _official_installed() -> bool:
    return spacy.util.is_package(OFFICIAL_MODEL)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    cmd = sub.add_parser("ensure", help="build or copy the Dutch pipeline into a folder")
    cmd.add_argument("path", type=Path)
    args = parser.parse_args(argv)
    ensure(args.path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
