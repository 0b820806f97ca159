"""Search: Swedish and English analysis, diacritics, compounds, synonyms, typos, facets that
agree with the database, hostile input, keeping in step with commits, the drift check and
rebuild, and concurrency. Real SQLite and a real index in a temporary folder; all entries are
fictional (make_entry)."""

from __future__ import annotations

import pytest
from sqlalchemy import case, func, select

from knowledgebase import models as m
from knowledgebase import search
from knowledgebase.extensions import db
from knowledgebase.models import entries as links
from tests.search_support import add_synonyms, run, titles


# -- language ---------------------------------------------------------------------------------

def test_swedish_inflections_find_each_other(app, make_entry):
    make_entry("enterprise", title={"sv": "Fiktiva kooperativet Ljuset"}, summary={"sv": "Ett kooperativ för arbetsträning."})
    make_entry("example", title={"sv": "Fiktiva företagen i samverkan"}, summary={"sv": "Små företag samarbetar."})
    assert titles(app, "kooperativ") == ["Fiktiva kooperativet Ljuset"]
    assert titles(app, "kooperativen") == ["Fiktiva kooperativet Ljuset"]
    assert titles(app, "företaget") == ["Fiktiva företagen i samverkan"]


def test_english_fields_use_english_stemming(app, make_entry):
    make_entry("research", title={"sv": "Fiktiv studie", "en": "Fictional study of cooperatives"},
               summary={"sv": "Om samverkan.", "en": "About working together."})
    assert titles(app, "cooperative", lang="en") == ["Fictional study of cooperatives"]
    assert titles(app, "studies") == ["Fiktiv studie"]


@pytest.mark.parametrize("typed, wanted", [("Jonkoping", "Fiktiv mötesplats"), ("hogsby", "Fiktivt café"),
                                           ("forening", "Fiktiv ekonomisk förening")])
def test_diacritics_are_optional(app, make_entry, typed, wanted):
    make_entry("network", title={"sv": "Fiktiv mötesplats"}, summary={"sv": "Träffar i Jönköping."})
    make_entry("enterprise", title={"sv": "Fiktivt café"}, summary={"sv": "Ett café."}, municipalities=["0821"])
    make_entry("enterprise", title={"sv": "Fiktiv ekonomisk förening"}, summary={"sv": "Medlemsägd."})
    assert wanted in titles(app, typed)


def test_places_match_entries_in_them(app, make_entry):
    """A municipality or county name finds entries located there, also through the county."""
    make_entry("enterprise", title={"sv": "Fiktiv tvätt"}, summary={"sv": "Tvätteri."}, municipalities=["0821"])
    assert titles(app, "Högsby") == ["Fiktiv tvätt"]
    assert titles(app, "Kalmar län") == ["Fiktiv tvätt"]


def test_exact_spelling_ranks_first(app, make_entry):
    """Typed with diacritics, the spelling decides; typed without, it breaks ties (people
    leave out å, ä and ö far more often than texts misspell them)."""
    make_entry("example", title={"sv": "Fiktiv förening A"}, summary={"sv": "Medlemmar."})
    make_entry("example", title={"sv": "Fiktiv forening B"}, summary={"sv": "Stavat utan prickar, forening."})
    make_entry("example", title={"sv": "Fiktiv C"}, summary={"sv": "Om en förening."})
    assert titles(app, "förening")[:2] == ["Fiktiv förening A", "Fiktiv C"]
    assert titles(app, "forening")[0] == "Fiktiv forening B"


@pytest.mark.parametrize("word, wanted", [
    ("upphandling", "Fiktiv direktupphandling"),
    ("kooperativ", "Fiktivt arbetskooperativ"),
    ("städ", "Fiktiva städtjänster"),
])
def test_words_find_compounds(app, make_entry, word, wanted):
    make_entry("procurement", title={"sv": "Fiktiv direktupphandling"}, summary={"sv": "Under gränsen."})
    make_entry("enterprise", title={"sv": "Fiktivt arbetskooperativ"}, summary={"sv": "Arbete åt fler."})
    make_entry("enterprise", title={"sv": "Fiktiva städtjänster"}, summary={"sv": "Vi gör rent."})
    assert wanted in titles(app, word)


