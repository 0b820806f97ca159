"""Absolute addresses of the site. They are always built under the configured public base
URL (``KB_BASE_URL``), never from the request's ``Host`` header, which a client chooses: the
API, the feeds, the pages' language alternates and the e-mails all link to the real site."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request


def external_url(endpoint: str, **values: object) -> str:
    """An absolute URL of ``endpoint`` under BASE_URL (works outside a request too, as for
    mail sent from the command line). Pass every value the route needs, ``lang`` included."""
    base = urlsplit(current_app.config["BASE_URL"].rstrip("/"))
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


# The public pages that mail links to, named here once so that the services that write the
# mail name no route.

def entry_page_url(entry, lang: str) -> str:
    """An entry's public page."""
    return external_url("public.entry_detail", lang=lang, type_key=entry.type, slug=entry.slug)


def entry_list_url(type_key: str, lang: str) -> str:
    """A content type's list page (the glossary's is the set its terms belong to)."""
    return external_url("public.entry_list", lang=lang, type_key=type_key)


def confirmation_url(entry_id: int, token: str, lang: str) -> str:
    """The page where an enterprise's contact confirms or corrects its entry."""
    return external_url("public.confirm_entry", lang=lang, entry_id=entry_id, token=token)


def manager_sign_in_url(token: str, lang: str) -> str:
    """The one-time link that signs an entry's manager in (services.upkeep.managers)."""
    return external_url("public.manage_sign_in_link", lang=lang, token=token)


def alert_confirmation_url(token: str, lang: str) -> str:
    """The page that confirms a new alert subscription."""
    return external_url("public.alerts_confirm", lang=lang, token=token)


def unsubscribe_page_url(kind: str, row_id: int, token: str, lang: str) -> str:
    """The page that ends a subscription (alerts, reminders, digests)."""
    return external_url("public.unsubscribe", lang=lang, kind=kind, row_id=row_id, token=token)


def absolute_url(path: str) -> str:
    """``path`` (from ``url_for``) as an absolute URL under BASE_URL: search engines want
    hreflang alternates absolute, and the host a request arrived by (an internal name, a
    proxy) is not necessarily the public one. BASE_URL already holds any prefix the site is
    mounted under, so the request's own is taken off first."""
    root = request.script_root if has_request_context() else ""
    if root and path.startswith(root + "/"):
        path = path[len(root):]
    return current_app.config["BASE_URL"].rstrip("/") + path


def base_host(base_url: str) -> str:
    """The host (and port) of a base URL, as a Host header names it."""
    return urlsplit(base_url).netloc


# Buyers' needs (services.procurement.needs and its neighbours).

def need_confirmation_url(token: str, lang: str) -> str:
    """The page where a buyer confirms the e-mail address of a new need."""
    return external_url("public.need_confirm", lang=lang, token=token)


def need_answer_url(token: str, lang: str) -> str:
    """The page where a matched enterprise answers a need."""
    return external_url("public.need_answer", lang=lang, token=token)


def need_buyer_url(token: str, lang: str) -> str:
    """The buyer's private page of answers to a need."""
    return external_url("public.need_buyer_page", lang=lang, token=token)


def need_outcome_url(token: str, lang: str) -> str:
    """The page where a buyer says what came of a need."""
    return external_url("public.need_outcome_page", lang=lang, token=token)


def need_page_url(need_id: int, lang: str) -> str:
    """A public need's page."""
    return external_url("public.need_detail", lang=lang, need_id=need_id)


# The programme's activities.

def activity_page_url(activity_id: int, lang: str) -> str:
    """An activity's public page (where people register)."""
    return external_url("public.activity_detail", lang=lang, activity_id=activity_id)


def registration_cancel_url(registration_id: int, token: str, lang: str) -> str:
    """The page where a registrant cancels, from the confirmation mail."""
    return external_url("public.registration_cancel", lang=lang, registration_id=registration_id, token=token)
