"""The figures of the statistics page and ``/api/v1/statistics``: each a titled list of
labelled numbers, counted with grouped queries (a fixed number, whatever the number of
entries). The page draws them with ``knowledgebase.charts``; the API and the CSV downloads
read the same ``Figure``.

Only published entries count. An enterprise "in" a county is linked to the county or to one of
its municipalities (as on the county pages); "in" a municipality names it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import case, func, select, union

from knowledgebase import freshness
from knowledgebase import models as m
from knowledgebase.content_types import CONTENT_TYPES
from knowledgebase.extensions import db
from knowledgebase.models.needs import need_municipality
from knowledgebase.models.entries import (
    enterprise_service,
    enterprise_target_group,
    entry_county,
    entry_municipality,
    entry_package,
    entry_theme,
)
from knowledgebase.services.content.taxonomy import REGION_COUNTIES
from knowledgebase.services.procurement.buyers import reserved_clause


@dataclass(frozen=True)
class FigureRow:
    """A labelled number; ``parts`` splits it by series key; ``ref`` names what the label is
    ("county", "06"), for the view to link (services name no endpoint)."""

    key: str
    label: str
    value: float
    parts: dict[str, float] | None = None
    ref: tuple[str, str] | None = None


@dataclass(frozen=True)
class Figure:
    """One figure: ``key`` names it in URLs and files; ``unit`` is "" (a count) or "%";
    ``series`` (key, label) splits each row."""

    key: str
    title: str
    description: str
    label_heading: str
    value_heading: str
    rows: list[FigureRow]
    unit: str = ""
    series: list[tuple[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The figure as plain data (for JSON)."""
        return {"key": self.key, "title": self.title, "description": self.description, "unit": self.unit,
                "series": [{"key": k, "label": label} for k, label in self.series],
                "rows": [{"key": r.key, "label": r.label, "value": r.value,
                          **({"parts": r.parts} if r.parts is not None else {})} for r in self.rows]}


def entry_county_links():
    """(entry_id, county) for every entry linked to a county or to a municipality in it."""
    return union(
        select(entry_county.c.entry_id, entry_county.c.county_key.label("county")),
        select(entry_municipality.c.entry_id, m.Municipality.county_code.label("county"))
        .join(m.Municipality, m.Municipality.code == entry_municipality.c.municipality_key),
    ).subquery()


def _region_counties() -> list[m.County]:
    return list(db.session.scalars(select(m.County).where(m.County.code.in_(REGION_COUNTIES)).order_by(m.County.code)))


def enterprises_per_county(counties: list[m.County]) -> Figure:
    """Published enterprises per county of the region."""
    link = entry_county_links()
    counts = dict(db.session.execute(
        select(link.c.county, func.count(func.distinct(m.Enterprise.id)))
        .join(m.Enterprise, m.Enterprise.id == link.c.entry_id)
        .where(m.Enterprise.status == m.PUBLISHED, link.c.county.in_(REGION_COUNTIES))
        .group_by(link.c.county)).all())
    return Figure("enterprises-per-county", _("Social enterprises per county"),
                  _("Published enterprises linked to the county or to one of its municipalities."),
                  _("County"), _("Enterprises"),
                  [FigureRow(c.code, c.name, counts.get(c.code, 0), ref=("county", c.code)) for c in counties])


def reserved_per_county(counties: list[m.County]) -> Figure:
    """Published enterprises able to take reserved contracts (LOU 4 kap. 18 §), per county."""
    link = entry_county_links()
    counts = dict(db.session.execute(
        select(link.c.county, func.count(func.distinct(m.Enterprise.id)))
        .join(m.Enterprise, m.Enterprise.id == link.c.entry_id)
        .where(m.Enterprise.status == m.PUBLISHED, reserved_clause(), link.c.county.in_(REGION_COUNTIES))
        .group_by(link.c.county)).all())
    return Figure("reserved-per-county", _("Enterprises able to take reserved contracts"),
                  _("Published enterprises that state they can take reserved contracts (LOU 4 kap. 18 §) "
                    "and whose declared share of workers does not say otherwise, per county."),
                  _("County"), _("Enterprises"),
                  [FigureRow(c.code, c.name, counts.get(c.code, 0), ref=("county", c.code)) for c in counties])


def enterprises_per_municipality(counties: list[m.County]) -> Figure:
    """Published enterprises per municipality of the region (those naming it)."""
    link = entry_municipality
    counts = dict(db.session.execute(
        select(link.c.municipality_key, func.count(func.distinct(m.Enterprise.id)))
        .join(m.Enterprise, m.Enterprise.id == link.c.entry_id)
        .where(m.Enterprise.status == m.PUBLISHED).group_by(link.c.municipality_key)).all())
    municipalities = db.session.scalars(select(m.Municipality).where(m.Municipality.county_code.in_(REGION_COUNTIES))
                                        .order_by(m.Municipality.county_code, m.Municipality.name))
    return Figure("enterprises-per-municipality", _("Social enterprises per municipality"),
                  _("Published enterprises that name the municipality; an enterprise naming several counts in each."),
                  _("Municipality"), _("Enterprises"),
                  [FigureRow(mu.code, mu.name, counts.get(mu.code, 0), ref=("municipality", mu.code))
                   for mu in municipalities])


