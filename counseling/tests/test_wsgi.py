"""The web process's entry point: the application, its views loaded, and what was loaded frozen."""

from __future__ import annotations

import gc
import sys

from django.core.handlers.wsgi import WSGIHandler


def test_the_entry_point_loads_the_views_and_freezes_what_it_loaded() -> None:
    from counseling import wsgi

    assert isinstance(wsgi.application, WSGIHandler)
    gc.unfreeze()
    try:
        wsgi.settle()
        # Every view module is imported before the freeze, so it is among the frozen objects.
        assert "archives.views.archive" in sys.modules
        assert "appointments.views.student" in sys.modules
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
