"""A deterministic, clearly fictional Swedish corpus in the seed format.

Every entry is made up: slugs start with ``fiktiv-``, every entry cites the single source
"Syntetiska testdata (fiktiva)", and the words are a few hundred real Swedish domain words
and their inflections plus generated Swedish-looking words, drawn with a Zipf-like
distribution. Lengths follow the seed entries (title 3–7 words, summary 15–40, body 30–140;
about 130 words per entry, a quarter with English too). Entry ``i`` depends only on the seed
and ``i``, so the 1 000 entries are the first 1 000 of the 10 000 and of the 100 000."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta
from pathlib import Path

import yaml

SEED = 20261129
TYPES = (("enterprise", 40), ("example", 15), ("research", 10), ("financing", 8),
         ("procurement", 5), ("advice", 7), ("network", 7), ("glossary", 8))
FILE_NAMES = {"enterprise": "enterprises", "example": "examples", "research": "research",
              "financing": "financing", "procurement": "procurement", "advice": "advice",
              "network": "networks", "glossary": "glossary"}
REGION = ("06", "07", "08", "09")

DOMAIN = """företag förening kooperativ kommun region län upphandling arbetsträning integration
praktik anställning stöd bidrag verksamhet samverkan partnerskap ekonomi hållbarhet utveckling
projekt deltagare handledare medarbetare tjänst städning lokalvård café restaurang trädgård
skötsel återbruk cykel verkstad snickeri tvätteri catering transport flytt målning fastighet
grönyta odling kurs utbildning validering rehabilitering arbetsförmedling försäkringskassa avtal
anbud kontrakt krav villkor direktupphandling ramavtal finansiering lån fond investering ansökan
styrelse medlem årsmöte stadgar civilsamhälle nätverk mötesplats rådgivning forskning rapport
studie resultat erfarenhet metod modell kvalitet uppdrag kund beställare leverantör intäkt
kostnad omsättning vinst överskott lönebidrag nystartsjobb arbetsgivare arbetsmarknad
sysselsättning funktionsnedsättning nyanländ ungdom kvinna man äldre familj barn skola
hälsa vård omsorg boende kultur idrott natur miljö klimat energi mat måltid kök bageri
butik försäljning marknad kommunikation hemsida information inspiration ledarskap
entreprenörskap affärsidé affärsplan budget ekonomistyrning bokföring juridik lag regel
förordning tröskelvärde annonsering utvärdering uppföljning avtalstid pris""".split()
MODIFIERS = """social ideell idéburen lokal regional kommunal offentlig gemensam hållbar
ekonomisk långsiktig praktisk viktig ny stor liten grön öppen trygg""".split()
STOP = """och i att det som en på är av för med till den har de inte om ett men
vi kan så från eller när vid alla sin under""".split()
SYLLABLES = ("ar", "be", "da", "fö", "gå", "he", "jo", "ka", "lä", "mö", "na", "or", "pe", "rå",
             "sä", "ta", "un", "vi", "yr", "ål", "äng", "ös", "kl", "st", "tr", "bl", "sk", "li",
             "ro", "se", "mi", "nu", "ve")
NOUN_ENDINGS = ("", "en", "et", "er", "erna", "ar", "arna", "s", "ens")
ADJ_ENDINGS = ("", "a", "t", "e")
ENGLISH = """social enterprise cooperative association municipality region procurement work
training integration support grant activity partnership economy sustainable development
project participant supervisor service cleaning cafe garden reuse workshop catering transport
course education research report study result experience method model quality customer
market board member network meeting advice funding loan application contract requirement
employment youth health care culture nature climate food shop""".split()


def _vocabulary() -> tuple[list[str], list[float]]:
    """Word forms in frequency order and their Zipf-like cumulative weights."""
    rng = random.Random(SEED)
    forms: list[str] = []
    for word in DOMAIN:
        forms += [word + e for e in rng.sample(NOUN_ENDINGS, 3)]
    for word in MODIFIERS:
        forms += [word + e for e in rng.sample(ADJ_ENDINGS, 2)]
    heads = [w for w in DOMAIN if len(w) <= 8]
    for _ in range(600):
        a, b = rng.sample(heads, 2)
        forms.append(a + ("s" if a[-1] not in "aeiouyåäös" else "") + b + rng.choice(("", "en", "er", "ar")))
    stems: set[str] = set()
    while len(stems) < 2200:
        stems.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    for stem in sorted(stems):
        forms += [stem + e for e in rng.sample(NOUN_ENDINGS, 2)]
    forms = list(dict.fromkeys(forms))
    head, tail = forms[: len(DOMAIN) * 3], forms[len(DOMAIN) * 3:]
    rng.shuffle(head)
    rng.shuffle(tail)
    forms = head + tail
    weights = [1 / (rank + 8) ** 1.07 for rank in range(len(forms))]
    return forms, list(itertools.accumulate(weights))


FORMS, CUMULATIVE = _vocabulary()


def sentence(rng: random.Random, words: int, vocabulary=None) -> str:
    out = []
    for word in rng.choices(vocabulary or FORMS, cum_weights=None if vocabulary else CUMULATIVE, k=words):
        out.append(word)
        if rng.random() < 0.3:
            out.append(rng.choice(STOP))
    text = " ".join(out)
    return text[0].upper() + text[1:] + "."


def text(rng: random.Random, words: int, vocabulary=None) -> str:
    parts, left = [], words
    while left > 0:
        n = min(left, rng.randint(6, 14))
        parts.append(sentence(rng, n, vocabulary))
        left -= n
    return " ".join(parts)


class Taxonomy:
    """The seed taxonomy's keys (read from seed_data/taxonomy)."""

    def __init__(self, seed_dir: Path):
        import csv

        taxonomy = seed_dir / "taxonomy"
        with (taxonomy / "municipalities.csv").open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        self.municipalities = [r["code"] for r in rows]
        self.region_municipalities = [r["code"] for r in rows if r["county_code"] in REGION]
        self.names = {r["code"]: r["name"] for r in rows}
        with (taxonomy / "counties.csv").open(encoding="utf-8") as handle:
            self.counties = [r["code"] for r in csv.DictReader(handle)]

        def slugs(name: str) -> list[str]:
            return [item["slug"] for item in yaml.safe_load((taxonomy / name).read_text(encoding="utf-8"))]

        self.services = slugs("service_categories.yaml")
        self.target_groups = slugs("target_groups.yaml")
        self.legal_forms = slugs("legal_forms.yaml")


