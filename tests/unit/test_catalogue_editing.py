"""Catalogue editing: two layers, drafts with four eyes, sources for facts, history, rollback, and
the action side picking up a published version without a restart."""
from __future__ import annotations

from pathlib import Path

import pytest

import knowledge
from knowledge import layers
from knowledge.editing import EditError, Editor, FourEyes
from knowledge.loader import load

SLUG = "het-hogeland"
NEW_ZELF = "Schrijf op wat u ziet bij uw kind. Neem dat mee naar het gesprek."


@pytest.fixture()
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    load(url)
    return url


@pytest.fixture()
def editor(db_url: str) -> Editor:
    return Editor(db_url)


def test_merge_overrides_one_field_and_says_which_layer_it_comes_from() -> None:
    national = [{"id": "a", "title": "A", "ladder": {"zelf": "x", "netwerk": "y"}}]
    overlay = {"entries": {"a": {"ladder.zelf": "lokaal x"}},
               "added": {"b": {"id": "b", "title": "B"}}, "profile": {"kcc.phone": "0595 1"}}
    entries, profile = layers.merge(national, {"kcc": {"phone": None, "name": "KCC"}}, overlay)
    assert entries[0]["ladder"] == {"zelf": "lokaal x", "netwerk": "y"}
    assert [e["id"] for e in entries] == ["a", "b"]
    assert profile == {"kcc": {"phone": "0595 1", "name": "KCC"}}
    assert national[0]["ladder"]["zelf"] == "x"  # the national layer is never changed
    over = overlay["entries"]["a"]
    assert layers.origin(over, "ladder.zelf") == layers.LOCAL
    assert layers.origin(over, "ladder") == layers.PARTLY_LOCAL
    assert layers.origin(over, "title") == layers.NATIONAL


def test_a_draft_needs_a_second_beheerder_and_then_reaches_the_next_message(
        editor: Editor, db_url: str) -> None:
    before = knowledge.get_catalogue(SLUG, db_url).entry("jeugdhulp").ladder["zelf"]
    editor.edit(SLUG, "anna", "jeugdhulp", {"ladder.zelf": NEW_ZELF})
    with pytest.raises(FourEyes):
        editor.approve(SLUG, "anna")
    assert knowledge.get_catalogue(SLUG, db_url).entry("jeugdhulp").ladder["zelf"] == before
    version = editor.approve(SLUG, "bert")
    assert (version.number, version.approved_by, version.authors) == (1, "bert", ["anna"])
    assert knowledge.get_catalogue(SLUG, db_url).entry("jeugdhulp").ladder["zelf"] == NEW_ZELF
    # other municipalities keep the national text
    assert knowledge.get_catalogue("oldambt", db_url).entry("jeugdhulp").ladder["zelf"] == before


def test_everyone_who_wrote_part_of_a_draft_is_excluded_from_approving(editor: Editor) -> None:
    editor.edit(SLUG, "anna", "jeugdhulp", {"ladder.zelf": NEW_ZELF})
    editor.edit(SLUG, "bert", "jeugdhulp", {"title": "Hulp voor kinderen en ouders"})
    assert editor.draft(SLUG).authors == ["anna", "bert"]
    for author in ("anna", "bert"):
        with pytest.raises(FourEyes):
            editor.approve(SLUG, author)
    assert editor.approve(SLUG, "carla").number == 1


def test_a_new_fact_cannot_be_saved_without_a_source(editor: Editor) -> None:
    with pytest.raises(EditError) as err:
        editor.edit(SLUG, "anna", "profile", {"kcc.phone": "0595 447777"})
    assert "telefoonnummer" in err.value.by_field()["kcc.phone"][0]
    with pytest.raises(EditError) as err:
        editor.edit(SLUG, "anna", "jeugdhulp", {"details": "U krijgt € 150 per jaar."},
                    source="mijn buurman")
    assert "bron" in err.value.by_field()
    assert editor.draft(SLUG) is None  # nothing was stored
    editor.edit(SLUG, "anna", "profile", {"kcc.phone": "0595 447777"},
                source="https://www.hethogeland.nl/contact")
    profile = editor.merged(SLUG, editor.layer(SLUG))[1]
    assert profile["kcc"]["phone"] == "0595 447777"
    assert "https://www.hethogeland.nl/contact" in profile["kcc"]["sources"]
    # a text without a new fact needs no source
    editor.edit(SLUG, "anna", "jeugdhulp", {"ladder.zelf": NEW_ZELF})


