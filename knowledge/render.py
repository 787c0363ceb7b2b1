"""Fill municipality placeholders in national texts.

Why: national content is written once; `{gemeente}`, `{sociaal_loket}`, `{kcc}`, `{welzijn}`,
`{algemene_contact}` and `{partner:<key>}` are replaced by the selected profile, so a resident
in Tynaarlo never reads about a Hogeland partner.
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Match, Optional, Set

from .schema import PLACEHOLDER_RE


class RenderError(ValueError):
    """A placeholder cannot be filled from the profile."""


def placeholder_values(profile: Mapping[str, Any]) -> Dict[str, str]:
    """Simple placeholder values from a raw (validated) profile dict."""
    return {
        "gemeente": profile["name"],
        "sociaal_loket": profile["sociaal_loket"]["mention"],
        "kcc": profile["kcc"]["mention"],
        "welzijn": profile["welzijn"]["mention"],
        "algemene_contact": profile["general_contact_mention"],
    }


def render(text: Optional[str], profile: Mapping[str, Any]) -> Optional[str]:
    """Return `text` with every placeholder filled; raise RenderError on an unknown partner."""
    if text is None:
        return None
    values = placeholder_values(profile)
    partners = profile.get("partners", {})

    def _sub(m: Match[str]) -> str:
        name, arg = m.group(1), m.group(2)
        if name == "partner":
            partner = partners.get(arg)
            if partner is None:
                raise RenderError(f"partner {arg!r} is not in profile {profile['slug']!r}")
            value = partner["mention"]
        else:
            value = values[name]
        before = text[: m.start()].rstrip(" \"'(")
        if (not before or before[-1] in ".!?\n") and not value.startswith(("www", "http")):
            value = value[:1].upper() + value[1:]
        return value

    return PLACEHOLDER_RE.sub(_sub, text)


def partner_keys_used(text: Optional[str]) -> Set[str]:
    """Partner keys referenced by `{partner:<key>}` in `text`."""
    if not text:
        return set()
    return {m.group(2) for m in PLACEHOLDER_RE.finditer(text) if m.group(1) == "partner"}
