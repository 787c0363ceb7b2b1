"""The dashboard for the beheerder (and admin): the assistant's figures at a glance.

Why server-rendered SVG: no script and no chart library to vet or vendor, the console's CSP
(``default-src 'self'``) stays strict, and a screen reader gets a table beside every chart. The
figures are ``kcc.insights.aggregate`` (the same as ``python -m kcc.insights --json``), filtered
by period, channel and municipality (only the login's own). The export (CSV, JSON) holds
aggregates only, with every count from 1 to 4 suppressed, so it can be published as open data.
"""
from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from typing import Any, Dict, Iterable, List, Sequence, Tuple

import aiohttp_jinja2
from aiohttp import web
from markupsafe import Markup, escape

from kcc.insights import Facts, Filters
from kcc.auth import Login
from kcc.services import SERVICES_KEY
from kcc.web_auth import require_role

ROLE = "beheerder"
CHANNELS = ("webchat", "telegram", "whatsapp", "rest")
SUPPRESS_BELOW = 5
COLOURS = {"bar": "#1d4f91", "up": "#2e7d32", "down": "#b3261e"}
DEFAULT_DAYS = 30


def add_routes(app: web.Application) -> None:
    app.router.add_get("/console/dashboard", dashboard_page)
    app.router.add_get("/console/dashboard/export.{fmt:csv|json}", export)


# -- charts -------------------------------------------------------------------------------------

