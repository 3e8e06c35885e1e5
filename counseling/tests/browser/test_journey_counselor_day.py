"""A counselor's day in zh-hans: book a student from a free-time chip of the week, mark the visit
attended, and land in the session note, prefilled from the appointment. Every page is checked
with axe-core.

It lives here rather than in appointments/tests/, whose autouse clock (16 November 2026) would
also move the live server's clock and expire the browser's session cookie.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def a_student_with_a_case(counselor):
    """A pupil with nothing booked and no case, given an open case held by ``counselor``."""
    from appointments.models import Appointment
    from counseling.cases.models import Case
    from counseling.cases.tests.factories import CaseFactory
    from counseling.enums import Role
    from counseling.models import User

    student = (
        User.objects.filter(role=Role.STUDENT, is_active=True)
        .exclude(pk__in=Appointment.objects.values("student_id"))
        .exclude(pk__in=Case.objects.values("student_id"))
        .order_by("pk")
        .first()
    )
    return student, CaseFactory(student=student, counselor=counselor)


def the_visit_begins(appointment) -> None:
    """Time passes: the booked visit started 40 minutes ago (a free stretch of the counselor's day)."""
    from appointments.models import Appointment

    now = timezone.now().replace(second=0, microsecond=0)
    for minutes in (40, 100, 160, 220):
        start = now - datetime.timedelta(minutes=minutes)
        others = Appointment.objects.overlapping(start, start + datetime.timedelta(minutes=30))
        if not others.filter(counselor=appointment.counselor).exclude(pk=appointment.pk).exists():
            break
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=start, ends_at=start + datetime.timedelta(minutes=30)
    )


def test_a_counselor_books_from_the_week_marks_attended_and_writes_the_note(demo_school, journey):
    from appointments.enums import AppointmentSource, AppointmentStatus
    from appointments.models import Appointment

    counselor = demo_school.users["counselor1"]
    student, case = a_student_with_a_case(counselor)
    page = journey.page
    journey.login("counselor1")

    # Next week: every chip there is still ahead.
    next_week = timezone.localdate() + datetime.timedelta(days=7)
    journey.goto(f"/appointments/agenda/?date={next_week.isoformat()}")
    chip = page.locator(".agenda-free a[href*='/appointments/agenda/new/?start=']").first
    chip_start = re.search(r"start=([0-9T:-]+)", chip.get_attribute("href")).group(1)
    chip.click()
    expect(page).to_have_url(re.compile(r"/appointments/agenda/new/\?start="))
    journey.check()
    # The chip filled the date input with an ISO value, which the browser shows (zh-hans formats
    # would leave it empty), and the time input with the chip's time.
    expect(page.locator("input[name=date]")).to_have_value(chip_start[:10])
    expect(page.locator("input[name=start_time]")).to_have_value(chip_start[11:16])

    # A slip of the keyboard: 03:00 is asked about, not booked.
    page.locator("input[name=student]").fill(student.student_profile.student_number)
    page.locator("input[name=start_time]").fill("03:00")
    page.locator("main form [type=submit]").click()
    expect(page.get_by_text("不在开放时间内")).to_be_visible()
    expect(page.get_by_label("确认在开放时间和在校时间以外预约这个时间")).to_be_visible()
    journey.check()
    assert not Appointment.objects.filter(student=student).exists()

    page.locator("input[name=start_time]").fill(chip_start[11:16])
    page.locator("main form [type=submit]").click()
    expect(page).to_have_url(re.compile(r"/appointments/\d+/$"))
    journey.check()
    appointment = Appointment.objects.get(student=student)
    assert appointment.counselor == counselor and appointment.status == AppointmentStatus.CONFIRMED
    assert appointment.source == AppointmentSource.WALK_IN
    assert timezone.localtime(appointment.starts_at).strftime("%Y-%m-%dT%H:%M") == chip_start
    # Before the time: a neutral "upcoming", no outcome buttons, and the name leads to the case.
    expect(page.get_by_test_id("status")).to_have_text("待到访")
    expect(page.get_by_role("button", name="标记为已到访")).to_have_count(0)
    expect(page.get_by_test_id("student-case")).to_have_attribute("href", f"/cases/{case.pk}/")

    the_visit_begins(appointment)
    page.reload()
    journey.check()
    page.get_by_role("button", name="标记为已到访").click()
    expect(page.get_by_text("已标记为已到访")).to_be_visible()
    journey.check()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ATTENDED
    expect(page.get_by_role("button", name="标记为已到访")).to_have_count(0)
    expect(page.get_by_role("button", name="标记为未到")).to_have_count(0)
    journey.screenshot("appointment-attended")

    page.get_by_role("link", name="写辅导记录").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/notes/new/\?appointment={appointment.pk}$"))
    journey.check()
    local = timezone.localtime(appointment.starts_at)
    expect(page.locator("select[name=appointment]")).to_have_value(str(appointment.pk))
    expect(page.locator("input[name=held_on]")).to_have_value(local.date().isoformat())
    expect(page.locator("select[name=channel]")).to_have_value(appointment.channel)
    expect(page.locator("input[name=duration_minutes]")).to_have_value("30")
    expect(page.locator("select[name=appointment] option:checked")).to_contain_text(local.strftime("%H:%M"))
    journey.assert_accessible()
