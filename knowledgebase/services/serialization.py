"""Entries to and from plain data (the seed format, the API): validation of every field,
written once for all content types from the registry in ``content_types``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Table, insert, select

from knowledgebase import models as m
from knowledgebase.content_types import BY_KEY, PROCUREMENT_ROUTES, ContentType, Field
from knowledgebase.extensions import db
from knowledgebase.services.orgnr import normalise_org_number

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^\+?[0-9 ()-]{5,30}$")
URL_RE = re.compile(r"^https?://[^\s<>\"]+$", re.IGNORECASE)
LANGS = ("sv", "en")
MAX_SHORT = 300
MAX_LONG = 100_000

COMMON_KEYS = (
    "slug", "status", "title", "summary", "body", "easy_read", "themes", "packages",
    "counties", "municipalities", "sources", "last_verified",
)


class FieldError(ValueError):
    """A value that cannot be accepted; ``field`` names it for the user."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name
        self.message = message


@dataclass
class Vocabulary:
    """The taxonomy values an entry may refer to, loaded once per import or form."""

    themes: set[int] = field(default_factory=set)
    packages: set[str] = field(default_factory=set)
    counties: set[str] = field(default_factory=set)
    municipalities: set[str] = field(default_factory=set)
    legal_forms: set[str] = field(default_factory=set)
    services: set[str] = field(default_factory=set)
    target_groups: set[str] = field(default_factory=set)

    @classmethod
    def load(cls) -> Vocabulary:
        def keys(column) -> set:
            return set(db.session.scalars(select(column)))

        return cls(
            themes=keys(m.Theme.number),
            packages=keys(m.CompetencePackage.code),
            counties=keys(m.County.code),
            municipalities=keys(m.Municipality.code),
            legal_forms=keys(m.LegalForm.slug),
            services=keys(m.ServiceCategory.slug),
            target_groups=keys(m.TargetGroup.slug),
        )

    def for_target(self, target: type) -> set[str]:
        return {
            m.LegalForm: self.legal_forms,
            m.ServiceCategory: self.services,
            m.TargetGroup: self.target_groups,
        }[target]


# -- cleaning single values -------------------------------------------------------------

def _text(name: str, value: Any, limit: int = MAX_LONG, required: bool = False) -> str:
    if value is None:
        value = ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise FieldError(name, _("must be text"))
    value = value.replace("\x00", "").strip()
    if required and not value:
        raise FieldError(name, _("is required"))
    if len(value) > limit:
        raise FieldError(name, _("is too long (at most %(limit)d characters)", limit=limit))
    return value


def _bitext(name: str, value: Any, limit: int = MAX_LONG, required: bool = False) -> dict[str, str]:
    """A text in Swedish and optionally English: a mapping {sv, en} or a plain Swedish string."""
    if value is None or isinstance(value, str):
        value = {"sv": value or ""}
    if not isinstance(value, dict) or set(value) - set(LANGS):
        raise FieldError(name, _("must be a text or a mapping with the keys sv and en"))
    return {
        "sv": _text(f"{name}.sv", value.get("sv"), limit, required),
        "en": _text(f"{name}.en", value.get("en"), limit),
    }


def _int(name: str, value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise FieldError(name, _("must be a whole number"))
    try:
        number = int(str(value).strip())
    except ValueError:
        raise FieldError(name, _("must be a whole number")) from None
    if not 0 <= number <= 10_000_000:
        raise FieldError(name, _("is out of range"))
    return number


def _bool(name: str, value: Any) -> bool | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "ja", "1"):
        return True
    if text in ("false", "no", "nej", "0"):
        return False
    raise FieldError(name, _("must be true or false"))


