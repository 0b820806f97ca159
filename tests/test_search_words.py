"""Search finds what buyers type: the names of an enterprise's services, CPV codes, target
groups and legal form are text; "did you mean" stays within the stated edit distance."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledgebase import models as m
from knowledgebase.extensions import db
from tests.search_support import add_synonyms, run, titles

SILENT = {"sv": "Fiktiv verksamhet som lagar mat och dukar upp till möten."}


@pytest.mark.parametrize("typed", ["catering", "Catering", "café", "restaurang", "school catering"])
def test_service_category_and_cpv_names_find_enterprise(app, make_entry, typed):
    make_entry("enterprise", title={"sv": "Fiktiva köket"}, summary=SILENT, services=["catering-cafe"])
    make_entry("enterprise", title={"sv": "Fiktiva verkstaden"}, summary={"sv": "Lagar cyklar."})
    assert titles(app, typed) == ["Fiktiva köket"]


@pytest.mark.parametrize("typed", ["städ", "städning", "lokalvård", "cleaning", "fönsterputsning"])
def test_cleaning_words_find_cleaning_enterprise(app, make_entry, typed):
    make_entry("enterprise", title={"sv": "Fiktiva rent hus"}, summary={"sv": "Fiktiv verksamhet i Växjö."},
               services=["cleaning"])
    assert titles(app, typed) == ["Fiktiva rent hus"]


def test_property_maintenance_and_target_group_and_legal_form(app, make_entry):
    make_entry("enterprise", title={"sv": "Fiktiva gården"}, summary={"sv": "Fiktiv verksamhet."},
               services=["property-maintenance"], target_groups=["long-term-unemployed"],
               legal_form="ekonomisk-forening")
    make_entry("enterprise", title={"sv": "Fiktiva andra"}, summary={"sv": "Fiktiv verksamhet."})
    for typed in ("fastighetsskötsel", "långtidsarbetslösa", "ekonomisk förening", "janitorial"):
        assert titles(app, typed) == ["Fiktiva gården"], typed


def test_own_words_rank_above_category_names(app, make_entry):
    make_entry("enterprise", title={"sv": "Fiktiva taggade"}, summary=SILENT, services=["catering-cafe"])
    make_entry("enterprise", title={"sv": "Fiktiva egna"}, summary={"sv": "Vi erbjuder catering."})
    assert titles(app, "catering") == ["Fiktiva egna", "Fiktiva taggade"]


def test_drafts_stay_hidden_by_category_names(app, make_entry):
    make_entry("enterprise", title={"sv": "Fiktivt utkast"}, status="draft", services=["catering-cafe"])
    assert titles(app, "catering") == []


def test_renamed_category_reindexes_its_enterprises(app, make_entry):
    make_entry("enterprise", title={"sv": "Fiktiva gruppen"}, summary={"sv": "Fiktiv verksamhet."},
               target_groups=["newly-arrived"])
    with app.app_context():
        db.session.get(m.TargetGroup, "newly-arrived").name_sv = "Fiktivnyinflyttade"
        db.session.commit()
    assert titles(app, "fiktivnyinflyttade") == ["Fiktiva gruppen"]


def test_distant_word_is_not_corrected(app, make_entry):
    make_entry("glossary", title={"sv": "Fiktiv Malin"}, summary={"sv": "Malin driver ett fiktivt kafé."})
    result = run(app, "måltider")
    assert result.suggestion is None and not result.corrected and result.total == 0


@pytest.mark.parametrize("typed, wanted", [("kafex", "kafé"), ("kooperatv", "kooperativ")])
def test_close_words_are_still_corrected(app, make_entry, typed, wanted):
    make_entry("glossary", title={"sv": "Fiktivt kooperativ"}, summary={"sv": "Ett fiktivt kafé."})
    assert run(app, typed).suggestion == wanted


def test_short_words_allow_one_edit_only(app, make_entry):
    make_entry("glossary", title={"sv": "Fiktivt torg"}, summary={"sv": "Ett fiktivt torg."})
    assert run(app, "tort").suggestion == "torg"
    assert run(app, "tyxg").suggestion is None


def test_suggestion_is_a_word_of_the_texts_not_a_stem(app, make_entry):
    make_entry("glossary", title={"sv": "Fiktiv term", "en": "Fictional term"},
               summary={"sv": "Påhittad.", "en": "Fictional social enterprises in the region."})
    result = run(app, "enterprices")
    assert result.suggestion == "enterprises" and result.total == 1


def test_inflected_typo_gets_the_inflected_word(app, make_entry):
    make_entry("glossary", title={"sv": "Fiktiv term"}, summary={"sv": "Kooperativet i Fiktivby."})
    assert run(app, "kooperatvet").suggestion == "kooperativet"


def _seed_groups() -> list[list[str]]:
    path = Path(__file__).resolve().parent.parent / "seed_data" / "search" / "synonyms.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))["groups"]


@pytest.mark.parametrize("typed", ["arbetsintegrering", "arbetsintegration", "arbetsintegrerande", "work integration"])
def test_work_integration_variants_are_synonyms(app, make_entry, typed):
    add_synonyms(app, *_seed_groups())
    make_entry("glossary", title={"sv": "Fiktiv förening"}, summary={"sv": "Arbetar med arbetsintegrering."})
    make_entry("glossary", title={"sv": "Fiktivt nätverk"}, summary={"sv": "Stöd till arbetsintegration."})
    assert sorted(titles(app, typed)) == ["Fiktiv förening", "Fiktivt nätverk"]
