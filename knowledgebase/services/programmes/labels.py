"""The names of the programme vocabularies, for pages, forms and exports (lazy: translated
when shown)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

METRIC_LABELS = {
    "networks_started": _l("Networks started for the social economy"),
    "network_organisations": _l("Organisations in each municipality taking part in a new network"),
    "participants_competence": _l("Participants in competence development"),
    "participants_training": _l("Participants in courses and trainings"),
    "participants_study_trip": _l("Participants in study trips"),
}
KIND_LABELS = {
    "seminar": _l("Seminar"),
    "course": _l("Course or training"),
    "study_trip": _l("Study trip"),
    "network_meeting": _l("Network meeting"),
}
STATUS_LABELS = {"planned": _l("Planned"), "held": _l("Held"), "cancelled": _l("Cancelled")}
ARRANGEMENT_LABELS = {
    "easy_read": _l("Easy-to-read material"),
    "hearing_loop": _l("Hearing loop"),
    "sign_language": _l("Sign-language interpreter"),
    "braille": _l("Braille"),
    "smoke_free": _l("Smoke-free premises"),
}
SECTOR_LABELS = {"public": _l("Public sector"), "private": _l("Private sector"),
                 "non_profit": _l("Non-profit sector")}
GENDER_LABELS = {"woman": _l("Woman"), "man": _l("Man"), "another": _l("Another gender"),
                 "not_stated": _l("Not stated")}
COUNT_GENDER_LABELS = {"woman": _l("Women"), "man": _l("Men"), "other": _l("Another or not stated")}
REGISTRATION_STATUS_LABELS = {"registered": _l("Registered"), "waiting": _l("On the waiting list"),
                              "cancelled": _l("Cancelled")}
