from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from counseling.forms import BoundedInputMixin
from counseling.models import Term
from counseling.reports.models import SemesterReport
from counseling.reports.services import student_names_in


class GenerateForm(BoundedInputMixin, forms.Form):
    term = forms.ModelChoiceField(queryset=Term.objects.all(), label=_("Term"), empty_label=None)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_class = "row row-cols-sm-auto g-2 align-items-end"
        self.helper.form_action = reverse_lazy("reports:generate")
        self.helper.add_input(Submit("generate", _("Generate")))


class NarrativeForm(BoundedInputMixin, forms.ModelForm):
    """The head counselor's narrative. A student's name in it is a warning the head must confirm:
    the first save is held back and names what was found; saving again with the box ticked saves."""

    confirm_names = forms.BooleanField(
        required=False, label=_("Save anyway: I have checked that the narrative names no student.")
    )

    class Meta:
        model = SemesterReport
        fields = ["highlights", "problems", "next_plan"]
        widgets = {name: forms.Textarea(attrs={"rows": 5, "maxlength": 5000}) for name in fields}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.max_length = 5000
            field.help_text = _("Aggregate remarks only: no student's name, no case detail.")
        # Offered only once a name was found: a box ticked in advance would skip the check.
        self.fields["confirm_names"].widget = forms.HiddenInput()
        self.names_found: list[str] = []
        self.helper = FormHelper()
        # The page wraps the fields in its own <form> (it posts to the narrative URL).
        self.helper.form_tag = False
        self.helper.add_input(Submit("save", _("Save narrative")))

    def clean(self) -> dict:
        cleaned = super().clean()
        self.names_found = student_names_in(*(cleaned.get(name) or "" for name in self.Meta.fields))
        if self.names_found and not cleaned.get("confirm_names"):
            self.fields["confirm_names"].widget = forms.CheckboxInput()
            raise forms.ValidationError(
                _(
                    "The narrative contains what looks like the name of a student: %(names)s. The summary is "
                    "published to leaders and printed; please remove it, or confirm below that it is not a name."
                )
                % {"names": pgettext("list separator", ", ").join(self.names_found)},
                code="student_name",
            )
        return cleaned
