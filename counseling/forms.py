from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from counseling.enums import ConsentPurpose, ConsentState, GuardianRelation, NoticeAudience, Role
from counseling.models import ConcernCategory, Grade, SchoolClass, StudentProfile, User
from counseling.services.family_notices import roster_names_in
from counseling.validators import SchoolDateValidator, normalise_phone, validate_mainland_mobile

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
    return [(role.value, role.label) for role in Role if role not in (Role.STUDENT, Role.GUARDIAN, Role.DISTRICT)]


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


# Families: guardian invitations, joining, consent asked online, notices (counseling.views.family*)


class PhoneField(forms.CharField):
    """A mainland mobile number, cleaned to its 11 digits (the guardian's sign-in name)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("Mobile phone"))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})

    def clean(self, value):
        value = normalise_phone(super().clean(value))
        validate_mainland_mobile(value)
        return value


class InviteGuardianForm(forms.Form):
    student = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label=_("Pupil"),
        error_messages={"invalid_choice": _("Choose a current pupil of this class.")},
    )
    phone = PhoneField()
    name = forms.CharField(label=_("Guardian's name"), max_length=60)
    relation = forms.ChoiceField(label=_("Relation to the pupil"), choices=GuardianRelation.choices)
    send_text = forms.BooleanField(
        label=_("Also send the link by text message"),
        required=False,
        initial=True,
        help_text=_("The text says only that an invitation waits, with the link; it cannot name the pupil."),
    )

    def __init__(self, *args, pupils=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = User.objects.filter(pk__in=[pupil.pk for pupil in pupils]).order_by(
            "student_profile__student_number"
        )
        self.fields["student"].label_from_instance = lambda user: user.get_full_name()
        _with_submit(self, _("Create a one-time link"))


class _NewPasswordMixin:
    """Two password fields checked with Django's validators against the account being made."""

    def _check_password(self, cleaned: dict, user: User) -> None:
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", forms.ValidationError(_("The two passwords differ."), code="password_mismatch"))
        elif first:
            try:
                password_validation.validate_password(first, user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)


def _password_fields() -> tuple[forms.CharField, forms.CharField]:
    return (
        forms.CharField(
            label=_("Choose a password"),
            strip=False,
            max_length=128,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
            help_text=password_validation.password_validators_help_text_html(),
        ),
        forms.CharField(
            label=_("The same password again"),
            strip=False,
            max_length=128,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        ),
    )


class JoinByLinkForm(_NewPasswordMixin, forms.Form):
    """A new guardian account from a one-time link: the phone is the invitation's."""

    name = forms.CharField(label=_("Your name"), max_length=60)
    password1, password2 = _password_fields()

    def __init__(self, *args, phone: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.phone = phone
        _with_submit(self, _("Create my account"))

    def clean(self) -> dict:
        cleaned = super().clean()
        self._check_password(cleaned, User(username=self.phone, phone=self.phone, name=cleaned.get("name", "")))
        return cleaned


class JoinByCodeForm(forms.Form):
    """A printed slip's code. Signed out: the phone to text a one-time link to, a name and the
    relation (the account is made from that link, on the phone). Signed in as a guardian: the code
    and the relation (the child is added to the account)."""

    code = forms.CharField(
        label=_("Code on the slip"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    phone = PhoneField()
    name = forms.CharField(label=_("Your name"), max_length=60)
    relation = forms.ChoiceField(label=_("Relation to the pupil"), choices=GuardianRelation.choices)

    def __init__(self, *args, signed_in: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if signed_in:
            for name in ("phone", "name"):
                del self.fields[name]
        _with_submit(self, _("Add this child") if signed_in else _("Text me the link"))

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split())


class ConsentRequestForm(BoundedInputMixin, forms.Form):
    school_class = forms.ModelChoiceField(
        queryset=SchoolClass.objects.none(),
        label=_("Class"),
        error_messages={"invalid_choice": _("Choose one of your current classes.")},
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    explanation = forms.CharField(
        label=_("Explanation for the families"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
        help_text=_("What is asked, why, and what happens with a yes or a no. Name no pupil."),
    )

    def __init__(self, *args, classes=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes if classes is not None else SchoolClass.objects.none()
        _with_submit(self, _("Send to the families"))


class ConsentAnswerForm(forms.Form):
    state = forms.ChoiceField(
        label=_("Your answer"),
        widget=forms.RadioSelect,
        choices=[
            (ConsentState.GIVEN, _("I give my consent")),
            (ConsentState.REFUSED, _("I do not consent")),
            (ConsentState.WITHDRAWN, _("I withdraw the consent I gave")),
        ],
    )

    def __init__(self, *args, can_withdraw: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not can_withdraw:
            self.fields["state"].choices = self.fields["state"].choices[:2]
        _with_submit(self, _("Send my answer"))


class FamilyNoticeForm(BoundedInputMixin, forms.Form):
    """A notice to families. A pupil's name from the addressed roster is a warning to confirm: the
    first send is held back and names what was found; sending again with the box ticked sends."""

    audience = forms.ChoiceField(label=_("To the families of"), choices=NoticeAudience.choices)
    school_class = forms.ModelChoiceField(
        queryset=SchoolClass.objects.none(),
        label=_("Class"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of your current classes.")},
    )
    grade = forms.ModelChoiceField(
        queryset=Grade.objects.none(),
        label=_("Grade"),
        required=False,
        error_messages={"invalid_choice": _("Choose one of the school's grades.")},
    )
    title = forms.CharField(label=_("Title"), max_length=80)
    text = forms.CharField(
        label=pgettext_lazy("family notice", "Text"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 1000}),
        help_text=_("Families read this on their phones. Never name a pupil next to anything personal."),
    )
    confirm_names = forms.BooleanField(
        required=False, label=_("Send anyway: I have checked that the notice names no pupil next to anything personal.")
    )

    def __init__(self, *args, classes=None, any_family: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes if classes is not None else SchoolClass.objects.none()
        if any_family:
            self.fields["grade"].queryset = Grade.objects.order_by("level")
        else:
            self.fields["audience"].choices = [(NoticeAudience.CLASS, NoticeAudience.CLASS.label)]
            del self.fields["grade"]
        # Offered only once a name was found: a box ticked in advance would skip the check.
        self.fields["confirm_names"].widget = forms.HiddenInput()
        self.names_found: list[str] = []
        _with_submit(self, _("Send the notice"))

    def clean(self) -> dict:
        cleaned = super().clean()
        audience = cleaned.get("audience")
        if audience == NoticeAudience.CLASS and not cleaned.get("school_class"):
            self.add_error("school_class", _("Choose a class."))
        if audience == NoticeAudience.GRADE and not cleaned.get("grade"):
            self.add_error("grade", _("Choose a grade."))
        if self.errors:
            return cleaned
        self.names_found = roster_names_in(
            f"{cleaned.get('title', '')}\n{cleaned.get('text', '')}",
            audience=audience,
            school_class=cleaned.get("school_class"),
            grade=cleaned.get("grade"),
        )
        if self.names_found and not cleaned.get("confirm_names"):
            self.fields["confirm_names"].widget = forms.CheckboxInput()
            raise forms.ValidationError(
                _(
                    "The notice contains what looks like the name of a pupil: %(names)s. Families must never "
                    "read a pupil's name next to anything personal; please remove it, or confirm below."
                )
                % {"names": pgettext("list separator", ", ").join(self.names_found)},
                code="student_name",
            )
        return cleaned
