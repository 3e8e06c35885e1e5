"""A kept PostgreSQL connection is checked before a request's first query: by its socket first, by
the server only when the server said something (counseling/postgresql/base.py)."""

from __future__ import annotations

import time

import psycopg2
import pytest
from django.db import connection
from django.db.backends.postgresql import base

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own backend")
pytestmark = [postgres_only, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _other_connection():
    params = connection.get_connection_params()
    return psycopg2.connect(**params)


def test_a_quiet_connection_is_usable_without_asking_the_server(monkeypatch) -> None:
    connection.ensure_connection()
    # The server is not asked: Django's check (a SELECT 1) would raise.
    monkeypatch.setattr(base.DatabaseWrapper, "is_usable", lambda self: pytest.fail("asked the server"))
    assert connection.is_usable()


def test_a_connection_the_server_ended_is_not_usable_and_the_next_query_reconnects() -> None:
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    other = _other_connection()
    try:
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            # Wait (at most 2 s) until the backend is gone: its socket then holds its last words.
            for _attempt in range(40):
                cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = %s)", [pid])
                if not cursor.fetchone()[0]:
                    break
                time.sleep(0.05)
    finally:
        other.close()
    assert not connection.is_usable()
    # What Django does at a request's first query when the check fails: close, then connect anew.
    connection.health_check_done = False
    connection.close_if_health_check_failed()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_a_closed_connection_is_not_usable() -> None:
    connection.ensure_connection()
    connection.connection.close()
    assert not connection.is_usable()
    connection.close()
