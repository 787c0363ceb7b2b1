"""Out of scope that helps: a municipal product outside the social domain is named and gets ONE
link (the municipality's own website, or a national government page); the list of topics comes
only when the resident asks what the assistant can do.

The product table is knowledge/content/out_of_scope_products.yml; its UPL names are checked
against /work/shared/data/UPL-actueel.csv (and must not be social-domain products).
"""
from __future__ import annotations

import csv
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from rasa_sdk.executor import CollectingDispatcher

import knowledge
from actions import knowledge as ka

SHARED = Path("/work/shared/data")
TOPIC_LIST = "Ik help u wel met vragen over"


@pytest.fixture(autouse=True)
def databases(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'assistant.db'}")
    monkeypatch.setenv("MUNICIPALITY", "het-hogeland")
    knowledge.reset_cache()
    yield
    knowledge.reset_cache()


def answer(text, topic="out_of_scope_municipal"):
    dispatcher = CollectingDispatcher()
    ka.out_of_scope(dispatcher, topic, text)
    return dispatcher.messages


def all_text(msgs):
    return "\n".join(m.get("text") or "" for m in msgs)


def all_links(msgs):
    return [link for m in msgs for link in m.get("links") or []]


@pytest.mark.parametrize("text,product", [
    ("ik wil een nieuw paspoort", "paspoort"),
    ("mijn pasport is verlopen", "paspoort"),
    ("id kaart aanvragen", "identiteitskaart"),
    ("rijbewys verlengen", "rijbewijs"),
    ("waar haal ik een parkeervergunnig", "parkeervergunning"),
    ("wanneer halen jullie grofvuil op", "grofvuil en afval"),
    ("mijn kliko is niet geleegd", "grofvuil en afval"),
    ("ik ben verhuisd, hoe geef ik dat door", "verhuizing doorgeven"),
    ("ik wil een dakkapel bouwen", "omgevingsvergunning"),
    ("bezwaar tegen mijn WOZ-waarde", "WOZ-waarde"),
    ("vraag over de ozb", "gemeentelijke belastingen"),
    ("wij willen trouwen", "trouwen"),
])
def test_products_are_recognised_with_typos(text, product):
    found = ka.match_product(text)
    assert found is not None and found["product"] == product


@pytest.mark.parametrize("text", [
    "ik heb een gehandicaptenparkeerkaart nodig",       # social domain (UPL gehandicaptenparkeerkaart)
    "kwijtschelding afvalstoffenheffing",               # social domain (belastingkwijtschelding)
    "ik kan de gemeentebelasting niet betalen",
    "hoe laat is het",
])
def test_social_or_unknown_questions_are_no_product(text):
    assert ka.match_product(text) is None


def test_product_answer_names_it_and_links_the_municipality_once():
    msgs = answer("ik wil een nieuw paspoort")
    text = all_text(msgs)
    assert "paspoort" in text and "www.hethogeland.nl" in text
    links = all_links(msgs)
    assert len(links) == 1 and links[0]["url"] == "https://www.hethogeland.nl"
    assert TOPIC_LIST not in text and "zorg, werk" not in text


def test_answers_differ_per_product():
    texts = {all_text(answer(q)) for q in ("paspoort", "grofvuil", "parkeervergunning", "verhuizen")}
    assert len(texts) == 4


def test_national_product_links_the_national_page():
    msgs = answer("ik heb een bouwvergunning nodig voor een aanbouw")
    links = all_links(msgs)
    assert [link["url"] for link in links] == ["https://omgevingswet.overheid.nl"]


def test_no_topic_list_after_out_of_scope_but_on_request():
    msgs = answer("wat voor weer wordt het morgen", "out_of_scope_other")
    assert "zorg, jeugd" not in all_text(msgs) and TOPIC_LIST not in all_text(msgs)
    payloads = [b["payload"] for m in msgs for b in m.get("buttons") or []]
    assert "/ask_capabilities" in payloads
    asked = answer("wat kun je allemaal", "out_of_scope_other")
    assert "Ik help met vragen over" in all_text(asked)


def test_unknown_municipal_question_gets_the_general_contact_once():
    msgs = answer("ik heb een vraag over de kermis")
    assert "www.hethogeland.nl" in all_text(msgs)
    assert all_text(msgs).count("Ik help") == 0


def test_product_file_matches_the_upl():
    with (SHARED / "UPL-actueel.csv").open(encoding="utf-8") as fh:
        upl = {r["UniformeProductnaam"]: r for r in csv.DictReader(fh)}
    with (SHARED / "upl_social_domain.csv").open(encoding="utf-8") as fh:
        social = {r["UniformeProductnaam"] for r in csv.DictReader(fh)}
    products = ka.load_products()
    assert len(products) >= 10
    for p in products:
        name = p["source"].removeprefix("UPL: ")
        assert name in upl, f"{p['product']}: {name!r} is not a UPL name"
        assert upl[name]["Gemeente"] == "X", f"{name}: not a municipal product"
        assert name not in social, f"{name}: is a social-domain product"
        assert p["where"] in ("municipality", "national")
        assert p["keywords"] and all(k == k.lower() for k in p["keywords"])
        if p["where"] == "national":
            host = urlsplit(p["national_url"]).netloc
            assert host.endswith(("overheid.nl", "rijksoverheid.nl")), host


def _decided_answer(text, ranking):
    """The first answer through the real decision, as the action gives it."""
    from rasa_sdk import Tracker

    from assistant.decisions import decide
    parse = {"intent": {"name": ranking[0][0], "confidence": ranking[0][1]},
             "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking]}
    decision = decide(text, parse, ka.catalogue(), knowledge.get_glossary())
    tracker = Tracker("t", {}, {"text": text, "intent": parse["intent"]}, [], False, None, {},
                      "action_listen")
    dispatcher = CollectingDispatcher()
    ka.answer_decision(dispatcher, tracker, decision)
    return decision, dispatcher.messages


@pytest.mark.parametrize("text, who", [
    ("hoe vraag ik een wlz indicatie aan voor mijn moeder", "CIZ"),
    ("ik heb een boete van het cjib gekregen", "CJIB"),
])
def test_a_national_term_says_who_does_handle_it(text, who):
    """The Wlz and CJIB fines are not the municipality's: the resident hears who handles them
    (the glossary's sourced explanation), and is still offered a person."""
    decision, msgs = _decided_answer(text, [("out_of_scope_other", 0.8), ("eigen_bijdrage_kosten", 0.1)])
    assert decision.out_of_scope
    assert who in all_text(msgs)
    payloads = [b["payload"] for m in msgs for b in m.get("buttons") or []]
    assert any("human" in p for p in payloads), payloads


def test_a_social_question_beside_a_national_term_stays_social():
    """Debts beside a CJIB fine: the NLU's sure social topic decides, no referral."""
    decision, msgs = _decided_answer("ik heb veel schulden en nu ook nog een boete van het cjib",
                                     [("schulden_geldzorgen", 0.85), ("out_of_scope_other", 0.1)])
    assert decision.topic == "schulden_geldzorgen"
    assert "niet aan de gemeente" not in all_text(msgs)
