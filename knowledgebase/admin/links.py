"""Absolute links into the editorial area, for mail to advisers. Built here, beside the
routes they name, and handed to the services (which name no endpoint)."""

from __future__ import annotations

from knowledgebase.services.statistics.gaps import GapLinks
from knowledgebase.services.upkeep.reminders import AdviserLinks
from knowledgebase.urls import external_url


def changes_review_url(request_id: int) -> str:
    """Where an adviser reviews an enterprise's corrections sent with a confirmation link."""
    return external_url("admin.upkeep_changes", request_id=request_id)


def adviser_links() -> AdviserLinks:
    """The links of an adviser's digest."""
    return AdviserLinks(
        upkeep=external_url("admin.upkeep"),
        entry=lambda entry: external_url("admin.entry_detail", entry_id=entry.id),
        suggestion=lambda suggestion: external_url("admin.suggestion_detail", suggestion_id=suggestion.id),
    )




def gap_links() -> GapLinks:
    """Where an adviser acts on the statistics page's gaps: add an enterprise, or keep an
    entry current (ask its contact to confirm it, or confirm it)."""
    return GapLinks(
        new_enterprise=external_url("admin.entry_new", type_key="enterprise"),
        upkeep_entry=lambda entry_id: external_url("admin.upkeep_entry", entry_id=entry_id),
    )
