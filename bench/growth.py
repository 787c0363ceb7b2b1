"""Cost that grows with the work: catalogue size (in-process) and tracker length (helpers).

Synthetic catalogue entries are built with the knowledge package's own builders
(`knowledge.catalogue.build_catalogue`) from the real source dicts and live only in memory:
nothing is written to any database.
"""

from __future__ import annotations

import copy
import math
import random
import statistics
import time
from typing import Any, Dict, List, Sequence, Tuple

from bench.scripts import TOPIC_QUESTIONS

# Words for synthetic entries: Dutch-looking, varied, so the vocabulary grows like a real catalogue.
_SYLLABLES = (
    "aan",
    "be",
    "bij",
    "dienst",
    "ge",
    "hulp",
    "in",
    "kosten",
    "lo",
    "meld",
    "ner",
    "on",
    "over",
    "plan",
    "re",
    "rege",
    "ling",
    "ste",
    "toe",
    "uit",
    "ver",
    "voor",
    "werk",
    "zorg",
)


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))


def synthetic_sources(
    n_entries: int, seed: int = 7
) -> Tuple[List[Dict[str, Any]], Dict[str, Any], List[Dict[str, Any]]]:
    """(entries, profile, helplines): the real entries plus variations up to `n_entries`."""
    from knowledge import settings
    from knowledge.loader import read_sources

    src = read_sources()
    real = [e for _, e in src.entries]
    slug = settings.municipality(None)
    profile = next(p for _, p in src.profiles if p["slug"] == slug)
    rng = random.Random(seed)
    entries = copy.deepcopy(real[:n_entries])
    i = 0
    while len(entries) < n_entries:
        base = copy.deepcopy(real[i % len(real)])
        words = [_word(rng) for _ in range(6)]
        base["id"] = f"{base['id']}-synth{i}"
        base["title"] = f"{base['title']} {words[0]} {words[1]}"
        base["synonyms"] = [f"{s} {rng.choice(words)}" for s in base.get("synonyms", [])] + words[
            2:4
        ]
        base["short_answer"] = f"{base['short_answer']} {' '.join(words[3:])}"
        base["details"] = f"{base['details']} {' '.join(words)}"
        base["main"] = False
        base["related"] = []
        entries.append(base)
        i += 1
    return entries, profile, src.helplines


def build(n_entries: int) -> Tuple[Any, float]:
    """A catalogue of `n_entries` with its index built; returns (catalogue, build seconds)."""
    from knowledge.catalogue import build_catalogue

    entries, profile, helplines = synthetic_sources(n_entries)
    start = time.perf_counter()
    cat = build_catalogue(entries, profile, helplines)
    cat.search("warmup")  # the index is built on first search
    return cat, time.perf_counter() - start


def time_queries(cat: Any, repeats: int) -> Dict[str, float]:
    """Median ms per search (k=3) and per answer decision (decide() with an unsure NLU parse,
    which takes the rescue path: two catalogue searches, like a real unsure message)."""
    from assistant.decisions import decide
    from knowledge import get_glossary

    glossary = get_glossary()
    search_ms: List[float] = []
    answer_ms: List[float] = []
    for _ in range(repeats):
        for q in TOPIC_QUESTIONS:
            t0 = time.perf_counter()
            cat.search(q, k=3)
            search_ms.append((time.perf_counter() - t0) * 1000)
            parse = {
                "intent": {"name": "vervoer", "confidence": 0.4},
                "intent_ranking": [
                    {"name": "vervoer", "confidence": 0.4},
                    {"name": "mantelzorg", "confidence": 0.3},
                ],
            }
            t0 = time.perf_counter()
            decide(q, parse, cat, glossary)
            answer_ms.append((time.perf_counter() - t0) * 1000)
    return {
        "search_ms": round(statistics.median(search_ms), 3),
        "answer_ms": round(statistics.median(answer_ms), 3),
    }


def catalogue_scaling(small: int = 50, large: int = 5000, repeats: int = 20) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for n in (small, large):
        cat, build_s = build(n)
        out[str(n)] = dict(
            time_queries(cat, repeats), build_s=round(build_s, 3), entries=len(cat.entries)
        )
    return out


def window_ratio(latencies: Sequence[Sequence[float]], window: int) -> Dict[str, float]:
    """Median latency of the first `window` messages vs the last `window`, over several
    conversations of equal length (NaNs from errors are dropped)."""
    first = [x for conv in latencies for x in conv[:window] if not math.isnan(x)]
    last = [x for conv in latencies for x in conv[-window:] if not math.isnan(x)]
    f = statistics.median(first) if first else float("nan")
    la = statistics.median(last) if last else float("nan")
    return {
        "first_ms": round(f * 1000, 2),
        "last_ms": round(la * 1000, 2),
        "ratio": round(la / f, 3) if f and not math.isnan(f) else float("nan"),
    }


def write_catalogue_db(url: str, n_entries: int) -> None:
    """A knowledge database with `n_entries` (real + synthetic) for one bench stack only."""
    from knowledge.loader import Sources, store

    entries, profile, helplines = synthetic_sources(n_entries)
    store(
        Sources(
            entries=[("synthetic.yml", e) for e in entries],
            profiles=[("synthetic.yml", dict(profile, default=True))],
            helplines=helplines,
            content_hash=f"synthetic-{n_entries}",
        ),
        url,
        force=True,
    )


def catalogue_stacks(sizes: Sequence[int], repeats: int, tmp: Any, log: Any) -> Dict[str, Any]:
    """Answer latency of a topic question over the full stack (REST -> Rasa -> action server ->
    catalogue), one stack per catalogue size, all running at once and asked in turns so that
    machine noise hits every size alike. Each question opens a new conversation (no tracker
    growth mixed in); the first round, which builds the search index, is not counted."""
    import asyncio

    import aiohttp

    from bench.load import BENCH_ENV, Result, send, wait_first_answer
    from bench.scripts import Turn
    from tests.support.stack import Stack, make_env

    stacks: Dict[int, Any] = {}
    try:
        for n in sizes:
            work = tmp / f"catalogue-{n}"
            work.mkdir(parents=True, exist_ok=True)
            env = make_env(work, BENCH_ENV)
            write_catalogue_db(env["DATABASE_URL"], n)
            stacks[n] = Stack(workdir=work, env=env)
            stacks[n].start(with_console=False)
            wait_first_answer(stacks[n].rasa_url, "hallo", stacks[n].procs["rasa"])
        lat: Dict[int, List[float]] = {n: [] for n in sizes}
        errors: Dict[int, int] = {n: 0 for n in sizes}

        async def ask_all() -> None:
            async with aiohttp.ClientSession() as session:
                for round_no in range(repeats + 1):
                    for n in sizes:
                        res = Result()
                        url = f"{stacks[n].rasa_url}/webhooks/rest/webhook"
                        for i, q in enumerate(TOPIC_QUESTIONS):
                            sender = f"cat-{n}-{round_no}-{i}-{time.time_ns()}"
                            took = await send(session, url, sender, Turn(q), res)
                            if round_no and took is not None:
                                lat[n].append(took)
                        errors[n] += res.errors

        asyncio.run(ask_all())
    finally:
        for stack in stacks.values():
            stack.stop()
    out = {
        str(n): {
            "answer_ms": round(statistics.median(lat[n]) * 1000, 2) if lat[n] else float("nan"),
            "messages": len(lat[n]),
            "errors": errors[n],
        }
        for n in sizes
    }
    log(f"  catalogue over the stack: {out}")
    return out
