"""Is the municipality's contact centre open? ``python -m kcc.hours MUNICIPALITY [MOMENT]``.

Prints one JSON line ``{"open": bool, "next_open": "<ISO-8601>"}`` for scripts, monitoring and
tests. MOMENT is an ISO-8601 time with an offset (``2026-12-01T07:45:00Z``); without it, now. The
answer is in Dutch time whatever the server's time zone, and closed on public holidays (see
``knowledge.types.Profile.is_open``).
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone
from typing import Any, Dict, Optional, Sequence


def parse_moment(value: Optional[str]) -> datetime:
    """An ISO-8601 moment (``Z`` allowed); a moment without offset is Dutch time."""
    if not value:
        return datetime.now(timezone.utc)
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    return datetime.fromisoformat(text)


def hours(municipality: str, moment: datetime) -> Dict[str, Any]:
    from knowledge import get_catalogue
    from knowledge.types import dutch_time

    profile = get_catalogue(municipality).profile
    local = dutch_time(moment)
    nxt = profile.next_opening(local)
    return {"open": profile.is_open(local), "next_open": nxt.isoformat() if nxt else None}


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kcc.hours", description=__doc__.splitlines()[0])
    parser.add_argument("municipality")
    parser.add_argument("moment", nargs="?", default=None)
    args = parser.parse_args(argv)
    try:
        moment = parse_moment(args.moment)
        print(json.dumps(hours(args.municipality, moment)))
    except ValueError as exc:
        print(f"FOUT: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
