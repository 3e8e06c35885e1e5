"""The idle timeout moves forward with activity, but a busy session is saved at most once a minute."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone


@pytest.mark.django_db
@override_settings(SESSION_REFRESH_SECONDS=60)
def test_a_busy_session_is_refreshed_at_most_once_a_minute(client_for, counselor) -> None:
    client = client_for(counselor)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get(reverse("home"))
        first = client.session["_idle_refreshed"]
        assert client.session.get_expiry_age() == 15 * 60
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        client.get(reverse("home"))
        assert client.session["_idle_refreshed"] == first
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        client.get(reverse("home"))
        assert client.session["_idle_refreshed"] == first + 61
