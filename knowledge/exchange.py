"""Export a municipality's catalogue as source YAML, and import products from the Samenwerkende
Catalogi (SC / SDG) format.

Why export in the source format: a municipality can take its answers elsewhere, review them in
git, or hand them back to the national library; an unedited catalogue exports to the very content
of ``knowledge/content/`` (a round trip changes nothing). Why import keyed by UPL URI: the UPL is
how municipal product catalogues and ours name the same product, so an imported product updates
the entry with that URI (a local override) or becomes a new local entry with that UPL name and
URI. Imports land in the draft: a second beheerder approves them like any other change.
"""
from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

from assistant.vocabulary import RUNGS

from .editing import Editor, Version

SC = "{http://standaarden.overheid.nl/product/terms/}"
DC = "{http://purl.org/dc/terms/}"
IMPORT_NA = "Na de import nog niet ingevuld. Vul deze trede in of laat hem zo."


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def export_sources(slug: str, out_dir: Path, database_url: Optional[str] = None) -> List[Path]:
    """Write the live catalogue of ``slug`` (national + local layer) in the layout of
    ``knowledge/content/``: ``national/*.yml``, ``municipalities/<slug>.yml``, ``helplines.yml``.
    Local entries go to ``national/lokaal-<slug>.yml``."""
    editor = Editor(database_url)
    base = editor.base()
    overlay = editor.layer(slug, draft=False)
    entries, profile = editor.merged(slug, overlay, base)
    by_id = {e["id"]: e for e in entries}
    files: Dict[str, List[Dict[str, Any]]] = {}
    for source_file, e in base.entries:
        files.setdefault(_inside(source_file), []).append(by_id[e["id"]])
    if overlay["added"]:
        files[f"national/lokaal-{slug}.yml"] = list(overlay["added"].values())
    files[_inside(base.profile_files[slug])] = profile  # type: ignore[assignment]
    files["helplines.yml"] = {"helplines": base.helplines}  # type: ignore[assignment]
    written = []
    for rel, data in files.items():
        path = Path(out_dir) / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        body = {"entries": data} if rel.startswith("national/") else data
        path.write_text(_dump(body), encoding="utf-8")
        written.append(path)
    return written


def _inside(source_file: str) -> str:
    """'content/national/wmo.yml' -> 'national/wmo.yml' (paths as the loader stored them)."""
    parts = Path(source_file).parts
    return str(Path(*parts[1:])) if parts and parts[0] == "content" else source_file


@dataclass(frozen=True)
class ScProduct:
    """One product of a Samenwerkende Catalogi export, as far as the catalogue needs it."""

    identifier: str
    title: str
    abstract: str
    text: str
    upl_name: str
    upl_uri: str


def _plain(value: str) -> str:
    """SC texts are escaped HTML: paragraphs become lines, tags and entities go."""
    value = re.sub(r"</p>\s*", "\n", html.unescape(value or ""), flags=re.I)
    value = re.sub(r"<[^>]+>", " ", value)
    return "\n".join(" ".join(line.split()) for line in value.split("\n") if line.strip())


def read_sc(path: Path) -> List[ScProduct]:
    """Products of an SC / SDG export file (OWMS 4.0 ``scproduct`` elements) that carry a UPL."""
    root = ET.parse(path).getroot()
    products = []
    for el in root.iter(f"{SC}scproduct"):
        upl = el.find(f".//{SC}uniformeProductnaam")
        if upl is None or not upl.get("resourceIdentifier"):
            continue
        text = " ".join(t.text or "" for t in el.iter(f"{SC}tekst"))
        products.append(ScProduct(
            identifier=(el.findtext(f".//{DC}identifier") or "").strip(),
            title=(el.findtext(f".//{DC}title") or "").strip(),
            abstract=_plain(el.findtext(f".//{DC}abstract") or ""),
            text=_plain(text), upl_name=(upl.text or "").strip(),
            upl_uri=upl.get("resourceIdentifier", "").strip()))
    return products


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def import_sc(slug: str, path: Path, author: str, database_url: Optional[str] = None
              ) -> Optional[Version]:
    """Put the products of ``path`` in the municipality's draft, keyed by UPL URI: an entry with
    that URI gets the product's texts as local override, another product becomes a local entry
    (topic chosen by the catalogue's own search). Returns the draft (None: nothing to import)."""
    editor = Editor(database_url)
    version = None
    for product in read_sc(path):
        sources = [s for s in (product.identifier if product.identifier.startswith("http")
                               else None, f"UPL: {product.upl_name}") if s]
        entries, _profile = editor.merged(slug, editor.layer(slug))
        existing = next((e for e in entries if e.get("upl_uri") == product.upl_uri), None)
        if existing is not None:
            changes: Dict[str, Any] = {"details": product.text or existing["details"],
                                       "sources": existing["sources"] + [
                                           s for s in sources if s not in existing["sources"]]}
            if product.abstract:
                changes["short_answer"] = product.abstract
            if product.identifier.startswith("http"):
                links = [ln for ln in existing.get("links", []) if ln["url"] != product.identifier]
                changes["links"] = links + [{"title": product.title, "url": product.identifier}]
            version = editor.edit(slug, author, existing["id"], changes, source=sources[0])
            continue
        catalogue = editor.catalogue(slug, editor.layer(slug))
        hits = catalogue.search(f"{product.title} {product.abstract} {product.text}", k=1)
        topic = hits[0][0].topic if hits else "sociaal_loket_contact"
        version = editor.add_entry(slug, author, {
            "id": _slug(product.upl_name), "topic": topic, "title": product.title,
            "upl_name": product.upl_name, "upl_uri": product.upl_uri,
            "short_answer": product.abstract or product.title, "details": product.text
            or product.abstract or product.title,
            "ladder": {rung: None for rung in RUNGS},
            "ladder_na_reason": {rung: IMPORT_NA for rung in RUNGS},
            "synonyms": list(dict.fromkeys([product.title.lower(), product.upl_name,
                                            f"{product.title.lower()} aanvragen"])),
            "links": ([{"title": product.title, "url": product.identifier}]
                      if product.identifier.startswith("http") else []),
            "sources": sources})
    return version

