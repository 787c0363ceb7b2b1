"""B1 check over every text a resident reads (make test).

What is checked, per text (rendered for every municipality profile):
- average sentence length <= 20 words, and no sentence over 25 words;
- no jargon from knowledge/content/b1_jargon.yml unless the same text explains it;
- Flesch-Douma (textstat, `set_lang("nl")`, `flesch_reading_ease`) >= 60.

Texts: short_answer, details and the ladder message of every rung (as assistant/ladder_text.py
shows it) of every catalogue entry, the out-of-scope product answers, and the responses in
bot/domain/*.yml (placeholders filled with the slot's initial value). utter_safety_fallback is
measured and printed but owned by the safety work, so it is reported, not failed.

Run `python -m pytest tests/unit/test_b1_texts.py -q -s` to see the figures.
"""
from __future__ import annotations

import re
import statistics
from typing import Dict, Iterable, List, Tuple

import pytest
import textstat
import yaml

from knowledge import settings
from knowledge.catalogue import build_catalogue
from knowledge.loader import read_sources
from assistant.b1 import sentences, words
from assistant.vocabulary import RUNGS

MAX_AVG_WORDS = 20
MAX_SENTENCE_WORDS = 25
FLESCH_DOUMA_MIN = 60.0
ROOT = settings.REPO_ROOT
JARGON_FILE = settings.CONTENT_DIR / "b1_jargon.yml"
NOT_OURS = {"domain:utter_safety_fallback"}  # owned by the safety work: printed, never failed

textstat.set_lang("nl")


# --- measuring (sentences and words as the console's B1 checker splits them) ----------------
def load_jargon() -> List[dict]:
    return yaml.safe_load(JARGON_FILE.read_text(encoding="utf-8"))["terms"]


def _word_re(word: str) -> "re.Pattern[str]":
    return re.compile(r"(?<![\w-])" + re.escape(word).replace(r"\ ", r"\s+") + r"(?!\w)", re.I)


def unexplained_jargon(text: str, terms: List[dict]) -> List[str]:
    """Jargon words in `text` that the text does not explain."""
    found = []
    for term in terms:
        word = term["word"]
        if not _word_re(word).search(text):
            continue
        w = re.escape(word)
        explained = [
            re.escape(term["plain"]),                                # the plain words are there
            w + r"[\w-]*\s*\(",                                      # word (uitleg)
            r"\([^)]*" + w + r"[^)]*\)",                             # uitleg (word)
            r"(dat|dit|die|het) heet\s+(de |het |een )?" + w,        # ... Dat heet word.
            w + r"\s+(is|betekent)\b",                               # word is / betekent ...
        ] + list(term.get("explained_by") or [])
        if not any(re.search(p, text, re.I) for p in explained):
            found.append(word)
    return found


def measure(text: str, terms: List[dict]) -> Dict[str, object]:
    sents = sentences(text)
    lengths = [len(words(s)) for s in sents] or [0]
    return {
        "avg": sum(lengths) / len(lengths),
        "max": max(lengths),
        "longest": sents[lengths.index(max(lengths))] if sents else "",
        "flesch": textstat.flesch_reading_ease(text),
        "jargon": unexplained_jargon(text, terms),
    }


def problems_of(m: Dict[str, object]) -> List[str]:
    out = []
    if m["avg"] > MAX_AVG_WORDS:
        out.append(f"average sentence {m['avg']:.1f} words > {MAX_AVG_WORDS}")
    if m["max"] > MAX_SENTENCE_WORDS:
        out.append(f"sentence of {m['max']} words > {MAX_SENTENCE_WORDS}: {m['longest']!r}")
    if m["flesch"] < FLESCH_DOUMA_MIN:
        out.append(f"Flesch-Douma {m['flesch']:.1f} < {FLESCH_DOUMA_MIN}")
    if m["jargon"]:
        out.append(f"unexplained jargon {m['jargon']}")
    return out


# --- collecting the texts --------------------------------------------------------------------
def catalogue_texts() -> Iterable[Tuple[str, str]]:
    from assistant.ladder_text import rung_message

    src = read_sources(settings.CONTENT_DIR)
    entries = [e for _f, e in src.entries]
    for _f, profile in src.profiles:
        cat = build_catalogue(entries, profile, src.helplines)
        for e in cat.entries:
            yield f"{profile['slug']}/{e.id}/short_answer", e.short_answer
            yield f"{profile['slug']}/{e.id}/details", e.details
            for rung in RUNGS:
                body = e.ladder.get(rung)
                if body:
                    yield f"{profile['slug']}/{e.id}/ladder.{rung}", rung_message(rung, body)


