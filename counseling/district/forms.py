from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from counseling.district.models import Domain, School, schema_name_validator

hostname_validator = RegexValidator(
    r"^(?=.{4,200}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$",
    _("Enter a host name such as no1.district.example (lowercase letters, digits, hyphens and dots)."),
)
username_validator = RegexValidator(r"^[A-Za-z0-9_.-]{3,40}$", _("Use 3–40 letters, digits, dots, hyphens or underscores."))


class AdministratorForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=40, validators=[username_validator])
    name = forms.CharField(label=_("Name"), max_length=100)
    email = forms.EmailField(label=_("E-mail"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Add the administrator")))


class SchoolForm(forms.Form):
    name = forms.CharField(label=_("School name"), max_length=100)
    schema_name = forms.CharField(
        label=_("Short name"),
        max_length=40,
        validators=[schema_name_validator],
        help_text=_("Names the school's own part of the database; it cannot be changed later."),
    )
    domain = forms.CharField(label=_("Host name"), max_length=200, validators=[hostname_validator])
    admin_username = forms.CharField(label=_("Administrator's user name"), max_length=40, validators=[username_validator])
    admin_name = forms.CharField(label=_("Administrator's name"), max_length=100)
    admin_email = forms.EmailField(label=_("Administrator's e-mail"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Add the school")))

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if School.objects.filter(name=name).exists():
            raise forms.ValidationError(_("A school of that name is already in the district."))
        return name

    def clean_schema_name(self) -> str:
        schema = self.cleaned_data["schema_name"]
        if schema == "public" or schema.startswith("pg_") or School.objects.filter(schema_name=schema).exists():
            raise forms.ValidationError(_("That short name is taken."))
        return schema

    def clean_domain(self) -> str:
        domain = self.cleaned_data["domain"].lower()
        if Domain.objects.filter(domain=domain).exists():
            raise forms.ValidationError(_("That host name is taken."))
        return domain
