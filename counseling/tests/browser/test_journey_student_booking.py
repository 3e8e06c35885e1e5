"""A student books, moves and cancels an appointment on a 375 px phone screen."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def free_student(demo_school):
    """A pupil of the demo school with nothing booked ahead (the demo gives some pupils a booking)."""
    from appointments.enums import OPEN_STATUSES
    from appointments.models import Appointment
    from counseling.enums import Role
    from counseling.models import User

    busy = Appointment.objects.filter(status__in=OPEN_STATUSES, ends_at__gt=timezone.now()).values("student_id")
    return User.objects.filter(role=Role.STUDENT, is_active=True).exclude(pk__in=busy).order_by("pk").first()


def test_student_books_moves_and_cancels_on_a_phone(demo_school, phone_journey):
    from appointments.enums import AppointmentStatus
    from appointments.models import Appointment

    student = free_student(demo_school)
    walk, page = phone_journey, phone_journey.page
    walk.login(student.username)
    walk.screenshot("student-home")

    walk.goto("/appointments/book/")
    walk.screenshot("student-booking")
    page.locator("[data-testid=slot]").first.click()
    expect(page).to_have_url(re.compile(r"/appointments/book/confirm/"))
    walk.check()
    page.locator("main form [type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/appointments/\d+/$"))
    walk.check()
    walk.screenshot("student-appointment")
    appointment = Appointment.objects.get(
        student=student, status__in=[AppointmentStatus.CONFIRMED, AppointmentStatus.REQUESTED]
    )
    first_start = appointment.starts_at
    # Nothing is wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.locator(f"a[href='/appointments/{appointment.pk}/move/']").click()
    expect(page).to_have_url(re.compile(r"/move/$"))
    walk.check()
    page.locator("[data-testid=slot]").first.click()
    # Picking a time only asks; the move happens on confirming it.
    expect(page.get_by_test_id("move-confirm")).to_be_visible()
    walk.check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    appointment.refresh_from_db()
    assert appointment.starts_at == first_start
    page.get_by_role("button", name="确定改约").click()
    expect(page).to_have_url(re.compile(rf"/appointments/{appointment.pk}/$"))
    walk.check()
    appointment.refresh_from_db()
    assert appointment.starts_at != first_start

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"form[action='/appointments/{appointment.pk}/cancel/'] button").click()
    page.wait_for_load_state()
    walk.check()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    walk.goto("/appointments/")
    walk.assert_accessible()
