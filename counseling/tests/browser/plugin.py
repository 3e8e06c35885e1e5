"""pytest plugin (loaded by pytest.ini): keeps a copy of the rows the migrations wrote.

A transactional test (every browser journey, some concurrency tests) ends by emptying every table,
and with them the rows that data migrations put there: the concern categories, the built-in
instruments. Django can keep and restore a copy (``serialized_rollback``), but its copy hangs on
the database connection of the context it was made in, which the tests no longer see once
Playwright's event loop runs in the test thread. So, when the session has browser journeys, we
take our own copy at its very first test, before anything has emptied a table, and
``demo_school`` refills from it whatever table is empty.
"""

from __future__ import annotations

import pytest

MIGRATION_ROWS: dict[str, str] = {}


@pytest.fixture(scope="session", autouse=True)
def _keep_migration_rows(request):
    if not any(item.get_closest_marker("browser") for item in request.session.items):
        return
    request.getfixturevalue("django_db_setup")
    blocker = request.getfixturevalue("django_db_blocker")
    from django.db import connection

    with blocker.unblock():
        MIGRATION_ROWS["default"] = connection.creation.serialize_db_to_string()
