from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from counseling.enums import Role
from counseling.models import ConcernCategory, SchoolClass, StudentProfile, User
from counseling.validators import SchoolDateValidator

ROSTER_MAX_BYTES = 5 * 1024 * 1024
# Bounds for fields that declare none: enough for any text or count a school types, and far from
# what overflows a date calculation or fills the database with one post.
TEXT_MAX_LENGTH = 20_000
NUMBER_BOUND = 1_000_000


def bound_inputs(form: forms.BaseForm) -> None:
    """Give every date, number and free-text field of ``form`` the bounds a school needs, where it has none.

    Dates and datetimes get a SchoolDateValidator (the model field's own one on a ModelForm, so that
    "not in the future" holds in the form as well: a form's clean() may compute with the date before
    the model's validators run); numbers get the model field's limits, else ±NUMBER_BOUND; text without a maximum
    length gets TEXT_MAX_LENGTH. Side effect: changes ``form.fields`` (the form's own copies).
    """
    model = getattr(getattr(form, "_meta", None), "model", None)
    for name, field in form.fields.items():
        model_validators = _model_validators(model, name)
        if isinstance(field, forms.DateField | forms.DateTimeField):
            if any(isinstance(v, SchoolDateValidator) for v in field.validators):
                continue
            own = [v for v in model_validators if isinstance(v, SchoolDateValidator)]
            field.validators.extend(own or [SchoolDateValidator()])
        elif isinstance(field, forms.IntegerField):
            # The model's own limits (a slot of 10 to 180 minutes) before the form's clean() computes with it.
            lowest = [v.limit_value for v in model_validators if isinstance(v, MinValueValidator)]
            highest = [v.limit_value for v in model_validators if isinstance(v, MaxValueValidator)]
            if field.min_value is None or lowest:
                field.min_value = max(
                    [*lowest, *([field.min_value] if field.min_value is not None else [])] or [-NUMBER_BOUND]
                )
                field.validators.append(MinValueValidator(field.min_value))
            if field.max_value is None or highest:
                field.max_value = min(
                    [*highest, *([field.max_value] if field.max_value is not None else [])] or [NUMBER_BOUND]
                )
                field.validators.append(MaxValueValidator(field.max_value))
            field.widget.attrs.update({"min": field.min_value, "max": field.max_value})
        elif type(field) is forms.CharField and field.max_length is None:
            field.max_length = TEXT_MAX_LENGTH
            field.validators.append(MaxLengthValidator(TEXT_MAX_LENGTH))
        elif isinstance(field, forms.ModelChoiceField):
            field.clean = _choice_within_key_range(field)


# The largest primary key a database stores (a signed 64-bit integer): a posted id beyond it is no
# choice at all, and SQLite raises OverflowError on it instead of finding nothing.
LARGEST_KEY = 2**63 - 1


def _choice_within_key_range(field: forms.ModelChoiceField):
    """``field.clean`` that refuses, as an invalid choice, an id too large for any database key."""
    clean = field.clean

    def bounded_clean(value):
        values = value if isinstance(value, list | tuple) else [value]
        for one in values:
            text = str(one).strip()
            if text.lstrip("-").isdigit() and abs(int(text)) > LARGEST_KEY:
                raise forms.ValidationError(
                    field.error_messages["invalid_choice"], code="invalid_choice", params={"value": text}
                )
        return clean(value)

    return bounded_clean


def _model_validators(model, name: str) -> list:
    if model is None:
        return []
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:  # a form field of its own, not the model's
        return []
    # A reverse relation of the same name has no validators.
    return list(getattr(model_field, "validators", []))


class BoundedInputMixin:
    """Put it first in a form's bases: the form's fields get the school's bounds (see bound_inputs)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        bound_inputs(self)


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
                forms.ValidationError(
                    _("Choose a password different from your current one."), code="password_unchanged"
                ),
            )
        return cleaned_data


# Staff accounts and the directory (counseling.views.staff, counseling.views.directory)


def _with_submit(form: forms.BaseForm, label: str) -> None:
    form.helper = FormHelper()
    form.helper.add_input(Submit("submit", label))


def _staff_role_choices() -> list[tuple[str, str]]:
    return [(role.value, role.label) for role in Role if role not in (Role.STUDENT, Role.GUARDIAN)]


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
