"""The WSGI entry point: ``gunicorn counseling.wsgi``.

Each web process loads the application and its URLconf (every view module) here, then moves what
it has loaded out of the garbage collector's sight (``gc.freeze``): those objects live as long as
the process, and a full collection, which comes every few hundred requests, would otherwise walk
all of them (some 400,000: about 0.1 s in which that process answers no one).
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "counseling.settings")
application = get_wsgi_application()


def settle() -> None:
    """Import the URLconf's views now, drop what loading left behind, and freeze the rest."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - importing the views is the point
    gc.collect()
    gc.freeze()


settle()
