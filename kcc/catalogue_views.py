"""Console pages where beheerders edit their municipality's catalogue (the local layer).

Why here and not in kcc/views.py: the catalogue has its own rules (four eyes, sources for facts,
two layers), and those live in knowledge/editing.py; these handlers only turn forms into
changes, check roles, and audit. Who may do what: everyone with a role in a municipality may
read its catalogue; only a ``beheerder`` there may edit, approve or roll back; a municipality the
login does not work for is 404 (its existence is not revealed).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Dict, List, Mapping, Optional, Tuple

import aiohttp_jinja2
import yaml
from aiohttp import web

from assistant.b1 import B1Checker
from assistant.vocabulary import RUNGS, TOPICS
from kcc.auth import Login
from kcc.services import SERVICES_KEY
from kcc.web_auth import check_token, csrf_form, require_role
from knowledge import layers, settings as kb_settings
from knowledge.editing import PROFILE, EditError, Editor, FourEyes
from knowledge.schema import ProfileModel
from knowledge.types import DAY_KEYS, DAY_NAMES_NL

EDITOR_KEY = web.AppKey("kb_editor", Editor)
BASE = "/console/catalogue"
MAX_B1_TEXT = 5000
RUNG_NAMES = {"zelf": "zelf", "netwerk": "netwerk", "voorliggend_veld": "voorliggend veld",
              "sociaal_loket": "Sociaal Loket"}
MESSAGES = {
    "saved": "Opgeslagen in het concept. Een andere beheerder moet het nog goedkeuren.",
    "approved": "Goedgekeurd. Inwoners zien de nieuwe versie vanaf hun volgende bericht.",
    "withdrawn": "Het concept is weggegooid.",
    "rolled_back": "Teruggezet. Inwoners zien deze versie vanaf hun volgende bericht.",
}


@dataclass(frozen=True)
class FieldSpec:
    """One field of a form: where it lives in the source dict, and how it is typed in.

    kinds: ``text`` (one line), ``b1`` (text a resident reads: B1 check while typing), ``lines``
    (one item a line), ``links`` ("titel | https://..." a line), ``hours`` (spans of one day),
    ``yaml`` (a structured value), ``bool``, ``topic``.
    """

    path: str
    label: str
    kind: str = "text"
    hint: str = ""


ENTRY_FIELDS: Tuple[FieldSpec, ...] = (
    FieldSpec("title", "Titel", "b1"),
    FieldSpec("topic", "Onderwerp", "topic"),
    FieldSpec("upl_name", "UPL-naam", hint="Precies zoals in de UPL, of leeg."),
    FieldSpec("upl_uri", "UPL-URI", hint="Hoort bij de UPL-naam, of leeg."),
    FieldSpec("short_answer", "Kort antwoord", "b1", "Maximaal 5 zinnen van hoogstens 20 woorden."),
    FieldSpec("details", "Meer uitleg", "b1"),
    *(FieldSpec(f"ladder.{rung}", f"Ladder: {RUNG_NAMES[rung]}", "b1",
                "Leeg = niet van toepassing; geef dan een reden hieronder.") for rung in RUNGS),
    FieldSpec("ladder_na_reason", "Reden als een trede niet van toepassing is", "yaml",
              "Bijvoorbeeld: netwerk: Hiervoor is geen netwerk nodig."),
    FieldSpec("related", "Verwante entries (id per regel)", "lines"),
    FieldSpec("synonyms", "Zo vragen inwoners het (minstens 3, een per regel)", "lines"),
    FieldSpec("links", "Links (titel | https://... per regel)", "links"),
    FieldSpec("sources", "Bronnen (een per regel)", "lines",
              "Bijvoorbeeld 002:L848, Wmo 2015 art. 2.3.2 lid 1, of een https-adres."),
)


def profile_fields() -> Tuple[FieldSpec, ...]:
    """The profile form; ``closing_days`` appears when the profile schema has it."""
    contact = [FieldSpec(f"{key}.{f}", f"{title}: {label}")
               for key, title in (("kcc", "KCC"), ("sociaal_loket", "Sociaal Loket"))
               for f, label in (("name", "naam"), ("phone", "telefoon"), ("email", "e-mail"),
                                ("website", "website"))]
    closing = ([FieldSpec("closing_days", "Sluitingsdagen", "yaml")]
               if "closing_days" in ProfileModel.__fields__ else [])
    return (
        FieldSpec("website", "Website van de gemeente"),
        FieldSpec("phone", "Algemeen telefoonnummer"),
        FieldSpec("general_contact", "Algemeen contact (tekst voor inwoners)", "b1"),
        *contact,
        *(FieldSpec(f"opening_hours.week.{day}", f"Openingstijden {DAY_NAMES_NL[day]}", "hours",
                    "Bijvoorbeeld 08:30-12:00, 13:00-17:00. Leeg = gesloten.") for day in DAY_KEYS),
        FieldSpec("opening_hours.assumed", "Dit zijn aangenomen tijden (niet van de gemeente)",
                  "bool"),
        *closing,
        FieldSpec("welzijn", "Welzijnsorganisatie", "yaml"),
        FieldSpec("partners", "Partners", "yaml",
                  "Per partner: name, what, rung, mention, website, phone, sources."),
        FieldSpec("sources", "Bronnen (een per regel)", "lines"),
    )


# -- form values ----------------------------------------------------------------------------
def to_form(value: Any, kind: str) -> str:
    if value is None:
        return ""
    if kind == "lines":
        return "\n".join(str(v) for v in value)
    if kind == "links":
        return "\n".join(f"{link['title']} | {link['url']}" for link in value)
    if kind == "hours":
        return ", ".join(value)
    if kind == "yaml":
        return yaml.safe_dump(value, allow_unicode=True, sort_keys=False).strip() if value else ""
    return str(value)


def from_form(raw: str, kind: str) -> Any:
    """The value a form field stands for; ValueError with a Dutch message when unreadable."""
    raw = raw.replace("\r\n", "\n").strip()
    if kind == "lines":
        return [line.strip() for line in raw.split("\n") if line.strip()]
    if kind == "links":
        links = []
        for line in filter(None, (x.strip() for x in raw.split("\n"))):
            title, sep, url = line.rpartition("|")
            if not sep:
                raise ValueError(f"Schrijf 'titel | adres' op regel: {line}")
            links.append({"title": title.strip(), "url": url.strip()})
        return links
    if kind == "hours":
        return [s.strip() for s in raw.split(",") if s.strip()]
    if kind == "yaml":
        try:
            return yaml.safe_load(raw) if raw else {}
        except yaml.YAMLError:
            raise ValueError("Dit is geen geldige YAML (let op inspringen en dubbele punten).") \
                from None
    if kind == "bool":
        return raw == "on"
    return raw or None


def changes_from(form: Mapping[str, Any], specs: Tuple[FieldSpec, ...],
                 current: Mapping[str, Any]) -> Tuple[Dict[str, Any], Dict[str, List[str]]]:
    """(changed paths, unreadable fields) of a submitted form compared with ``current``."""
    changes: Dict[str, Any] = {}
    errors: Dict[str, List[str]] = {}
    for spec in specs:
        if spec.kind != "bool" and spec.path not in form:
            continue
        try:
            value = from_form(str(form.get(spec.path, "")), spec.kind)
        except ValueError as exc:
            errors[spec.path] = [str(exc)]
            continue
        if value != layers.get_path(current, spec.path) and (value or layers.get_path(current, spec.path)):
            changes[spec.path] = value
    return changes, errors


@lru_cache(maxsize=1)
def b1_checker() -> B1Checker:
    """The checker with the project's jargon list (read once per process)."""
    data = yaml.safe_load((kb_settings.CONTENT_DIR / "b1_jargon.yml").read_text(encoding="utf-8"))
    return B1Checker((data or {}).get("terms") or [])


