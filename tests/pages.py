"""The pages that the browser tests visit: one list that covers every template.

Later features add their pages here. ``{lang}`` is replaced by sv and en; ``{enterprise}`` and
the like by the slug of a published seeded entry of that type."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

from sqlalchemy import event, select

from knowledgebase import models as m
from knowledgebase.content_types import CONTENT_TYPES
from knowledgebase.extensions import db
from knowledgebase.services.procurement.shortlist_share import make_token

PUBLIC_PAGES: list[str] = [
    "/{lang}/",
    "/{lang}/themes/",
    "/{lang}/themes/1",
    "/{lang}/themes/3/1",
    "/{lang}/counties/",
    "/{lang}/counties/06",
    "/{lang}/municipalities/0685",
    *[f"/{{lang}}/{ct.path}/" for ct in CONTENT_TYPES],
    *[f"/{{lang}}/{ct.path}/{{{ct.key}}}" for ct in CONTENT_TYPES],
    "/{lang}/enterprises/?county=06&sort=updated",
    "/{lang}/easy-read",
    "/{lang}/glossary/{glossary}/easy-read",
    "/{lang}/accessibility",
    "/{lang}/whats-new",
    "/{lang}/whats-new?county=08",
    "/{lang}/search?q=kooperativ",
    "/{lang}/search?q=zzzzqqqq",
    "/{lang}/search",
    "/{lang}/no-such-page",
    "/{lang}/enterprises/?theme=banana",
    # Buyers (knowledgebase/public/buyer_views.py).
    "/{lang}/buyers",
    "/{lang}/buyers?service=90&serves=0685&reserved=1&experience=lou",
    "/{lang}/buyers?service=zzzzqqqq",
    "/{lang}/procurement/route-guide",
    "/{lang}/procurement/route-guide?value=3000000&service=cleaning&municipality=0685",
    "/{lang}/procurement/route-guide?value=500000&service=85000000",
    "/{lang}/procurement/route-guide?value=250000&currency=EUR&service=cleaning",
    "/{lang}/procurement/route-guide?value=lots&service=zzzz&municipality=9999",
    "/{lang}/shortlist",
    "/{lang}/shortlist?full=1",
    "/{lang}/shortlist/print?route=reserved",
    "/{lang}/enterprises/{enterprise}/capability",
    "/{lang}/enterprises/{enterprise}/eligibility",
    # Keeping it true (knowledgebase/public/upkeep_views.py).
    "/{lang}/enterprises/?fresh=1",
    "/{lang}/report-outdated?type=enterprise&slug={enterprise}",
    "/{lang}/alerts",
    "/{lang}/alerts?municipality=0685",
    "/{lang}/alerts/sent",
    "/{lang}/alerts/confirm/not-a-real-token",
    "/{lang}/confirm/done",
    # Suggestions, and links from e-mails that are wrong or used up.
    "/{lang}/suggest",
    "/{lang}/suggest?type=enterprise&slug={enterprise}",
    "/{lang}/suggest/thanks",
    "/{lang}/confirm/1/not-a-real-token",
    "/{lang}/unsubscribe/alert/1/not-a-real-token",
    # Open data (knowledgebase/public/info_views.py) and a shared shortlist (shortlist_views.py).
    "/{lang}/open-data",
    "/{lang}/open-data/api",
    "/{lang}/shortlist/shared/{shared_shortlist}?made=1",
    "/{lang}/shortlist/shared/{shared_shortlist}/print",
    # The programme's activities (knowledgebase/public/programme_views.py); an activity's own
    # page is in ADMIN_PAGES, on the app that prepare_admin_site gives an activity.
    "/{lang}/activities/",
    "/{lang}/activities/?county=08&theme=3&kind=study_trip",
    "/{lang}/registrations/1/cancel/not-a-real-token",
    # The map and the statistics (knowledgebase/public/statistics_views.py).
    "/{lang}/statistics",
    "/{lang}/?map=service%3Acleaning",  # written as the language links write it
    "/{lang}/counties/08?map=reserved",
    "/{lang}/counties/09?map=example",
    "/{lang}/buyers?map=network&service=90",
    # Buyers' needs (knowledgebase/public/need_views.py, need_answer_views.py); the pages of a
    # real need, reached through private links, are in ADMIN_PAGES (the seeded app has none).
    "/{lang}/needs",
    "/{lang}/needs?county=06&service=cleaning&deadline=2030-01-01",
    "/{lang}/needs/new",
    "/{lang}/needs/posted?value=400000&service=cleaning",
    "/{lang}/needs/confirm/not-a-real-token",
    "/{lang}/needs/answer/not-a-real-token",
    "/{lang}/needs/answered?question=1",
    "/{lang}/needs/outcome/not-a-real-token",
    "/{lang}/needs/outcome/done",
    "/{lang}/alerts?topic=needs",
    # Enterprises keeping their own entries (knowledgebase/public/manage_views.py); the pages of
    # a signed-in manager are in ADMIN_PAGES (prepare_admin_site makes the admin one).
    "/{lang}/enterprises/{enterprise}/claim",
    "/{lang}/enterprises/{enterprise}/claim/sent",
    "/{lang}/manage/sign-in",
    "/{lang}/manage/sign-in?signed_out=1",
    "/{lang}/manage/sign-in/sent",
    "/{lang}/manage/sign-in/not-a-real-token",
    "/{lang}/manage/",
]


def sample_slugs(app) -> dict[str, str]:
    """The first published slug of each content type (preferring one with an English text)."""
    with app.app_context():
        slugs = {}
        for ct in CONTENT_TYPES:
            query = select(ct.model.slug).where(ct.model.status == m.PUBLISHED).order_by(ct.model.slug)
            slugs[ct.key] = db.session.scalars(query).first()
        slugs["shared_shortlist"] = make_token([slugs["enterprise"]], app.config["SECRET_KEY"])
        return slugs


def expand(pages: list[str], app) -> list[str]:
    slugs = sample_slugs(app)
    return [page.format(lang=lang, **slugs) for page in pages for lang in ("sv", "en")]


MARKDOWN_TABLE = re.compile(r"^\s*\|[\s:|]*---", re.MULTILINE)


def entry_pages(app, tables_only: bool = False) -> list[str]:
    """Every published entry's page in both languages (or those whose text has a Markdown
    table): their texts, with long addresses and tables, are what a narrow screen trips on."""
    with app.app_context():
        pages = []
        for ct in CONTENT_TYPES:
            for entry in db.session.scalars(select(ct.model).where(ct.model.status == m.PUBLISHED)):
                if tables_only and not MARKDOWN_TABLE.search(f"{entry.body_sv}\n{entry.body_en}"):
                    continue
                pages += [f"/{lang}/{ct.path}/{entry.slug}" for lang in ("sv", "en")]
        return pages


# -- the editorial area ----------------------------------------------------------------------

# Seen by a signed-in administrator (who sees every page). ``{entry}`` is a published
# enterprise with a revision, ``{revision}`` that revision, ``{suggestion}`` a waiting
# correction, ``{request}`` a confirmation request with changes waiting, ``{new_type}`` each
# content type's key in turn.
ADMIN_PAGES: list[str] = [
    "/admin/",
    "/admin/entries/",
    "/admin/entries/?status=draft&type=enterprise",
    "/admin/entries/{entry}",
    "/admin/entries/{entry}/edit",
    "/admin/entries/{entry}/history",
    "/admin/entries/{entry}/compare?a={revision}&b=current",
    "/admin/entries/{entry}/delete",
    "/admin/entries/new",
    *[f"/admin/entries/new/{ct.key}" for ct in CONTENT_TYPES],
    "/admin/suggestions/",
    "/admin/suggestions/{suggestion}",
    "/admin/import",
    "/admin/import/sheet",
    "/admin/jobs/",
    "/admin/jobs/{job_done}",
    "/admin/jobs/{job_failed}",
    "/admin/users/",
    "/admin/audit/",
    "/admin/completeness",
    "/admin/upkeep",
    "/admin/upkeep/changes/{request}",
    "/admin/upkeep/entries/{entry}",
    "/admin/entries/999999",
    "/auth/password",
    # The programme's follow-up (knowledgebase/admin/programme_views.py, activity_views.py).
    "/admin/programmes/",
    "/admin/programmes/new",
    "/admin/programmes/social-ekonomi-for-okad-valfard/edit",
    "/admin/programmes/social-ekonomi-for-okad-valfard/activities",
    "/admin/programmes/social-ekonomi-for-okad-valfard/activities/new",
    "/admin/activities/{activity}",
    "/admin/activities/{activity}/edit",
    "/sv/activities/{activity}",
    "/en/activities/{activity}",
    "/sv/activities/{activity}/registered",
    "/en/activities/{activity}/registered?waiting=1",
    "/admin/programmes/social-ekonomi-for-okad-valfard/followup",
    "/admin/programmes/social-ekonomi-for-okad-valfard/networks",
    "/admin/programmes/social-ekonomi-for-okad-valfard/networks/new",
    "/sv/programmes/social-ekonomi-for-okad-valfard",
    "/en/programmes/social-ekonomi-for-okad-valfard",
    "/admin/people",
    "/admin/people?email=fiktiv.person1@exempel.se",
    # The statistics page with the gaps advisers act on.
    "/sv/statistics",
    "/en/statistics",
    # Buyers' needs: the queue, a need waiting and one sent, the impact page; and the public
    # pages of the sent need, with its private links ({need_page} and the like).
    "/admin/needs/",
    "/admin/needs/?status=all",
    "/admin/needs/{waiting_need}",
    "/admin/needs/{need}",
    "/admin/needs/impact",
    "/sv/needs/{need}",
    "/en/needs/{need}",
    "/sv/needs/buyer/{need_page}",
    "/en/needs/buyer/{need_page}",
    "/sv/needs/answer/{need_answer}",
    "/en/needs/outcome/{need_outcome}",
    # Enterprises' requests to manage their entries, and a manager's own pages (the admin is
    # signed in as a manager too; {manager_link} is a sign-in link not yet used).
    "/admin/claims/",
    "/admin/claims/?status=all",
    "/admin/claims/{claim}",
    "/admin/claims/{claim_approved}",
    "/sv/manage/",
    "/en/manage/",
    "/sv/manage/entries/{entry}",
    "/en/manage/entries/{entry}?saved=contact%2Creview",
    "/sv/manage/sign-in/{manager_link}",
]
# Seen without signing in.
ANONYMOUS_ADMIN_PAGES: list[str] = ["/auth/login", "/auth/login?next=/admin/users/"]


def prepare_admin_site(app, client) -> dict[str, int]:
    """Give a seeded ``app`` what every admin page needs, through ``client`` (signed in as an
    administrator, CSRF off) and the services: an edited enterprise, a waiting correction and a
    confirmation request with changes. Returns the ids that ``ADMIN_PAGES`` names."""
    from knowledgebase.services.curation import suggestions
    from tests.curation_support import edit_payload
    from tests.needs_support import needs_site
    from tests.upkeep_support import enterprise_changes

    slug = sample_slugs(app)["enterprise"]
    with app.app_context():
        entry = db.session.scalars(select(m.Enterprise).where(m.Enterprise.slug == slug)).one()
        entry_id = entry.id
    response = client.post(f"/admin/entries/{entry_id}/edit",
                           data=edit_payload(app, entry_id, note="Fiktiv ändring för testerna"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    changes = enterprise_changes(app)
    with app.app_context():
        entry = db.session.get(m.Entry, entry_id)
        suggestion = suggestions.create_suggestion("correction", "sv", entry, field="other",
                                                   message="Fiktivt förslag: telefonnumret är fel.")
        db.session.commit()
        revision = db.session.scalar(select(m.Revision.id).where(m.Revision.entry_id == entry_id)
                                     .order_by(m.Revision.number))
        # Finished jobs (a queued one's page reloads itself, which a page check cannot wait for).
        done = m.Job(kind="reindex", status="done", params={}, result={"summary": "3 poster indexerade."},
                     error="", worker="", progress_done=3, progress_total=3)
        failed = m.Job(kind="import", status="failed", params={"name": "fiktiv.yaml"}, worker="",
                       error="Vägrades: inget sparades", result={"errors": ["fiktiv.yaml: posten x, fältet slug: fel"]})
        db.session.add_all([done, failed])
        db.session.commit()
        ids = {"entry": entry_id, "revision": revision, "suggestion": suggestion.id,
               "request": changes["request"], "job_done": done.id, "job_failed": failed.id}
    ids.update(needs_site(app))
    ids.update(prepare_programme(app))
    ids.update(prepare_claims(app, client, entry_id))
    return ids


MANAGER_LINK = re.compile(r"/sv/manage/sign-in/([A-Za-z0-9_-]+)")


def prepare_claims(app, client, entry_id: int) -> dict[str, object]:
    """A waiting request to manage the enterprise ``entry_id`` and an approved one, whose
    fictional manager ``client`` is signed in as (beside the administrator); and a second
    sign-in link, not yet used (``manager_link``, the token)."""
    from knowledgebase.models.base import now_utc
    from knowledgebase.services.upkeep import claims, managers

    with app.app_context():
        entry = db.session.get(m.Entry, entry_id)
        admin = db.session.scalars(select(m.User).where(m.User.role == "admin")).first()
        waiting = claims.create_claim(entry, "Fiktiv Person 2", "fiktiv.person2@exempel.se", "",
                                      "Fiktiv fråga: jag arbetar där.", "sv", now_utc())
        approved = claims.create_claim(entry, "Fiktiv Ansvarig", "fiktiv.ansvarig@exempel.se", "Verksamhetsledare",
                                       "", "sv", now_utc())
        _grant, outgoing = claims.approve(approved, admin, now_utc())
        db.session.commit()
        first = MANAGER_LINK.search(outgoing.mail.text).group(0)
        ids = {"claim": waiting.id, "claim_approved": approved.id}
    assert client.post(first).status_code == 302
    with app.app_context():
        second = managers.prepare_sign_in("fiktiv.ansvarig@exempel.se", "sv", now_utc())
        db.session.commit()
        ids["manager_link"] = MANAGER_LINK.search(second.mail.text).group(1)
    return ids


def prepare_programme(app) -> dict[str, int]:
    """An upcoming study trip of the seeded programme, with a fictional registrant who needs
    a hearing loop."""
    from datetime import datetime, timezone

    from knowledgebase.services.programmes import registrations
    from tests.programme_support import add_activity

    from knowledgebase.services.programmes import catalogue, networks

    activity_id = add_activity(app)
    held_id = add_activity(app, status="held")
    with app.app_context():
        registrations.register(db.session.get(m.Activity, activity_id), registrations.Person(
            "Fiktiv Person 1", "fiktiv.person1@exempel.se", "Fiktiva organisationen", "public", "woman",
            "Hörselslinga"), "sv", datetime.now(timezone.utc))
        # A held trip with head counts (a group under five among them) and a started network,
        # so that the follow-up pages draw charts with numbers.
        registrations.set_head_counts(db.session.get(m.Activity, held_id), {
            ("public", "woman"): 7, ("private", "man"): 6, ("non_profit", "other"): 2})
        networks.save_network(catalogue.by_slug("social-ekonomi-for-okad-valfard"), networks.NetworkValues(
            "Fiktivt nätverk", datetime(2009, 10, 1).date(), "08", "", "Kalmar: Fiktiva föreningen"))
        db.session.commit()
    return {"activity": activity_id}


def expand_admin(pages: list[str], ids: dict[str, int]) -> list[str]:
    return [page.format(**ids) for page in pages]


@contextlib.contextmanager
def recorded_statements(app) -> Iterator[list[str]]:
    """Every SQL statement ``app``'s engine runs inside the block (for query counts)."""
    statements: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)
