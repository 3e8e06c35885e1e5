from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "counseling.cases"
    label = "cases"
    verbose_name = _("Confidential case records")
