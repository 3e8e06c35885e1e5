"""Forms of the archives app. Every form renders with crispy (FormHelper on each)."""

from __future__ import annotations

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from archives.models import (
    FocusEntry,
    FocusLevel,
    Instrument,
    ReportingWindow,
    Screening,
    ScreeningInstrument,
    TargetScope,
    VisitChannel,
    VisitTopic,
)
from archives.services import definition as definitions
from archives.services.library import build_definition
from archives.services.screenings import field_name
from archives.services.visits import NOTE_MAX_LENGTH
from archives.texts import localized
from counseling.enums import Channel, GuardianRelation
from counseling.forms import BoundedInputMixin
from counseling.models import ConcernCategory, Grade, SchoolClass, User
from counseling.roles import counselors
from counseling.validators import past_school_date, school_date
from counseling.widgets import DateInput, DateTimeLocalInput


def _helper(label, *, method: str = "post", name: str = "submit", css_id: str | None = None) -> FormHelper:
    """A helper with one submit button; ``css_id`` where two such forms share a page (ids are unique)."""
    helper = FormHelper()
    helper.form_method = method
    if label:
        helper.add_input(Submit(name, label, css_id=css_id))
    return helper


# Instruments ---------------------------------------------------------------------------------


class InstrumentImportForm(BoundedInputMixin, forms.Form):
    file = forms.FileField(
        label=_("Definition file"),
        help_text=_("A .json file in the instrument definition format (see the format description)."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Check and import"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > definitions.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 256 KB."))
        if not upload.name.lower().endswith(".json"):
            raise forms.ValidationError(_("Upload a .json file."))
        return upload


OPTION_LINE = re.compile(r"^\s*(-?\d{1,3})\s+(.+)$")
BAND_LINE = re.compile(r"^\s*(-?\d{1,4})\s*[-–~]\s*(-?\d{1,4})\s+(.+)$")


