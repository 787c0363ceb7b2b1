"""One source of truth for help-line numbers: knowledge/content/helplines.yml.

The generated Rasa domain file must equal what the generator makes now, the action server's
fallback must come from the YAML file, and no number may be typed anywhere else in product
code, the domain, or the web chat. Knowledge texts are still on a ratchet (see below).
"""
from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import yaml

from actions import helpline_text as ht

ROOT = Path(__file__).resolve().parents[2]
HELPLINES = ht.load_helplines()

# Numbers of 7+ digits, compared without separators ("0800-0113" == "08000113").
LONG_NUMBERS = sorted({re.sub(r"\D", "", n) for h in HELPLINES.values()
                       for n in [h.get("number"), *(h.get("alt_numbers") or [])]
                       if n and len(re.sub(r"\D", "", n)) >= 7})
_LONG_RX = re.compile(r"(?<!\d)(?:" + "|".join(
    r"[\s-]?".join(re.escape(d) for d in n) for n in LONG_NUMBERS) + r")(?!\d)")
# 112 and 113 are also the keys of their lines; only count them where a sentence tells someone to
# call them ("Bel 112", "113 bellen", "bel gratis 113").
_SHORT_RX = re.compile(r"\b(?:bel|belt|bellen|call)\b[^\n\"']{0,15}\b11[23]\b|\b11[23] (?:bellen|of gratis)\b",
                       re.IGNORECASE)

PRODUCT_DIRS = ["actions", "assistant", "bot", "channels", "evaluation", "kcc", "knowledge", "nlu"]
# Files that may hold numbers: the source itself, and the file generated from it.
ALLOWED = {ROOT / "knowledge" / "content" / "helplines.yml", ht.DOMAIN_FILE}
# Ratchet: knowledge texts written before this test still type numbers. They must switch to a
# placeholder (e.g. a `{helpline:<key>}` in knowledge/render.py, owned by the knowledge team);
# until then the count per file may only go down, never up, and no new file may start.
KNOWLEDGE_RATCHET: Dict[str, int] = {
    "knowledge/content/national/jeugd.yml": 2,
    "knowledge/content/national/procedure.yml": 4,
    "knowledge/content/national/werk_inkomen.yml": 4,
    "knowledge/content/national/wonen_veiligheid.yml": 26,
    "knowledge/content/national/meedoen.yml": 2,
    "knowledge/content/glossary.yml": 14,
}
# Same ratchet for product code outside the safety team's files (owner: handoff).
CODE_RATCHET: Dict[str, int] = {
    "actions/handoff.py": 1,
}


def _py_strings(path: Path) -> Iterator[Tuple[int, str]]:
    """String literals of a Python file (comments are not shown to residents)."""
    for tok in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
        if tok.type == tokenize.STRING:
            yield tok.start[0], tok.string


def _hits(path: Path) -> List[str]:
    if path.suffix == ".py":
        chunks = list(_py_strings(path))
    else:
        chunks = list(enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1))
    out = []
    for line, text in chunks:
        for rx in (_LONG_RX, _SHORT_RX):
            out += [f"{path.relative_to(ROOT)}:{line}: {m.group(0)}" for m in rx.finditer(text)]
    return out


def _files(dirs: List[str], suffixes: Tuple[str, ...]) -> Iterator[Path]:
    for d in dirs:
        for p in sorted((ROOT / d).rglob("*")):
            if p.is_file() and p.suffix in suffixes and p not in ALLOWED:
                yield p


def test_generated_domain_file_is_up_to_date() -> None:
    assert ht.DOMAIN_FILE.read_text(encoding="utf-8") == ht.render_domain(), (
        "run: python -m actions.helpline_text render-domain")


def test_generated_response_is_the_only_safety_fallback_in_the_domain() -> None:
    owners = []
    for p in sorted((ROOT / "bot" / "domain").glob("*.yml")):
        responses = (yaml.safe_load(p.read_text(encoding="utf-8")) or {}).get("responses") or {}
        if "utter_safety_fallback" in responses:
            owners.append(p.name)
    assert owners == [ht.DOMAIN_FILE.name]
    text = ht.safety_fallback_text()
    for key in ("113", "veilig_thuis"):
        assert HELPLINES[key]["number"] in text


def test_action_fallback_lines_come_from_the_yaml_file() -> None:
    from actions.safety import FALLBACK_LINES
    from assistant.safety_detector import HELPLINE_KEYS

    assert set(FALLBACK_LINES) == set(HELPLINE_KEYS)
    for key, text in FALLBACK_LINES.items():
        assert text == ht.line_text(HELPLINES[key])
        assert HELPLINES[key]["number"] in text


def test_every_detector_help_line_is_verified() -> None:
    from assistant.safety_detector import HELPLINE_KEYS

    for key in HELPLINE_KEYS:
        assert HELPLINES[key]["verified"] == "verified", key


def test_no_number_is_hard_coded_in_product_code_domain_or_web_chat() -> None:
    hits: List[str] = []
    for p in _files(PRODUCT_DIRS, (".py",)):
        hits += _hits(p)
    for p in sorted((ROOT / "bot" / "domain").glob("*.yml")):
        if p not in ALLOWED:
            hits += _hits(p)
    static = ROOT / "channels" / "webchat" / "static"
    if static.exists():
        for p in sorted(static.rglob("*")):
            if p.is_file() and p.suffix in (".html", ".js", ".css", ".json") and "vendor" not in p.parts:
                hits += _hits(p)
    per_file: Dict[str, int] = {}
    for h in hits:
        per_file[h.split(":", 1)[0]] = per_file.get(h.split(":", 1)[0], 0) + 1
    worse = [h for h in hits if per_file[h.split(":", 1)[0]] > CODE_RATCHET.get(h.split(":", 1)[0], 0)]
    assert not worse, "help-line numbers typed outside helplines.yml:\n" + "\n".join(worse)


def test_knowledge_texts_do_not_add_hard_coded_numbers() -> None:
    found: Dict[str, int] = {}
    for p in sorted((ROOT / "knowledge" / "content").rglob("*.yml")):
        if p in ALLOWED:
            continue
        n = len(_hits(p))
        if n:
            found[str(p.relative_to(ROOT))] = n
    worse = {f: n for f, n in found.items() if n > KNOWLEDGE_RATCHET.get(f, 0)}
    assert not worse, f"new hard-coded help-line numbers (use a placeholder): {worse}"
