"""Forms of the programme follow-up in the adviser area: a programme with its targets, an
activity, attendance and head counts, a started network."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from knowledgebase.forms import REQUIRED, CheckboxesField, options
from knowledgebase.inputs import SLUG
from knowledgebase.models.programmes import METRICS
from knowledgebase.services.content import taxonomy
from knowledgebase.services.programmes.activities import ActivityValues
from knowledgebase.services.programmes.catalogue import MAX_TARGET
from knowledgebase.services.programmes.networks import NetworkValues
from knowledgebase.services.programmes.labels import ARRANGEMENT_LABELS, KIND_LABELS, STATUS_LABELS

# The counties a programme may cover: the four of the site (SCB codes).
COUNTIES = (("06", "Jönköpings län"), ("07", "Kronobergs län"), ("08", "Kalmar län"), ("09", "Gotlands län"))
PARTICIPANT_METRICS = tuple(metric for metric in METRICS if metric.startswith("participants_"))


def _target_number(label) -> IntegerField:
    return IntegerField(label, [Optional(), NumberRange(min=0, max=MAX_TARGET,
                                                        message=_l("Enter a whole number from 0 to 1000000."))])


class ProgrammeForm(FlaskForm):
    slug = StringField(_l("Address name (slug)"), [InputRequired(message=REQUIRED), Length(max=80),
                                                   Regexp(SLUG, message=_l("Use lower-case letters a-z, digits "
                                                                           "and hyphens."))],
                       description=_l("Part of the follow-up page's address, e.g. social-ekonomi-2027."))
    name_sv = StringField(_l("Name in Swedish"), [InputRequired(message=REQUIRED), Length(max=300)])
    name_en = StringField(_l("Name in English"), [Optional(), Length(max=300)])
    funder = StringField(_l("Funder"), [Optional(), Length(max=300)])
    starts_on = DateField(_l("Starts on"), [InputRequired(message=_l("Enter a date (YYYY-MM-DD)."))])
    ends_on = DateField(_l("Ends on"), [InputRequired(message=_l("Enter a date (YYYY-MM-DD)."))])
    counties = CheckboxesField(_l("Counties"), choices=options(COUNTIES))
    themes = CheckboxesField(_l("Themes"), choices=options((str(n), _l("Theme %(number)d", number=n))
                                                           for n in (1, 2, 3)))
    source_title = StringField(_l("Source of the targets"), [Optional(), Length(max=500)],
                               description=_l("The document that sets the targets, e.g. the project description."))
    source_url = StringField(_l("Web address of the source"), [Optional(), Length(max=1000)])
    networks_06 = _target_number(_l("Networks started in Jönköpings län"))
    networks_07 = _target_number(_l("Networks started in Kronobergs län"))
    networks_08 = _target_number(_l("Networks started in Kalmar län"))
    networks_09 = _target_number(_l("Networks started in Gotlands län"))
    organisations = _target_number(_l("Organisations in each municipality taking part in a new network"))
    participants_competence = _target_number(_l("Participants in competence development"))
    participants_competence_women = _target_number(_l("of whom women"))
    participants_competence_men = _target_number(_l("of whom men"))
    participants_training = _target_number(_l("Participants in courses and trainings"))
    participants_training_women = _target_number(_l("of whom women"))
    participants_training_men = _target_number(_l("of whom men"))
    participants_study_trip = _target_number(_l("Participants in study trips"))
    participants_study_trip_women = _target_number(_l("of whom women"))
    participants_study_trip_men = _target_number(_l("of whom men"))
    submit = SubmitField(_l("Save the programme"))

    def seed_data(self) -> dict:
        """The form's values in the seed format (``catalogue.clean_programme`` checks them)."""
        targets = []
        for code, _name in COUNTIES:
            number = self[f"networks_{code}"].data
            if number is not None:
                targets.append({"metric": "networks_started", "county": code, "number": number})
        if self.organisations.data is not None:
            targets.append({"metric": "network_organisations", "per_municipality": True,
                            "number": self.organisations.data})
        for metric in PARTICIPANT_METRICS:
            number = self[metric].data
            if number is None:
                continue
            target = {"metric": metric, "number": number}
            women, men = self[f"{metric}_women"].data, self[f"{metric}_men"].data
            if women is not None or men is not None:
                target.update(women=women, men=men)
            targets.append(target)
        return {"slug": self.slug.data, "name": {"sv": self.name_sv.data, "en": self.name_en.data or ""},
                "funder": self.funder.data or "", "starts_on": self.starts_on.data, "ends_on": self.ends_on.data,
                "counties": list(self.counties.data or []), "themes": [int(n) for n in self.themes.data or []],
                "source": {"title": self.source_title.data or "", "url": self.source_url.data or ""},
                "targets": targets}

    def fill_from(self, programme) -> None:
        """Show an existing programme's values."""
        for name in ("slug", "name_sv", "name_en", "funder", "starts_on", "ends_on", "source_title", "source_url"):
            self[name].data = getattr(programme, name)
        self.counties.data = list(programme.counties)
        self.themes.data = [str(n) for n in programme.themes]
        for target in programme.targets:
            if target.metric == "networks_started" and target.county_code in dict(COUNTIES):
                self[f"networks_{target.county_code}"].data = target.number
            elif target.metric == "network_organisations":
                self.organisations.data = target.number
            elif target.metric in PARTICIPANT_METRICS:
                self[target.metric].data = target.number
                self[f"{target.metric}_women"].data = target.women
                self[f"{target.metric}_men"].data = target.men



