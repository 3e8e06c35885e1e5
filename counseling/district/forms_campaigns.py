from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from counseling.district.models_campaigns import DistrictCampaign, Material
from counseling.validators import school_date


class DistrictCampaignForm(forms.ModelForm):
    materials = forms.MultipleChoiceField(
        label=_("Materials to send"),
        choices=Material.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What each school sends within a week of the last day."),
    )

    class Meta:
        model = DistrictCampaign
        fields = ["title", "theme", "start_date", "end_date", "description", "materials"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("start_date", "end_date"):
            self.fields[name].validators = [*self.fields[name].validators, *school_date()]
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save the draft")))

    def clean_materials(self) -> list[str]:
        chosen = set(self.cleaned_data["materials"])
        # Kept in the choices' order (a list: jsonb keeps a list's order).
        return [code for code, _label in Material.choices if code in chosen]

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day is before the first day."))
        return data