def _list(name: str, value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise FieldError(name, _("must be a list"))
    items = [_text(name, item, MAX_SHORT) for item in value]
    return [item for item in items if item]


def _codes(name: str, value: Any, allowed: set, convert=str) -> list:
    result = []
    for item in _list(name, value if not isinstance(value, int) else [value]):
        try:
            key = convert(item)
        except ValueError:
            key = None
        if key not in allowed:
            raise FieldError(name, _("unknown value %(value)s", value=item))
        if key not in result:
            result.append(key)
    return result


def _url(name: str, value: Any) -> str:
    url = _text(name, value, 1000)
    if url and not URL_RE.match(url):
        raise FieldError(name, _("must be a web address starting with http:// or https://"))
    return url


def _date(name: str, value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise FieldError(name, _("must be a date (YYYY-MM-DD)")) from None


def _sources(value: Any) -> list[dict[str, str]]:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise FieldError("sources", _("must be a list"))
    sources = []
    for index, item in enumerate(value, 1):
        if not isinstance(item, dict):
            raise FieldError(f"sources[{index}]", _("must have a title and a url"))
        sources.append({
            "title": _text(f"sources[{index}].title", item.get("title"), 500, required=True),
            "url": _url(f"sources[{index}].url", item.get("url")),
        })
    return sources


def _law_refs(name: str, value: Any) -> list[dict[str, str]]:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise FieldError(name, _("must be a list"))
    refs = []
    for index, item in enumerate(value, 1):
        if not isinstance(item, dict):
            raise FieldError(f"{name}[{index}]", _("must be a mapping with sfs, chapter, section and label"))
        ref = {key: _text(f"{name}[{index}].{key}", item.get(key), 100)
               for key in ("sfs", "chapter", "section", "label")}
        if not ref["label"]:
            raise FieldError(f"{name}[{index}].label", _("is required"))
        refs.append(ref)
    return refs


def _contracts(name: str, value: Any) -> list[dict[str, Any]]:
    """Public contracts: a list of mappings {buyer, year, service, route}; buyer required."""
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        raise FieldError(name, _("must be a list"))
    contracts = []
    for index, item in enumerate(value, 1):
        where = f"{name}[{index}]"
        if not isinstance(item, dict) or set(item) - {"buyer", "year", "service", "route"}:
            raise FieldError(where, _("must be a mapping with buyer, year, service and route"))
        year = _int(f"{where}.year", item.get("year"))
        if year is not None and not 1900 <= year <= 2100:
            raise FieldError(f"{where}.year", _("is out of range"))
        route = _text(f"{where}.route", item.get("route"), 30)
        if route and route not in PROCUREMENT_ROUTES:
            raise FieldError(f"{where}.route", _("must be one of %(choices)s", choices=", ".join(PROCUREMENT_ROUTES)))
        contracts.append({
            "buyer": _text(f"{where}.buyer", item.get("buyer"), MAX_SHORT, required=True),
            "year": year,
            "service": _text(f"{where}.service", item.get("service"), MAX_SHORT),
            "route": route,
        })
    return contracts


def _clean_field(spec: Field, value: Any, vocabulary: Vocabulary) -> Any:
    name, kind = spec.name, spec.kind
    if kind == "text":
        return _text(name, value, MAX_LONG if name == "organisations" else MAX_SHORT)
    if kind == "bitext":
        return _bitext(name, value)
    if kind == "int":
        return _int(name, value)
    if kind == "bool":
        return _bool(name, value)
    if kind == "url":
        return _url(name, value)
    if kind == "email":
        email = _text(name, value, 254)
        if email and not EMAIL_RE.match(email):
            raise FieldError(name, _("must be an e-mail address"))
        return email
    if kind == "phone":
        phone = _text(name, value, 40)
        if phone and not PHONE_RE.match(phone):
            raise FieldError(name, _("must be a phone number"))
        return phone
    if kind == "orgnr":
        number = _text(name, value, 20)
        if not number:
            return ""
        try:
            return normalise_org_number(number)
        except ValueError:
            raise FieldError(
                name, _("is not a valid organisation number (NNNNNN-NNNN with a correct check digit)")
            ) from None
    if kind == "list":
        return _list(name, value)
    if kind == "choice":
        choice = _text(name, value, 40)
        if choice and choice not in spec.choices:
            raise FieldError(name, _("must be one of %(choices)s", choices=", ".join(spec.choices)))
        return choice
    if kind == "law_refs":
        return _law_refs(name, value)
    if kind == "date":
        return _date(name, value)
    if kind == "contracts":
        return _contracts(name, value)
    if kind == "taxonomy":
        slug = _text(name, value, 80)
        if slug and slug not in vocabulary.for_target(spec.target):
            raise FieldError(name, _("unknown value %(value)s", value=slug))
        return slug or None
    if kind == "taxonomy_list":
        return _codes(name, value, vocabulary.for_target(spec.target))
    if kind == "entries":
        slugs = _list(name, value)
        for slug in slugs:
            if not SLUG_RE.match(slug):
                raise FieldError(name, _("unknown value %(value)s", value=slug))
        return slugs
    raise AssertionError(f"unknown field kind {kind}")


def clean_entry_data(ct: ContentType, data: Any, vocabulary: Vocabulary) -> dict[str, Any]:
    """Check one entry's data (as read from the seed format) and return clean values.

    Raises ``FieldError`` naming the first field that cannot be accepted."""
    if not isinstance(data, dict):
        raise FieldError("entry", _("must be a mapping of fields"))
    known = set(COMMON_KEYS) | {f.name for f in ct.fields}
    unknown = sorted(set(data) - known)
    if unknown:
        raise FieldError(unknown[0], _("is not a field of this content type"))
    slug = _text("slug", data.get("slug"), 120, required=True)
    if not SLUG_RE.match(slug):
        raise FieldError("slug", _("may contain only a-z, 0-9 and hyphens"))
    status = _text("status", data.get("status") or "draft", 20)
    if status not in m.STATUSES:
        raise FieldError("status", _("must be one of %(choices)s", choices=", ".join(m.STATUSES)))
    clean: dict[str, Any] = {
        "slug": slug,
        "status": status,
        "title": _bitext("title", data.get("title"), MAX_SHORT, required=True),
        "summary": _bitext("summary", data.get("summary"), required=True),
        "body": _bitext("body", data.get("body")),
        "easy_read": _text("easy_read", data.get("easy_read")),
        "themes": _codes("themes", data.get("themes"), vocabulary.themes, int),
        "packages": _codes("packages", data.get("packages"), vocabulary.packages),
        "counties": _codes("counties", data.get("counties"), vocabulary.counties),
        "municipalities": _codes("municipalities", data.get("municipalities"), vocabulary.municipalities),
        "sources": _sources(data.get("sources")),
        "last_verified": _date("last_verified", data.get("last_verified")),
    }
    if status == m.PUBLISHED and not clean["sources"]:
        raise FieldError("sources", _("a published entry needs at least one source"))
    for spec in ct.fields:
        clean[spec.name] = _clean_field(spec, data.get(spec.name), vocabulary)
    return clean


# -- applying clean data to a model -------------------------------------------------------

def _set_bitext(entry: m.Entry, name: str, value: dict[str, str]) -> None:
    setattr(entry, f"{name}_sv", value["sv"])
    setattr(entry, f"{name}_en", value["en"])


class TaxonomyRows:
    """Taxonomy rows by key, each table loaded once: a bulk import then needs no query per
    entry for its themes, places and vocabularies."""

    def __init__(self) -> None:
        self._rows: dict[type, dict] = {}

    def get(self, model: type, column, keys: list) -> list:
        rows = self._rows.get(model)
        if rows is None:
            rows = self._rows[model] = {getattr(r, column.key): r for r in db.session.scalars(select(model))}
        return [rows[key] for key in keys]


def _by_keys(model: type, column, keys: list, taxonomy: TaxonomyRows | None = None) -> list:
    if not keys:
        return []
    if taxonomy is not None:
        return taxonomy.get(model, column, keys)
    found = {getattr(row, column.key): row for row in db.session.scalars(select(model).where(column.in_(keys)))}
    return [found[key] for key in keys]


def apply_entry_data(entry: m.Entry, ct: ContentType, clean: dict[str, Any],
                     taxonomy: TaxonomyRows | None = None) -> None:
    """Copy clean values onto ``entry``, except links to other entries (``apply_entry_links``).
    ``taxonomy`` (optional) serves the taxonomy rows from memory, for bulk imports."""
    entry.slug = clean["slug"]
    entry.status = clean["status"]
    for name in ("title", "summary", "body"):
        _set_bitext(entry, name, clean[name])
    entry.easy_read_sv = clean["easy_read"]
    entry.last_verified = clean["last_verified"]
    entry.themes = _by_keys(m.Theme, m.Theme.number, clean["themes"], taxonomy)
    entry.packages = _by_keys(m.CompetencePackage, m.CompetencePackage.code, clean["packages"], taxonomy)
    entry.counties = _by_keys(m.County, m.County.code, clean["counties"], taxonomy)
    entry.municipalities = _by_keys(m.Municipality, m.Municipality.code, clean["municipalities"], taxonomy)
    _apply_sources(entry, clean["sources"])
    for spec in ct.fields:
        value = clean[spec.name]
        if spec.kind == "bitext":
            _set_bitext(entry, spec.name, value)
        elif spec.kind == "taxonomy":
            setattr(entry, f"{spec.name}_slug", value)
        elif spec.kind == "taxonomy_list":
            setattr(entry, spec.name, _by_keys(spec.target, spec.target.slug, value, taxonomy))
        elif spec.kind == "contracts":
            _apply_contracts(entry, value)
        elif spec.kind != "entries":
            setattr(entry, spec.name, value if value is not None or spec.kind in ("int", "bool", "date") else "")


def _apply_contracts(entry: m.Entry, contracts: list[dict[str, Any]]) -> None:
    current = [c.as_data() for c in entry.contracts]
    wanted = [m.PublicContract(position=i, **c) for i, c in enumerate(contracts)]
    if current != [c.as_data() for c in wanted]:
        entry.contracts = wanted


def _apply_sources(entry: m.Entry, sources: list[dict[str, str]]) -> None:
    current = [(s.title, s.url) for s in entry.sources]
    wanted = [(s["title"], s["url"]) for s in sources]
    if current == wanted:
        return
    entry.sources = [m.Source(position=i, title=t, url=u) for i, (t, u) in enumerate(wanted)]


def apply_entry_links(entry: m.Entry, ct: ContentType, clean: dict[str, Any]) -> None:
    """Resolve links to other entries by slug; raise ``FieldError`` for a missing one."""
    for spec in ct.fields:
        if spec.kind != "entries":
            continue
        target = BY_KEY[spec.target_type]
        slugs = clean[spec.name]
        rows = {e.slug: e for e in db.session.scalars(
            select(target.model).where(target.model.slug.in_(slugs)))} if slugs else {}
        missing = [slug for slug in slugs if slug not in rows]
        if missing:
            raise FieldError(spec.name, _("unknown value %(value)s", value=missing[0]))
        setattr(entry, spec.name, [rows[slug] for slug in slugs])


# -- inserting new entries in bulk ---------------------------------------------------------

@lru_cache(maxsize=None)
def _secondary(model: type, name: str) -> tuple[Table, str, str]:
    """The link table of a many-to-many relationship: (table, column of this entry's id,
    column of the linked row's key)."""
    rel = model.__mapper__.relationships[name]
    ((_, own),) = rel.synchronize_pairs
    ((_, other),) = rel.secondary_synchronize_pairs
    return rel.secondary, own.key, other.key


@lru_cache(maxsize=None)
def _children(model: type, name: str) -> tuple[Table, str]:
    """The table of a one-to-many relationship and its column of the parent's id."""
    rel = model.__mapper__.relationships[name]
    ((_, own),) = rel.synchronize_pairs
    return rel.mapper.local_table, own.key


@lru_cache(maxsize=None)
def _column(model: type, attr: str):
    return model.__mapper__.columns[attr]


def insert_new_entries(items: list[tuple[ContentType, dict[str, Any]]]) -> list[int]:
    """Insert entries that are not yet in the database, with their taxonomy links, sources
    and contracts, as ``apply_entry_data`` and a flush would (same rows, same ids in the
    same order), but with a few Core INSERTs per table instead of the ORM's unit of work.
    Links to other entries are left to ``insert_new_entry_links``. Returns the new ids in
    the order of ``items``. No ORM events fire: the caller tells the search index."""
    if not items:
        return []
    entry_table: Table = m.Entry.__table__
    base_rows = []
    for ct, clean in items:
        base_rows.append({
            "type": ct.model.__mapper__.polymorphic_identity,
            "slug": clean["slug"],
            "status": clean["status"],
            **{f"{name}_{lang}": clean[name][lang] for name in ("title", "summary", "body") for lang in ("sv", "en")},
            "easy_read_sv": clean["easy_read"],
            "last_verified": clean["last_verified"],
        })
    # One statement for every type keeps the ids in file order, as the ORM's flush gives them.
    # created_at, updated_at and version come from the columns' defaults, per row.
    ids: dict[tuple[str, str], int] = {}
    for start in range(0, len(base_rows), 5000):
        result = db.session.execute(
            insert(entry_table).returning(entry_table.c.id, entry_table.c.type, entry_table.c.slug),
            base_rows[start:start + 5000])
        ids.update({(type_, slug): id_ for id_, type_, slug in result})
    new_ids = [ids[(row["type"], row["slug"])] for row in base_rows]

    sub_rows: dict[Table, list[dict]] = {}
    links: dict[Table, list[dict]] = {}
    children: dict[Table, list[dict]] = {}

    def link(model: type, name: str, entry_id: int, keys: list) -> None:
        table, own, other = _secondary(model, name)
        links.setdefault(table, []).extend({own: entry_id, other: key} for key in keys)

    def child(model: type, name: str, entry_id: int, rows: list[dict]) -> None:
        table, own = _children(model, name)
        children.setdefault(table, []).extend(
            {own: entry_id, "position": i, **row} for i, row in enumerate(rows))

    for (ct, clean), entry_id in zip(items, new_ids):
        model = ct.model
        row: dict[str, Any] = {"id": entry_id}
        for name in ("themes", "packages", "counties", "municipalities"):
            link(model, name, entry_id, clean[name])
        child(model, "sources", entry_id, [{"title": s["title"], "url": s["url"]} for s in clean["sources"]])
        for spec in ct.fields:
            value = clean[spec.name]
            if spec.kind == "bitext":
                row[_column(model, f"{spec.name}_sv").key] = value["sv"]
                row[_column(model, f"{spec.name}_en").key] = value["en"]
            elif spec.kind == "taxonomy":
                row[_column(model, f"{spec.name}_slug").key] = value
            elif spec.kind == "taxonomy_list":
                link(model, spec.name, entry_id, value)
            elif spec.kind == "contracts":
                child(model, spec.name, entry_id, value)
            elif spec.kind != "entries":
                row[_column(model, spec.name).key] = (
                    value if value is not None or spec.kind in ("int", "bool", "date") else "")
        sub_rows.setdefault(model.__table__, []).append(row)
    for groups in (sub_rows, links, children):
        for table, rows in groups.items():
            if rows:
                db.session.execute(insert(table), rows)
    return new_ids


def insert_new_entry_links(items: list[tuple[ContentType, dict[str, Any], int]]) -> dict[int, FieldError]:
    """Links to other entries (by slug) of entries inserted by ``insert_new_entries``:
    ``items`` are (type, clean data, id). Returns a ``FieldError`` per position in ``items``
    whose data names a missing entry (as ``apply_entry_links`` would raise); the others'
    links are inserted."""
    wanted: dict[str, set[str]] = {}
    for ct, clean, _id in items:
        for spec in ct.fields:
            if spec.kind == "entries" and clean[spec.name]:
                wanted.setdefault(spec.target_type, set()).update(clean[spec.name])
    found: dict[str, dict[str, int]] = {}
    for type_key, slugs in wanted.items():
        model, ordered = BY_KEY[type_key].model, sorted(slugs)
        found[type_key] = {}
        for start in range(0, len(ordered), 500):
            found[type_key].update(db.session.execute(
                select(model.slug, model.id).where(model.slug.in_(ordered[start:start + 500]))).all())
    errors: dict[int, FieldError] = {}
    rows: dict[Table, list[dict]] = {}
    for position, (ct, clean, entry_id) in enumerate(items):
        for spec in ct.fields:
            if spec.kind != "entries" or not clean[spec.name]:
                continue
            targets = found[spec.target_type]
            missing = [slug for slug in clean[spec.name] if slug not in targets]
            if missing:
                errors[position] = FieldError(spec.name, _("unknown value %(value)s", value=missing[0]))
                break
            table, own, other = _secondary(ct.model, spec.name)
            rows.setdefault(table, []).extend({own: entry_id, other: targets[slug]} for slug in clean[spec.name])
    if not errors:
        for table, table_rows in rows.items():
            db.session.execute(insert(table), table_rows)
    return errors


# -- model to plain data ------------------------------------------------------------------

def _bitext_out(entry: m.Entry, name: str) -> dict[str, str] | str:
    sv = getattr(entry, f"{name}_sv") or ""
    en = getattr(entry, f"{name}_en") or ""
    return {"sv": sv, "en": en} if en else {"sv": sv}


def entry_to_data(entry: m.Entry, ct: ContentType) -> dict[str, Any]:
    """The entry in the seed format (also the basis of the API's detail view)."""
    data: dict[str, Any] = {
        "slug": entry.slug,
        "status": entry.status,
        "title": _bitext_out(entry, "title"),
        "summary": _bitext_out(entry, "summary"),
    }
    if entry.body_sv or entry.body_en:
        data["body"] = _bitext_out(entry, "body")
    if entry.easy_read_sv:
        data["easy_read"] = entry.easy_read_sv
    # Sorted, so that the order of links never counts as a change.
    data["themes"] = sorted(t.number for t in entry.themes)
    data["packages"] = sorted(p.code for p in entry.packages)
    data["counties"] = sorted(c.code for c in entry.counties)
    data["municipalities"] = sorted(mu.code for mu in entry.municipalities)
    for spec in ct.fields:
        value = _field_out(entry, spec)
        if value not in (None, "", [], {"sv": ""}):
            data[spec.name] = value
    data["sources"] = [{"title": s.title, "url": s.url} for s in entry.sources]
    data["last_verified"] = entry.last_verified
    return data


def _field_out(entry: m.Entry, spec: Field) -> Any:
    if spec.kind == "bitext":
        return _bitext_out(entry, spec.name)
    if spec.kind == "taxonomy":
        return getattr(entry, f"{spec.name}_slug")
    if spec.kind == "taxonomy_list":
        return sorted(row.slug for row in getattr(entry, spec.name))
    if spec.kind == "entries":
        return sorted(row.slug for row in getattr(entry, spec.name))
    if spec.kind == "contracts":
        return [row.as_data() for row in getattr(entry, spec.name)]
    if spec.kind == "date":
        # As text, so that the API and revisions need no date handling.
        value = getattr(entry, spec.name)
        return value.isoformat() if value else None
    value = getattr(entry, spec.name)
    return list(value) if isinstance(value, list) else value
