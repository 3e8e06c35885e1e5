from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

ROSTER_MAX_BYTES = 5 * 1024 * 1024


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file"),
        help_text=_(
            "An .xlsx or .csv file with the columns 学号, 姓名, 性别, 出生日期, 年级, 班级, 监护人, 监护人电话."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Check and import")))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > ROSTER_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."))
        return upload


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Verify")))