def out_of_scope_texts() -> Iterable[Tuple[str, str]]:
    try:
        from actions.knowledge import load_products, out_of_scope_product_text
    except ImportError:  # before the product answers existed
        return
    src = read_sources(settings.CONTENT_DIR)
    entries = [e for _f, e in src.entries]
    for _f, profile in src.profiles:
        cat = build_catalogue(entries, profile, src.helplines)
        for product in load_products():
            text, _links = out_of_scope_product_text(product, cat.profile)
            yield f"{profile['slug']}/out_of_scope/{product['product']}", text


def _slot_defaults() -> Dict[str, str]:
    values: Dict[str, str] = {}
    for path in sorted((ROOT / "bot" / "domain").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, slot in (data.get("slots") or {}).items():
            if isinstance(slot, dict) and isinstance(slot.get("initial_value"), str):
                values[name] = slot["initial_value"]
    return values


def domain_texts() -> Iterable[Tuple[str, str]]:
    defaults = _slot_defaults()
    for path in sorted((ROOT / "bot" / "domain").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, variants in (data.get("responses") or {}).items():
            for i, variant in enumerate(variants or []):
                text = (variant or {}).get("text")
                if text:
                    text = re.sub(r"\{(\w+)\}", lambda m: defaults.get(m.group(1), "de gemeente"), text)
                    yield f"domain:{name}" + (f"#{i}" if i else ""), text


def all_texts() -> List[Tuple[str, str]]:
    return list(catalogue_texts()) + list(out_of_scope_texts()) + list(domain_texts())


def report(rows: List[Tuple[str, str, Dict[str, object], List[str]]]) -> str:
    flesch = [m["flesch"] for _k, _t, m, _p in rows]
    avgs = [m["avg"] for _k, _t, m, _p in rows]
    longest = max(m["max"] for _k, _t, m, _p in rows)
    failing = [k for k, _t, _m, p in rows if p]
    jargon = sum(len(m["jargon"]) for _k, _t, m, _p in rows)
    return (f"B1 figures over {len(rows)} texts: Flesch-Douma min {min(flesch):.1f} / mean "
            f"{statistics.mean(flesch):.1f} / median {statistics.median(flesch):.1f}; texts < "
            f"{FLESCH_DOUMA_MIN:.0f}: {sum(f < FLESCH_DOUMA_MIN for f in flesch)}; mean words per "
            f"sentence {statistics.mean(avgs):.1f}; texts with average > {MAX_AVG_WORDS}: "
            f"{sum(a > MAX_AVG_WORDS for a in avgs)}; longest sentence {longest} words; texts with a "
            f"sentence > {MAX_SENTENCE_WORDS}: {sum(m['max'] > MAX_SENTENCE_WORDS for _k, _t, m, _p in rows)}; "
            f"unexplained jargon {jargon}; failing texts {len(failing)}")


@pytest.fixture(scope="module")
def rows():
    terms = load_jargon()
    out = []
    for key, text in all_texts():
        m = measure(text, terms)
        out.append((key, text, m, problems_of(m)))
    return out


def test_jargon_file_is_well_formed():
    terms = load_jargon()
    words = [t["word"].lower() for t in terms]
    assert len(words) == len(set(words))
    for t in terms:
        assert t["word"].strip() and t["plain"].strip(), t
    for required in ("maatwerkvoorziening", "indicatie", "voorliggend veld", "kcc", "cak", "wmo"):
        assert required in words


def test_jargon_detection_examples():
    terms = load_jargon()
    assert unexplained_jargon("Bel het KCC.", terms) == ["KCC"]
    assert unexplained_jargon("Dit is hulp van de gemeente (Wmo).", terms) == []
    assert unexplained_jargon("U krijgt hulp zonder indicatie.", terms) == ["indicatie"]
    assert unexplained_jargon("Het CAK int de eigen bijdrage.", terms) == []


def test_every_text_is_b1(rows):
    print("\n" + report(rows))
    problems = [f"{k}: {'; '.join(p)}" for k, _t, _m, p in rows if p and k.split("#")[0] not in NOT_OURS]
    for k, _t, m, p in rows:
        if p and k.split("#")[0] in NOT_OURS:
            print(f"(not ours, reported only) {k}: {'; '.join(p)}")
    assert not problems, f"{len(problems)} texts fail B1:\n" + "\n".join(problems)


if __name__ == "__main__":  # python -m tests.unit.test_b1_texts: figures and failures
    terms = load_jargon()
    rs = [(k, t, measure(t, terms)) for k, t in all_texts()]
    rs = [(k, t, m, problems_of(m)) for k, t, m in rs]
    for k, _t, _m, p in rs:
        if p:
            print(f"{k}: {'; '.join(p)}")
    print(report(rs))