def test_the_loader_schema_names_the_field(editor: Editor) -> None:
    with pytest.raises(EditError) as err:
        editor.edit(SLUG, "anna", "jeugdhulp", {"short_answer": "Vraag het {partner:onbekend}."})
    assert "onbekend" in err.value.by_field()["short_answer"][0]
    with pytest.raises(EditError) as err:
        editor.edit(SLUG, "anna", "profile", {"opening_hours.week": {"ma": ["9 tot 5"]}})
    assert "HH:MM" in err.value.by_field()["opening_hours.week"][0]


def test_setting_the_national_value_again_removes_the_local_override(editor: Editor) -> None:
    national = editor.merged(SLUG, layers.empty())[0][0]
    editor.edit(SLUG, "anna", national["id"], {"title": "Iets anders"})
    assert editor.layer(SLUG)["entries"] == {national["id"]: {"title": "Iets anders"}}
    editor.edit(SLUG, "anna", national["id"], {"title": national["title"]})
    assert editor.layer(SLUG)["entries"] == {}


def test_history_diff_and_rollback(editor: Editor, db_url: str) -> None:
    old = knowledge.get_catalogue(SLUG, db_url).entry("jeugdhulp").ladder["zelf"]
    editor.edit(SLUG, "anna", "jeugdhulp", {"ladder.zelf": NEW_ZELF})
    editor.approve(SLUG, "bert")
    editor.edit(SLUG, "anna", "profile", {"opening_hours.week.vr": ["08:30-12:00"]})
    editor.approve(SLUG, "bert")
    assert [v.number for v in editor.history(SLUG)] == [2, 1]
    assert editor.diff(SLUG, 2) == [{"where": "profile:opening_hours.week.vr", "old": None,
                                     "new": ["08:30-12:00"]}]
    editor.rollback(SLUG, 0, "anna")
    cat = knowledge.get_catalogue(SLUG, db_url)
    assert cat.entry("jeugdhulp").ladder["zelf"] == old
    assert [v.number for v in editor.history(SLUG)] == [3, 2, 1]  # every version is kept
    editor.rollback(SLUG, 2, "anna")
    cat = knowledge.get_catalogue(SLUG, db_url)
    assert cat.entry("jeugdhulp").ladder["zelf"] == NEW_ZELF
    assert cat.profile.opening_hours.week["vr"][0][1].hour == 12


def test_reloading_national_sources_keeps_every_edit(editor: Editor, db_url: str) -> None:
    editor.edit(SLUG, "anna", "jeugdhulp", {"ladder.zelf": NEW_ZELF})
    editor.approve(SLUG, "bert")
    load(db_url, force=True)
    assert knowledge.get_catalogue(SLUG, db_url).entry("jeugdhulp").ladder["zelf"] == NEW_ZELF


def test_a_local_entry_is_validated_and_only_in_its_municipality(editor: Editor,
                                                                 db_url: str) -> None:
    entry = {"id": "maatjes-hogeland", "topic": "eenzaamheid_meedoen", "title": "Maatjesproject",
             "upl_name": None, "upl_uri": None,
             "short_answer": "Een maatje komt elke week bij u op bezoek.",
             "details": "Een vrijwilliger komt langs voor een praatje of een wandeling.",
             "ladder": {"zelf": "Bedenk wat u graag samen zou doen.", "netwerk": None,
                        "voorliggend_veld": "Vraag een maatje aan bij {welzijn}.",
                        "sociaal_loket": None},
             "ladder_na_reason": {"netwerk": "Het maatje is er juist als het netwerk klein is.",
                                  "sociaal_loket": "Hiervoor is geen aanvraag nodig."},
             "synonyms": ["maatje", "iemand om mee te praten", "bezoek van een vrijwilliger"],
             "sources": ["002:L687-693"]}
    with pytest.raises(EditError):
        editor.add_entry(SLUG, "anna", dict(entry, synonyms=["maatje"]))
    editor.add_entry(SLUG, "anna", entry)
    editor.approve(SLUG, "bert")
    assert knowledge.get_catalogue(SLUG, db_url).entry("maatjes-hogeland").title == "Maatjesproject"
    assert knowledge.get_catalogue("oldambt", db_url).entry("maatjes-hogeland") is None
