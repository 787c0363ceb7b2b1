"""Resident set size of a server process (psutil), children included."""

from __future__ import annotations

from typing import Optional


def rss_mb(pid: Optional[int]) -> Optional[float]:
    """RSS in MB of `pid` plus its children; None when the process is gone."""
    import psutil

    if pid is None:
        return None
    try:
        proc = psutil.Process(pid)
        total = proc.memory_info().rss
        for child in proc.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
        return round(total / 2**20, 1)
    except psutil.Error:
        return None
