"""Pure helpers: percentiles, ratios and goals (PASS/FAIL). No I/O, no clock."""

from __future__ import annotations

import math
import statistics
from dataclasses import asdict, dataclass, field
from typing import Any, Dict, List, Optional, Sequence

PASS, FAIL, INFO = "PASS", "FAIL", "info"


def percentile(values: Sequence[float], p: float) -> float:
    """Linear-interpolated percentile (numpy's default method); 0.0 for no values."""
    if not values:
        return 0.0
    if not 0 <= p <= 100:
        raise ValueError(f"percentile must be within 0..100, got {p}")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * p / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def ratio(num: Optional[float], den: Optional[float]) -> Optional[float]:
    """num / den, or None when either is missing or the reference is zero."""
    if num is None or den is None or den == 0:
        return None
    return num / den


def growth(before: Optional[float], after: Optional[float]) -> Optional[float]:
    """Relative change from `before` to `after` (0.1 = 10 % more); None when unknown."""
    r = ratio(after, before)
    return None if r is None else r - 1.0


@dataclass(frozen=True)
class Goal:
    """A threshold: `op` is '>=', '<=', '<' or '>'; `text` is how the table shows it."""

    op: str
    threshold: float
    text: str = ""

    def check(self, value: Optional[float]) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return FAIL
        ok = {
            ">=": value >= self.threshold,
            "<=": value <= self.threshold,
            "<": value < self.threshold,
            ">": value > self.threshold,
        }[self.op]
        return PASS if ok else FAIL

    def describe(self) -> str:
        return self.text or f"{self.op} {self.threshold:g}"


@dataclass
class Figure:
    """One row of the results table."""

    section: str
    name: str
    value: Any
    unit: str = ""
    goal: Optional[Goal] = None
    note: str = ""
    status: str = field(default="")

    def __post_init__(self) -> None:
        if not self.status:
            self.status = self.goal.check(self.value) if self.goal else INFO

    def as_dict(self) -> Dict[str, Any]:
        d = asdict(self)
        d["goal"] = self.goal.describe() if self.goal else ""
        return d


def latency_summary(latencies_s: Sequence[float], errors: int, wall_s: float) -> Dict[str, float]:
    """messages/s, p50/p95/p99 in ms, error count, for one load level."""
    n = len(latencies_s)
    ms = [x * 1000 for x in latencies_s]
    return {
        "messages": n,
        "errors": errors,
        "wall_s": round(wall_s, 3),
        "msg_per_s": round(n / wall_s, 3) if wall_s > 0 else 0.0,
        "p50_ms": round(percentile(ms, 50), 2),
        "p95_ms": round(percentile(ms, 95), 2),
        "p99_ms": round(percentile(ms, 99), 2),
    }


def median_of_rounds(rounds: Sequence[Dict[str, Any]]) -> Dict[str, Any]:
    """One load level measured in several rounds, as one result: the median rate and latencies,
    the summed messages and errors, and each round's rate (so the table can show the spread).

    Why rounds: on a shared 2-core machine one level's rate moves by 10-20 % from one minute to
    the next, more than the differences the goals ask about (50 residents against 10). A median
    of rounds measured minutes apart, each beside the other variants, is not moved by one noisy
    minute."""
    if not rounds:
        raise ValueError("no rounds to combine")
    out: Dict[str, Any] = dict(rounds[0])
    for key in ("msg_per_s", "p50_ms", "p95_ms", "p99_ms", "wall_s"):
        out[key] = round(statistics.median(r[key] for r in rounds), 3)
    out["messages"] = sum(r["messages"] for r in rounds)
    out["errors"] = sum(r["errors"] for r in rounds)
    out["timed_out"] = any(r.get("timed_out") for r in rounds)
    out["error_samples"] = [e for r in rounds for e in r.get("error_samples", [])][:5]
    out["round_msg_per_s"] = [r["msg_per_s"] for r in rounds]
    return out


def summarise(figures: Sequence[Figure]) -> Dict[str, int]:
    out = {PASS: 0, FAIL: 0, INFO: 0}
    for f in figures:
        out[f.status] = out.get(f.status, 0) + 1
    return out


def fmt_value(value: Any, unit: str = "") -> str:
    """Human form of a figure's value for the table."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if unit == "%":
            return f"{value * 100:.1f} %"
        if unit == "x":
            return f"{value:.2f}×"
        text = f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
        return f"{text} {unit}".strip()
    return f"{value} {unit}".strip()


def rows_to_list(figures: List[Figure]) -> List[Dict[str, Any]]:
    return [f.as_dict() for f in figures]