def test_whole_word_ranks_above_compound(app, make_entry):
    make_entry("procurement", title={"sv": "Fiktiv direktupphandling"}, summary={"sv": "Ett fall."})
    make_entry("procurement", title={"sv": "Fiktiv upphandling"}, summary={"sv": "Ett annat fall."})
    assert titles(app, "upphandling") == ["Fiktiv upphandling", "Fiktiv direktupphandling"]


def test_synonyms_work_both_ways(app, make_entry):
    add_synonyms(app, ["ASF", "arbetsintegrerande socialt företag", "arbetsintegrerande sociala företag"],
                 ["LOU", "lagen om offentlig upphandling"])
    make_entry("glossary", title={"sv": "Fiktiv förklaring"}, summary={"sv": "Ett arbetsintegrerande socialt företag anställer."})
    make_entry("glossary", title={"sv": "Fiktiv ASF-lista"}, summary={"sv": "Alla ASF i länet."})
    make_entry("procurement", title={"sv": "Fiktiv LOU-guide"}, summary={"sv": "Så fungerar LOU."})
    make_entry("procurement", title={"sv": "Fiktiv lagtext"}, summary={"sv": "Enligt lagen om offentlig upphandling."})
    assert set(titles(app, "ASF")) == {"Fiktiv förklaring", "Fiktiv ASF-lista"}
    assert set(titles(app, "arbetsintegrerande socialt företag")) == {"Fiktiv förklaring", "Fiktiv ASF-lista"}
    assert set(titles(app, "LOU")) == {"Fiktiv LOU-guide", "Fiktiv lagtext"}
    assert set(titles(app, "lagen om offentlig upphandling")) == {"Fiktiv LOU-guide", "Fiktiv lagtext"}


def test_new_synonyms_apply_at_once(app, make_entry):
    make_entry("enterprise", title={"sv": "Fiktiv lokalvård"}, summary={"sv": "Rena lokaler."})
    assert titles(app, "städning") == []
    add_synonyms(app, ["städning", "lokalvård"])
    assert titles(app, "städning") == ["Fiktiv lokalvård"]


@pytest.mark.parametrize("typed, wanted", [("kooperatv", "kooperativ"), ("upphandlnig", "upphandling"),
                                           ("foreningr", "förening")])
def test_typos_get_a_suggestion_and_results(app, make_entry, typed, wanted):
    make_entry("glossary", title={"sv": "Fiktivt kooperativ"}, summary={"sv": "Om upphandling och förening."})
    result = run(app, typed)
    assert result.suggestion == wanted
    assert result.corrected and result.total == 1
    assert "Fiktivt kooperativ" in [hit.title for hit in result.hits]


def test_words_typed_together_get_no_suggestion(app, make_entry):
    make_entry("glossary", title={"sv": "Fiktivt kooperativ"}, summary={"sv": "Drygt hundra medlemmar."})
    assert run(app, "draft").suggestion == "drygt"
    result = run(app, "status:draft")
    assert result.suggestion is None and result.total == 0


def test_suggestion_is_shown_as_did_you_mean(client, make_entry):
    make_entry("glossary", title={"sv": "Fiktivt kooperativ"}, summary={"sv": "Om kooperativ."})
    html = client.get("/en/search?q=kooperatv+zzqqxx").get_data(as_text=True)
    assert "Did you mean" in html and "kooperativ zzqqxx" in html


def test_phrases_need_the_words_together(app, make_entry):
    make_entry("research", title={"sv": "Fiktiv A"}, summary={"sv": "Social ekonomi i praktiken."})
    make_entry("research", title={"sv": "Fiktiv B"}, summary={"sv": "Ekonomi som är social."})
    assert titles(app, '"social ekonomi"') == ["Fiktiv A"]
    assert set(titles(app, "social ekonomi")) == {"Fiktiv A", "Fiktiv B"}