class QuestionnaireBuilderForm(BoundedInputMixin, forms.Form):
    """A simple questionnaire in one language: shared answer options, one question per line."""

    name = forms.CharField(label=_("Name"), max_length=200)
    code = forms.SlugField(
        label=_("Code"),
        max_length=40,
        help_text=_("A short unique code of lower-case letters, digits and “-”, e.g. “event-feedback”."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=[("zh-hans", "中文"), ("en", "English")])
    instructions = forms.CharField(label=_("Instructions"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    options = forms.CharField(
        label=_("Answer options"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One option per line, each starting with its score, e.g. “0 Never”. Without scores they are numbered 1, 2, 3 …"
        ),
    )
    items = forms.CharField(
        label=_("Questions"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One question per line. Start a line with [R] for a reverse-scored question, with [T] for a free-text question."
        ),
    )
    bands = forms.CharField(
        label=_("Result bands (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For a scored questionnaire: one band per line, e.g. “0-4 Low”. Leave empty for a questionnaire without scores."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Create questionnaire"))
        self.definition: dict | None = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        errors: list[str] = []
        options = []
        lines = [line.strip() for line in data["options"].splitlines() if line.strip()]
        numbered = [OPTION_LINE.match(line) for line in lines]
        if all(numbered):
            options = [(int(m.group(1)), m.group(2).strip()) for m in numbered]
        elif any(numbered) and data.get("bands", "").strip():
            errors.append(_("Give every answer option a score, or none of them."))
        else:
            options = [(index, line) for index, line in enumerate(lines, start=1)]
        items = []
        for line in data["items"].splitlines():
            line = line.strip()
            if not line:
                continue
            reverse = line.upper().startswith("[R]")
            text_item = line.upper().startswith("[T]")
            items.append((line[3:].strip() if reverse or text_item else line, text_item, reverse))
        bands = []
        for line in data.get("bands", "").splitlines():
            if not line.strip():
                continue
            match = BAND_LINE.match(line)
            if not match:
                errors.append(_("Band line “%(line)s” should look like “0-4 Low”.") % {"line": line.strip()[:40]})
                continue
            bands.append((int(match.group(1)), int(match.group(2)), match.group(3).strip()))
        if errors:
            raise forms.ValidationError(errors)
        try:
            self.definition = build_definition(
                code=data["code"],
                name=data["name"],
                instructions=data.get("instructions", ""),
                options=options,
                items=items,
                bands=bands,
                language=data["language"],
            )
        except definitions.DefinitionError as exc:
            raise forms.ValidationError(exc.errors) from exc
        return data


# Screenings ----------------------------------------------------------------------------------


class ScreeningForm(BoundedInputMixin, forms.ModelForm):
    instruments = forms.ModelMultipleChoiceField(
        label=_("Instruments"),
        queryset=Instrument.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Screening
        fields = [
            "title",
            "description",
            "scope",
            "grades",
            "classes",
            "opens_at",
            "closes_at",
            "is_anonymous",
            "show_bands",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "scope": forms.RadioSelect,
            "grades": forms.CheckboxSelectMultiple,
            "classes": forms.CheckboxSelectMultiple,
            "opens_at": DateTimeLocalInput(),
            "closes_at": DateTimeLocalInput(),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        instruments = list(Instrument.objects.active())
        self.fields["instruments"].queryset = Instrument.objects.active()
        self.fields["grades"].queryset = Grade.objects.all()
        self.fields["classes"].queryset = SchoolClass.objects.active().select_related("grade")
        self.fields["opens_at"].input_formats = ["%Y-%m-%dT%H:%M"]
        self.fields["closes_at"].input_formats = ["%Y-%m-%dT%H:%M"]
        current = {}
        if self.instance.pk:
            current = {part.instrument_id: part.warn_band for part in self.instance.parts.all()}
            self.fields["instruments"].initial = list(current)
        warn_names = []
        for instrument in instruments:
            if not instrument.bands:
                continue
            name = f"warn_{instrument.pk}"
            warn_names.append(name)
            default = instrument.definition["scoring"]["total"].get("warning_band") or ""
            self.fields[name] = forms.ChoiceField(
                label=_("%(instrument)s: warn from band") % {"instrument": instrument.short_name},
                choices=[("", _("No warning by total (critical items still warn)"))]
                + [(band["code"], localized(band["label"])) for band in instrument.bands],
                required=False,
                initial=current.get(instrument.pk, default),
            )
        self.helper = _helper(_("Save draft"))
        self.helper.layout = Layout(
            "title",
            "description",
            "instruments",
            *warn_names,
            "scope",
            "grades",
            Div("classes", css_class="columns-classes"),
            Div(Div("opens_at", css_class="col-sm-6"), Div("closes_at", css_class="col-sm-6"), css_class="row"),
            "is_anonymous",
            "show_bands",
        )

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The window must close after it opens."))
        if closes and closes <= timezone.now():
            self.add_error("closes_at", _("The closing time must be in the future."))
        scope = data.get("scope")
        if scope == TargetScope.GRADES and not data.get("grades"):
            self.add_error("grades", _("Choose at least one grade."))
        if scope == TargetScope.CLASSES and not data.get("classes"):
            self.add_error("classes", _("Choose at least one class."))
        return data

    def parts(self) -> list[tuple[Instrument, str]]:
        return [
            (instrument, self.cleaned_data.get(f"warn_{instrument.pk}", "") or "")
            for instrument in self.cleaned_data["instruments"]
        ]


class AnswerForm(BoundedInputMixin, forms.Form):
    """The questions of a screening's instruments; one radio list (or text box) per item.

    Fields are not required here: the service checks completeness and names every missing
    question at once, which a per-field "required" would not do as clearly. The template renders
    ``groups`` field by field with ``as_crispy_field``; texts from definitions never pass through
    a crispy layout (its HTML and legends are compiled as templates).
    """

    def __init__(self, parts: list[ScreeningInstrument], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.groups = []
        for part in parts:
            definition = part.instrument.definition
            names = []
            for number, item in enumerate(definition["items"], start=1):
                name = field_name(part, item["id"])
                label = f"{number}. {localized(item['text'])}"
                if item["type"] == "text":
                    field = forms.CharField(
                        label=label, required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
                    )
                else:
                    field = forms.ChoiceField(
                        label=label,
                        required=False,
                        choices=[(str(option["value"]), localized(option["label"])) for option in item["options"]],
                        widget=forms.RadioSelect,
                    )
                self.fields[name] = field
                names.append(name)
            self.groups.append(
                {
                    "part": part,
                    "title": part.instrument.short_name,
                    "instructions": localized(definition.get("instructions")),
                    "names": names,
                }
            )

    def grouped_fields(self) -> list[dict]:
        return [{**group, "fields": [self[name] for name in group["names"]]} for group in self.groups]


class PaperLookupForm(BoundedInputMixin, forms.Form):
    number = forms.CharField(label=_("Student number"), max_length=30)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Find the student"), method="get", name="find")


# Warnings ------------------------------------------------------------------------------------


class ContactedForm(BoundedInputMixin, forms.Form):
    note = forms.CharField(
        label=_("Note (how and when you talked with the student)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Mark as contacted"), css_id="submit-contacted")


class DismissForm(BoundedInputMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why this warning needs no follow-up"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Dismiss the warning"), css_id="submit-dismiss")


class ReassignForm(BoundedInputMixin, forms.Form):
    counselor = forms.ModelChoiceField(label=_("Hand over to"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["counselor"].queryset = counselors()
        self.helper = _helper(_("Hand over"))


# Focus list ----------------------------------------------------------------------------------


class FocusEntryForm(BoundedInputMixin, forms.ModelForm):
    class Meta:
        model = FocusEntry
        fields = ["level", "category", "teacher_request", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ConcernCategory.objects.active()
        self.helper = _helper(_("Save"))


class FocusReviewForm(BoundedInputMixin, forms.Form):
    END = "end"
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [
            (value, _("Keep on the list: %(level)s") % {"level": label}) for value, label in FocusLevel.choices
        ] + [(self.END, _("Remove from the list"))]
        self.helper = _helper(_("Record the review"))

    @property
    def level(self) -> str | None:
        decision = self.cleaned_data["decision"]
        return None if decision == self.END else decision


class ClassLogForm(BoundedInputMixin, forms.Form):
    entry = forms.ModelChoiceField(label=_("Pupil"), queryset=FocusEntry.objects.none(), empty_label=None)
    date = forms.DateField(label=_("Date"), widget=DateInput(), initial=timezone.localdate)
    channel = forms.ChoiceField(label=_("How"), choices=Channel.choices)
    text = forms.CharField(label=_("What happened"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    is_concern = forms.BooleanField(
        label=_("Needs the counseling office's attention"),
        required=False,
        help_text=_("Tick this and the counseling office is told at once that you are worried about this pupil."),
    )

    def __init__(self, entries, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = entries
        self.fields["entry"].label_from_instance = lambda entry: entry.student.get_full_name()
        self.helper = _helper(_("Add to my log"))


# Zero report ---------------------------------------------------------------------------------


class ReportingWindowForm(BoundedInputMixin, forms.ModelForm):
    class Meta:
        model = ReportingWindow
        fields = ["title", "opens_on", "closes_on"]
        widgets = {"opens_on": DateInput(), "closes_on": DateInput()}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Open the window"))

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("The window must close on or after the day it opens."))
        return data


class ZeroReportForm(BoundedInputMixin, forms.Form):
    nothing_to_report = forms.BooleanField(label=_("Nothing to report in my class"), required=False)
    incident_count = forms.IntegerField(label=_("Students concerned"), min_value=0, max_value=100, required=False)
    incidents = forms.CharField(
        label=_("Incidents"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What happened, when, and what was done."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("File the report"))


# Grade counselors ----------------------------------------------------------------------------


class GradeCounselorForm(BoundedInputMixin, forms.Form):
    def __init__(self, grades, current: dict[int, int], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        staff = counselors()
        for grade in grades:
            self.fields[f"grade_{grade.pk}"] = forms.ModelChoiceField(
                label=str(grade),
                queryset=staff,
                required=False,
                initial=current.get(grade.pk),
                empty_label=_("— duty counselor —"),
            )
        self.helper = _helper(_("Save"))


# Home visits ---------------------------------------------------------------------------------


class VisitPlanForm(BoundedInputMixin, forms.Form):
    planned_for = forms.DateField(label=_("Planned for"), widget=DateInput(), validators=school_date())
    channel = forms.ChoiceField(label=_("How"), choices=VisitChannel.choices, initial=VisitChannel.HOME)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Plan the visit"))


class VisitRecordForm(BoundedInputMixin, forms.Form):
    visited_on = forms.DateField(
        label=_("Visited on"), widget=DateInput(), initial=timezone.localdate, validators=past_school_date()
    )
    channel = forms.ChoiceField(label=_("How"), choices=VisitChannel.choices, initial=VisitChannel.HOME)
    met = forms.ChoiceField(label=_("Who was met"), choices=GuardianRelation.choices)
    met_other = forms.CharField(
        label=_("Who else was met"),
        max_length=100,
        required=False,
        help_text=_("Needed when you met another guardian; e.g. “aunt” or “both parents”."),
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"), choices=VisitTopic.choices, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Short; read by you, the counselors and the head counselor, never by school leaders."),
    )

    def __init__(self, *args, submit=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(submit or _("Record the visit"))

    def clean(self):
        data = super().clean()
        if data.get("met") == GuardianRelation.OTHER and not (data.get("met_other") or "").strip():
            self.add_error("met_other", _("Say whom you met."))
        return data
