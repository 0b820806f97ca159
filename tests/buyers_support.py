"""Helpers shared by the buyers test modules."""

from __future__ import annotations

from datetime import date, timedelta

TODAY = date(2026, 11, 29)
# The fictional cooperative's declared share: recent, so that pages (which use the real date)
# show it as current whenever the tests run.
DECLARED = date.today() - timedelta(days=100)


def english(app):
    """A request context in English, for messages the tests read."""
    return app.test_request_context(headers={"Accept-Language": "en"})


def fictional_suppliers(make_entry) -> dict[str, int]:
    """Four fictional enterprises: a cleaner in Eksjö serving the whole of Jönköpings län, a
    cleaner in Kalmar, a gardener in Vetlanda and a care cooperative in Växjö."""
    return {
        "eksjo": make_entry(
            "enterprise", slug="fiktiva-stadkooperativet-eksjo", title={"sv": "Fiktiva Städkooperativet i Eksjö"},
            municipalities=["0686"], counties=["06"], services=["cleaning"], reserved_contracts=True,
            reserved_share=45, reserved_share_declared_on=DECLARED.isoformat(), reserved_evidence="Personallista (fiktiv)",
            reserved_checked_by="Fiktiv rådgivare", lou_experience=True, tender_contact_name="Fiktiv Kontakt",
            tender_contact_email="anbud@fiktivt-exempel.se", tender_contact_phone="010-000 00 00",
            contracts=[{"buyer": "Fiktiva kommunen", "year": 2025, "service": "Lokalvård", "route": "reserved"}]),
        "kalmar": make_entry(
            "enterprise", slug="fiktiva-putsarna-kalmar", title={"sv": "Fiktiva Putsarna i Kalmar"},
            municipalities=["0880"], services=["cleaning"], reserved_contracts=False, lou_experience=True),
        "vetlanda": make_entry(
            "enterprise", slug="fiktiva-tradgarden-vetlanda", title={"sv": "Fiktiva Trädgården i Vetlanda"},
            municipalities=["0685"], services=["gardening"], reserved_contracts=True),
        "vaxjo": make_entry(
            "enterprise", slug="fiktiva-omsorgen-vaxjo", title={"sv": "Fiktiva Omsorgen i Växjö"},
            municipalities=["0780"], services=["care-assistance"], ideburen=True, lov_experience=True,
            reserved_contracts=True, reserved_share=20),
    }


def slugs(results) -> set[str]:
    return {e.slug for e in results.page.items}
