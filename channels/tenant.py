"""The one piece of caller metadata a channel passes to Rasa: the municipality, checked.

Why only this: channels drop caller metadata on purpose (Rasa trusts keys such as ``is_external``,
and a resident must never speak as staff). A region deployment still needs to know which
municipality a conversation belongs to, so exactly one key is admitted, and only with the slug
of a profile this deployment serves (``knowledge/content/municipalities/``).
"""
from __future__ import annotations

from typing import Any, Dict, Optional

from knowledge.tenants import valid_municipality

KEY = "municipality"


class UnknownMunicipality(ValueError):
    """A caller named a municipality this deployment does not serve."""


def municipality_from(value: Any) -> Optional[str]:
    """The checked slug, None when the caller named none, `UnknownMunicipality` when it is not
    ours (refused rather than answered with another municipality's contact data)."""
    if value is None or value == "":
        return None
    slug = valid_municipality(value)
    if slug is None:
        raise UnknownMunicipality(str(value)[:64])
    return slug


def tenant_metadata(slug: Optional[str], **extra: Any) -> Optional[Dict[str, Any]]:
    """Metadata for a UserMessage: the municipality (when known) plus the channel's own keys."""
    metadata: Dict[str, Any] = {k: v for k, v in extra.items() if v is not None}
    if slug:
        metadata[KEY] = slug
    return metadata or None
