from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DistrictConfig(AppConfig):
    name = "counseling.district"
    label = "district"
    verbose_name = _("District")
