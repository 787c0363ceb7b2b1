"""The beheerder's "Opnieuw trainen" button: runs ``python -m evaluation.retrain`` in the background.

Why a background process: training and the two evaluations take minutes; the console stays
responsive, the page shows the report as it grows, and only one run goes at a time. The report
is kept in ``var/retrain/`` (no personal data: figures per topic only).
"""
from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any, Dict, Optional

import aiohttp_jinja2
from aiohttp import web

from kcc.services import SERVICES_KEY
from kcc.web_auth import csrf_form, require_role

ROLE = "beheerder"


def add_routes(app: web.Application) -> None:
    app.router.add_get("/console/review/retrain", retrain_page)
    app.router.add_post("/console/review/retrain", start_retrain)


def _config(request: web.Request) -> Any:
    from kcc.review import REVIEW_KEY

    return request.app[REVIEW_KEY]


def latest_report(runs_dir: Path) -> Optional[Path]:
    reports = sorted(runs_dir.glob("retrain-*.log")) if runs_dir.exists() else []
    return reports[-1] if reports else None


def is_running(config: Any) -> bool:
    process = config.running.get("process")
    return process is not None and process.returncode is None


@aiohttp_jinja2.template("review_retrain.html")
async def retrain_page(request: web.Request) -> Dict[str, Any]:
    login = require_role(request, ROLE)
    config = _config(request)
    path = latest_report(config.runs_dir)
    text = path.read_text(encoding="utf-8", errors="replace")[-20000:] if path else ""
    return {"login": login, "running": is_running(config), "report": text,
            "report_name": path.name if path else None}


async def start_retrain(request: web.Request) -> web.StreamResponse:
    login = require_role(request, ROLE)
    await csrf_form(request, login)
    config = _config(request)
    if not is_running(config):
        config.runs_dir.mkdir(parents=True, exist_ok=True)
        path = config.runs_dir / f"retrain-{time.strftime('%Y%m%d-%H%M%S')}.log"
        with path.open("wb") as out:
            # Errors stay in the report (the beheerder must see why a run failed); the library
            # deprecation warnings of TensorFlow and SQLAlchemy would only bury the gate's table.
            process = await asyncio.create_subprocess_exec(
                *config.retrain_command, stdout=out, stderr=asyncio.subprocess.STDOUT,
                stdin=asyncio.subprocess.DEVNULL,
                env=dict(os.environ, PYTHONWARNINGS="ignore", TF_CPP_MIN_LOG_LEVEL="3"))
        config.running["process"] = process
        request.app[SERVICES_KEY].audit.record(login.username, "hertraining_gestart",
                                               detail=path.name)
    raise web.HTTPSeeOther("/console/review/retrain")
