"""Every referral can be acted on.

For every municipality profile, every entry is rendered with the project's own catalogue
builder (knowledge.catalogue.build_catalogue). For each text a resident reads (short_answer and
details, which are sent with the entry's links, and the message of every ladder rung, which
actions/triage.py sends WITHOUT links) the test finds every organisation the text names:
- the profile's kcc, sociaal_loket, welzijn and partners, named by their placeholder in the
  national text or by their name in the rendered text;
- the national help lines (helplines.yml), named by name or number.
Each must come with a way to reach it in that answer:
- a help line: its number in the text or a `tel:` link with it (verified numbers only), or its
  website in the text or links; the municipality's website is NOT a way to reach a help line;
- a local organisation: its own phone or website in the text or links, or else the
  municipality's general contact (its website) in the text or links.
Links must be http(s) or `tel:` with only digits, spaces, + and -.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Mapping, Optional, Sequence


from assistant.ladder_text import rung_message
from knowledge import settings
from knowledge.catalogue import build_catalogue
from knowledge.loader import read_sources
from assistant.vocabulary import RUNGS

TEL_RE = re.compile(r"^tel:[0-9 +-]+$")
PLACEHOLDER = re.compile(r"\{(sociaal_loket|kcc|welzijn)\}|\{partner:([a-z0-9_]+)\}")


def digits(s: Optional[str]) -> str:
    return re.sub(r"\D", "", s or "")


def host(url: Optional[str]) -> str:
    return re.sub(r"^https?://", "", url or "").split("/")[0].lower()


def numbers_in(text: str) -> set:
    return {digits(m) for m in re.findall(r"\d[\d -]*\d|\d", text)}


def local_named(source: str, rendered: str, profile: Mapping[str, Any]) -> Dict[str, Mapping[str, Any]]:
    orgs = {"kcc": profile["kcc"], "sociaal_loket": profile["sociaal_loket"], "welzijn": profile["welzijn"]}
    orgs.update({f"partner:{k}": v for k, v in profile["partners"].items()})
    named = {}
    for m in PLACEHOLDER.finditer(source or ""):
        key = m.group(1) or f"partner:{m.group(2)}"
        named[key] = orgs[key]
    for key, org in orgs.items():
        if org.get("name") and re.search(rf"(?<!\w){re.escape(org['name'])}(?!\w)", rendered, re.I):
            named[key] = org
    return named


def helplines_named(rendered: str, helplines: Sequence[Mapping[str, Any]]) -> List[Mapping[str, Any]]:
    out = []
    nums = numbers_in(rendered)
    for h in helplines:
        name = re.sub(r"^(Alarmnummer|De|Het)\s+|\s*\(.*\)$", "", h["name"]).strip()
        name = name.split()[0] if re.match(r"^\d{3}\b", name) else name
        by_name = re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", rendered, re.I)
        by_number = any(digits(n) in nums for n in [h["number"]] + h.get("alt_numbers", []) if n)
        if by_name or by_number:
            out.append(h)
    return out


def reachable(text: str, links: Sequence[Mapping[str, str]], phones: Sequence[Optional[str]],
              urls: Sequence[Optional[str]]) -> bool:
    nums = numbers_in(text)
    tel_digits = {digits(link["url"]) for link in links if link["url"].startswith("tel:")}
    link_hosts = {host(link["url"]) for link in links if link["url"].startswith("http")}
    for phone in phones:
        if digits(phone) and (digits(phone) in nums or digits(phone) in tel_digits):
            return True
    for url in urls:
        h = host(url)
        if h and (h in text.lower() or h.replace("www.", "", 1) in text.lower() or h in link_hosts):
            return True
    return False


def answers():
    src = read_sources(settings.CONTENT_DIR)
    raw = {e["id"]: e for _f, e in src.entries}
    for _f, profile in src.profiles:
        cat = build_catalogue(list(raw.values()), profile, src.helplines)
        for e in cat.entries:
            r = raw[e.id]
            yield profile, src.helplines, f"{profile['slug']}/{e.id}/short_answer", r["short_answer"], e.short_answer, e.links
            yield profile, src.helplines, f"{profile['slug']}/{e.id}/details", r["details"], e.details, e.links
            for rung in RUNGS:
                if e.ladder.get(rung):
                    yield (profile, src.helplines, f"{profile['slug']}/{e.id}/ladder.{rung}",
                           r["ladder"][rung], rung_message(rung, e.ladder[rung]), [])


def problems_in(profile, helplines, key, source, rendered, links) -> List[str]:
    out = []
    for h in helplines_named(rendered, helplines):
        phones = [h["number"]] + h.get("alt_numbers", []) if h["verified"] == "verified" else []
        if not reachable(rendered, links, phones, [h.get("url")]):
            out.append(f"{key}: help line {h['name']!r} named without number or website")
    general = profile.get("website")
    for org_key, org in local_named(source, rendered, profile).items():
        if not reachable(rendered, links, [org.get("phone")], [org.get("website"), general]):
            out.append(f"{key}: {org_key} ({org.get('name') or org['mention']!r}) named without "
                       f"a way to reach it or the municipality's website")
    for link in links:
        url = link["url"]
        if not (url.startswith(("https://", "http://")) or TEL_RE.match(url)):
            out.append(f"{key}: link {url!r} is not http(s) or a clean tel: link")
    return out


def test_every_named_organisation_can_be_reached():
    problems = [p for a in answers() for p in problems_in(*a)]
    assert not problems, f"{len(problems)} dead ends:\n" + "\n".join(problems)


def test_the_check_catches_a_dead_end():
    src = read_sources(settings.CONTENT_DIR)
    profile = next(p for _f, p in src.profiles if p["slug"] == "het-hogeland")
    dead = problems_in(profile, src.helplines, "x", "Vraag het aan {kcc}.",
                       "Vraag het aan het klantcontact van de gemeente.", [])
    assert dead and "kcc" in dead[0]
    assert problems_in(profile, src.helplines, "x", "Bel Veilig Thuis.", "Bel Veilig Thuis.",
                       [{"title": "gemeente", "url": "https://www.hethogeland.nl"}])
    assert not problems_in(profile, src.helplines, "x", "Bel Veilig Thuis.", "Bel Veilig Thuis.",
                           [{"title": "Bel", "url": "tel:0800-2000"}])


def test_general_contact_links_to_the_municipality_website():
    src = read_sources(settings.CONTENT_DIR)
    for _f, profile in src.profiles:
        assert profile["website"] and host(profile["website"]) in profile["general_contact"], profile["slug"]


def test_widget_link_rules_allow_only_clean_tel_links():
    from channels.webchat.messages import safe_url, to_widget

    assert safe_url("tel:0800-2000") == "tel:0800-2000"
    assert safe_url("tel:+31 800 2000") == "tel:+31 800 2000"
    for bad in ("tel:0800;2000", "tel:javascript:alert(1)", "tel:", "javascript:alert(1)", "tel:08<b>"):
        assert safe_url(bad) is None, bad
    out = to_widget({"text": "Bel Veilig Thuis: 0800-2000. Meer op www.hethogeland.nl. Of 0612345678."})
    urls = [link["url"] for link in out["links"]]
    assert "tel:0800-2000" in urls and "https://www.hethogeland.nl" in urls
    assert not any("0612345678" in u for u in urls), "only verified help-line numbers become links"
    staff = to_widget({"text": "Bel 0800-2000", "agent": "Anna"})
    assert "links" not in staff, "staff texts are never turned into links"


def test_telegram_shows_tel_links_as_a_number_to_tap():
    from channels.telegram.format import compose_text

    text = compose_text({"text": "Hulp.", "links": [
        {"title": "Bel Veilig Thuis: 0800-2000", "url": "tel:0800-2000"},
        {"title": "CAK", "url": "tel:0800-1925"},
        {"title": "x", "url": "tel:0800;evil"},
        {"title": "Website", "url": "https://www.hethogeland.nl"}]})
    assert "Bel Veilig Thuis: 0800-2000" in text and "CAK: 0800-1925" in text
    assert "tel:" not in text and "evil" not in text
    assert "https://www.hethogeland.nl" in text  # Telegram makes URLs in plain text tappable