def _per_vocabulary(key: str, title: str, description: str, heading: str, model, link, locale: str,
                    ref_kind: str | None = None) -> Figure:
    """Published enterprises per value of a vocabulary (``link``: the enterprise's link table),
    every value listed, most first."""
    counts = dict(db.session.execute(
        select(link.c[f"{model.__tablename__}_key"], func.count(func.distinct(m.Enterprise.id)))
        .join(m.Enterprise, m.Enterprise.id == link.c.entry_id)
        .where(m.Enterprise.status == m.PUBLISHED).group_by(link.c[f"{model.__tablename__}_key"])).all())
    rows = [FigureRow(row.slug, row.name(locale), counts.get(row.slug, 0),
                      ref=(ref_kind, row.slug) if ref_kind else None) for row in db.session.scalars(select(model))]
    rows.sort(key=lambda r: (-r.value, r.label))
    return Figure(key, title, description, heading, _("Enterprises"), rows)


def enterprises_per_service(locale: str) -> Figure:
    return _per_vocabulary("enterprises-per-service", _("Social enterprises per service"),
                           _("Published enterprises offering each service category; an enterprise can offer several."),
                           _("Service"), m.ServiceCategory, enterprise_service, locale, "service")


def enterprises_per_target_group(locale: str) -> Figure:
    return _per_vocabulary("enterprises-per-target-group", _("Social enterprises per target group"),
                           _("Published enterprises working with each target group; an enterprise can name several."),
                           _("Target group"), m.TargetGroup, enterprise_target_group, locale)


def enterprises_by_legal_form(locale: str) -> Figure:
    """Published enterprises by legal form, those without one stated last."""
    counts = dict(db.session.execute(
        select(m.Enterprise.legal_form_slug, func.count(m.Enterprise.id))
        .where(m.Enterprise.status == m.PUBLISHED).group_by(m.Enterprise.legal_form_slug)).all())
    rows = [FigureRow(form.slug, form.name(locale), counts.get(form.slug, 0))
            for form in db.session.scalars(select(m.LegalForm))]
    rows.sort(key=lambda r: (-r.value, r.label))
    rows.append(FigureRow("", _("Not stated"), counts.get(None, 0)))
    return Figure("enterprises-by-legal-form", _("Social enterprises by legal form"),
                  _("Published enterprises by the legal form they are registered in."),
                  _("Legal form"), _("Enterprises"), rows)


def _type_series() -> list[tuple[str, str]]:
    return [(ct.key, str(ct.plural)) for ct in CONTENT_TYPES]


def _types_per(key_column, entry_column) -> dict[object, dict[str, int]]:
    """Published entries of each type per key of a link table (one grouped query)."""
    counts: dict[object, dict[str, int]] = {}
    for key, type_key, count in db.session.execute(
            select(key_column, m.Entry.type, func.count(m.Entry.id)).join(m.Entry, m.Entry.id == entry_column)
            .where(m.Entry.status == m.PUBLISHED).group_by(key_column, m.Entry.type)):
        counts.setdefault(key, {})[type_key] = count
    return counts


def _split_row(key: str, label: str, counts: dict[str, int], ref: tuple[str, str]) -> FigureRow:
    parts = {type_key: counts.get(type_key, 0) for type_key, _label in _type_series()}
    return FigureRow(key, label, sum(parts.values()), parts, ref)


def entries_per_theme(locale: str) -> Figure:
    """Published entries of each type per theme."""
    counts = _types_per(entry_theme.c.theme_key, entry_theme.c.entry_id)
    rows = [_split_row(str(theme.number), _("Theme %(number)s", number=theme.number) + ": " + theme.name(locale),
                       counts.get(theme.number, {}), ("theme", str(theme.number)))
            for theme in db.session.scalars(select(m.Theme).order_by(m.Theme.number))]
    return Figure("entries-per-theme", _("Entries per theme"),
                  _("Published entries of each type tagged with the theme; an entry can carry several themes."),
                  _("Theme"), _("Entries"), rows, series=_type_series())


def entries_per_package(locale: str) -> Figure:
    """Published entries of each type per competence package."""
    counts = _types_per(entry_package.c.competence_package_key, entry_package.c.entry_id)
    rows = [_split_row(package.code, f"{package.code} {package.name(locale)}", counts.get(package.code, {}),
                       ("package", package.code))
            for package in db.session.scalars(select(m.CompetencePackage).order_by(
                m.CompetencePackage.theme_number, m.CompetencePackage.number))]
    return Figure("entries-per-package", _("Entries per competence package"),
                  _("Published entries of each type tagged with the competence package."),
                  _("Competence package"), _("Entries"), rows, series=_type_series())


