"""The region topology under load: one Rasa replica against two, in the same run.

Why through `scripts/cluster.sh`: the bench measures what `make cluster` starts (PostgreSQL,
Redis, two Rasa replicas with their action servers, two consoles, HAProxy), not a copy of it.
The same residents are sent first straight to replica 1 (one replica; the other stands by),
then through HAProxy, which spreads the conversations over both replicas by conversation id.
Ports are the cluster's own (`RASA_PORT` for the balancer, `RASA1_PORT`/`RASA2_PORT`), moved
out of the way of a running `make run` by the offsets below.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

ROOT = Path(__file__).resolve().parents[1]
#: The bench's cluster ports (a running `make run` keeps 5005/5055/8080).
PORTS = {"RASA_PORT": 6005, "CONSOLE_PORT": 6080, "RASA1_PORT": 6105, "RASA2_PORT": 6106,
         "ACTIONS1_PORT": 6155, "ACTIONS2_PORT": 6156, "CONSOLE1_PORT": 6180,
         "CONSOLE2_PORT": 6181, "PG_PORT": 6433, "REDIS_PORT": 6380}


def _listening_pids(ports: Dict[str, int]) -> Dict[str, Optional[int]]:
    """The process listening on each named port (psutil), for its memory."""
    import psutil

    found: Dict[str, Optional[int]] = {name: None for name in ports}
    for conn in psutil.net_connections("tcp"):
        if conn.status != psutil.CONN_LISTEN or conn.pid is None:
            continue
        for name, port in ports.items():
            if conn.laddr.port == port:
                found[name] = conn.pid
    return found


def run(levels: Dict[int, int], script: Callable[[int], Any], deadline_s: float, tmp: Path,
        log: Callable[[str], None], rest_token: str, extra_env: Dict[str, str]) -> Dict[str, Any]:
    """Start the cluster, load one replica and then both, measure memory; always stop it."""
    from bench.load import run_level, wait_first_answer
    from bench.memory import rss_mb
    from bench.scripts import plan

    env = {**os.environ, **{k: str(v) for k, v in PORTS.items()}, **extra_env,
           "REST_TOKEN": rest_token, "PG_DIR": str(tmp / "cluster-pg" / "data"),
           "REDIS_DIR": str(tmp / "cluster-redis" / "data")}
    logfile = open(tmp / "cluster.log", "ab")
    started = time.perf_counter()
    proc = subprocess.Popen(["bash", "scripts/cluster.sh"], cwd=ROOT, env=env, stdout=logfile,
                            stderr=subprocess.STDOUT, start_new_session=True)
    out: Dict[str, Any] = {"one": {}, "two": {}}
    one = f"http://127.0.0.1:{PORTS['RASA1_PORT']}"
    two = f"http://127.0.0.1:{PORTS['RASA_PORT']}"
    try:
        for url in (one, f"http://127.0.0.1:{PORTS['RASA2_PORT']}", two):
            wait_first_answer(url, "hallo", proc, timeout=600)
        out["start_s"] = round(time.perf_counter() - started, 1)
        log(f"cluster answered on both replicas after {out['start_s']} s")
        for name, url in (("one", one), ("two", two)):
            asyncio.run(run_level(url, script, 10, 5, deadline_s, f"cl-{name}-warm"))
            for c, messages in levels.items():
                res = asyncio.run(run_level(url, script, plan(messages, 5, c), c, deadline_s,
                                            f"cl-{name}-c{c}"))
                log(f"  cluster {name} replica(s) c={c}: {res['msg_per_s']} msg/s, "
                    f"p95 {res['p95_ms']} ms, errors {res['errors']}")
                out[name][c] = res
        pids = _listening_pids({"rasa1": PORTS["RASA1_PORT"], "rasa2": PORTS["RASA2_PORT"],
                                "actions1": PORTS["ACTIONS1_PORT"],
                                "actions2": PORTS["ACTIONS2_PORT"],
                                "console1": PORTS["CONSOLE1_PORT"],
                                "haproxy": PORTS["RASA_PORT"], "postgres": PORTS["PG_PORT"],
                                "redis": PORTS["REDIS_PORT"]})
        out["memory_mb"] = {name: rss_mb(pid) for name, pid in pids.items()}
        log(f"  cluster memory: {out['memory_mb']}")
    finally:
        try:
            os.killpg(proc.pid, signal.SIGINT)
            proc.wait(timeout=60)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)
        logfile.close()
    return out


def figures(raw: Dict[str, Any]) -> List[Any]:
    """Rows: msg/s and p95 per concurrency for one replica and for two, their ratio, memory."""
    from bench.stats import Figure

    cl = raw.get("cluster") or {}
    rows: List[Any] = []
    for c in sorted(set(cl.get("one", {})) | set(cl.get("two", {})), key=int):
        one, two = cl.get("one", {}).get(c), cl.get("two", {}).get(c)
        for name, res in (("one replica", one), ("two replicas", two)):
            if res:
                rows.append(Figure("cluster", f"{name} c={c} msg/s", res["msg_per_s"],
                                   note=f"p95 {res['p95_ms']} ms, errors {res['errors']}"))
        if one and two and one["msg_per_s"]:
            rows.append(Figure("cluster", f"two / one replica c={c} throughput",
                               round(two["msg_per_s"] / one["msg_per_s"], 2),
                               note="same machine, same run"))
    for name, mb in (cl.get("memory_mb") or {}).items():
        rows.append(Figure("cluster", f"memory {name} (MB)", mb))
    if cl.get("start_s") is not None:
        rows.append(Figure("cluster", "start until both replicas answer (s)", cl["start_s"]))
    return rows
