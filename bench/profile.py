"""Where the time goes: py-spy samples of a running server, summarised (parsing is pure).

py-spy (`pip install py-spy`) records collapsed stacks ("frame;frame;... count"); we count, per
function, the share of busy samples in which it is on the stack (inclusive), and the share of
samples per area (SQL tracker store, NLU, policies, action calls, JSON, web server ...).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parents[1]

# Area -> patterns on a frame ("function (path:line)"); first match from the LEAF side wins.
AREAS: Sequence[Tuple[str, str]] = (
    ("sqlite / SQLAlchemy (tracker store)", r"sqlalchemy|sqlite3|tracker_store|tracker_cache"),
    ("tracker rebuild (events -> tracker)", r"trackers\.py|events\.py|from_dict|applied_events"),
    ("json encode/decode", r"json/|ujson|orjson"),
    ("NLU (spaCy, featurizers, classifier)", r"spacy|thinc|rasa/nlu|sklearn|scipy"),
    (
        "dialogue policies / graph",
        r"rasa/core/policies|bot/policies|bot/rule_policy|rasa/engine|rasa/core/featurizers",
    ),
    ("tensorflow", r"tensorflow|keras"),
    ("action server call (aiohttp client)", r"aiohttp|rasa/utils/endpoints"),
    ("web server (sanic)", r"sanic"),
    ("actions (project logic)", r"(?<!core)/actions/|/knowledge/|/kcc/|rasa_sdk"),
    ("logging / structlog", r"structlog|logging/"),
)

# A leaf frame in the event loop itself means the server was waiting (uvloop runs in C).
IDLE = re.compile(r"^serve \(.*sanic/server/runners\.py|select \(.*selectors\.py|run_forever")


def record(pid: int, seconds: int, out: Path) -> Optional[Path]:
    """Sample `pid` for `seconds` into a collapsed-stack file; None when py-spy is missing."""
    exe = shutil.which("py-spy") or str(ROOT / ".venv" / "bin" / "py-spy")
    if not Path(exe).exists():
        return None
    cmd = [
        exe,
        "record",
        "--pid",
        str(pid),
        "--duration",
        str(seconds),
        "--rate",
        "50",
        "--format",
        "raw",
        "--output",
        str(out),
        "--nonblocking",
    ]
    return (
        out
        if subprocess.run(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=seconds + 60
        ).returncode
        == 0
        and out.exists()
        else None
    )


def parse_collapsed(text: str) -> List[Tuple[List[str], int]]:
    """Collapsed stacks -> [(frames root..leaf, count)]."""
    stacks = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        stack, _, count = line.rpartition(" ")
        try:
            n = int(count)
        except ValueError:
            continue
        stacks.append((stack.split(";"), n))
    return stacks


_LINE = re.compile(r":\d+\)$")


def _func(frame: str) -> str:
    """'save (rasa/core/tracker_store.py:1333)' -> 'save (rasa/core/tracker_store.py)'."""
    frame = _LINE.sub(")", frame)
    return re.sub(r"\(.*site-packages/", "(", frame)


def summarise(stacks: Sequence[Tuple[List[str], int]], top: int = 15) -> Dict[str, object]:
    total = sum(n for _, n in stacks)
    inclusive: Counter = Counter()
    areas: Counter = Counter()
    for frames, n in stacks:
        for f in {_func(f) for f in frames}:
            inclusive[f] += n
        area = "other"
        if IDLE.search(frames[-1]):
            areas["idle (event loop waiting)"] += n
            continue
        for frame in reversed(frames):
            hit = next((name for name, pat in AREAS if re.search(pat, frame)), None)
            if hit:
                area = hit
                break
        areas[area] += n

    def share(count: int) -> float:
        return round(count / total, 3) if total else 0.0

    boring = re.compile(
        r"asyncio|<module>|run_forever|_run_once|_run \(|runpy|cli/|__main__|"
        r"sanic/(app|server|http)|main \(|run \(rasa"
    )
    funcs = [(f, share(c)) for f, c in inclusive.most_common() if not boring.search(f)][:top]
    return {
        "samples": total,
        "areas": {a: share(c) for a, c in areas.most_common()},
        "top_inclusive": funcs,
    }