# -- helpers ------------------------------------------------------------------------------
def _editor(request: web.Request) -> Editor:
    return request.app[EDITOR_KEY]


def _audit(request: web.Request, login: Login, action: str, detail: str) -> None:
    request.app[SERVICES_KEY].audit.record(login.username, action, detail=detail)


def _municipality(request: web.Request, role: str = "kcc") -> Tuple[Login, str]:
    """Login and municipality of the URL; 404 outside the login's municipalities, 403 when the
    login works there without ``role``."""
    login = require_role(request, "kcc")
    slug = request.match_info["municipality"]
    if slug not in login.municipalities:
        raise web.HTTPNotFound()
    if not login.can(role, slug):
        raise web.HTTPForbidden()
    return login, slug


def _context(request: web.Request, login: Login, slug: str, **extra: Any) -> Dict[str, Any]:
    editor = _editor(request)
    draft = editor.draft(slug)
    return {"login": login, "slug": slug, "draft": draft, "live": editor.published(slug),
            "can_edit": login.can("beheerder", slug), "base": BASE,
            "message": MESSAGES.get(request.query.get("m", "")), **extra}


def _field_rows(specs: Tuple[FieldSpec, ...], data: Mapping[str, Any],
                overrides: Mapping[str, Any], added: bool, errors: Mapping[str, List[str]],
                submitted: Optional[Mapping[str, Any]] = None) -> List[Dict[str, Any]]:
    rows = []
    for spec in specs:
        value = (str(submitted[spec.path]) if submitted is not None and spec.path in submitted
                 else to_form(layers.get_path(data, spec.path), spec.kind))
        top = spec.path.split(".")[0]
        rows.append({"spec": spec, "value": value,
                     "checked": bool(layers.get_path(data, spec.path)),
                     "origin": layers.origin(overrides, spec.path, added),
                     "errors": [m for path, msgs in errors.items() for m in msgs
                                if path == spec.path or path.startswith(spec.path + ".")
                                or (path == top and spec.path.startswith(top + "."))]})
    return rows