def test_phrases_with_repeated_words_and_three_words(app, make_entry):
    """Words that occur several times in an entry, in and out of order, and longer phrases."""
    make_entry("research", title={"sv": "Fiktiv C"},
               summary={"sv": "Ekonomi och social omsorg, social trygghet, och sedan social ekonomi igen."})
    make_entry("research", title={"sv": "Fiktiv D"},
               summary={"sv": "Social omsorg, ekonomi kostar, trygghet social; omsorg social ekonomi."})
    make_entry("research", title={"sv": "Fiktiv E"},
               summary={"sv": "Ekonomi social här, och ekonomi social där, aldrig i den andra ordningen."})
    assert set(titles(app, '"social ekonomi"')) == {"Fiktiv C", "Fiktiv D"}
    assert set(titles(app, '"ekonomi social"')) == {"Fiktiv E"}
    assert titles(app, '"omsorg social ekonomi"') == ["Fiktiv D"]
    assert titles(app, '"social ekonomi igen"') == ["Fiktiv C"]


def test_prefix_search(app, make_entry):
    make_entry("research", title={"sv": "Fiktiv rehabilitering"}, summary={"sv": "Om återgång."})
    assert titles(app, "rehab*") == ["Fiktiv rehabilitering"]


def test_title_outranks_summary_outranks_body(app, make_entry):
    make_entry("research", title={"sv": "Fiktiv C"}, summary={"sv": "Inget här."}, body={"sv": "Om validering."})
    make_entry("research", title={"sv": "Fiktiv validering"}, summary={"sv": "Inget här."})
    make_entry("research", title={"sv": "Fiktiv B"}, summary={"sv": "Om validering."})
    assert titles(app, "validering") == ["Fiktiv validering", "Fiktiv B", "Fiktiv C"]


# -- results ----------------------------------------------------------------------------------

def test_snippets_are_escaped_with_marks_only(app, make_entry):
    make_entry("research", title={"sv": "Fiktiv"}, summary={"sv": "Hej <script>alert(1)</script> & validering <b>fet</b>."})
    hit = run(app, "validering").hits[0]
    assert "<mark>validering</mark>" in hit.snippet
    assert "&lt;script&gt;" in hit.snippet and "&amp;" in hit.snippet
    assert "<script" not in hit.snippet and "<b>" not in hit.snippet
    assert str(hit.snippet).replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_hits_show_type_municipality_and_theme(app, client, make_entry):
    make_entry("enterprise", title={"sv": "Fiktiv snickare"}, summary={"sv": "Snickeri."},
               municipalities=["0780"], themes=[2])
    hit = run(app, "snickeri").hits[0]
    assert (hit.type, hit.municipalities, hit.themes) == ("enterprise", ["Växjö"], [2])
    html = client.get("/sv/search?q=snickeri").get_data(as_text=True)
    assert "Växjö" in html and "Sociala företag" in html or "Social enterprise" in html


def test_sort_and_pages(app, make_entry):
    for name in ("Fiktiv Örn", "Fiktiv Ask", "Fiktiv Ål", "Fiktiv Björk", "Fiktiv Äpple"):
        make_entry("network", title={"sv": name}, summary={"sv": "Nätverk för skog."})
    assert titles(app, "skog", sort="title") == ["Fiktiv Ask", "Fiktiv Björk", "Fiktiv Ål", "Fiktiv Äpple", "Fiktiv Örn"]
    assert titles(app, "skog", sort="updated")[0] == "Fiktiv Äpple"
    page = run(app, "skog", sort="title", per_page="2", page="3")
    assert (page.total, page.pages, [h.title for h in page.hits]) == (5, 3, ["Fiktiv Örn"])


# -- facets agree with the database -------------------------------------------------------------

def _sql_counts(facet: str, ids: set[int]) -> dict[str, int]:
    """Counts of one facet among ``ids``, straight from the tables."""
    if facet == "type":
        query = select(m.Entry.type, func.count()).where(m.Entry.id.in_(ids)).group_by(m.Entry.type)
    elif facet == "county":
        own = select(links.entry_county.c.entry_id, links.entry_county.c.county_key.label("code"))
        via = (select(links.entry_municipality.c.entry_id, m.Municipality.county_code.label("code"))
               .join(m.Municipality, m.Municipality.code == links.entry_municipality.c.municipality_key))
        both = own.union(via).subquery()
        query = select(both.c.code, func.count()).where(both.c.entry_id.in_(ids)).group_by(both.c.code)
    elif facet == "reserved":
        value = case((m.Enterprise.reserved_contracts.is_(True), "yes"), else_="no")
        query = (select(value, func.count()).where(m.Enterprise.id.in_(ids), m.Enterprise.reserved_contracts.is_not(None))
                 .group_by(value))
    elif facet == "legal_form":
        query = (select(m.Enterprise.legal_form_slug, func.count())
                 .where(m.Enterprise.id.in_(ids), m.Enterprise.legal_form_slug.is_not(None)).group_by(m.Enterprise.legal_form_slug))
    else:
        table, column = {
            "theme": (links.entry_theme, "theme_key"), "package": (links.entry_package, "competence_package_key"),
            "municipality": (links.entry_municipality, "municipality_key"),
            "service": (links.enterprise_service, "service_category_key"),
            "target_group": (links.enterprise_target_group, "target_group_key"),
        }[facet]
        query = select(table.c[column], func.count()).where(table.c.entry_id.in_(ids)).group_by(table.c[column])
    return {str(value): count for value, count in db.session.execute(query)}


