"""The district office's forms for its counts and its screenings."""

from __future__ import annotations

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from archives.contract import builtin_instruments
from counseling.district.models import ScreeningTemplate
from counseling.validators import school_date

# Longer periods are not a comparison of schools any more, and keep the queries bounded.
LONGEST_PERIOD = datetime.timedelta(days=2 * 366)
GRADE_LEVELS = [(level, str(level)) for level in range(1, 13)]


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """The current half of the school year: from 1 February or 1 September to today."""
    today = today or timezone.localdate()
    if 2 <= today.month <= 8:
        return datetime.date(today.year, 2, 1), today
    year = today.year if today.month >= 9 else today.year - 1
    return datetime.date(year, 9, 1), today


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("Period starts"), validators=school_date(), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Period ends"), validators=school_date(), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_class = "row row-cols-sm-auto g-2 align-items-end"
        self.helper.add_input(Submit("", _("Show"), css_class="btn-primary"))

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end comes before the start."))
            if end - start > LONGEST_PERIOD:
                raise forms.ValidationError(_("Choose a period of at most two years."))
        return data


class ScreeningTemplateForm(forms.ModelForm):
    instrument_code = forms.ChoiceField(label=_("Instrument"))
    grade_levels = forms.TypedMultipleChoiceField(
        label=_("Grades"), choices=GRADE_LEVELS, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ScreeningTemplate
        fields = ["title", "instrument_code", "opens_on", "closes_on", "grade_levels"]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument_code"].choices = [(i.code, i.name) for i in builtin_instruments()]
        self.helper = FormHelper()
        self.helper.add_input(Submit("", _("Publish to the schools"), css_class="btn-primary"))

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The end comes before the start."))
        return data
