"""The agenda's opening hours come from the shared cache, and every change to them shows at once."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from appointments.models import OfficeRules
from appointments.services.agenda import week_of
from appointments.services.hours_cache import window_hours
from appointments.tests.conftest import at, key
from appointments.tests.factories import (
    AppointmentFactory,
    ClosedDayFactory,
    ExtraSessionFactory,
    WeeklyScheduleFactory,
)

pytestmark = pytest.mark.django_db


def chips(client) -> set[str]:
    """The free times the week offers, by slot key."""
    page = client.get(reverse("appointments:week")).content.decode()
    return set(re.findall(r"\?start=([0-9T:-]+)&amp;counselor=", page))


def test_a_new_weekly_schedule_shows_at_once(login, counselor, term, hours) -> None:
    client = login(counselor)
    assert key(at(1, 10, 0)) not in chips(client)
    WeeklyScheduleFactory(counselor=counselor, term=term, weekday=1, start_time=datetime.time(10, 0))
    assert key(at(1, 10, 0)) in chips(client)


def test_a_removed_weekly_schedule_goes_at_once(login, counselor, hours) -> None:
    client = login(counselor)
    assert key(at(2, 17, 25)) in chips(client)
    hours[2].delete()
    assert key(at(2, 17, 25)) not in chips(client)


def test_an_extra_session_shows_at_once(login, counselor, hours) -> None:
    client = login(counselor)
    assert key(at(3, 10, 0)) not in chips(client)
    ExtraSessionFactory(counselor=counselor, date=at(3, 0).date())
    assert key(at(3, 10, 0)) in chips(client)


def test_a_closed_day_shows_at_once_and_its_end_too(login, counselor, hours) -> None:
    client = login(counselor)
    assert key(at(3, 17, 25)) in chips(client)
    closure = ClosedDayFactory(start_date=at(3, 0).date(), reason="Sports day")
    assert key(at(3, 17, 25)) not in chips(client)
    assert "Sports day" in client.get(reverse("appointments:week")).content.decode()
    closure.delete()
    assert key(at(3, 17, 25)) in chips(client)


def test_a_term_that_ends_earlier_shows_at_once(login, counselor, term, hours) -> None:
    client = login(counselor)
    assert key(at(4, 17, 25)) in chips(client)
    term.end = at(3, 0).date()
    term.save()
    assert key(at(4, 17, 25)) not in chips(client)


def test_a_renamed_counselor_shows_at_once_on_the_heads_week(login, head, counselor, hours) -> None:
    client = login(head)
    named = re.compile(r'<a class="badge rounded-pill[^>]*>[^<]* (\S+)</a>')
    assert set(named.findall(client.get(reverse("appointments:week")).content.decode())) == {"张老师"}
    counselor.name = "张新老师"
    counselor.save()
    assert set(named.findall(client.get(reverse("appointments:week")).content.decode())) == {"张新老师"}


def test_a_sign_in_keeps_the_cached_hours(login, counselor, hours) -> None:
    login(counselor).get(reverse("appointments:week"))
    stamp = cache.get("appointments:hours:stamp")
    assert stamp is not None
    login(counselor)  # saves the last sign-in time only
    assert cache.get("appointments:hours:stamp") == stamp


def test_cached_counselors_carry_their_names_only(counselor, hours) -> None:
    first, last = week_of(at(0, 0).date())
    window_hours(first, last, [counselor.pk])
    slots, _closures = window_hours(first, last, [counselor.pk])
    assert str(slots[0].counselor) == "张老师"
    assert {"password", "email"} <= slots[0].counselor.get_deferred_fields()


@override_settings(SIGNED_IN_CACHE=False)
def test_without_a_shared_cache_the_hours_are_read_each_time(counselor, hours, django_assert_num_queries) -> None:
    first, last = week_of(at(0, 0).date())
    window_hours(first, last, [counselor.pk])
    # Closed days, weekly schedules, extra sessions, the counselors' names.
    with django_assert_num_queries(4):
        slots, _closures = window_hours(first, last, [counselor.pk])
    assert len(slots) == 10
    assert cache.get("appointments:hours:stamp") is None


def test_a_change_of_the_office_rules_shows_on_the_next_booking_page(login, student, counselor, hours) -> None:
    rules = OfficeRules.load()
    rules.max_upcoming_per_student = 2
    rules.save()
    client = login(student)
    AppointmentFactory(student=student, counselor=counselor, starts_at=at(1, 17, 25))
    assert 'data-testid="slot"' in client.get(reverse("appointments:book")).content.decode()
    rules.max_upcoming_per_student = 1
    rules.save()
    assert 'data-testid="slot"' not in client.get(reverse("appointments:book")).content.decode()
