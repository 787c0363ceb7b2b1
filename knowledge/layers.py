"""Two layers of content: the national catalogue and one local layer per municipality.

Why a local layer instead of editing the national text: every municipality shares one national
library of answers, and a beheerder changes only what is different for their municipality (an
opening time, a partner, a ladder text, an amount). The national text keeps improving for all;
the local override stays the municipality's own.

A local layer (an "overlay") is plain JSON:

    {"profile": {"opening_hours.week": {...}, "kcc.phone": "0595 ..."},
     "entries": {"jeugdhulp": {"ladder.zelf": "...", "sources": [...]}},
     "added":   {"lokaal-maatjes": {<a whole entry>}}}

Keys under ``profile`` and ``entries`` are dotted paths into the source dicts: a path replaces
the value at that place and leaves everything else national. ``added`` holds local entries.
What residents see is :func:`merge` of both; :func:`origin` tells the console which layer a
field comes from.
"""
from __future__ import annotations

import copy
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

LOCAL = "lokaal"
NATIONAL = "landelijk"
PARTLY_LOCAL = "deels lokaal"


def empty() -> Dict[str, Any]:
    return {"profile": {}, "entries": {}, "added": {}}


def normalise(overlay: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    """A complete overlay (missing parts empty), deep-copied so callers may change it."""
    out = empty()
    for part in out:
        out[part] = copy.deepcopy(dict((overlay or {}).get(part) or {}))
    return out


def get_path(data: Mapping[str, Any], path: str) -> Any:
    node: Any = data
    for key in path.split("."):
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node


def set_path(data: Dict[str, Any], path: str, value: Any) -> None:
    keys = path.split(".")
    node = data
    for key in keys[:-1]:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[keys[-1]] = copy.deepcopy(value)


def apply(base: Mapping[str, Any], overrides: Mapping[str, Any]) -> Dict[str, Any]:
    """``base`` with every override path set (shorter paths first, so a deeper one wins)."""
    out = copy.deepcopy(dict(base))
    for path in sorted(overrides, key=lambda p: p.count(".")):
        set_path(out, path, overrides[path])
    return out


def merge(entries: Sequence[Mapping[str, Any]], profile: Mapping[str, Any],
          overlay: Optional[Mapping[str, Any]]) -> Tuple[List[Dict[str, Any]], Dict[str, Any]]:
    """What residents of the municipality see: national entries with local overrides, then the
    local entries, and the profile with its local overrides."""
    layer = normalise(overlay)
    merged = [apply(e, layer["entries"].get(e["id"], {})) for e in entries]
    known = {e["id"] for e in merged}
    merged += [copy.deepcopy(e) for key, e in layer["added"].items() if key not in known]
    return merged, apply(profile, layer["profile"])


def origin(overrides: Mapping[str, Any], path: str, added: bool = False) -> str:
    """Which layer a field shows: ``lokaal`` (overridden here or above), ``deels lokaal`` (a
    part below it is overridden) or ``landelijk``."""
    if added:
        return LOCAL
    parts = path.split(".")
    if any(".".join(parts[:i]) in overrides for i in range(1, len(parts) + 1)):
        return LOCAL
    if any(p.startswith(path + ".") for p in overrides):
        return PARTLY_LOCAL
    return NATIONAL


def flatten(overlay: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    """Every override as one ``where -> value`` pair (``profile:kcc.phone``,
    ``entry:jeugdhulp:ladder.zelf``, ``nieuw:<id>``): the unit of history and diff."""
    layer = normalise(overlay)
    flat: Dict[str, Any] = {f"profile:{p}": v for p, v in layer["profile"].items()}
    for entry_id, overrides in layer["entries"].items():
        flat.update({f"entry:{entry_id}:{p}": v for p, v in overrides.items()})
    flat.update({f"nieuw:{key}": e for key, e in layer["added"].items()})
    return flat


def diff(old: Optional[Mapping[str, Any]], new: Optional[Mapping[str, Any]]
         ) -> List[Dict[str, Any]]:
    """What changed between two overlays: one row per place, with the old and the new value
    (None = national text there)."""
    a, b = flatten(old), flatten(new)
    rows = []
    for where in sorted(set(a) | set(b)):
        if a.get(where) != b.get(where):
            rows.append({"where": where, "old": a.get(where), "new": b.get(where)})
    return rows