# -- pages --------------------------------------------------------------------------------
async def index(request: web.Request) -> web.Response:
    login = require_role(request, "kcc")
    places = sorted(login.municipalities)
    if len(places) == 1:
        raise web.HTTPSeeOther(f"{BASE}/{places[0]}")
    return aiohttp_jinja2.render_template("catalogue_index.html", request,
                                          {"login": login, "places": places, "base": BASE})


async def overview(request: web.Request) -> web.Response:
    login, slug = _municipality(request)
    editor = _editor(request)
    overlay = editor.layer(slug)
    try:
        entries, _profile = editor.merged(slug, overlay)
    except LookupError:
        raise web.HTTPNotFound() from None
    rows = [{"id": e["id"], "title": e["title"], "topic": e["topic"],
             "local": e["id"] in overlay["added"], "changed": e["id"] in overlay["entries"]}
            for e in entries]
    return aiohttp_jinja2.render_template("catalogue.html", request, _context(
        request, login, slug, entries=rows, profile_changed=bool(overlay["profile"])))


def _render_form(request: web.Request, login: Login, slug: str, target: str,
                 errors: Optional[Dict[str, List[str]]] = None,
                 submitted: Optional[Mapping[str, Any]] = None, status: int = 200) -> web.Response:
    editor = _editor(request)
    overlay = editor.layer(slug)
    entries, profile = editor.merged(slug, overlay)
    if target == PROFILE:
        data, specs, overrides, added = profile, profile_fields(), overlay["profile"], False
        title = f"Gegevens van de gemeente {profile['name']}"
    else:
        data = next((e for e in entries if e["id"] == target), None)
        if data is None:
            raise web.HTTPNotFound()
        specs, overrides = ENTRY_FIELDS, overlay["entries"].get(target, {})
        added, title = target in overlay["added"], data["title"]
    errors = errors or {}
    general = [m for path, msgs in errors.items() for m in msgs
               if not any(path == s.path or path.startswith(s.path + ".")
                          or s.path.startswith(path.split(".")[0] + ".") for s in specs)
               and path != "bron"]
    return aiohttp_jinja2.render_template("catalogue_form.html", request, _context(
        request, login, slug, target=target, title=title, topics=TOPICS,
        rows=_field_rows(specs, data, overrides, added, errors, submitted),
        general_errors=general, source_errors=errors.get("bron", []),
        source_value=str((submitted or {}).get("bron", ""))), status=status)


async def form_page(request: web.Request) -> web.Response:
    login, slug = _municipality(request)
    return _render_form(request, login, slug, request.match_info.get("entry_id", PROFILE))


async def form_save(request: web.Request) -> web.Response:
    login, slug = _municipality(request, "beheerder")
    form = await csrf_form(request, login)
    target = request.match_info.get("entry_id", PROFILE)
    editor = _editor(request)
    entries, profile = editor.merged(slug, editor.layer(slug))
    current = profile if target == PROFILE else next(
        (e for e in entries if e["id"] == target), None)
    if current is None:
        raise web.HTTPNotFound()
    specs = profile_fields() if target == PROFILE else ENTRY_FIELDS
    changes, errors = changes_from(form, specs, current)
    if not errors and changes:
        try:
            editor.edit(slug, login.username, target, changes, source=str(form.get("bron", "")))
        except EditError as exc:
            errors = exc.by_field()
    if errors:
        return _render_form(request, login, slug, target, errors, form, status=422)
    if changes:
        _audit(request, login, "catalogus_concept", f"{slug} {target}: {', '.join(changes)}")
    raise web.HTTPSeeOther(f"{request.path}?m=saved")


