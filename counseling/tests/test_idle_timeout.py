"""The idle timeout moves forward with activity; noting the activity rarely writes the database.

Activity is noted at most once a minute, in the session's cached copy; the session's row is
written only every SESSION_PERSIST_SECONDS. The timeout itself is exact (to the minute) and checked
on every request, so a session idle for longer ends whatever its row's expiry.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone


def sql_of(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def _row(client) -> dict:
    return Session.objects.get(session_key=client.cookies["sessionid"].value).get_decoded()


@pytest.mark.django_db
@override_settings(SESSION_REFRESH_SECONDS=60, SESSION_PERSIST_SECONDS=600)
def test_a_busy_session_notes_activity_once_a_minute_and_writes_its_row_every_ten(client_for, counselor) -> None:
    client = client_for(counselor)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get(reverse("home"))
        first = client.session["_idle_refreshed"]
        assert _row(client)["_idle_refreshed"] == first
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        client.get(reverse("home"))
        assert client.session["_idle_refreshed"] == first
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        statements = sql_of(client, reverse("home"))
        assert client.session["_idle_refreshed"] == first + 61
        # Noted in the cached copy only: no session write.
        assert not [sql for sql in statements if "django_session" in sql]
        assert _row(client)["_idle_refreshed"] == first
    with time_machine.travel(start + datetime.timedelta(seconds=601), tick=False):
        statements = sql_of(client, reverse("home"))
        assert [sql for sql in statements if "django_session" in sql]
        assert _row(client)["_idle_refreshed"] == first + 601


@pytest.mark.django_db
@override_settings(SESSION_REFRESH_SECONDS=60, SESSION_PERSIST_SECONDS=600)
def test_activity_noted_only_in_the_cache_still_keeps_the_session_alive(client_for, counselor) -> None:
    client = client_for(counselor)
    start = timezone.now()
    # Active every 10 minutes for an hour: the staff timeout (15 minutes) never ends the session.
    for minutes in range(0, 61, 10):
        with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
            assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=60 + 15, seconds=1), tick=False):
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@override_settings(SESSION_REFRESH_SECONDS=60, SESSION_PERSIST_SECONDS=600)
def test_a_session_whose_cached_copy_is_lost_ends_early_never_late(client_for, counselor) -> None:
    client = client_for(counselor)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get(reverse("home"))
    with time_machine.travel(start + datetime.timedelta(minutes=9), tick=False):
        client.get(reverse("home"))
    cache.clear()  # Redis restarted: only the row's note (from minute 0) is left.
    with time_machine.travel(start + datetime.timedelta(minutes=15, seconds=1), tick=False):
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert "_auth_user_id" not in client.session
