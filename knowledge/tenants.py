"""Which municipalities this deployment serves, and checking a slug a caller sends.

Why here: one deployment serves a whole region, and the municipality of a conversation comes from
outside (the widget's ``data-municipality``, REST ``metadata.municipality``, the Telegram bot's
path). Channels, actions and the console must agree on the same list, and that list is the set
of profiles in ``knowledge/content/municipalities/`` the loader also reads. Anything else a
caller sends is not a municipality: it is dropped, never stored, never used in a query.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, FrozenSet, Optional

from .settings import CONTENT_DIR, municipality as default_municipality

_SLUG = re.compile(r"^[a-z][a-z0-9-]{1,62}$")


@lru_cache(maxsize=1)
def known_municipalities() -> FrozenSet[str]:
    """Slugs of the profiles in the content directory (read once per process: the files are
    deployed with the code and do not change while it runs)."""
    return frozenset(path.stem for path in (CONTENT_DIR / "municipalities").glob("*.yml")
                     if _SLUG.match(path.stem))


def valid_municipality(value: Any) -> Optional[str]:
    """The slug when ``value`` names a known municipality (case and spaces forgiven), else None."""
    if not isinstance(value, str):
        return None
    slug = value.strip().lower()
    return slug if _SLUG.match(slug) and slug in known_municipalities() else None


def municipality_or_default(value: Any) -> str:
    """A known slug from ``value``, else the deployment's default (``MUNICIPALITY``)."""
    return valid_municipality(value) or default_municipality()


def privacy_page_for(slug: str) -> str:
    """The privacy statement a resident of ``slug`` is sent to.

    ``PRIVACY_URL`` may hold ``{gemeente}`` for a region whose municipalities each publish their
    own; without it, it is the default municipality's page, and the others get the console's
    page generated for them (``/privacy/<slug>``), so nobody reads another municipality's.
    """
    from assistant.settings import settings

    current = settings()
    own = current.privacy_url.strip()
    if "{gemeente}" in own:
        return own.replace("{gemeente}", slug)
    if slug == default_municipality() or valid_municipality(slug) is None:
        return current.privacy_page
    return f"{current.console_base}/privacy/{slug}"
