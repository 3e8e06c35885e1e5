"""Forms of the case records. Every form renders with crispy; every message is translated."""

from __future__ import annotations

import datetime

from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from appointments.contract import Appointment, attended_appointments
from counseling.cases.enums import (
    CaseSource,
    CaseStatus,
    ComplaintStatus,
    ComplaintTopic,
    GoalStatus,
    ReferralStatus,
    ReferralUrgency,
    RiskLevel,
    Technique,
)
from counseling.cases.models import Escalation, Goal, Intake, Referral, SessionNote
from counseling.forms import BoundedInputMixin
from counseling.models import ConcernCategory, User
from counseling.widgets import DateInput, DateTimeLocalInput

# Long enough for a thorough note, short enough that garbage cannot fill the database.
TEXT_LIMIT = 20_000


def _helper(label) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("submit", label))
    return helper


def _limit(form: forms.Form, *names: str) -> None:
    """Cap free text at TEXT_LIMIT characters, in the browser and on the server."""
    for name in names:
        field = form.fields[name]
        field.max_length = TEXT_LIMIT
        field.validators.append(MaxLengthValidator(TEXT_LIMIT))
        field.widget.attrs["maxlength"] = str(TEXT_LIMIT)


class StudentSearchForm(BoundedInputMixin, forms.Form):
    q = forms.CharField(label=_("Student name or number"), max_length=50, required=False)


def _category_field(required: bool = False) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=_("Concern categories"),
        queryset=ConcernCategory.objects.active(),
        widget=forms.CheckboxSelectMultiple,
        required=required,
    )


class OpenCaseForm(BoundedInputMixin, forms.Form):
    source = forms.ChoiceField(label=_("Source"), choices=CaseSource.choices)
    categories = _category_field()
    risk_level = forms.ChoiceField(label=_("Risk level"), choices=RiskLevel.choices, initial=RiskLevel.NONE)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(pgettext_lazy("create", "Open the case"))


class CaseForm(BoundedInputMixin, forms.Form):
    categories = _category_field()
    risk_level = forms.ChoiceField(
        label=_("Risk level"),
        choices=RiskLevel.choices,
        help_text=_("High or imminent notifies the head counselor and the school leaders at once."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=CaseStatus.choices)

    def __init__(self, *args, floor: str = RiskLevel.NONE, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # While the student has open risk signals, the risk may go below what they ask only with
        # a reason: the field is offered only then (there is no script to show it on lowering).
        self.floor = floor
        if RiskLevel.rank(floor) > RiskLevel.rank(RiskLevel.NONE):
            self.fields["lower_reason"] = forms.CharField(
                label=_("Why the risk is lower than the open risk signals ask"),
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                help_text=_(
                    "The student has open risk signals that ask for at least “%(level)s”. Needed only when you set a lower risk level; kept encrypted with the case."
                )
                % {"level": RiskLevel(floor).label},
            )
            _limit(self, "lower_reason")
        self.helper = _helper(_("Save"))

    def clean(self):
        data = super().clean()
        level = data.get("risk_level")
        lowering = level is not None and RiskLevel.rank(level) < RiskLevel.rank(self.floor)
        if lowering and not (data.get("lower_reason") or "").strip():
            self.add_error(
                "lower_reason" if "lower_reason" in self.fields else "risk_level",
                _(
                    "The student's open risk signals ask for at least “%(level)s”. Say why the risk is lower, or handle the signals first."
                )
                % {"level": RiskLevel(self.floor).label},
            )
        return data


class SignalDismissForm(BoundedInputMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why you dismiss it"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept encrypted; the audit trail records only that the signal was dismissed."),
    )

    def __init__(self, *args, action: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "reason")
        self.helper = _helper(_("Dismiss the signal"))
        self.helper.form_action = action
        self.helper.attrs = {"data-testid": "dismiss-form"}


def _result_label(result) -> str:
    parts = [formats.date_format(timezone.localtime(result.submitted_at), "SHORT_DATE_FORMAT"), str(result.instrument)]
    if result.total is not None:
        parts.append(str(result.total))
    if result.band:
        parts.append(result.band_label)
    return " · ".join(parts)


class IntakeForm(BoundedInputMixin, forms.ModelForm):
    # The relation is declared by the archives (Result.intakes), so it is not a model field of the
    # intake: the form lists the student's results through it and the service saves the choice.
    screening_results = forms.ModelMultipleChoiceField(
        queryset=Intake.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=capfirst(_("screening results")),
    )

    class Meta:
        model = Intake
        fields = [
            "assessed_on",
            "method",
            "study",
            "relationships",
            "family",
            "sleep_and_health",
            "asked_about_self_harm",
            "risk_level",
            "narrative",
        ]
        widgets = {
            "assessed_on": DateInput(),
            "narrative": forms.Textarea(attrs={"rows": 10}),
        }

    def __init__(self, *args, case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "narrative")
        field = self.fields["screening_results"]
        results = Intake._meta.get_field("screening_results").related_model
        field.queryset = (
            results.objects.filter(student=case.student).select_related("instrument").order_by("-submitted_at")
        )
        if self.instance.pk:
            field.initial = list(self.instance.screening_results.values_list("pk", flat=True))
        field.label_from_instance = _result_label
        field.help_text = _("The student's screening results this assessment draws on (optional).")
        self.helper = _helper(_("Save the intake"))

    def clean_assessed_on(self):
        day = self.cleaned_data["assessed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The assessment date cannot be in the future."))
        return day