def _fill(make_entry) -> None:
    import random

    rng = random.Random(5)
    municipalities = ["0680", "0687", "0760", "0780", "0821", "0880", "0980", "0604"]
    for i in range(40):
        type_key = rng.choice(["enterprise", "enterprise", "example", "research", "advice"])
        extra = {}
        if type_key == "enterprise":
            extra = {"services": rng.sample(["cleaning", "catering-cafe", "gardening", "laundry"], rng.randint(0, 2)),
                     "target_groups": rng.sample(["young-people", "newly-arrived"], rng.randint(0, 1)),
                     "legal_form": rng.choice(["ekonomisk-forening", "ideell-forening", ""]),
                     "reserved_contracts": rng.choice([True, False, None])}
        word = "fiktivordet" if i % 3 else "annat"
        english = i % 4 == 0
        make_entry(type_key, title={"sv": f"Fiktiv post {i}", "en": f"Fictional item {i}" if english else ""},
                   summary={"sv": f"Om {word} och mer.", "en": "About it." if english else ""},
                   status=rng.choice(["published"] * 5 + ["draft", "archived"]),
                   themes=rng.sample([1, 2, 3], rng.randint(0, 2)),
                   packages=rng.sample(["1.1", "2.3", "3.2"], rng.randint(0, 1)),
                   counties=rng.sample(["06", "07"], rng.randint(0, 1)),
                   municipalities=rng.sample(municipalities, rng.randint(0, 2)), **extra)


@pytest.mark.parametrize("q, filters", [
    ("", {}),
    ("fiktivordet", {}),
    ("fiktivordet", {"county": "07"}),
    ("", {"type": "enterprise", "theme": ["1", "3"]}),
])
def test_facet_counts_equal_database_counts(app, make_entry, q, filters):
    _fill(make_entry)
    result = run(app, q, **filters)
    with app.app_context():
        published = select(m.Entry.id).where(m.Entry.status == m.PUBLISHED)
        if q:
            published = published.where(m.Entry.summary_sv.like(f"%{q}%"))
        matching = set(db.session.scalars(published))
        chosen = {name: (v if isinstance(v, list) else [v]) for name, v in filters.items()}

        def narrowed(skip: str | None) -> set[int]:
            ids = set(matching)
            for name, values in chosen.items():
                if name != skip:
                    counts_by_entry = {i for i in ids if any(_sql_counts(name, {i}).get(v) for v in values)}
                    ids &= counts_by_entry
            return ids

        assert result.total == len(narrowed(None))
        for facet in search.FACETS:
            if facet == "language":
                ids = narrowed(facet)
                english = db.session.scalar(select(func.count()).where(
                    m.Entry.id.in_(ids), m.Entry.title_en != "", m.Entry.summary_en != ""))
                wanted = {"sv": len(ids), "en": english}
                wanted = {k: v for k, v in wanted.items() if v}
            else:
                wanted = _sql_counts(facet, narrowed(facet))
            for value in chosen.get(facet, []):
                wanted.setdefault(value, 0)
            assert result.facets[facet] == wanted, facet


