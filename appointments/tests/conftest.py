"""Shared set-up for the appointments tests: a fixed clock and a counselor with opening hours.

The clock stands on Monday 16 November 2026, 09:00 in Shanghai, inside the current term the
``term`` fixture creates, so every date below is predictable whatever day the suite runs.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from appointments.tests.factories import WeeklyScheduleFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime.datetime(2026, 11, 16, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(MONDAY, tick=True) as traveller:
        yield traveller


def at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A local time ``days`` after Monday 16 November 2026."""
    day = MONDAY.date() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def key(moment: datetime.datetime) -> str:
    """The slot key the pages use for ``moment``."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def hours(counselor, term):
    """``counselor`` is in room 301 Monday to Friday 17:25-18:25, in 30-minute slots."""
    return [WeeklyScheduleFactory(counselor=counselor, term=term, weekday=day) for day in range(5)]


@pytest.fixture
def other_hours(other_counselor, term):
    """``other_counselor`` has the same hours in room 302."""
    return [WeeklyScheduleFactory(counselor=other_counselor, term=term, weekday=day, room="302") for day in range(5)]


@pytest.fixture
def delivered(django_capture_on_commit_callbacks):
    """Run a block, then deliver every due outbox message, as the beat task would."""
    from counseling.services.notify import deliver_due

    class Runner:
        def __enter__(self):
            self.capture = django_capture_on_commit_callbacks(execute=True)
            self.capture.__enter__()
            return self

        def __exit__(self, *exc):
            self.capture.__exit__(*exc)
            deliver_due()
            return False

    return Runner


@pytest.fixture
def login(db):
    """``login(user)``: a test client signed in as ``user`` that reads the pages in English."""
    from django.test import Client

    def make(user=None) -> Client:
        client = Client(headers={"accept-language": "en"})
        if user is not None:
            client.force_login(user, backend="counseling.backends.PasswordBackend")
        return client

    return make


@pytest.fixture
def english():
    from django.utils import translation

    with translation.override("en"):
        yield
