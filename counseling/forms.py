from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from counseling.enums import Role
from counseling.models import ConcernCategory, SchoolClass, StudentProfile, User

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


# Staff accounts and the directory (counseling.views.staff, counseling.views.directory)


def _with_submit(form: forms.BaseForm, label: str) -> None:
    form.helper = FormHelper()
    form.helper.add_input(Submit("submit", label))


def _staff_role_choices() -> list[tuple[str, str]]:
    return [(role.value, role.label) for role in Role if role != Role.STUDENT]


class StaffAccountForm(forms.ModelForm):
    role = forms.ChoiceField(label=_("Role"), choices=_staff_role_choices)

    class Meta:
        model = User
        fields = ["username", "name", "email", "phone", "role"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        _with_submit(self, _("Create the account"))


class StaffRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=_staff_role_choices)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _with_submit(self, _("Change the role"))


class ClassTeacherForm(forms.Form):
    school_class = forms.ModelChoiceField(
        queryset=SchoolClass.objects.active(),
        error_messages={"invalid_choice": _("Choose one of the school's current classes.")},
    )
    teacher = forms.ModelChoiceField(
        queryset=User.objects.filter(role=Role.CLASS_TEACHER, is_active=True).order_by("name", "username"),
        required=False,
        label=_("Class teacher"),
        empty_label=_("(none)"),
        error_messages={"invalid_choice": _("Choose an active class teacher.")},
    )


class CommitteeMemberForm(forms.Form):
    student = forms.ModelChoiceField(
        queryset=StudentProfile.objects.active(),
        error_messages={"invalid_choice": _("Choose a current student.")},
    )
    member = forms.BooleanField(required=False)


class ConcernCategoryForm(forms.ModelForm):
    class Meta:
        model = ConcernCategory
        fields = ["code", "name_zh", "name_en", "signals_risk", "order", "is_active"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _with_submit(self, _("Save"))


class ConfirmRequestForm(TokenForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _with_submit(self, _("Confirm with this code"))
