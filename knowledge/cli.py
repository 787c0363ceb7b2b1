"""`python -m knowledge <command>`: tools for content editors.

load            validate and load the YAML sources into DATABASE_URL (no-op when unchanged)
validate        validate only; exit 1 and list every problem (file: entry: field: message)
list            entries per topic for MUNICIPALITY
show <id>       one entry, rendered for MUNICIPALITY
export          the rendered catalogue as YAML or JSON (for review by the municipality);
                `export MUNICIPALITY DIR` writes its live catalogue in the source format
import-sdg      products from a Samenwerkende Catalogi / SDG export into a municipality's draft
migrate         bring DATABASE_URL to the newest schema (Alembic; `load` does this first)
eval-retrieval  top-1 / top-3 accuracy on tests/data/retrieval_questions.yml
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import List, Optional

from . import settings

QUESTIONS = settings.REPO_ROOT / "tests" / "data" / "retrieval_questions.yml"


def _catalogue(args: argparse.Namespace):
    from . import get_catalogue

    return get_catalogue(args.municipality)


def cmd_load(args: argparse.Namespace) -> int:
    from . import reset_cache
    from .loader import load

    res = load(force=args.force)
    reset_cache()
    state = "geladen" if res.changed else "ongewijzigd (niets gedaan)"
    print(f"kennisbank {state}: {res.entries} entries, {res.profiles} gemeenten, "
          f"{res.helplines} hulplijnen, hash {res.content_hash[:12]}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from .loader import partner_keys, read_sources

    src = read_sources()
    print(f"OK: {len(src.entries)} entries, {len(src.profiles)} gemeenten, "
          f"{len(src.helplines)} hulplijnen; partner keys: {', '.join(sorted(partner_keys(src)))}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    cat = _catalogue(args)
    print(f"# {cat.profile.name} ({cat.profile.slug})")
    for topic in cat.topics():
        print(f"\n{topic}")
        for e in cat.entries_for_topic(topic):
            print(f"  {'*' if e.main else ' '} {e.id:38} {e.title}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    cat = _catalogue(args)
    entry = cat.entry(args.id)
    if entry is None:
        print(f"onbekende entry {args.id!r}", file=sys.stderr)
        return 1
    print(json.dumps(asdict(entry), ensure_ascii=False, indent=2))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    if args.dir:
        from .exchange import export_sources

        written = export_sources(args.target or settings.municipality(args.municipality),
                                 Path(args.dir))
        print(f"geschreven: {len(written)} bestanden in {args.dir}")
        return 0
    if args.target:
        args.municipality = args.target
    cat = _catalogue(args)
    data = {
        "municipality": asdict(cat.profile),
        "helplines": [asdict(h) for h in cat.helplines],
        "entries": [asdict(e) for e in cat.entries],
    }
    data = json.loads(json.dumps(data, default=str, ensure_ascii=False))
    if args.format == "json":
        text = json.dumps(data, ensure_ascii=False, indent=2)
    else:
        import yaml

        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
        print(f"geschreven: {args.out}")
    else:
        sys.stdout.write(text)
    return 0


def cmd_import_sdg(args: argparse.Namespace) -> int:
    from .exchange import import_sc

    slug = settings.municipality(args.municipality_slug)
    draft = import_sc(slug, Path(args.file), args.author)
    if draft is None:
        print("geen producten met een UPL gevonden")
        return 1
    print(f"in het concept van {slug} (door {args.author}); een andere beheerder keurt het goed")
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from .migrate import upgrade

    print(f"database op revisie {upgrade()}")
    return 0


def evaluate(cat, questions_path: Path = QUESTIONS) -> dict:
    """Top-1/top-3 accuracy of `cat.search` on the question file (list of {text, expected})."""
    import yaml

    items = yaml.safe_load(questions_path.read_text(encoding="utf-8"))["questions"]
    top1 = top3 = 0
    misses = []
    for item in items:
        ids = [e.id for e, _s in cat.search(item["text"], k=3)]
        if ids[:1] == [item["expected"]]:
            top1 += 1
        if item["expected"] in ids:
            top3 += 1
        else:
            misses.append((item["text"], item["expected"], ids))
    n = len(items)
    return {"n": n, "top1": top1 / n, "top3": top3 / n, "misses": misses}


def cmd_eval(args: argparse.Namespace) -> int:
    res = evaluate(_catalogue(args), Path(args.questions))
    print(f"vragen: {res['n']}  top-1: {res['top1']:.1%}  top-3: {res['top3']:.1%}")
    for text, expected, got in res["misses"]:
        print(f"  mis: {text!r} verwacht {expected}, kreeg {got}")
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m knowledge", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--municipality", help="gemeente (standaard: MUNICIPALITY of het-hogeland)")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("load", help="valideer en laad de bronnen")
    p.add_argument("--force", action="store_true", help="ook laden als er niets veranderd is")
    p.set_defaults(func=cmd_load)
    sub.add_parser("validate", help="alleen valideren").set_defaults(func=cmd_validate)
    sub.add_parser("list", help="entries per onderwerp").set_defaults(func=cmd_list)
    p = sub.add_parser("show", help="toon een entry")
    p.add_argument("id")
    p.set_defaults(func=cmd_show)
    p = sub.add_parser("export", help="exporteer de catalogus")
    p.add_argument("target", nargs="?", metavar="MUNICIPALITY", help="gemeente")
    p.add_argument("dir", nargs="?", metavar="DIR", help="map: schrijf in het bronformaat")
    p.add_argument("--format", choices=["yaml", "json"], default="yaml")
    p.add_argument("--out")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("import-sdg", help="importeer producten (Samenwerkende Catalogi / SDG)")
    p.add_argument("municipality_slug", metavar="MUNICIPALITY")
    p.add_argument("file")
    p.add_argument("--author", default="import", help="wie de import deed (kan niet goedkeuren)")
    p.set_defaults(func=cmd_import_sdg)
    sub.add_parser("migrate", help="database naar het nieuwste schema").set_defaults(
        func=cmd_migrate)
    p = sub.add_parser("eval-retrieval", help="top-1/top-3 op de testvragen")
    p.add_argument("--questions", default=str(QUESTIONS))
    p.set_defaults(func=cmd_eval)
    args = parser.parse_args(argv)
    from .loader import ContentError

    try:
        return args.func(args)
    except BrokenPipeError:  # `... | head` closed the pipe; not an error for editors
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except ContentError as exc:
        print("FOUT in de kennisbank-bronnen:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
