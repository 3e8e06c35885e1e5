from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from counseling.forms import BoundedInputMixin
from counseling.models import Term
from counseling.reports.models import SemesterReport


class GenerateForm(BoundedInputMixin, forms.Form):
    term = forms.ModelChoiceField(queryset=Term.objects.all(), label=_("Term"), empty_label=None)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_class = "row row-cols-sm-auto g-2 align-items-end"
        self.helper.form_action = reverse_lazy("reports:generate")
        self.helper.add_input(Submit("generate", _("Generate")))


class NarrativeForm(BoundedInputMixin, forms.ModelForm):
    class Meta:
        model = SemesterReport
        fields = ["highlights", "problems", "next_plan"]
        widgets = {name: forms.Textarea(attrs={"rows": 5, "maxlength": 5000}) for name in fields}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.max_length = 5000
            field.help_text = _("Aggregate remarks only: no student's name, no case detail.")
        self.helper = FormHelper()
        # The page wraps the fields in its own <form> (it posts to the narrative URL).
        self.helper.form_tag = False
        self.helper.add_input(Submit("save", _("Save narrative")))
