from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolYearConfig(AppConfig):
    name = "counseling.schoolyear"
    label = "schoolyear"
    verbose_name = _("School year, consent and retention")
