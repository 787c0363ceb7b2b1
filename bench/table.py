"""Markdown rendering of the results table (pure)."""

from __future__ import annotations

from typing import Dict, List, Sequence

from bench.stats import Figure, fmt_value, summarise


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render(figures: Sequence[Figure], title: str = "", notes: Sequence[str] = ()) -> str:
    """A Markdown table: section, figure, value, goal, status, note; then a PASS/FAIL count."""
    lines: List[str] = []
    if title:
        lines += [f"# {title}", ""]
    lines += ["| Section | Figure | Value | Goal | Status | Note |", "|---|---|---|---|---|---|"]
    for f in figures:
        lines.append(
            "| "
            + " | ".join(
                _cell(c)
                for c in (
                    f.section,
                    f.name,
                    fmt_value(f.value, f.unit),
                    f.goal.describe() if f.goal else "—",
                    f.status,
                    f.note,
                )
            )
            + " |"
        )
    counts: Dict[str, int] = summarise(figures)
    lines += [
        "",
        (
            f"PASS {counts.get('PASS', 0)} · FAIL {counts.get('FAIL', 0)} · "
            f"info {counts.get('info', 0)}"
        ),
    ]
    if notes:
        lines += [""] + [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"
