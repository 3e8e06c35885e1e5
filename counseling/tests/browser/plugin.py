"""pytest plugin (loaded by pytest.ini): the rows the migrations wrote survive transactional tests.

A transactional test (every browser journey, some concurrency tests) ends by emptying every table,
and with them the rows that data migrations put there: the concern categories, the built-in
instruments. Django can keep and restore a copy (``serialized_rollback``), but its copy hangs on
the database connection of the context it was made in, which the tests no longer see once
Playwright's event loop runs in the test thread. So we take our own copy when the first
transactional test of a process is set up (nothing has emptied a table yet), and the next test
that uses the database after a transactional one first refills every empty table from it.

With one test process the order of tests hid this (pytest-django runs transactional tests
last); with one process per core (pytest-xdist) any module may follow a transactional one.
"""

from __future__ import annotations

import pytest

MIGRATION_ROWS: dict[str, str] = {}
# A transactional test has run (and emptied the tables) since the rows were last put back.
_emptied = False


def restore_empty_tables(serialized: str) -> None:
    """Put the migrations' rows back into the tables that are empty (others were refilled already)."""
    from django.core import serializers
    from django.db import transaction

    empty: dict[type, bool] = {}
    with transaction.atomic():
        for item in serializers.deserialize("json", serialized):
            model = type(item.object)
            if model not in empty:
                empty[model] = not model._default_manager.exists()
            if empty[model]:
                item.save()


def _database_use(request) -> tuple[bool, bool]:
    """(uses the database, is transactional) for the test being set up."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    transactional = bool(
        (marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
        or names & {"transactional_db", "live_server"}
    )
    return (marker is not None or transactional or "db" in names), transactional


@pytest.fixture(autouse=True)
def _school_language():
    """Each test starts in the school's language: a request in English leaves English active in
    the thread, which would otherwise reach whichever test the process runs next."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _migration_rows(request):
    global _emptied
    uses_database, transactional = _database_use(request)
    if not uses_database:
        return
    if transactional or _emptied:
        request.getfixturevalue("django_db_setup")
        blocker = request.getfixturevalue("django_db_blocker")
        from django.db import connection

        with blocker.unblock():
            if "default" not in MIGRATION_ROWS:
                MIGRATION_ROWS["default"] = connection.creation.serialize_db_to_string()
            elif _emptied:
                restore_empty_tables(MIGRATION_ROWS["default"])
        _emptied = False
    if transactional:
        _emptied = True
