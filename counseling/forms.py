from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from counseling.models import SchoolClass

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


class SignInSheetForm(forms.Form):
    school_class = forms.ModelChoiceField(
        queryset=SchoolClass.objects.active().select_related("grade"),
        label=_("Class"),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the school's current classes.")},
    )
    reissue = forms.BooleanField(
        label=_("Also give new passwords to students who already have one"),
        required=False,
        help_text=_("Their current password stops working at once."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Issue passwords and show the sheets")))


class OwnPasswordChangeForm(PasswordChangeForm):
    """Django's form, refusing the current password as the new one (it may be on a sign-in sheet)."""

    def clean(self) -> dict:
        cleaned_data = super().clean()
        password = cleaned_data.get("new_password2")
        # Only once the old password is proven: otherwise this message would tell whoever sits at an
        # unattended session whether a guess is the current password, with no lockout counting.
        if password and "old_password" not in self.errors and self.user.check_password(password):
            self.add_error(
                "new_password2",
                forms.ValidationError(_("Choose a password different from your current one."), code="password_unchanged"),
            )
        return cleaned_data
