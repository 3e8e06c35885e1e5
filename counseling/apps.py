from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from counseling import choices

# Before any model class exists: each one binds get_FOO_display() when it is defined.
choices.install()


class CounselingConfig(AppConfig):
    name = "counseling"
    verbose_name = _("People and school directory")

    def ready(self) -> None:
        # Registers the role -> permission table with `rules`.
        from counseling import roles  # noqa: F401