def entry(i: int, taxonomy: Taxonomy) -> tuple[str, dict]:
    """Entry number ``i``: (content type, seed-format data)."""
    rng = random.Random(SEED * 1_000_003 + i)
    type_key = rng.choices([t for t, _ in TYPES], weights=[w for _, w in TYPES])[0]
    status = rng.choices(("published", "draft", "archived"), weights=(95, 3, 2))[0]
    municipalities = []
    for _ in range(rng.choices((0, 1, 2), weights=(10, 80, 10))[0]):
        pool = taxonomy.region_municipalities if rng.random() < 0.7 else taxonomy.municipalities
        municipalities.append(rng.choice(pool))
    title = text(rng, rng.randint(3, 7)).rstrip(".")
    if municipalities and rng.random() < 0.3:
        title += " i " + taxonomy.names[municipalities[0]]
    themes = sorted(set(rng.choices((1, 2, 3), k=rng.randint(1, 2))))
    data: dict = {
        "slug": f"fiktiv-{type_key}-{i:06d}",
        "status": status,
        "title": {"sv": title},
        "summary": {"sv": text(rng, rng.randint(15, 40))},
        "body": {"sv": text(rng, rng.randint(30, 140))},
        "themes": themes,
        "packages": sorted({f"{t}.{rng.randint(1, 3)}" for t in themes if rng.random() < 0.6}),
        "counties": sorted({rng.choice(REGION)} if rng.random() < 0.2 else set()),
        "municipalities": sorted(set(municipalities)),
        "sources": [{"title": "Syntetiska testdata (fiktiva)", "url": ""}],
        "last_verified": date(2026, 1, 1) + timedelta(days=rng.randint(0, 300)),
    }
    if rng.random() < 0.25:
        data["title"]["en"] = text(rng, rng.randint(3, 7), ENGLISH).rstrip(".")
        data["summary"]["en"] = text(rng, rng.randint(15, 40), ENGLISH)
        data["body"]["en"] = text(rng, rng.randint(20, 80), ENGLISH)
    if type_key == "enterprise":
        data["legal_form"] = rng.choice(taxonomy.legal_forms)
        data["services"] = sorted(set(rng.sample(taxonomy.services, rng.randint(1, 3))))
        data["target_groups"] = sorted(set(rng.sample(taxonomy.target_groups, rng.randint(1, 2))))
        data["reserved_contracts"] = rng.choices((True, False, None), weights=(4, 4, 2))[0]
    elif type_key == "research":
        data["authors"] = [f"Fiktiv Forskare {rng.randint(1, 500)}"]
        data["year"] = rng.randint(1995, 2026)
    elif type_key == "glossary":
        data["abbreviation"] = "".join(rng.choice("ABDEFGHIKLMNOPRSTUV") for _ in range(3))
    elif type_key == "advice":
        data["organisation"] = "Fiktiv rådgivning " + str(rng.randint(1, 300))
    return type_key, data


def write_batches(directory: Path, count: int, taxonomy: Taxonomy, batch: int = 10_000) -> list[Path]:
    """Write entries 0..count-1 as seed-format YAML, one folder per ``batch`` entries."""
    folders = []
    for start in range(0, count, batch):
        folder = directory / f"batch-{start // batch:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        by_type: dict[str, list[dict]] = {}
        for i in range(start, min(start + batch, count)):
            type_key, data = entry(i, taxonomy)
            by_type.setdefault(type_key, []).append(data)
        for type_key, entries in by_type.items():
            with (folder / f"{FILE_NAMES[type_key]}.yaml").open("w", encoding="utf-8") as handle:
                yaml.dump({"type": type_key, "entries": entries}, handle, Dumper=yaml.CSafeDumper,
                          allow_unicode=True, sort_keys=False)
        folders.append(folder)
    return folders
