"""`python -m bench`: run the benchmarks, write bench/results/<date>.json and .md, print the table.

python -m bench                 # everything (about 25-30 minutes on 2 cores)
python -m bench --quick         # small counts: a smoke test of every part
python -m bench --only load     # one part: quality | load | growth | memory | startup | cluster
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import logging
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence

from bench.stats import FAIL, Figure, Goal, growth, ratio

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"
PARTS = ("quality", "load", "growth", "memory", "startup", "cluster")
MB = 1024.0


@dataclass
class Settings:
    levels: Dict[int, int]  # concurrency -> messages per bot
    warmup_messages: int
    memory_target: int  # messages sent to the project stack before the last RSS
    long_conversations: int
    long_length: int
    catalogue_sizes: tuple
    catalogue_repeats: int
    catalogue_stack_repeats: int
    folds: int
    cv_diet_epochs: Optional[int]
    full_diet_epochs: Optional[int]
    time_training: bool
    profile_seconds: int
    profile_concurrency: int = 50
    load_rounds: int = 5  # each load level is measured this often per variant (median reported)
    level_deadline_s: float = 240.0
    memory_deadline_s: float = 600.0
    notes: List[str] = field(default_factory=list)


FULL = Settings(
    levels={1: 60, 10: 300, 50: 500},
    warmup_messages=50,
    memory_target=10_000,
    long_conversations=3,
    long_length=50,
    catalogue_sizes=(50, 5000),
    catalogue_repeats=20,
    catalogue_stack_repeats=10,
    folds=5,
    cv_diet_epochs=10,
    full_diet_epochs=None,
    time_training=True,
    profile_seconds=15,
)
QUICK = Settings(
    levels={1: 20, 10: 50, 50: 100},
    warmup_messages=10,
    memory_target=400,
    long_conversations=1,
    long_length=50,
    catalogue_sizes=(50, 1000),
    catalogue_repeats=3,
    catalogue_stack_repeats=2,
    folds=2,
    cv_diet_epochs=3,
    full_diet_epochs=5,
    time_training=False,
    profile_seconds=6,
    load_rounds=1,
    level_deadline_s=120,
    memory_deadline_s=120,
)


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


# --- stock bot -----------------------------------------------------------------------------------
def ensure_stock(stock_dir: Path, raw: Dict[str, Any]) -> Path:
    """A `rasa init` project (trained by rasa init itself); returns its model."""
    from bench.quality import rasa_init

    if not (stock_dir / "config.yml").exists():
        log(f"rasa init --no-prompt into {stock_dir} (trains the stock model)")
        raw["stock_init_s"] = round(rasa_init(stock_dir), 1)
    models = sorted((stock_dir / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise SystemExit(f"no stock model in {stock_dir}/models")
    return models[-1]


def timed_train(cmd: Sequence[str], cwd: Path, cache: Path) -> float:
    env = dict(
        os.environ,
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="2",
        RASA_CACHE_DIRECTORY=str(cache),
    )
    start = time.perf_counter()
    subprocess.run(
        list(cmd),
        cwd=cwd,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=1200,
    )
    return time.perf_counter() - start


# --- load against one server ---------------------------------------------------------------------
def run_levels(url: str, script, s: Settings, prefix: str, script_len: int = 5) -> Dict[int, Dict]:
    from bench.load import run_level
    from bench.scripts import plan

    out = {}
    for c, messages in s.levels.items():
        conv = plan(messages, script_len, c)
        res = asyncio.run(run_level(url, script, conv, c, s.level_deadline_s, f"{prefix}-c{c}"))
        log(
            f"  {prefix} c={c}: {res['messages']} msgs, {res['msg_per_s']} msg/s, "
            f"p50 {res['p50_ms']} ms, "
            f"p95 {res['p95_ms']} ms, errors {res['errors']}"
        )
        out[c] = res
    return out


def warm_up(url: str, script, s: Settings) -> Dict[str, Any]:
    """Unmeasured 5-message conversations, so both bots are measured warm (same for each)."""
    from bench.load import run_level

    return asyncio.run(
        run_level(url, script, max(1, s.warmup_messages // 5), 5, s.level_deadline_s, "warmup")
    )


def project_stack(s: Settings, parts: Sequence[str], tmp: Path, raw: Dict[str, Any]) -> None:
    """Start the full stack (timed), then load, profile, long conversations, memory."""
    from bench import growth as gr
    from bench.load import BENCH_ENV, long_conversation, run_level, wait_first_answer
    from bench.memory import rss_mb
    from bench.scripts import long_script, project_script
    from tests.support.stack import Stack, make_env

    work = tmp / "project-stack"
    work.mkdir(parents=True, exist_ok=True)
    stack = Stack(workdir=work, env=make_env(work, BENCH_ENV))
    sent = 0
    try:
        t0 = time.perf_counter()
        stack.start(with_console=False)
        t1 = wait_first_answer(stack.rasa_url, "hallo", stack.procs["rasa"])
        raw["startup"]["project_s"] = round(t1 - t0, 2)
        log(f"project stack answered after {t1 - t0:.1f} s")
        pids = {"rasa": stack.procs["rasa"].pid, "actions": stack.procs["actions"].pid}
        mem = raw["memory"]
        mem["start"] = {k: rss_mb(p) for k, p in pids.items()}
        if not set(parts) & {"load", "growth", "memory"}:
            return
        warm = warm_up(stack.rasa_url, project_script, s)
        sent += warm["messages"]
        mem["warm"] = {k: rss_mb(p) for k, p in pids.items()}
        raw["load"]["warmup_errors"] = warm["errors"]
        if "growth" in parts:
            lats = []
            for i in range(s.long_conversations):
                lats.append(
                    asyncio.run(
                        long_conversation(
                            stack.rasa_url, long_script(s.long_length), f"long-{i}-{time.time_ns()}"
                        )
                    )
                )
            sent += s.long_conversations * s.long_length
            from bench.scripts import TOPIC_QUESTIONS

            raw["growth"]["tracker"] = gr.window_ratio(lats, len(TOPIC_QUESTIONS))
            raw["growth"]["tracker"]["latencies_ms"] = [
                [round(x * 1000, 1) for x in c] for c in lats
            ]
            log(
                f"  tracker growth: {raw['growth']['tracker']['first_ms']} ms -> "
                f"{raw['growth']['tracker']['last_ms']} ms"
            )
        if "memory" in parts:
            remaining = s.memory_target - sent
            if remaining > 0:
                log(f"  memory fill: {remaining} more messages at c=20 (total {s.memory_target})")
                fill = asyncio.run(
                    run_level(
                        stack.rasa_url,
                        project_script,
                        max(20, remaining // 5),
                        20,
                        s.memory_deadline_s,
                        "fill",
                    )
                )
                sent += fill["messages"]
                mem["fill"] = {
                    k: fill[k]
                    for k in (
                        "messages",
                        "msg_per_s",
                        "errors",
                        "p95_ms",
                        "timed_out",
                        "error_samples",
                    )
                }
            mem["end"] = {k: rss_mb(p) for k, p in pids.items()}
            mem["messages"] = sent
            log(
                f"  memory: start {mem['start']} warm {mem['warm']} end {mem['end']} "
                f"after {sent} msgs"
            )
    finally:
        stack.stop()


@contextlib.contextmanager
def postgres_stack(tmp: Path) -> Iterator[Any]:
    """The project stack with conversations and catalogue on PostgreSQL (what
    `scripts/ensure-postgres.sh` starts, in the temporary folder)."""
    from bench.load import BENCH_ENV
    from tests.support.stack import Stack, free_port, make_env

    pg_env = dict(os.environ, PG_DIR=str(tmp / "pg" / "cluster"), PG_PORT=str(free_port()))
    (tmp / "pg").mkdir(parents=True, exist_ok=True)

    def script(*args: str) -> str:
        done = subprocess.run(
            ["bash", str(ROOT / "scripts" / "ensure-postgres.sh"), *args],
            env=pg_env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0:
            raise RuntimeError(f"ensure-postgres.sh {args[0]}: {done.stderr[-2000:]}")
        return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""

    work = tmp / "project-postgres"
    work.mkdir(parents=True, exist_ok=True)
    stack = None
    try:
        database = script("start")
        tracker = script("url", "tracker")
        env = make_env(work, dict(BENCH_ENV, DATABASE_URL=database, TRACKER_STORE_URL=tracker))
        stack = Stack(workdir=work, env=env)
        stack.start(with_console=False)
        yield stack
    finally:
        if stack is not None:
            stack.stop()
        script("stop")


def load_part(
    s: Settings, stock_dir: Path, model: Path, tmp: Path, raw: Dict[str, Any]
) -> None:
    """The load levels on the project stack (SQLite), the same stack on PostgreSQL and the stock
    bot, all three running at once and measured in turns at each level, so that the ratios
    compare measurements seconds apart (the machine's speed changes from minute to minute);
    then py-spy on the SQLite stack."""
    from bench.load import BENCH_ENV, StockServer, wait_first_answer
    from bench.memory import rss_mb
    from bench.scripts import project_script, stock_script
    from tests.support.stack import Stack, free_port, make_env

    work = tmp / "load-stack"
    work.mkdir(parents=True, exist_ok=True)
    stack = Stack(workdir=work, env=make_env(work, BENCH_ENV))
    srv = StockServer(stock_dir, model, free_port(), tmp / "stock-load.log")
    with contextlib.ExitStack() as running:
        running.callback(stack.stop)
        running.callback(srv.stop)
        stack.start(with_console=False)
        srv.start()
        wait_first_answer(srv.url, "hello", srv.proc)
        raw["memory"]["stock_start"] = rss_mb(srv.proc.pid)
        pg = running.enter_context(postgres_stack(tmp))
        log("load: project (SQLite), project (PostgreSQL) and stock are up")
        variants = (
            ("project", stack.rasa_url, project_script),
            ("project_postgres", pg.rasa_url, project_script),
            ("stock", srv.url, stock_script),
        )
        for key, url, script in variants:
            warm = warm_up(url, script, s)
            raw["load"][f"warmup_errors_{key}"] = warm["errors"]
        from bench.load import run_level
        from bench.scripts import plan
        from bench.stats import median_of_rounds

        measured: Dict[str, Dict[int, List[Dict[str, Any]]]] = {k: {} for k, _, _ in variants}
        for rnd in range(s.load_rounds):
            for c, messages in s.levels.items():
                # Each round starts with another variant, so none is always measured right
                # after the heaviest one (the stock bot).
                for key, url, script in variants[rnd % len(variants):] + variants[:rnd % len(variants)]:
                    res = asyncio.run(
                        run_level(url, script, plan(messages, 5, c), c, s.level_deadline_s,
                                  f"{key}-r{rnd}-c{c}")
                    )
                    log(
                        f"  round {rnd + 1}/{s.load_rounds} {key} c={c}: {res['messages']} msgs, "
                        f"{res['msg_per_s']} msg/s, p50 {res['p50_ms']} ms, "
                        f"p95 {res['p95_ms']} ms, errors {res['errors']}"
                    )
                    measured[key].setdefault(c, []).append(res)
        for key, levels in measured.items():
            raw["load"][key] = {c: median_of_rounds(rounds) for c, rounds in levels.items()}
        raw["load"]["rounds"] = s.load_rounds
        raw["memory"]["stock_end"] = rss_mb(srv.proc.pid)
        if s.profile_seconds:
            pids = {"rasa": stack.procs["rasa"].pid, "actions": stack.procs["actions"].pid}
            profile_phase(stack, pids, s, tmp, raw)


def profile_phase(stack, pids: Dict[str, int], s: Settings, tmp: Path, raw: Dict[str, Any]) -> int:
    """Unmeasured load at c=`profile_concurrency` while py-spy samples both servers; returns messages sent."""
    import threading

    from bench import profile as prof
    from bench.load import run_level
    from bench.scripts import project_script

    outs = {k: tmp / f"pyspy-{k}.txt" for k in pids}
    recorded: Dict[str, Any] = {}
    threads = [
        threading.Thread(
            target=lambda k=k: recorded.__setitem__(
                k, prof.record(pids[k], s.profile_seconds, outs[k])
            )
        )
        for k in pids
    ]
    for t in threads:
        t.start()
    res = asyncio.run(
        run_level(
            stack.rasa_url,
            project_script,
            10_000,
            s.profile_concurrency,
            s.profile_seconds,
            "profile",
        )
    )
    for t in threads:
        t.join()
    summary: Dict[str, Any] = {}
    for k, path in recorded.items():
        if path is None:
            summary[k] = "py-spy not available"
            continue
        summary[k] = prof.summarise(prof.parse_collapsed(path.read_text()))
    raw["profile"] = summary
    raw["profile_concurrency"] = s.profile_concurrency
    log(
        "  profile: "
        + json.dumps({k: v.get("areas") if isinstance(v, dict) else v for k, v in summary.items()})
    )
    return res["messages"]


def stock_stack(
    s: Settings, parts: Sequence[str], stock_dir: Path, model: Path, tmp: Path, raw: Dict[str, Any]
) -> None:
    from bench.load import StockServer, wait_first_answer
    from bench.memory import rss_mb
    from bench.scripts import stock_script
    from tests.support.stack import free_port

    srv = StockServer(stock_dir, model, free_port(), tmp / "stock-rasa.log")
    try:
        t0 = time.perf_counter()
        srv.start()
        t1 = wait_first_answer(srv.url, "hello", srv.proc)
        raw["startup"]["stock_s"] = round(t1 - t0, 2)
        raw["memory"].setdefault("stock_start", rss_mb(srv.proc.pid))  # load_part's, if any
        log(f"stock bot answered after {t1 - t0:.1f} s")
        if "load" in parts:
            warm_up(srv.url, stock_script, s)
            raw["load"]["stock"] = run_levels(srv.url, stock_script, s, "stock")
            raw["memory"]["stock_end"] = rss_mb(srv.proc.pid)
    finally:
        srv.stop()


# --- figures -------------------------------------------------------------------------------------
def _load_rows(p: Dict, st: Dict, label: str, with_stock_errors: bool) -> List[Figure]:
    rows = []
    for c in sorted(set(p) | set(st), key=int):
        a, b = p.get(c), st.get(c)
        if a:
            rows.append(
                Figure(
                    "load",
                    f"c={c} errors ({label})",
                    a["errors"],
                    goal=Goal("<=", 0, "0"),
                    note=f"{a['messages']} msgs"
                    + (" · DEADLINE HIT" if a["timed_out"] else "")
                    + (f" · e.g. {a['error_samples'][0]}" if a["error_samples"] else ""),
                )
            )
        if b and with_stock_errors:
            rows.append(
                Figure("load", f"c={c} errors (stock)", b["errors"], note=f"{b['messages']} msgs")
            )
        if a and b:
            # Issue 21: at 50 residents at least 2x stock; at 10 the older 1.5x.
            need = 2.0 if int(c) >= 50 else 1.5
            thr_goal = Goal(">=", need, f"≥ {need}× stock") if int(c) >= 10 else None
            for what, unit_key, goal in (
                ("throughput", "msg_per_s", thr_goal),
                ("p50", "p50_ms", None),
                ("p95", "p95_ms", Goal("<=", 1.0, "≤ 1.0× stock")),
                ("p99", "p99_ms", None),
            ):
                unit = "msg/s" if unit_key == "msg_per_s" else "ms"
                fmt = ".1f" if unit == "msg/s" else ".0f"
                spread = _rounds_note(a, b) if unit_key == "msg_per_s" else ""
                rows.append(
                    Figure(
                        "load",
                        f"c={c} {what} {label}/stock",
                        _r(ratio(a[unit_key], b[unit_key])),
                        "x",
                        goal,
                        f"{a[unit_key]:{fmt}} vs {b[unit_key]:{fmt}} {unit}{spread}",
                    )
                )
    lo, hi = p.get(10) or p.get("10"), p.get(50) or p.get("50")
    if lo and hi:
        rows.append(
            Figure(
                "load",
                f"throughput c=50 / c=10 ({label})",
                _r(ratio(hi["msg_per_s"], lo["msg_per_s"])),
                "x",
                Goal(">=", 1.0, "≥ 1.0"),
                f"{hi['msg_per_s']:.1f} vs {lo['msg_per_s']:.1f} msg/s{_rounds_note(hi, lo)}",
            )
        )
    return rows


def _rounds_note(a: Dict, b: Dict) -> str:
    """Each round's rate of two results, when they were measured in rounds."""
    ra, rb = a.get("round_msg_per_s"), b.get("round_msg_per_s")
    if not ra or not rb or len(ra) < 2:
        return ""
    return (" (rounds: " + ", ".join(f"{x:.0f}" for x in ra) + " vs "
            + ", ".join(f"{x:.0f}" for x in rb) + ")")


# The project's stack is measured on each tracker store, beside the same stock bot (same run).
LOAD_VARIANTS = (("project", "project"), ("project_postgres", "project-pg"))


def load_figures(raw: Dict[str, Any]) -> List[Figure]:
    rows = []
    st = raw["load"].get("stock", {})
    for key, label in LOAD_VARIANTS:
        p = raw["load"].get(key, {})
        if key != "project" and not p:
            continue
        rows += _load_rows(p, st, label, with_stock_errors=key == "project")
    prof = raw.get("profile") or {}
    for k, v in prof.items():
        if isinstance(v, dict):
            top = ", ".join(f"{a} {share * 100:.0f}%" for a, share in list(v["areas"].items())[:4])
            rows.append(
                Figure(
                    "load",
                    f"profile {k} server (py-spy, c={raw.get('profile_concurrency', 10)})",
                    v["samples"],
                    "samples",
                    note=top,
                )
            )
    return rows


def growth_figures(raw: Dict[str, Any]) -> List[Figure]:
    rows = []
    g = raw["growth"]
    if "tracker" in g:
        t = g["tracker"]
        rows.append(
            Figure(
                "growth",
                "tracker: last 8 / first 8 msgs of a 50-msg conversation",
                t["ratio"],
                "x",
                Goal("<=", 1.2, "≤ 1.2×"),
                f"{t['first_ms']} → {t['last_ms']} ms (median)",
            )
        )
    if "catalogue_stack" in g:
        sizes = sorted(g["catalogue_stack"], key=int)
        lo, hi = g["catalogue_stack"][sizes[0]], g["catalogue_stack"][sizes[-1]]
        rows.append(
            Figure(
                "growth",
                f"catalogue: answer latency over the stack, {sizes[-1]} / {sizes[0]} entries",
                _r(ratio(hi["answer_ms"], lo["answer_ms"])),
                "x",
                Goal("<=", 1.2, "≤ 1.2×"),
                f"{lo['answer_ms']:.1f} → {hi['answer_ms']:.1f} ms (median of "
                f"{hi['messages']} topic questions; errors {lo['errors']} / {hi['errors']})",
            )
        )
    if "catalogue" in g:
        sizes = sorted(g["catalogue"], key=int)
        lo, hi = g["catalogue"][sizes[0]], g["catalogue"][sizes[-1]]
        for key, label in (("search_ms", "search"), ("answer_ms", "answer (decide)")):
            rows.append(
                Figure(
                    "growth",
                    f"catalogue {label} in-process: {sizes[-1]} / {sizes[0]} entries",
                    _r(ratio(hi[key], lo[key])),
                    "x",
                    note=f"{lo[key]:.2f} → {hi[key]:.2f} ms (the part of an answer that grows)",
                )
            )
        rows.append(
            Figure(
                "growth",
                f"catalogue index build: {sizes[-1]} / {sizes[0]} entries",
                _r(ratio(hi["build_s"], lo["build_s"])),
                "x",
                note=f"{lo['build_s']:.2f} → {hi['build_s']:.2f} s (once per process)",
            )
        )
    return rows


def memory_figures(raw: Dict[str, Any]) -> List[Figure]:
    m = raw["memory"]
    rows: List[Figure] = []
    if "end" not in m:
        if "start" in m:
            rows += [
                Figure("memory", f"{k} RSS after start-up", v, "MB") for k, v in m["start"].items()
            ]
        return rows
    n = m.get("messages", 0)
    limits = {"rasa": (1.5 * MB, "< 1.5 GB"), "actions": (300.0, "< 300 MB")}
    for k in ("rasa", "actions"):
        rows.append(Figure("memory", f"{k} server RSS after start-up", m["start"][k], "MB"))
        rows.append(
            Figure(
                "memory",
                f"{k} server RSS after {n} msgs",
                m["end"][k],
                "MB",
                Goal("<", limits[k][0], limits[k][1]),
            )
        )
        rows.append(
            Figure(
                "memory",
                f"{k} growth since start-up",
                _r(growth(m["start"][k], m["end"][k])),
                "%",
                Goal("<", 0.10, "< 10 %"),
                f"{m['start'][k]} → {m['end'][k]} MB",
            )
        )
        rows.append(
            Figure(
                "memory",
                f"{k} growth since warm-up",
                _r(growth(m["warm"][k], m["end"][k])),
                "%",
                Goal("<", 0.10, "< 10 %"),
                f"{m['warm'][k]} → {m['end'][k]} MB "
                f"(warm-up = first {raw['settings']['warmup_messages']} msgs)",
            )
        )
    if m.get("stock_start"):
        rows.append(
            Figure(
                "memory",
                "stock rasa server RSS (start → after load)",
                m.get("stock_end"),
                "MB",
                note=f"after start-up {m['stock_start']} MB",
            )
        )
    return rows


def startup_figures(raw: Dict[str, Any]) -> List[Figure]:
    s = raw["startup"]
    rows = []
    if "project_train_s" in s:
        rows.append(
            Figure(
                "startup",
                "full rasa train project/stock",
                _r(ratio(s["project_train_s"], s.get("stock_train_s"))),
                "x",
                note=f"{s['project_train_s']:.0f} vs {s.get('stock_train_s', 0):.0f} s "
                "(fresh caches; "
                f"project: rasa train --force; stock: {s.get('stock_train_how')})",
            )
        )
    if "project_s" in s and "stock_s" in s:
        rows.append(
            Figure(
                "startup",
                "start until first answer project/stock",
                _r(ratio(s["project_s"], s["stock_s"])),
                "x",
                note=f"{s['project_s']:.1f} vs {s['stock_s']:.1f} s (project: action server, "
                "then Rasa, started one after the other)",
            )
        )
    return rows


def cluster_figures(raw: Dict[str, Any]) -> List[Figure]:
    from bench import cluster

    return cluster.figures(raw)


def _r(x: Optional[float]) -> Optional[float]:
    return None if x is None else round(x, 4)


# --- main ----------------------------------------------------------------------------------------
def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument("--quick", action="store_true", help="small counts (smoke test, a few minutes)")
    ap.add_argument(
        "--only", action="append", choices=PARTS, help="run only this part (repeatable)"
    )
    ap.add_argument("--stock-dir", type=Path, help="reuse an existing `rasa init` project")
    ap.add_argument(
        "--out", type=Path, default=RESULTS, help="results folder (default bench/results)"
    )
    ap.add_argument(
        "--cv-epochs",
        type=int,
        help="DIET epochs of the stock model in the cross-validation folds "
        "(default 10 in a full run; the full stock model always uses Rasa's default, 100)",
    )
    args = ap.parse_args(argv)
    os.chdir(ROOT)
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    logging.disable(logging.WARNING)
    s = QUICK if args.quick else FULL
    if args.cv_epochs:
        s.cv_diet_epochs = args.cv_epochs
    parts = tuple(args.only or PARTS)
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    os.environ["RASA_CACHE_DIRECTORY"] = str(tmp / "rasa-cache")  # never touch the project's .rasa/
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    raw: Dict[str, Any] = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "quick": args.quick,
        "parts": parts,
        "settings": s.__dict__,
        "startup": {},
        "load": {},
        "growth": {},
        "memory": {},
        "quality": {},
        "cpu_count": os.cpu_count(),
    }
    figures: List[Figure] = []
    try:
        stock_dir = args.stock_dir or tmp / "stock"
        # The stock bot is the reference of quality, load and start-up; the cluster part alone
        # compares the project with itself and does not need it.
        needs_stock = bool(set(parts) & {"quality", "load", "startup"})
        stock_model = ensure_stock(stock_dir, raw) if needs_stock else None
        if "startup" in parts and s.time_training:
            log("timing a full `rasa train` of the project and of the stock bot (fresh caches)")
            raw["startup"]["project_train_s"] = round(
                timed_train(
                    [
                        str(ROOT / ".venv/bin/rasa"),
                        "train",
                        "--config",
                        "config.yml",
                        "--domain",
                        "bot/domain",
                        "--data",
                        "nlu/data",
                        "bot/data",
                        "--out",
                        str(tmp / "train-project"),
                        "--force",
                    ],
                    ROOT,
                    tmp / "cache-project",
                ),
                1,
            )
            if "stock_init_s" in raw:  # `rasa init` just trained the stock bot with a fresh cache
                raw["startup"]["stock_train_s"] = raw["stock_init_s"]
                raw["startup"]["stock_train_how"] = "rasa init --no-prompt (scaffold + train)"
            else:
                raw["startup"]["stock_train_s"] = round(
                    timed_train(
                        [
                            str(ROOT / ".venv/bin/rasa"),
                            "train",
                            "--out",
                            str(tmp / "train-stock"),
                            "--force",
                        ],
                        stock_dir,
                        tmp / "cache-stock",
                    ),
                    1,
                )
                raw["startup"]["stock_train_how"] = "rasa train --force"
            log(f"  train: {raw['startup']}")
        if "load" in parts:
            load_part(s, stock_dir, stock_model, tmp, raw)
        if set(parts) & {"growth", "memory", "startup"}:
            others = tuple(p for p in parts if p != "load")  # load_part measured it above
            project_stack(s, others, tmp, raw)
            if "startup" in parts:
                stock_stack(s, others, stock_dir, stock_model, tmp, raw)
        if "growth" in parts:
            from bench import growth as gr

            log(f"catalogue scaling {s.catalogue_sizes}")
            raw["growth"]["catalogue_stack"] = gr.catalogue_stacks(
                s.catalogue_sizes, s.catalogue_stack_repeats, tmp, log
            )
            raw["growth"]["catalogue"] = gr.catalogue_scaling(
                *s.catalogue_sizes, repeats=s.catalogue_repeats
            )
            log(f"  {raw['growth']['catalogue']}")
        if "cluster" in parts:
            from bench import cluster
            from bench.load import BENCH_ENV
            from bench.scripts import project_script
            from tests.support.stack import REST_TOKEN

            log("cluster: one Rasa replica against two (scripts/cluster.sh)")
            raw["cluster"] = cluster.run({c: n for c, n in s.levels.items() if c > 1},
                                         project_script, s.level_deadline_s, tmp, log,
                                         REST_TOKEN, BENCH_ENV)
        if "quality" in parts:
            from bench import quality

            log(f"NLU quality: 3 contenders, {s.folds}-fold cross-validation")
            raw["quality"], qrows = quality.run(
                tmp / "quality",
                stock_dir,
                k=s.folds,
                cv_diet_epochs=s.cv_diet_epochs,
                full_diet_epochs=s.full_diet_epochs,
                log=log,
            )
            figures += qrows
    finally:
        raw["wall_s"] = round(time.perf_counter() - started, 1)
        figures = (
            figures
            + load_figures(raw)
            + growth_figures(raw)
            + memory_figures(raw)
            + startup_figures(raw)
            + cluster_figures(raw)
        )
        write(args.out, raw, figures, s, args.quick, tmp)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def write(
    out: Path, raw: Dict[str, Any], figures: List[Figure], s: Settings, quick: bool, tmp: Path
) -> None:
    from bench.table import render

    day = dt.date.today().isoformat() + ("-quick" if quick else "")
    for stacks in tmp.glob("pyspy-*.txt"):  # py-spy's raw stacks (profile_phase), kept with the run
        shutil.copy(stacks, out / f"{stacks.stem}-{day}.txt")
    notes = [
        f"Run {raw['date']}, {raw['wall_s']:.0f} s wall, {raw['cpu_count']} CPUs"
        + (" — QUICK mode: small counts, not a result" if quick else ""),
        "Speed figures are ratios against the stock `rasa init` bot measured in the same run.",
        (
            "Load: 5-message conversations over the REST channel; project stack = Rasa + "
            "action server + SQLite tracker store + catalogue, office hours pinned (ASSISTANT_NOW); "
            "project-pg = the same stack with conversations and catalogue on PostgreSQL "
            "(scripts/ensure-postgres.sh, same machine)."
            + (f" Each level is the median of {raw['load']['rounds']} rounds per variant, the "
               "variants measured in turn and in another order each round; the notes list "
               "each round's rate." if raw.get("load", {}).get("rounds", 1) > 1 else "")
        ),
    ]
    if raw.get("quality"):
        q = raw["quality"]
        notes.append(
            f"Quality: {q['examples']} training examples; stock DIET epochs: full model "
            f"{q['full_diet_epochs']}, cross-validation folds "
            f"{q['cv_diet_epochs'] or 'default (100)'} "
            "(reduced to keep the run under 30 minutes on 2 cores)."
        )
    table = render(figures, title=f"Benchmark {day}", notes=notes)
    data = dict(raw, figures=[f.as_dict() for f in figures])
    (out / f"{day}.json").write_text(
        json.dumps(data, indent=1, ensure_ascii=False, default=str), encoding="utf-8"
    )
    (out / f"{day}.md").write_text(table, encoding="utf-8")
    print(table)
    fails = [f.name for f in figures if f.status == FAIL]
    if fails:
        print(f"{len(fails)} figure(s) short of their goal: {', '.join(fails)}")
