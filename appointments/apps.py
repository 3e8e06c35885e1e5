from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = _("Appointments")

    def ready(self) -> None:
        # The opening-hours cache forgets on every change, whichever process makes it (web, worker, shell).
        from appointments.services import hours_cache  # noqa: F401