def currency_per_county(counties: list[m.County], today: date | None = None) -> Figure:
    """The share of published enterprises confirmed as a whole within the shelf life, per
    county and for the region (see ``knowledgebase.freshness``)."""
    months = freshness.shelf_life_months()
    cutoff = freshness.months_before(today or date.today(), months)
    fresh = freshness.fresh_clause(m.Enterprise, cutoff)
    link = entry_county_links()
    per_county = {county: (total, confirmed) for county, total, confirmed in db.session.execute(
        select(link.c.county, func.count(func.distinct(m.Enterprise.id)),
               func.count(func.distinct(case((fresh, m.Enterprise.id)))))
        .join(m.Enterprise, m.Enterprise.id == link.c.entry_id)
        .where(m.Enterprise.status == m.PUBLISHED, link.c.county.in_(REGION_COUNTIES))
        .group_by(link.c.county))}
    region = db.session.execute(
        select(func.count(m.Enterprise.id), func.count(case((fresh, m.Enterprise.id))))
        .where(m.Enterprise.status == m.PUBLISHED, m.Enterprise.id.in_(select(link.c.entry_id).where(
            link.c.county.in_(REGION_COUNTIES))))).one()

    def row(key: str, label: str, total: int, confirmed: int, ref=None) -> FigureRow:
        share = round(100 * confirmed / total) if total else 0
        return FigureRow(key, label, share, {"confirmed": confirmed, "total": total}, ref)

    rows = [row(c.code, c.name, *per_county.get(c.code, (0, 0)), ref=("county", c.code)) for c in counties]
    rows.append(row("region", _("The whole region"), *region))
    return Figure("currency-per-county", _("How current the directory is"),
                  _("Share of published enterprises confirmed as a whole in the last %(months)s months, per county.",
                    months=months),
                  _("County"), _("Share confirmed (%)"), rows, unit="%")


def needs_per_county(counties: list[m.County]) -> list[Figure]:
    """Buyers' needs (confirmed by the buyer) per county of delivery, and those that led to a
    contract with a social enterprise; one grouped query."""
    need_id = m.Need.id
    rows = db.session.execute(
        select(m.Municipality.county_code, func.count(func.distinct(need_id)),
               func.count(func.distinct(case((m.Need.awarded.is_(True), need_id)))))
        .join(need_municipality, need_municipality.c.need_id == need_id)
        .join(m.Municipality, m.Municipality.code == need_municipality.c.municipality_code)
        .where(m.Need.status != "unconfirmed").group_by(m.Municipality.county_code)).all()
    posted = {code: count for code, count, _awarded in rows}
    awarded = {code: count for code, _count, count in rows}
    return [
        Figure("needs-per-county", _("Buyers' needs per county"),
               _("Needs that buyers described and confirmed, by the county where they are to be delivered; "
                 "a need in several counties counts in each."), _("County"), _("Needs"),
               [FigureRow(c.code, c.name, posted.get(c.code, 0), ref=("county", c.code)) for c in counties]),
        Figure("needs-awarded-per-county", _("Needs that led to a contract with a social enterprise"),
               _("Needs whose buyer, or an adviser, reported a contract with a social enterprise, by county."),
               _("County"), _("Needs"),
               [FigureRow(c.code, c.name, awarded.get(c.code, 0), ref=("county", c.code)) for c in counties]),
    ]


def follow_up_figures(locale: str, counties: list[m.County]) -> list[Figure]:
    """Figures of the parts built on the directory, in the order they are shown: the buyers'
    needs (the programme follow-up has its own page per programme)."""
    return needs_per_county(counties)


def all_figures(locale: str, today: date | None = None) -> list[Figure]:
    """Every figure of the statistics page, in the order shown."""
    counties = _region_counties()
    return [
        enterprises_per_county(counties),
        enterprises_per_municipality(counties),
        enterprises_per_service(locale),
        enterprises_per_target_group(locale),
        reserved_per_county(counties),
        enterprises_by_legal_form(locale),
        entries_per_theme(locale),
        entries_per_package(locale),
        currency_per_county(counties, today),
        *follow_up_figures(locale, counties),
    ]


def figure(key: str, locale: str) -> Figure | None:
    """One figure by its key (for its CSV), or None."""
    return next((one for one in all_figures(locale) if one.key == key), None)


def csv_rows(one: Figure) -> list[list[str]]:
    """A figure as CSV rows: a header, then each row's label, parts and value."""
    header = [one.label_heading, *(label for _k, label in one.series), one.value_heading]
    if one.unit == "%":
        header[1:1] = [_("Confirmed"), _("Total")]
    rows = [header]
    for r in one.rows:
        parts = [str((r.parts or {}).get(k, 0)) for k, _label in one.series]
        extra = [str(r.parts["confirmed"]), str(r.parts["total"])] if one.unit == "%" else []
        rows.append([r.label, *extra, *parts, _number(r.value)])
    return rows


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)

