"""Forms for parent classes and meetings (campaigns.services.families holds the rules)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from archives import contract as archives_contract
from archives.contract import localized
from campaigns.forms import HelperMixin
from counseling.forms import BoundedInputMixin

MAX_ID = 2**31 - 1


class ChildForm(BoundedInputMixin, forms.Form):
    """Which of the guardian's children the family registration is for (checked against their children)."""

    child = forms.IntegerField(min_value=1, max_value=MAX_ID)


class AttendanceForm(BoundedInputMixin, HelperMixin, forms.Form):
    submit_label = _("Save attendance")

    attended = forms.TypedMultipleChoiceField(
        label=_("Came"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, registrations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(row.pk, str(row.pk)) for row in registrations]
        self.setup_helper()


class PupilField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        profile = obj.student_profile
        return f"{profile.school_class} · {obj.get_full_name()}"


class WalkInForm(BoundedInputMixin, HelperMixin, forms.Form):
    submit_label = _("Add walk-in family")

    student = PupilField(label=_("Pupil whose family came"), queryset=None)

    def __init__(self, *args, candidates, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = candidates
        self.setup_helper()


class MaterialForm(BoundedInputMixin, HelperMixin, forms.Form):
    submit_label = _("Add material")

    file = forms.FileField(label=_("File"), help_text=_("PDF, Word (.docx), JPEG or PNG, checked by content."))
    title = forms.CharField(label=_("Title"), max_length=150, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setup_helper()


class FeedbackChoiceForm(BoundedInputMixin, HelperMixin, forms.Form):
    submit_label = _("Use this questionnaire")

    code = forms.ChoiceField(
        label=_("Feedback questionnaire"),
        required=False,
        help_text=_("Short unscored questionnaires of the instrument library; attending families answer it once."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [("", _("None"))] + [
            (row.code, f"{row.name} ({row.item_count})") for row in archives_contract.feedback_instruments()
        ]
        self.setup_helper()


class FeedbackAnswerForm(BoundedInputMixin, HelperMixin, forms.Form):
    """One required radio list per item of the event's questionnaire."""

    submit_label = _("Send my answers")

    def __init__(self, *args, items: list[dict], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"item_{item['id']}"] = forms.TypedChoiceField(
                label=localized(item["text"]),
                coerce=int,
                choices=[(option["value"], localized(option["label"])) for option in item["options"]],
                widget=forms.RadioSelect,
            )
        self.setup_helper()

    def answers(self) -> dict[str, int]:
        return {item["id"]: self.cleaned_data[f"item_{item['id']}"] for item in self.items}
