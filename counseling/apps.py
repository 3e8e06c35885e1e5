from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from counseling import choices

# Before any model class exists: each one binds get_FOO_display() when it is defined.
choices.install()


class CounselingConfig(AppConfig):
    name = "counseling"
    verbose_name = _("People and school directory")

    def ready(self) -> None:
        # Imported here, once every model exists (the only imports inside a function in the app
        # code, see docs/architecture.md): registering the role -> permission table with `rules`,
        # the signed-in cache's invalidation on every save of a user, profile, class, grade or
        # notification, and every app's Celery tasks, so a service can queue a task by name
        # (counseling.services.queue) in a web process too.
        from counseling import roles  # noqa: F401
        from counseling.celery import app
        from counseling.services import signedin  # noqa: F401

        app.autodiscover_tasks(force=True)
