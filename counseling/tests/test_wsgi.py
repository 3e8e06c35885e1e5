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
        # Every view module is imported before the freeze, so its views are among the frozen
        # objects: out of the collector's generations, which a full collection walks.
        from archives.views.archive import archive_detail

        assert "appointments.views.student" in sys.modules
        assert gc.get_freeze_count() > 10_000
        assert all(obj is not archive_detail for obj in gc.get_objects())
        made_after = [object()]
        assert any(obj is made_after for obj in gc.get_objects())
    finally:
        gc.unfreeze()
