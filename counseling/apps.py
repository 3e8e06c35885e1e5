from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounselingConfig(AppConfig):
    name = "counseling"
    verbose_name = _("People and school directory")

    def ready(self) -> None:
        # Registers the role -> permission table with `rules`.
        from counseling import roles  # noqa: F401