def test_filters_or_within_and_across(app, make_entry):
    make_entry("enterprise", title={"sv": "Fiktiv A"}, summary={"sv": "x"}, themes=[1], counties=["06"])
    make_entry("enterprise", title={"sv": "Fiktiv B"}, summary={"sv": "x"}, themes=[2], counties=["06"])
    make_entry("enterprise", title={"sv": "Fiktiv C"}, summary={"sv": "x"}, themes=[2], counties=["07"])
    assert set(titles(app, theme=["1", "2"], county="06")) == {"Fiktiv A", "Fiktiv B"}
    assert titles(app, theme="2", county="07") == ["Fiktiv C"]


# -- only published entries, whatever the input ---------------------------------------------------

HIDDEN_QUERIES = ["hemligord", "status:draft hemligord", "status:archived", "title:hemligord", "hemlig*",
                  '"hemligord"', "hemligord OR status:draft", "(hemligord)", "hemligord AND draft", "*",
                  "hemligord~", "hemligor", "HEMLIGORD", "hemligörd", ""]


def test_drafts_and_archived_are_never_found(app, client, make_entry):
    make_entry("enterprise", title={"sv": "Fiktivt hemligord utkast"}, summary={"sv": "hemligord"}, status="draft")
    make_entry("enterprise", title={"sv": "Fiktivt hemligord arkiv"}, summary={"sv": "hemligord"}, status="archived")
    make_entry("enterprise", title={"sv": "Fiktivt hemligord granskas"}, summary={"sv": "hemligord"}, status="review")
    for q in HIDDEN_QUERIES:
        assert run(app, q).total == 0, q
        for url in (f"/sv/search?q={q}", f"/api/v1/search?q={q}"):
            body = client.get(url).get_data(as_text=True)
            assert "utkast" not in body and "arkiv" not in body and "granskas" not in body, url
    with app.app_context():
        assert search.suggest("Fiktivt hem", "sv") == []


HOSTILE = [
    '"', '""', '"unbalanced', "unbalanced\"", "(", ")", "((((", "))))", "[", "]", "{", "}", "a(b", "*", "**", "?",
    "*?*", "a*", "*a", "ab*cd", "a?b", "~", "a~2", "^", "a^3", ":", "status:", "status:draft", "title:", "title:x",
    "id:1", "type:enterprise", "AND", "OR", "NOT", "AND OR NOT", "a AND", "OR b", "NOT a", "-a", "+a", "!", "&&",
    "||", "\\", "\\\\", "/", "'", "';--", "<script>alert(1)</script>", "%", "%%", "_", "\x00", "a\x00b",
    "\x00" * 50, "\t\n\r", "\u200b", "😀", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "Ω" * 300, "a" * 10_000, "x " * 5_000, "ä" * 10_000,
    "$1", "{{7*7}}", "%(q)s", "\ufffd", "éééé", "ﬁ", "İstanbul", "1e308", "-1", "0", "9" * 500,
    '"a b c d e f g h i j k l m n o p q r s t u v w x y z"', "a b c d e f g h i j k l m n o p q r s t u v w x y z",
]


def test_any_input_is_a_valid_search(app, client, make_entry):
    make_entry("research", title={"sv": "Fiktiv a"}, summary={"sv": "Något om a och b."})
    assert len(HOSTILE) >= 30
    for q in HOSTILE:
        for url in ("/sv/search", "/en/search", "/api/v1/search", "/api/v1/suggest"):
            response = client.get(url, query_string={"q": q, "sort": "title"})
            assert response.status_code == 200, (url, q)
        result = run(app, q)
        assert all(hit.title == "Fiktiv a" for hit in result.hits), q


@pytest.mark.parametrize("args", [
    {"type": "nosuchtype"}, {"theme": "9"}, {"theme": "x"}, {"county": "99"}, {"municipality": "\x00"},
    {"service": "' OR 1=1"}, {"reserved": "maybe"}, {"language": "de"}, {"sort": "random"}, {"page": "0"},
    {"page": "-1"}, {"page": "1e9"}, {"per_page": "abc"}, {"lang": "fr"}, {"package": "x" * 5000},
])
def test_bad_parameters_give_400_never_500(client, args):
    for url in ("/sv/search", "/api/v1/search"):
        response = client.get(url, query_string=args)
        if "lang" in args and url.startswith("/sv"):
            assert response.status_code == 200
            continue
        assert response.status_code == 400, (url, args)
    assert client.get("/api/v1/search", query_string=args).is_json
