"""The home-page panels and the navigation the appointments app adds."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appointments.enums import AppointmentStatus
from appointments.tests.conftest import at
from appointments.tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db


def test_a_student_sees_the_next_appointment(login, student, counselor) -> None:
    AppointmentFactory(student=student, counselor=counselor, starts_at=at(1, 17, 25))
    page = login(student).get(reverse("home")).content.decode()
    assert "Counseling appointments" in page
    assert counselor.name in page
    assert reverse("appointments:book") in page


def test_a_counselor_sees_today_and_waiting_requests(login, counselor, student, other_student) -> None:
    AppointmentFactory(student=student, counselor=counselor, starts_at=at(0, 17, 25))
    AppointmentFactory(
        student=other_student, counselor=counselor, starts_at=at(2, 17, 25), status=AppointmentStatus.REQUESTED
    )
    page = login(counselor).get(reverse("home")).content.decode()
    assert student.name in page
    assert "request waits for your confirmation." in page
    assert reverse("appointments:week") in page


def test_other_roles_get_no_appointment_panel(login, leader, administrator) -> None:
    for user in (leader, administrator):
        page = login(user).get(reverse("home")).content.decode()
        assert "Counseling appointments" not in page
        assert 'id="agenda-panel-title"' not in page