def hbar_chart(title: str, rows: Sequence[Tuple[str, float]], unit: str = "") -> Markup:
    """Horizontal bars, one per label: readable with long Dutch labels."""
    width, label_w, bar_h = 560, 220, 22
    height = max(1, len(rows)) * (bar_h + 6) + 8
    top = max([v for _, v in rows] + [1])
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
             f'width="100%" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, value) in enumerate(rows):
        y = 4 + i * (bar_h + 6)
        w = (width - label_w - 60) * (value / top)
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12" '
                     f'fill="#222">{escape(str(label)[:34])}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{COLOURS["bar"]}"/>'
                     f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" font-size="12" fill="#222">'
                     f'{escape(_fmt(value))}{escape(unit)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def column_chart(title: str, rows: Sequence[Tuple[str, float]]) -> Markup:
    """Vertical columns over time or hours; every other label when there are many."""
    width, height, base = 560, 180, 150
    n = max(1, len(rows))
    step = (width - 20) / n
    top = max([v for _, v in rows] + [1])
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
             f'width="100%" xmlns="http://www.w3.org/2000/svg">',
             f'<line x1="10" y1="{base}" x2="{width - 10}" y2="{base}" stroke="#767676"/>']
    every = 1 if n <= 16 else (n + 11) // 12
    for i, (label, value) in enumerate(rows):
        h = (base - 20) * (value / top)
        x = 10 + i * step
        parts.append(f'<rect x="{x + 1:.1f}" y="{base - h:.1f}" width="{max(step - 2, 1):.1f}" '
                     f'height="{h:.1f}" fill="{COLOURS["bar"]}"><title>{escape(label)}: '
                     f'{escape(_fmt(value))}</title></rect>')
        if i % every == 0:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{base + 16}" text-anchor="middle" '
                         f'font-size="10" fill="#222">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def thumbs_chart(title: str, rows: Dict[str, Dict[str, int]]) -> Markup:
    """👍 (green) and 👎 (red) side by side per topic or catalogue entry."""
    width, label_w, bar_h = 560, 220, 12
    items = list(rows.items())
    height = max(1, len(items)) * (2 * bar_h + 10) + 8
    top = max([max(v["up"], v["down"]) for _, v in items] + [1])
    parts = [f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
             f'width="100%" xmlns="http://www.w3.org/2000/svg">']
    for i, (label, counts) in enumerate(items):
        y = 4 + i * (2 * bar_h + 10)
        parts.append(f'<text x="{label_w - 6}" y="{y + bar_h + 4}" text-anchor="end" font-size="12" '
                     f'fill="#222">{escape(str(label)[:34])}</text>')
        for j, kind in enumerate(("up", "down")):
            w = (width - label_w - 60) * (counts[kind] / top)
            parts.append(f'<rect x="{label_w}" y="{y + j * bar_h}" width="{w:.1f}" height="{bar_h - 1}" '
                         f'fill="{COLOURS[kind]}"/><text x="{label_w + w + 4:.1f}" y="{y + j * bar_h + 10}" '
                         f'font-size="10" fill="#222">{"👍" if kind == "up" else "👎"} {counts[kind]}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


# -- filters ------------------------------------------------------------------------------------

def filters_from(request: web.Request, login: Login) -> Tuple[Filters, Dict[str, str]]:
    """The filters of the query string; a municipality the login does not manage is 404."""
    query = request.query
    allowed = login.where(ROLE)
    try:
        until = date.fromisoformat(query["until"]) if query.get("until") else None
        since = (date.fromisoformat(query["since"]) if query.get("since")
                 else (until or date.today()) - timedelta(days=DEFAULT_DAYS))
    except ValueError:
        raise web.HTTPBadRequest() from None
    channel = query.get("channel") or None
    if channel is not None and channel not in CHANNELS:
        raise web.HTTPBadRequest()
    municipality = query.get("municipality") or None
    if municipality is not None and municipality not in allowed:
        raise web.HTTPNotFound()
    chosen = frozenset({municipality}) if municipality else allowed
    shown = {"since": since.isoformat(), "until": until.isoformat() if until else "",
             "channel": channel or "", "municipality": municipality or ""}
    return Filters(since=since, until=until, channel=channel, municipalities=chosen), shown


def _figures(request: web.Request, login: Login) -> Tuple[Dict[str, Any], Dict[str, str]]:
    from kcc.review import REVIEW_KEY

    config = request.app[REVIEW_KEY]
    filters, shown = filters_from(request, login)
    facts = Facts.read(filters.since, tracker_url=config.tracker_url, database_url=config.database_url)
    return facts.figures(filters), shown


@aiohttp_jinja2.template("dashboard.html")
async def dashboard_page(request: web.Request) -> Dict[str, Any]:
    login = require_role(request, ROLE)
    figures, shown = _figures(request, login)
    request.app[SERVICES_KEY].audit.record(login.username, "dashboard_bekeken", detail=json.dumps(shown))
    from kcc.labels import label

    per_day = [(day[5:], float(sum(ch.values()))) for day, ch in figures["per_day"].items()]
    charts = {
        "per_day": column_chart("Gesprekken per dag", per_day),
        "hours": column_chart("Drukste uren", [(h, float(v)) for h, v in figures["busiest_hours"].items()]),
        "topics": hbar_chart("Onderwerpen", [(label(t, "topic"), float(n)) for t, n in figures["topics"].items()][:15]),
        "reasons": hbar_chart("Redenen van doorzetten", [(label(r, "reason"), float(n)) for r, n in figures["handoff_reasons"].items()]),
        "thumbs_topic": thumbs_chart("Duim omhoog en omlaag per onderwerp",
                                     {label(t, "topic"): v for t, v in figures["feedback_per_topic"].items()}),
        "thumbs_entry": thumbs_chart("Duim omhoog en omlaag per antwoord", figures["feedback_per_entry"]),
    }
    channels: Dict[str, int] = {}
    for per in figures["per_day"].values():
        for ch, n in per.items():
            channels[ch] = channels.get(ch, 0) + n
    return {"login": login, "f": figures, "charts": charts, "shown": shown, "channels": CHANNELS,
            "per_channel": channels, "municipalities": sorted(login.where(ROLE))}


# -- export -------------------------------------------------------------------------------------

def suppress(value: Any) -> Any:
    """Counts 1-4 become None: too few to publish without pointing at a resident."""
    if isinstance(value, bool) or not isinstance(value, int):
        return value
    return None if 0 < value < SUPPRESS_BELOW else value


def open_data(figures: Dict[str, Any]) -> Dict[str, Any]:
    """The aggregates fit for publication: every count suppressed below 5, shares only where
    their base is at least 5, no texts and no conversation ids (there are none in figures)."""
    out: Dict[str, Any] = {}
    bases = {"containment": "conversations", "callbacks_within_working_day_share": "callbacks"}
    for key, value in figures.items():
        if isinstance(value, dict):
            out[key] = {k: ({kk: suppress(vv) for kk, vv in v.items()} if isinstance(v, dict)
                            else suppress(v)) for k, v in value.items()}
        elif key in bases:
            out[key] = value if (figures.get(bases[key]) or 0) >= SUPPRESS_BELOW else None
        elif key in ("satisfaction_mean", "wait_minutes_median"):
            base = figures["satisfaction_n"] if key == "satisfaction_mean" else figures["handoffs"]
            out[key] = value if base >= SUPPRESS_BELOW else None
        else:
            out[key] = suppress(value)
    return out


def csv_rows(data: Dict[str, Any]) -> Iterable[List[str]]:
    yield ["cijfer", "sleutel", "waarde"]
    for key, value in data.items():
        if isinstance(value, dict):
            for sub, v in value.items():
                if isinstance(v, dict):
                    for kk, vv in v.items():
                        yield [key, f"{sub}/{kk}", "<5" if vv is None else str(vv)]
                else:
                    yield [key, str(sub), "<5" if v is None else str(v)]
        else:
            yield [key, "", "<5" if value is None else str(value)]


async def export(request: web.Request) -> web.StreamResponse:
    login = require_role(request, ROLE)
    figures, shown = _figures(request, login)
    data = {"filters": shown, **open_data(figures)}
    request.app[SERVICES_KEY].audit.record(login.username, "dashboard_export",
                                           detail=f"{request.match_info['fmt']} {json.dumps(shown)}")
    name = f"assistent-cijfers-{shown['since']}"
    if request.match_info["fmt"] == "json":
        return web.json_response(data, headers={"Content-Disposition": f'attachment; filename="{name}.json"'})
    buffer = io.StringIO()
    csv.writer(buffer).writerows(csv_rows({k: v for k, v in data.items() if k != "filters"}))
    return web.Response(text=buffer.getvalue(), content_type="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
