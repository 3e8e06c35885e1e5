"""Forms of the campaigns app. They parse input; the rules live in campaigns.services."""

from __future__ import annotations

import datetime
import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.blueprints import BLUEPRINTS, get_blueprint
from campaigns.models import Campaign, Contest, Event, RequiredReport, Summary, Task, Venue
from campaigns.services import files
from counseling.forms import BoundedInputMixin
from counseling.models import Grade
from counseling.roles import users_with_perm
from counseling.widgets import DateInput, DateTimeLocalInput

DATE = DateInput()
DATETIME = DateTimeLocalInput()


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.get_full_name()} ({obj.get_role_display()})"


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.get_full_name()} ({obj.get_role_display()})"


class HelperMixin:
    submit_label = _("Save")

    def setup_helper(self) -> None:
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))


class BlueprintForm(BoundedInputMixin, HelperMixin, forms.Form):
    """Start a campaign from one of the shipped templates."""

    submit_label = _("Create draft")

    blueprint = forms.ChoiceField(label=_("Template"), widget=forms.RadioSelect)
    start_date = forms.DateField(label=_("First day"), widget=DATE)
    title = forms.CharField(
        label=_("Title"), max_length=120, required=False, help_text=_("Leave empty to use the template's name.")
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["blueprint"].choices = [
            (blueprint.code, f"{blueprint.name} — {blueprint.description}") for blueprint in BLUEPRINTS
        ]
        self.setup_helper()

    def clean_start_date(self) -> datetime.date:
        return not_in_the_past(self.cleaned_data["start_date"])

    def weekend_days(self) -> list[datetime.date]:
        """The days of the template's events that fall on a Saturday or Sunday (to warn about, not refuse:
        the 5·25 week is often started on 25 May itself, whatever weekday it is)."""
        blueprint, start = get_blueprint(self.cleaned_data.get("blueprint") or ""), self.cleaned_data.get("start_date")
        if blueprint is None or start is None:
            return []
        days = sorted({start + datetime.timedelta(days=spec.day) for spec in blueprint.events})
        return [day for day in days if day.weekday() >= 5]


def not_in_the_past(day: datetime.date) -> datetime.date:
    """A new campaign's first day: today or later (a campaign planned in the past is a typing error)."""
    if day < timezone.localdate():
        raise forms.ValidationError(_("A new campaign cannot start in the past."), code="start_in_past")
    return day


class CampaignForm(BoundedInputMixin, HelperMixin, forms.ModelForm):
    organisers = PersonChoiceField(
        label=_("Organisers"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Organisers edit the campaign. You stay one when you create it."),
    )
    grades = forms.ModelMultipleChoiceField(
        label=_("Grades"),
        queryset=Grade.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave all unticked for every grade."),
    )

    class Meta:
        model = Campaign
        fields = [
            "title",
            "theme",
            "kind",
            "start_date",
            "end_date",
            "hosts",
            "organisers",
            "for_students",
            "for_teachers",
            "for_parents",
            "grades",
            "goals",
            "summary_due_days",
        ]
        widgets = {"start_date": DATE, "end_date": DATE, "goals": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisers"].queryset = users_with_perm("campaigns.manage_campaigns")
        self.setup_helper()

    def clean_start_date(self) -> datetime.date:
        day = self.cleaned_data["start_date"]
        # An existing campaign keeps the first day it had; a new or moved first day may not be past.
        if self.instance.pk is None or day != self.instance.start_date:
            not_in_the_past(day)
        return day

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day is before the first day."))
        return data


class EventForm(BoundedInputMixin, HelperMixin, forms.ModelForm):
    new_venue = forms.CharField(
        label=_("Or a new venue"), max_length=100, required=False, help_text=_("Type a name if it is not in the list.")
    )
    grades = forms.ModelMultipleChoiceField(
        label=_("Grades that may register"),
        queryset=Grade.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave all unticked for the campaign's grades."),
    )

    class Meta:
        model = Event
        fields = [
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "venue",
            "new_venue",
            "speaker",
            "audience",
            "description",
            "registration_required",
            "capacity",
            "grades",
            "is_published",
        ]
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = Venue.objects.filter(is_active=True)
        self.setup_helper()

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("The event ends before it starts."))
        if data.get("venue") and data.get("new_venue"):
            self.add_error("new_venue", _("Choose a venue from the list or type a new one, not both."))
        return data


class TaskForm(BoundedInputMixin, HelperMixin, forms.ModelForm):
    owner = PersonField(label=_("Owner"), queryset=None)

    class Meta:
        model = Task
        fields = ["title", "owner", "due_date", "status", "notes"]
        widgets = {"due_date": DATE, "notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users_with_perm("campaigns.view_planner")
        self.setup_helper()


CRITERION_LINE = re.compile(r"^(?P<name>.+?)\s*[=:：,，\t]\s*(?P<points>\d+)\s*$")


def parse_criteria(text: str) -> list[tuple[str, int]]:
    """ "Name = points" per line → [(name, points)]; raises ValidationError naming the bad line."""
    criteria = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = CRITERION_LINE.match(line.strip())
        if not match:
            raise forms.ValidationError(
                _("Line %(line)d: write a criterion as “name = maximum points”.") % {"line": number}
            )
        points = int(match["points"])
        if not 1 <= points <= 100:
            raise forms.ValidationError(_("Line %(line)d: points must be from 1 to 100.") % {"line": number})
        criteria.append((match["name"].strip()[:80], points))
    if not criteria:
        raise forms.ValidationError(_("Give at least one criterion."))
    names = [name for name, _points in criteria]
    if len(set(names)) != len(names):
        raise forms.ValidationError(_("Each criterion may appear only once."))
    return criteria


class ContestForm(BoundedInputMixin, HelperMixin, forms.ModelForm):
    judges = PersonChoiceField(
        label=_("Judges"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Only these people score the entries."),
    )
    criteria = forms.CharField(
        label=_("Criteria"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line, as “name = maximum points”, e.g. “Originality = 30”."),
    )

    class Meta:
        model = Contest
        fields = [
            "kind",
            "title",
            "requirements",
            "deadline",
            "entries_per_class",
            "judges",
            "criteria",
            "first_places",
            "second_places",
            "third_places",
            "points_first",
            "points_second",
            "points_third",
            "points_participation",
        ]
        widgets = {"deadline": DATETIME, "requirements": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["judges"].queryset = users_with_perm("campaigns.judge")
        if self.instance.pk and not self.is_bound:
            self.initial["criteria"] = "\n".join(
                f"{criterion.name} = {criterion.max_points}" for criterion in self.instance.criteria.all()
            )
        self.setup_helper()

    def clean_criteria(self) -> list[tuple[str, int]]:
        return parse_criteria(self.cleaned_data["criteria"])


class ReportForm(BoundedInputMixin, HelperMixin, forms.ModelForm):
    class Meta:
        model = RequiredReport
        fields = ["title", "instructions", "deadline"]
        widgets = {"deadline": DATETIME, "instructions": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setup_helper()


class ClassChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj)


class EntryForm(BoundedInputMixin, HelperMixin, forms.Form):
    submit_label = _("Hand in")

    school_class = ClassChoiceField(label=_("Class"), queryset=None, empty_label=None)
    title = forms.CharField(label=_("Title of the entry"), max_length=150)
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, classes, accepted: frozenset[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes
        self.fields["file"].help_text = _("%(types)s, checked by content.") % {"types": files.accepted_labels(accepted)}
        self.setup_helper()


class ReportSubmitForm(BoundedInputMixin, HelperMixin, forms.Form):
    submit_label = _("Hand in")

    school_class = ClassChoiceField(label=_("Class"), queryset=None, empty_label=None)
    file = forms.FileField(label=_("File"), help_text=_("PDF, Word (.docx), JPEG or PNG, checked by content."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, classes, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes
        self.setup_helper()


class ScoreForm(BoundedInputMixin, HelperMixin, forms.Form):
    """One number field per criterion of the contest."""

    submit_label = _("Save scores")

    def __init__(self, *args, criteria, initial_points: dict[int, int] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        initial_points = initial_points or {}
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.IntegerField(
                label=f"{criterion.name} (0–{criterion.max_points})",
                min_value=0,
                max_value=criterion.max_points,
                initial=initial_points.get(criterion.pk),
            )
        self.setup_helper()

    def points(self) -> dict[int, int]:
        return {criterion.pk: self.cleaned_data[f"criterion_{criterion.pk}"] for criterion in self.criteria}


class SummaryForm(BoundedInputMixin, HelperMixin, forms.ModelForm):
    class Meta:
        model = Summary
        fields = ["highlights", "participant_count"]
        widgets = {"highlights": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setup_helper()


class PhotoForm(BoundedInputMixin, HelperMixin, forms.Form):
    submit_label = _("Add photo")

    photo = forms.FileField(label=_("Photo"), help_text=_("JPEG or PNG, checked by content."))
    caption = forms.CharField(label=_("Caption"), max_length=150, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setup_helper()