class GoalForm(BoundedInputMixin, forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["description", "approach", "status", "target_date"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "approach": forms.Textarea(attrs={"rows": 4}),
            "target_date": DateInput(),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "description", "approach")
        self.fields["status"].choices = GoalStatus.choices
        self.helper = _helper(_("Save the goal"))


class FollowUpForm(BoundedInputMixin, forms.Form):
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())
    purpose = forms.CharField(label=_("What to follow up"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "purpose")
        self.helper = _helper(_("Plan the follow-up"))

    def clean_due_on(self):
        day = self.cleaned_data["due_on"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("A follow-up cannot be due in the past."))
        return day


class AppointmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Appointment) -> str:
        return (
            formats.date_format(timezone.localtime(obj.starts_at), "SHORT_DATETIME_FORMAT")
            + f" · {obj.get_channel_display()}"
        )


class NoteForm(BoundedInputMixin, forms.ModelForm):
    techniques = forms.MultipleChoiceField(
        label=_("Techniques"), choices=Technique.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    appointment = AppointmentChoiceField(
        label=_("Appointment"),
        queryset=Appointment.objects.none(),
        required=False,
        empty_label=_("None (ad hoc session)"),
    )

    class Meta:
        model = SessionNote
        fields = [
            "appointment",
            "held_on",
            "channel",
            "duration_minutes",
            "techniques",
            "content",
            "analysis",
            "next_steps",
        ]
        widgets = {
            "held_on": DateInput(),
            "content": forms.Textarea(attrs={"rows": 10}),
            "analysis": forms.Textarea(attrs={"rows": 6}),
            "next_steps": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, case, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "content", "analysis", "next_steps")
        self.fields["duration_minutes"].min_value = 1
        self.fields["duration_minutes"].max_value = 480
        self.fields["duration_minutes"].widget.attrs.update(min=1, max=480)
        taken = SessionNote.objects.filter(appointment__isnull=False)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        # The student's attended appointments in this user's scope that have no note yet.
        self.fields["appointment"].queryset = attended_appointments(user, case.student).exclude(
            pk__in=taken.values("appointment_id")
        )
        self.helper = _helper(_("Save the note"))
        self.helper.layout = Layout(
            Row(
                Column("appointment", css_class="col-12 col-md-6"),
                Column("held_on", css_class="col-6 col-md-2"),
                Column("channel", css_class="col-6 col-md-2"),
                Column("duration_minutes", css_class="col-12 col-md-2"),
            ),
            InlineCheckboxes("techniques"),
            "content",
            "analysis",
            "next_steps",
        )

    def clean_duration_minutes(self):
        minutes = self.cleaned_data["duration_minutes"]
        if not 1 <= minutes <= 480:
            raise forms.ValidationError(_("Enter a duration between 1 and 480 minutes."))
        return minutes

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A session note cannot be dated in the future."))
        return day

    def clean(self):
        data = super().clean()
        appointment = data.get("appointment")
        if appointment is not None and data.get("held_on") is None:
            data["held_on"] = timezone.localtime(appointment.starts_at).date()
        return data

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class AddendumForm(BoundedInputMixin, forms.Form):
    text = forms.CharField(label=_("Addendum"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "text")
        self.helper = _helper(_("Add the addendum"))


class ReferralForm(BoundedInputMixin, forms.ModelForm):
    class Meta:
        model = Referral
        fields = [
            "institution",
            "referred_on",
            "reason",
            "guardian_informed",
            "escorted",
            "escort_by",
            "status",
            "follow_up_on",
            "outcome",
        ]
        widgets = {
            "referred_on": DateInput(),
            "follow_up_on": DateInput(),
            "reason": forms.Textarea(attrs={"rows": 5}),
            "outcome": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "reason", "outcome")
        self.fields["status"].choices = ReferralStatus.choices
        self.helper = _helper(_("Save the referral"))

    def clean(self):
        data = super().clean()
        if data.get("escorted") and not data.get("escort_by"):
            self.add_error("escort_by", _("Say who escorted the student."))
        referred_on, follow_up_on = data.get("referred_on"), data.get("follow_up_on")
        if referred_on and follow_up_on and follow_up_on < referred_on:
            self.add_error("follow_up_on", _("The outcome check cannot be before the referral date."))
        return data


class CrisisActionsForm(BoundedInputMixin, forms.ModelForm):
    """The actions taken in a crisis: the facts the school leaders see.

    The guardian contact (time, by whom, outcome) or the reason the guardian was not contacted
    may be filled in later; the case cannot close without one of them.
    """

    class Meta:
        model = Escalation
        fields = [
            "guardian_called",
            "guardian_called_at",
            "guardian_contact_by",
            "guardian_contact_outcome",
            "guardian_not_contacted_reason",
            "escorted",
            "escort_by",
            "hospital",
            "hospital_name",
        ]
        widgets = {
            "guardian_called_at": DateTimeLocalInput(),
            "guardian_contact_outcome": forms.Textarea(attrs={"rows": 2}),
            "guardian_not_contacted_reason": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "guardian_not_contacted_reason": _(
                "Only when the guardian must not or cannot be contacted, e.g. when the risk comes from home."
            ),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "guardian_contact_outcome")
        _limit(self, "guardian_not_contacted_reason")
        self.helper = _helper(_("Save the actions"))

    def clean(self):
        data = super().clean()
        if data.get("escorted") and not data.get("escort_by"):
            self.add_error("escort_by", _("Say who escorted the student."))
        if data.get("hospital") and not data.get("hospital_name"):
            self.add_error("hospital_name", _("Name the hospital."))
        if (data.get("guardian_called_at") or data.get("guardian_contact_outcome")) and not data.get("guardian_called"):
            data["guardian_called"] = True
        if data.get("guardian_called") and data.get("guardian_not_contacted_reason"):
            self.add_error(
                "guardian_not_contacted_reason",
                _("The guardian was contacted: leave the reason for not contacting empty."),
            )
        return data


class CrisisEventForm(CrisisActionsForm):
    """A crisis event recorded on a case: it escalates at once."""

    class Meta(CrisisActionsForm.Meta):
        fields = ["risk_level", "occurred_at", "narrative", *CrisisActionsForm.Meta.fields]
        widgets = {
            **CrisisActionsForm.Meta.widgets,
            "occurred_at": DateTimeLocalInput(),
            "narrative": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "narrative")
        self.fields["risk_level"].choices = [(level, RiskLevel(level).label) for level in RiskLevel.escalating()]
        self.fields["narrative"].required = True
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Record and escalate now"), css_class="btn-danger"))

    def clean_occurred_at(self):
        when = self.cleaned_data["occurred_at"]
        if when > timezone.now() + datetime.timedelta(minutes=5):
            raise forms.ValidationError(_("A crisis event cannot be in the future."))
        return when


class HandoverForm(BoundedInputMixin, forms.Form):
    to_counselor = forms.ModelChoiceField(label=_("Hand over to"), queryset=User.objects.none())
    note = forms.CharField(label=_("Handover note"), widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, counselors, exclude=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "note")
        queryset = counselors
        if exclude is not None:
            queryset = queryset.exclude(pk=exclude.pk)
        self.fields["to_counselor"].queryset = queryset
        self.helper = _helper(_("Hand over"))


class HandoverAllForm(HandoverForm):
    from_counselor = forms.ModelChoiceField(label=_("Counselor who leaves"), queryset=User.objects.none())
    field_order = ["from_counselor", "to_counselor", "note"]

    def __init__(self, *args, counselors, **kwargs) -> None:
        super().__init__(*args, counselors=counselors, **kwargs)
        self.fields["from_counselor"].queryset = counselors
        self.helper = _helper(_("Hand over all their cases"))

    def clean(self):
        data = super().clean()
        if data.get("from_counselor") and data.get("from_counselor") == data.get("to_counselor"):
            self.add_error("to_counselor", _("Choose two different counselors."))
        return data


class ComplaintForm(BoundedInputMixin, forms.Form):
    topic = forms.ChoiceField(label=_("What is it about?"), choices=ComplaintTopic.choices)
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "description")
        self.helper = _helper(_("Send the complaint"))


class ComplaintHandleForm(BoundedInputMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ComplaintStatus.choices)
    outcome = forms.CharField(
        label=_("Outcome"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("The person who filed the complaint reads this."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "outcome")
        self.helper = _helper(_("Save"))

    def clean(self):
        data = super().clean()
        if data.get("status") in (ComplaintStatus.RESOLVED, ComplaintStatus.REJECTED) and not data.get("outcome"):
            self.add_error("outcome", _("Record the outcome before closing the complaint."))
        return data


class ConcernForm(BoundedInputMixin, forms.Form):
    student = forms.ModelChoiceField(label=_("Student"), queryset=User.objects.none())
    category = forms.ModelChoiceField(
        label=_("Topic"), queryset=ConcernCategory.objects.active(), required=False, empty_label=_("Not sure")
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=ReferralUrgency.choices, initial=ReferralUrgency.NORMAL)
    description = forms.CharField(
        label=_("What you noticed"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Only the counseling office reads this."),
    )

    def __init__(self, *args, students, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "description")
        self.fields["student"].queryset = students.select_related("student_profile").order_by(
            "student_profile__student_number"
        )
        self.fields["student"].label_from_instance = lambda user: (
            f"{user.get_full_name()} ({user.student_profile.student_number})"
        )
        self.helper = _helper(_("Pass it on to the office"))


class FamilyMessageForm(BoundedInputMixin, forms.Form):
    """A message from a case to one of the student's guardian accounts."""

    guardian = forms.ModelChoiceField(label=_("Guardian"), queryset=User.objects.none(), empty_label=None)
    text = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=1000,
        help_text=_(
            "The guardian reads this among their notices; a text message tells them only that a message waits. "
            "Write what the family must know, not the content of the student's sessions."
        ),
    )

    def __init__(self, *args, guardians, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["guardian"].queryset = guardians
        self.fields["guardian"].label_from_instance = lambda user: (
            f"{user.get_full_name()} · {user.phone or user.username}"
        )
        self.helper = _helper(_("Send to the guardian"))
