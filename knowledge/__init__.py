"""The service catalogue the assistant answers from.

    from knowledge import get_catalogue
    cat = get_catalogue()            # DATABASE_URL + MUNICIPALITY, cached per process
    cat.search("ik heb hulp nodig bij het schoonmaken")

Importing this package does no work: the database and scikit-learn are touched only when a
catalogue is requested or searched.
"""
from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Dict, Optional, Tuple

if TYPE_CHECKING:
    from assistant.glossary import Glossary

    from .catalogue import Catalogue

from assistant.vocabulary import RUNGS

from .types import Contact, Entry, Helpline, OpeningHours, Partner, Profile

__all__ = ["get_catalogue", "get_glossary", "reset_cache", "Catalogue", "Entry", "Profile", "Helpline",
           "Contact", "Partner", "OpeningHours", "RUNGS"]

# (url, municipality) -> (marker, catalogue, checked): the marker says which published version it
# shows, `checked` when the database was last asked (time.monotonic()).
_CACHE: Dict[Tuple[str, str], Tuple[Tuple[str, int], "Catalogue", float]] = {}
#: Seconds a cached catalogue is used without asking the database for a newer version: one
#: resident message calls get_catalogue several times, and one look per message is enough.
RECHECK_SECONDS = 1.0
_GLOSSARY: Optional["Glossary"] = None
_LOCK = threading.Lock()


def get_catalogue(municipality: Optional[str] = None, database_url: Optional[str] = None) -> "Catalogue":
    """The catalogue for MUNICIPALITY from DATABASE_URL, cached per process: the newest
    published version of the municipality's local layer over the national content. A cheap
    marker check on every call (see ``catalogue_marker``) picks up a version published in the
    console on the next message, without a restart.

    If the database holds no catalogue yet it is loaded from the YAML sources first, so a
    fresh checkout answers without a separate `python -m knowledge load`.
    """
    from . import settings
    from .catalogue import catalogue_marker, read_catalogue

    url = settings.database_url(database_url)
    slug = settings.municipality(municipality)
    key = (url, slug)
    with _LOCK:
        cached = _CACHE.get(key)
        now = time.monotonic()
        if cached is not None and now - cached[2] < RECHECK_SECONDS:
            return cached[1]
        marker = catalogue_marker(url, slug)
        if cached is None or cached[0] != marker:
            cat = read_catalogue(url, slug)
            if cat is None:
                from .loader import load

                load(url)
                cat = read_catalogue(url, slug)
                marker = catalogue_marker(url, slug)
            assert cat is not None
            cached = (marker, cat, now)
        _CACHE[key] = (cached[0], cached[1], now)
        return cached[1]


def get_glossary() -> "Glossary":
    """The reviewed glossary of social-domain terms (``content/glossary.yml``), read once.

    National content: the same for every municipality, so it is read from the file and not
    from the database (a missing file gives an empty glossary, never an error at a resident).
    """
    global _GLOSSARY
    from assistant.glossary import Glossary

    with _LOCK:
        if _GLOSSARY is None:
            import yaml

            from .settings import CONTENT_DIR

            try:
                data = yaml.safe_load((CONTENT_DIR / "glossary.yml").read_text(encoding="utf-8"))
            except (OSError, yaml.YAMLError):
                data = {}
            _GLOSSARY = Glossary.from_data(data if isinstance(data, dict) else {})
        return _GLOSSARY


def reset_cache() -> None:
    """Forget cached catalogues (after `load`, or in tests that switch MUNICIPALITY)."""
    with _LOCK:
        _CACHE.clear()


def __getattr__(name: str):  # lazy: `knowledge.Catalogue` without importing the DB layer early
    if name == "Catalogue":
        from .catalogue import Catalogue

        return Catalogue
    raise AttributeError(name)