async def preview(request: web.Request) -> web.Response:
    """The entry as the widget shows it: the answer, then each ladder rung as its own message."""
    from assistant.replies import split_text
    from assistant.ladder_text import rung_buttons, rung_message

    login, slug = _municipality(request)
    which = request.query.get("versie", "concept")
    editor = _editor(request)
    cat = editor.catalogue(slug, editor.layer(slug, draft=which == "concept"))
    entry = cat.entry(request.match_info["entry_id"])
    if entry is None:
        raise web.HTTPNotFound()
    rungs = [{"rung": RUNG_NAMES[r], "messages": split_text(rung_message(r, entry.ladder[r])),
              "buttons": [b["title"] for b in rung_buttons(r)] + ["Meer uitleg"]}
             for r in RUNGS if entry.ladder.get(r)]
    return aiohttp_jinja2.render_template("catalogue_preview.html", request, _context(
        request, login, slug, entry=entry, which=which, answer=split_text(entry.short_answer),
        rungs=rungs, details=split_text(entry.details)))


async def history(request: web.Request) -> web.Response:
    login, slug = _municipality(request)
    editor = _editor(request)
    versions = [{"v": v, "diff": editor.diff(slug, v.number) if v.number else
                 layers.diff(editor.layer(slug, draft=False), v.data)}
                for v in editor.history(slug)]
    draft = editor.draft(slug)
    pending = layers.diff(editor.layer(slug, draft=False), draft.data) if draft else []
    return aiohttp_jinja2.render_template("catalogue_history.html", request, _context(
        request, login, slug, versions=versions, pending=pending))


async def approve(request: web.Request) -> web.Response:
    login, slug = _municipality(request, "beheerder")
    await csrf_form(request, login)
    editor = _editor(request)
    try:
        version = editor.approve(slug, login.username)
    except FourEyes as exc:
        return _overview_error(request, login, slug, str(exc))
    except EditError as exc:
        return _overview_error(request, login, slug, "; ".join(p.message for p in exc.problems))
    except LookupError:
        raise web.HTTPNotFound() from None
    _audit(request, login, "catalogus_goedgekeurd", f"{slug} versie {version.number}")
    raise web.HTTPSeeOther(f"{BASE}/{slug}?m=approved")


def _overview_error(request: web.Request, login: Login, slug: str, error: str) -> web.Response:
    response = aiohttp_jinja2.render_template("catalogue_error.html", request, _context(
        request, login, slug, error=error), status=409)
    return response


async def withdraw(request: web.Request) -> web.Response:
    login, slug = _municipality(request, "beheerder")
    await csrf_form(request, login)
    _editor(request).withdraw(slug)
    _audit(request, login, "catalogus_concept_weg", slug)
    raise web.HTTPSeeOther(f"{BASE}/{slug}?m=withdrawn")


async def rollback(request: web.Request) -> web.Response:
    login, slug = _municipality(request, "beheerder")
    form = await csrf_form(request, login)
    try:
        number = int(str(form.get("number", "")))
        version = _editor(request).rollback(slug, number, login.username)
    except (ValueError, LookupError):
        raise web.HTTPNotFound() from None
    _audit(request, login, "catalogus_teruggezet",
           f"{slug} versie {version.number} = versie {number}")
    raise web.HTTPSeeOther(f"{BASE}/{slug}/geschiedenis?m=rolled_back")


async def b1_check(request: web.Request) -> web.Response:
    """JSON for catalogue.js: the B1 report of one text (a warning, never a block)."""
    login = require_role(request, "kcc", page=False)
    check_token(login.csrf_token, request.headers.get("X-CSRF-Token"))
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest() from None
    text = body.get("text") if isinstance(body, dict) else None
    if not isinstance(text, str) or len(text) > MAX_B1_TEXT:
        raise web.HTTPBadRequest()
    return web.json_response(b1_checker().check(text).as_dict())


def add_routes(app: web.Application) -> None:
    """Catalogue pages; called once from kcc.server.create_app."""
    app[EDITOR_KEY] = Editor(app[SERVICES_KEY].config.database_url)
    r = app.router
    m = BASE + "/{municipality}"
    r.add_get(BASE, index)
    r.add_post(BASE + "/b1", b1_check)
    r.add_get(m, overview)
    r.add_get(m + "/gemeente", form_page)
    r.add_post(m + "/gemeente", form_save)
    r.add_get(m + "/entries/{entry_id}", form_page)
    r.add_post(m + "/entries/{entry_id}", form_save)
    r.add_get(m + "/entries/{entry_id}/voorbeeld", preview)
    r.add_get(m + "/geschiedenis", history)
    r.add_post(m + "/goedkeuren", approve)
    r.add_post(m + "/weggooien", withdraw)
    r.add_post(m + "/terugzetten", rollback)
