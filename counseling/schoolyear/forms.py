from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counseling.enums import ConsentMethod, ConsentPurpose, ConsentState
from counseling.forms import BoundedInputMixin
from counseling.models import SchoolClass, User
from counseling.widgets import DateInput

DATE = DateInput()


def _helper(submit: str | None = None, *, method: str = "post", tag: bool = True) -> FormHelper:
    helper = FormHelper()
    helper.form_method = method
    helper.form_tag = tag
    if submit:
        helper.add_input(Submit("submit", submit))
    return helper


class NextTermForm(BoundedInputMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    start = forms.DateField(label=_("First day"), widget=DATE)
    end = forms.DateField(label=_("Last day"), widget=DATE)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Create term"))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            raise forms.ValidationError(_("The term must end after it starts."))
        return data


def class_teachers():
    limit = SchoolClass._meta.get_field("class_teacher").get_limit_choices_to()
    return User.objects.filter(is_active=True).complex_filter(limit).order_by("name", "username")


class RolloverForm(BoundedInputMixin, forms.Form):
    """The wizard: the year to start and a class teacher for every class that moves up.

    ``confirm=True`` is the preview's form: the same values, hidden, with the button that applies.
    """

    year = forms.IntegerField(widget=forms.HiddenInput)
    classes = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, plan, confirm: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["year"].initial = plan.to_year
        self.fields["classes"].initial = ",".join(str(move.school_class.pk) for move in plan.moves)
        # One query for the teacher list, shared by every row's select.
        self.teacher_by_pk = {teacher.pk: teacher for teacher in class_teachers()}
        choices = [("", _("(no class teacher)"))] + [(pk, str(teacher)) for pk, teacher in self.teacher_by_pk.items()]
        self.rows = []
        for move in plan.moving:
            name = f"teacher_{move.school_class.pk}"
            self.fields[name] = forms.TypedChoiceField(
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                label="",
                initial=move.old_teacher.pk if move.old_teacher else "",
                widget=forms.HiddenInput
                if confirm
                else forms.Select(attrs={"aria-label": _("Class teacher of %(class)s") % {"class": move.school_class}}),
            )
            self.rows.append((move, name))
        if confirm:
            self.helper = _helper()
            self.helper.form_action = "schoolyear:new_year_apply"
            self.helper.add_input(
                Submit(
                    "apply",
                    _("Start the school year %(year)s") % {"year": plan.year_label},
                    css_class="btn-danger",
                    **{"data-confirm": _("Move every class up and archive the graduating classes now?")},
                )
            )
        else:
            self.helper = _helper(tag=False)

    def bound_rows(self):
        return [(move, self[name]) for move, name in self.rows]

    def teachers(self) -> dict[int, User | None]:
        return {move.school_class.pk: self.teacher_by_pk.get(self.cleaned_data.get(name)) for move, name in self.rows}

    def class_ids(self) -> set[int]:
        try:
            return {int(pk) for pk in self.cleaned_data["classes"].split(",") if pk}
        except ValueError:
            return set()


def _not_in_future(day):
    if day and day > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."))
    return day


# "Signed online" is written only by the guardian's own answer (counseling.services.consent_requests),
# never typed in by staff: the consent page's "online, by ..." must mean the guardian did it.
STAFF_METHODS = [(value, label) for value, label in ConsentMethod.choices if value != ConsentMethod.ONLINE]


class PurposeForm(BoundedInputMixin, forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices, initial=ConsentPurpose.SCREENING)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Show"), method="get")
        self.helper.form_class = "row row-cols-md-auto g-2 align-items-end"

    def chosen(self) -> str:
        return self.cleaned_data["purpose"] if self.is_valid() else ConsentPurpose.SCREENING


class ConsentForm(BoundedInputMixin, forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    state = forms.ChoiceField(label=_("Guardian's answer"), choices=ConsentState.choices)
    dated = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    method = forms.ChoiceField(label=_("How"), choices=STAFF_METHODS, initial=ConsentMethod.PAPER)
    reference = forms.CharField(
        label=_("Reference"),
        max_length=60,
        required=False,
        help_text=_("The paper form's number, or who was on the phone."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Record"))

    def clean_dated(self):
        return _not_in_future(self.cleaned_data["dated"])


NO_CHANGE = ""


class ClassConsentForm(BoundedInputMixin, forms.Form):
    """The returned paper forms of one class: one date and method, and per student an answer."""

    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices, widget=forms.HiddenInput)
    dated = forms.DateField(label=_("Date on the forms"), widget=DATE, initial=timezone.localdate)
    method = forms.ChoiceField(label=_("How"), choices=STAFF_METHODS, initial=ConsentMethod.PAPER)

    def __init__(self, *args, students: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.students = students
        choices = [(NO_CHANGE, _("— no answer returned —")), *ConsentState.choices]
        for student in students:
            name = student.get_full_name()
            self.fields[f"state_{student.pk}"] = forms.ChoiceField(
                label="",
                choices=choices,
                required=False,
                widget=forms.Select(attrs={"aria-label": _("Answer for %(name)s") % {"name": name}}),
            )
            self.fields[f"ref_{student.pk}"] = forms.CharField(
                label="",
                max_length=60,
                required=False,
                widget=forms.TextInput(attrs={"aria-label": _("Form number for %(name)s") % {"name": name}}),
            )
        self.helper = _helper(tag=False)

    def clean_dated(self):
        return _not_in_future(self.cleaned_data["dated"])

    def clean(self):
        data = super().clean()
        if not self.errors and not self.answers():
            raise forms.ValidationError(_("Choose an answer for at least one student."))
        return data

    def rows(self):
        return [(student, self[f"state_{student.pk}"], self[f"ref_{student.pk}"]) for student in self.students]

    def answers(self) -> list[tuple[User, str, str]]:
        return [
            (student, self.cleaned_data.get(f"state_{student.pk}"), self.cleaned_data.get(f"ref_{student.pk}") or "")
            for student in self.students
            if self.cleaned_data.get(f"state_{student.pk}")
        ]


class RetentionForm(BoundedInputMixin, forms.Form):
    """A period in months for every registered kind; empty keeps the records until told otherwise."""

    def __init__(self, *args, statuses: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.statuses = statuses
        for item in statuses:
            self.fields[item.key] = forms.IntegerField(
                label="",
                required=False,
                min_value=1,
                max_value=600,
                initial=item.months,
                widget=forms.NumberInput(
                    attrs={"aria-label": _("Months to keep %(kind)s") % {"kind": item.kind.label}}
                ),
            )
        self.helper = _helper(tag=False)

    def rows(self):
        return [(item, self[item.key]) for item in self.statuses]


class StudentSearchForm(BoundedInputMixin, forms.Form):
    q = forms.CharField(label=_("Name or student number"), max_length=60, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Search"), method="get")


class ExportForm(BoundedInputMixin, forms.Form):
    reason = forms.CharField(
        label=_("Request"),
        max_length=200,
        help_text=_("Who asked and how, e.g. “mother's written request of 20 November”."),
    )
    include_confidential = forms.BooleanField(
        label=_("Also include the case records"),
        required=False,
        help_text=_("Confidential. You will be asked to confirm and give a reason."),
    )

    def __init__(self, *args, offer_confidential: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not offer_confidential:
            del self.fields["include_confidential"]
        self.helper = _helper(_("Make the ZIP"))


class ConfirmConfidentialForm(BoundedInputMixin, forms.Form):
    """The second confirmation before case records leave the office."""

    reason = forms.CharField(max_length=200, widget=forms.HiddenInput)
    include_confidential = forms.BooleanField(widget=forms.HiddenInput, initial=True)
    confidential_reason = forms.CharField(
        label=_("Why the case records must be included"), max_length=200, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirmed = forms.BooleanField(
        label=_("I confirm that the case records of this student may leave the counseling office."), required=True
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        self.helper.add_input(Submit("confirm", _("Make the ZIP with case records"), css_class="btn-danger"))
