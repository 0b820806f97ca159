"""The facets: which exist, which values a request may select, the index term each value
stands for, and their labels. Besides the facets (shown with counts), a request may carry
two filters without counts: ``serves`` (a municipality in the enterprise's area served) and
``fresh`` (confirmed within the shelf life; answered from the database, since it changes
with the date)."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from knowledgebase import models as m
from knowledgebase.content_types import BY_KEY, CONTENT_TYPES
from knowledgebase.extensions import db
from knowledgebase.procurement_codes import cpv_prefix
from knowledgebase.inputs import BadFilter

# In the order the page shows them.
FACETS = ("type", "theme", "package", "county", "municipality", "service", "target_group",
          "legal_form", "reserved", "language")
# Everything a request may filter on.
FILTERS = (*FACETS, "serves", "fresh")

FACET_LABELS = {
    "type": _l("Type"),
    "theme": _l("Theme"),
    "package": _l("Competence package"),
    "county": _l("County"),
    "municipality": _l("Municipality"),
    "service": _l("Services"),
    "target_group": _l("Target groups"),
    "legal_form": _l("Legal form"),
    "reserved": _l("Can take reserved contracts"),
    "language": _l("Available in"),
}

FIXED_VALUES = {
    "type": tuple(BY_KEY),
    "reserved": ("yes", "no"),
    "language": ("sv", "en"),
    "fresh": ("1",),
}
# Other spellings a request may use: ``reserved=1`` (as the supplier search takes it).
_ALIASES = {"reserved": {"1": "yes", "0": "no"}, "fresh": {"0": ""}}

_COLUMNS = {
    "theme": m.Theme.number,
    "package": m.CompetencePackage.code,
    "county": m.County.code,
    "municipality": m.Municipality.code,
    "service": m.ServiceCategory.slug,
    "target_group": m.TargetGroup.slug,
    "legal_form": m.LegalForm.slug,
    "serves": m.Municipality.code,
}


def validate(name: str, values: list[str]) -> list[str]:
    """The distinct values of one filter, in the order given; ``BadFilter`` for a value that
    names nothing (checked against the database, so new taxonomy rows work at once). A
    ``service`` is a category slug or a CPV code or prefix in any common form ("90",
    "90910000-9"), kept as its significant digits."""
    aliases = _ALIASES.get(name, {})
    values = [aliases.get(v.strip(), v.strip()) for v in values]
    if name == "service":
        values = [cpv_prefix(v) or v for v in values]
    values = list(dict.fromkeys(v for v in values if v != ""))
    if not values:
        return []
    if name in FIXED_VALUES:
        allowed = set(FIXED_VALUES[name])
    elif name == "theme":
        numbers = [int(v) for v in values if v.isascii() and v.isdigit() and len(v) < 4]
        allowed = {str(n) for n in db.session.scalars(select(m.Theme.number).where(m.Theme.number.in_(numbers)))}
    else:
        column = _COLUMNS[name]
        safe = [v for v in values if len(v) <= 80 and v.isprintable()]
        allowed = set(db.session.scalars(select(column).where(column.in_(safe)))) if safe else set()
        if name == "service":
            allowed |= {v for v in values if v.isascii() and v.isdigit()}  # CPV prefixes, from cpv_prefix above
    for value in values:
        if value not in allowed:
            raise BadFilter(name, value)
    return values


def term(name: str, value: str) -> str:
    """The index term of a filter value: ``service`` values that are CPV prefixes match the
    ``cpv:`` terms (a division finds every code below it)."""
    if name == "service" and value.isascii() and value.isdigit():
        return f"cpv:{value}"
    return f"{name}:{value}"


def _named(model, key, locale: str, values: Iterable[str]) -> dict[str, str]:
    values = list(values)
    if not values:
        return {}
    rows = db.session.scalars(select(model).where(key.in_(values)))
    return {str(getattr(row, key.key)): row.name(locale) for row in rows}


def labels(counts: dict[str, dict[str, int]], locale: str) -> dict[str, dict[str, str]]:
    """Human labels of the facet values present in ``counts``."""
    result: dict[str, dict[str, str]] = {}
    for name, values in counts.items():
        keys = list(values)
        if name == "type":
            result[name] = {k: str(BY_KEY[k].plural) for k in keys if k in BY_KEY}
        elif name == "theme":
            themes = _named(m.Theme, m.Theme.number, locale, [int(k) for k in keys if k.isdigit()])
            result[name] = {k: f"{k}. {themes.get(k, k)}" for k in keys}
        elif name == "package":
            packages = _named(m.CompetencePackage, m.CompetencePackage.code, locale, keys)
            result[name] = {k: f"{k} {packages.get(k, '')}".strip() for k in keys}
        elif name in ("county", "municipality"):
            model = m.County if name == "county" else m.Municipality
            rows = db.session.execute(select(model.code, model.name).where(model.code.in_(keys))).all() if keys else []
            names = {code: name for code, name in rows}
            result[name] = {k: names.get(k, k) for k in keys}
        elif name in ("service", "target_group", "legal_form"):
            model = {"service": m.ServiceCategory, "target_group": m.TargetGroup, "legal_form": m.LegalForm}[name]
            names = _named(model, model.slug, locale, keys)
            result[name] = {k: names.get(k) or (f"CPV {k}" if k.isdigit() else k) for k in keys}
        elif name == "reserved":
            result[name] = {"yes": str(_l("Yes")), "no": str(_l("No"))}
        elif name == "language":
            result[name] = {"sv": str(_l("Swedish")), "en": str(_l("English"))}
    return result


def sort_values(name: str, values: dict[str, int], names: dict[str, str]) -> list[tuple[str, int]]:
    """Facet values for display: types in registry order, themes and packages by code,
    everything else by count and then name."""
    if name == "type":
        order = {ct.key: i for i, ct in enumerate(CONTENT_TYPES)}
        return sorted(values.items(), key=lambda kv: order.get(kv[0], 99))
    if name in ("theme", "package", "reserved", "language"):
        return sorted(values.items())
    return sorted(values.items(), key=lambda kv: (-kv[1], names.get(kv[0], kv[0]).lower()))