class ActivityForm(FlaskForm):
    """An activity of a programme; the lists of themes, packages and places are set per programme."""

    kind = SelectField(_l("Kind"), choices=options(KIND_LABELS.items()))
    status = SelectField(_l("Status"), choices=options(STATUS_LABELS.items()), default="planned")
    title_sv = StringField(_l("Title in Swedish"), [InputRequired(message=REQUIRED), Length(max=300)])
    title_en = StringField(_l("Title in English"), [Optional(), Length(max=300)])
    description_sv = TextAreaField(_l("Description in Swedish"), [Optional(), Length(max=5000)])
    description_en = TextAreaField(_l("Description in English"), [Optional(), Length(max=5000)])
    theme_number = SelectField(_l("Theme"), choices=[], validate_choice=True)
    package_code = SelectField(_l("Competence package"), choices=[], validate_choice=True)
    day = DateField(_l("Date"), [InputRequired(message=_l("Enter a date (YYYY-MM-DD)."))])
    starts = TimeField(_l("Starts at"), [InputRequired(message=_l("Enter a time (HH:MM)."))],
                       description=_l("Swedish time."))
    ends = TimeField(_l("Ends at"), [InputRequired(message=_l("Enter a time (HH:MM)."))],
                     description=_l("Swedish time."))
    municipality_code = SelectField(_l("Municipality"), choices=[], validate_choice=True)
    address = StringField(_l("Address"), [Optional(), Length(max=300)])
    online = BooleanField(_l("Online"))
    organiser = StringField(_l("Organiser"), [Optional(), Length(max=300)])
    arrangements = CheckboxesField(_l("Accessibility arrangements offered"), choices=options(ARRANGEMENT_LABELS.items()))
    capacity = IntegerField(_l("Places"), [Optional(), NumberRange(min=1, max=100_000,
                                                                   message=_l("Enter a whole number from 1 to 100000."))],
                            description=_l("Leave empty for no cap. When the places are taken, "
                                           "further registrations go on a waiting list."))
    registration = BooleanField(_l("Open for registration"), default=True)
    submit = SubmitField(_l("Save the activity"))

    def set_choices(self, programme, lang: str) -> None:
        """The themes, packages and municipalities that ``programme`` covers."""
        themes = [t for t in taxonomy.themes() if t.number in programme.themes]
        self.theme_number.choices = options([("", _l("No theme")), *((str(t.number), f"{t.number} {t.name(lang)}")
                                                                     for t in themes)])
        self.package_code.choices = options([("", _l("No competence package")),
                                             *((p.code, f"{p.code} {p.name(lang)}") for t in themes for p in t.packages)])
        places = [(mu.code, f"{mu.name} ({c.name})") for c in taxonomy.counties_with_municipalities()
                  if c.code in programme.counties for mu in c.municipalities]
        self.municipality_code.choices = options([("", _l("None (online)")), *places])

    def values(self) -> ActivityValues:
        """The form's values for ``activities.save_activity``."""
        return ActivityValues(
            self.kind.data, self.status.data, self.title_sv.data.strip(), (self.title_en.data or "").strip(),
            (self.description_sv.data or "").strip(), (self.description_en.data or "").strip(),
            int(self.theme_number.data) if self.theme_number.data else None, self.package_code.data or None,
            self.day.data, self.starts.data, self.ends.data, self.municipality_code.data or None,
            (self.address.data or "").strip(), bool(self.online.data), (self.organiser.data or "").strip(),
            list(self.arrangements.data or []), self.capacity.data, bool(self.registration.data))

    def fill_from(self, values: ActivityValues) -> None:
        for name in ("kind", "status", "title_sv", "title_en", "description_sv", "description_en", "day",
                     "starts", "ends", "address", "online", "organiser", "arrangements", "capacity",
                     "registration"):
            self[name].data = getattr(values, name)
        self.theme_number.data = str(values.theme_number or "")
        self.package_code.data = values.package_code or ""
        self.municipality_code.data = values.municipality_code or ""


class NetworkForm(FlaskForm):
    """A network the programme started."""

    name = StringField(_l("Name of the network"), [InputRequired(message=REQUIRED), Length(max=300)])
    started_on = DateField(_l("Started on"), [InputRequired(message=_l("Enter a date (YYYY-MM-DD)."))])
    county_code = SelectField(_l("County"), choices=options(COUNTIES))
    entry_slug = SelectField(_l("The network's entry in the directory"), choices=[], validate_choice=True,
                             description=_l("Publish an entry for the network first to link it here."))
    members = TextAreaField(_l("Member organisations"), [Optional(), Length(max=30_000)],
                            description=_l("One a line: the municipality, a colon and the organisation, "
                                           "e.g. “Kalmar: Fiktiva föreningen”."), render_kw={"rows": 8})
    submit = SubmitField(_l("Save the network"))

    def set_choices(self, programme, entries) -> None:
        self.county_code.choices = options((code, name) for code, name in COUNTIES if code in programme.counties)
        self.entry_slug.choices = options([("", _l("None")), *((e.slug, e.title_sv) for e in entries)])

    def values(self) -> NetworkValues:
        return NetworkValues(self.name.data.strip(), self.started_on.data, self.county_code.data,
                             self.entry_slug.data or "", self.members.data or "")

    def fill_from(self, values: NetworkValues) -> None:
        for name in ("name", "started_on", "county_code", "entry_slug", "members"):
            self[name].data = getattr(values, name)
