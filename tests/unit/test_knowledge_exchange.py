"""Export in the source format (round trip) and import from the Samenwerkende Catalogi format."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

import knowledge
from knowledge import cli, settings
from knowledge.editing import Editor
from knowledge.exchange import import_sc, read_sc
from knowledge.loader import load
from knowledge.schema import EntryFile, HelplineFile, ProfileModel

SLUG = "het-hogeland"
FIXTURE = settings.REPO_ROOT / "tests" / "data" / "sdg" / "het-hogeland-producten.xml"


@pytest.fixture()
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'kb.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    load(url)
    return url


def _normalised(path: Path, model) -> dict:
    """A source file as the loader reads it (the schema fills in its defaults)."""
    return json.loads(model.parse_obj(yaml.safe_load(path.read_text(encoding="utf-8"))).json())


def test_export_of_an_unedited_catalogue_equals_the_content_files(db_url: str,
                                                                  tmp_path: Path) -> None:
    out = tmp_path / "export"
    assert cli.main(["export", SLUG, str(out)]) == 0
    content = settings.CONTENT_DIR
    national = sorted(p.name for p in (content / "national").glob("*.yml"))
    assert sorted(p.name for p in (out / "national").glob("*.yml")) == national
    for name in national:
        exported = yaml.safe_load((out / "national" / name).read_text(encoding="utf-8"))
        assert exported == _normalised(content / "national" / name, EntryFile), name
    exported = yaml.safe_load((out / "municipalities" / f"{SLUG}.yml").read_text(encoding="utf-8"))
    assert exported == _normalised(content / "municipalities" / f"{SLUG}.yml", ProfileModel)
    assert yaml.safe_load((out / "helplines.yml").read_text(encoding="utf-8")) == _normalised(
        content / "helplines.yml", HelplineFile)


def test_export_carries_the_published_local_layer(db_url: str, tmp_path: Path) -> None:
    editor = Editor(db_url)
    editor.edit(SLUG, "anna", "jeugdhulp", {"title": "Hulp voor kinderen"})
    editor.approve(SLUG, "bert")
    assert cli.main(["export", SLUG, str(tmp_path / "out")]) == 0
    entries = yaml.safe_load((tmp_path / "out" / "national" / "jeugd.yml").read_text())["entries"]
    assert next(e for e in entries if e["id"] == "jeugdhulp")["title"] == "Hulp voor kinderen"


def test_import_of_the_sc_fixture_is_keyed_by_upl_uri(db_url: str) -> None:
    products = read_sc(FIXTURE)
    assert [p.upl_uri for p in products] == [
        "http://standaarden.overheid.nl/owms/terms/huishHulp",
        "http://standaarden.overheid.nl/owms/terms/vrijwilligersverzekering"]
    draft = import_sc(SLUG, FIXTURE, "import")
    assert draft.authors == ["import"]
    added = draft.data["added"]["vrijwilligersverzekering"]
    assert (added["upl_name"], added["upl_uri"]) == (products[1].upl_name, products[1].upl_uri)
    assert "hulp-bij-het-huishouden" in draft.data["entries"]  # the entry with that UPL URI
    Editor(db_url).approve(SLUG, "anna")
    cat = knowledge.get_catalogue(SLUG, db_url)
    by_uri = {e.upl_uri: e for e in cat.entries}
    assert by_uri[products[1].upl_uri].title == "Verzekering voor vrijwilligers"
    assert by_uri[products[0].upl_uri].short_answer.startswith("Kunt u uw huis niet meer")
    assert products[0].identifier in by_uri[products[0].upl_uri].sources
