"""Sign-in hardening around the confidential records: idle timeouts, lockout, two-factor for staff."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from counseling.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "seconds"),
    [("counselor", 15 * 60), ("head", 15 * 60), ("leader", 15 * 60), ("class_teacher", 15 * 60), ("student", 30 * 60)],
)
def test_the_idle_timeout_is_set_per_role(request, client_for, who, seconds) -> None:
    client = client_for(request.getfixturevalue(who))
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert client.get(reverse("home")).status_code == 200
    # A request just before the timeout keeps the session and starts the wait again ...
    with time_machine.travel(start + datetime.timedelta(seconds=seconds - 5), tick=False):
        assert client.get(reverse("home")).status_code == 200
    # ... and a whole timeout without one ends it.
    with time_machine.travel(start + datetime.timedelta(seconds=2 * seconds - 5), tick=False):
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@override_settings(STAFF_IDLE_TIMEOUT=60)
def test_the_staff_idle_timeout_is_configurable(client_for, counselor) -> None:
    client = client_for(counselor)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        assert client.get(reverse("home")).status_code == 302


def test_five_failed_logins_lock_the_account_from_that_address(counselor) -> None:
    client = Client(REMOTE_ADDR="10.0.0.7")
    for _ in range(5):
        client.post(reverse("login"), {"username": counselor.username, "password": "wrong"})
    response = client.post(reverse("login"), {"username": counselor.username, "password": PASSWORD})
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session
    # Another address is not locked out by these failures.
    other = Client(REMOTE_ADDR="10.0.0.8")
    assert other.post(reverse("login"), {"username": counselor.username, "password": PASSWORD}).status_code == 302


@override_settings(REQUIRE_STAFF_2FA=True)
@pytest.mark.parametrize("who", ["counselor", "head", "leader"])
def test_staff_who_read_crises_must_pass_two_factor(request, client_for, who) -> None:
    response = client_for(request.getfixturevalue(who)).get(reverse("cases:crisis_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor"))


@override_settings(REQUIRE_STAFF_2FA=True)
@pytest.mark.parametrize("who", ["student", "class_teacher"])
def test_students_and_teachers_are_not_asked_for_two_factor(request, client_for, who) -> None:
    assert client_for(request.getfixturevalue(who)).get(reverse("home")).status_code == 200


@override_settings(REQUIRE_STAFF_2FA=False)
def test_without_the_setting_staff_go_straight_in(client_for, counselor) -> None:
    assert client_for(counselor).get(reverse("cases:case_list")).status_code == 200
