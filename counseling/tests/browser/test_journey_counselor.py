"""A counselor runs the day; a crisis raised by a counselor reaches the head counselor, who acknowledges it."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def free_students(count: int):
    from appointments.models import Appointment
    from counseling.cases.models import Case
    from counseling.enums import Role
    from counseling.models import User

    taken = Appointment.objects.values("student_id")
    with_case = Case.objects.values("student_id")
    people = User.objects.filter(role=Role.STUDENT, is_active=True).exclude(pk__in=taken).exclude(pk__in=with_case)
    return list(people.order_by("pk")[:count])


def the_day(counselor):
    """A request for tomorrow and a confirmed visit that started 40 minutes ago, with its open case."""
    from appointments.enums import AppointmentSource, AppointmentStatus
    from appointments.tests.factories import AppointmentFactory
    from counseling.cases.tests.factories import CaseFactory

    asker, visitor = free_students(2)
    now = timezone.now().replace(second=0, microsecond=0)
    tomorrow = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=1), datetime.time(10, 0))
    )
    request = AppointmentFactory(
        student=asker,
        counselor=counselor,
        starts_at=tomorrow,
        status=AppointmentStatus.REQUESTED,
        source=AppointmentSource.ONLINE,
    )
    visit = AppointmentFactory(
        student=visitor,
        counselor=counselor,
        starts_at=now - datetime.timedelta(minutes=40),
        ends_at=now - datetime.timedelta(minutes=10),
        status=AppointmentStatus.CONFIRMED,
    )
    case = CaseFactory(student=visitor, counselor=counselor)
    return request, visit, case


def test_counselor_confirms_records_writes_signs_and_plans(demo_school, journey):
    from appointments.enums import AppointmentStatus
    from counseling.cases.models import FollowUp, SessionNote

    counselor = demo_school.users["counselor1"]
    request, visit, case = the_day(counselor)
    page = journey.page
    journey.login("counselor1")
    journey.screenshot("home-counselor")
    journey.goto("/appointments/agenda/")
    journey.screenshot("counselor-week")

    journey.goto(f"/appointments/{request.pk}/")
    page.locator(f"form[action='/appointments/{request.pk}/confirm/'] button").click()
    page.wait_for_load_state()
    journey.check()
    request.refresh_from_db()
    assert request.status == AppointmentStatus.CONFIRMED

    journey.goto(f"/appointments/{visit.pk}/")
    page.locator(f"form[action='/appointments/{visit.pk}/attended/'] button").click()
    page.wait_for_load_state()
    journey.check()
    visit.refresh_from_db()
    assert visit.status == AppointmentStatus.ATTENDED

    journey.goto(f"/cases/{case.pk}/")
    journey.screenshot("case-counselor")
    page.locator(f"a[href='/cases/{case.pk}/notes/new/']").click()
    expect(page).to_have_url(re.compile(r"/notes/new/"))
    journey.check()
    page.locator("select[name=appointment]").select_option(str(visit.pk))
    page.locator("textarea[name=content]").fill("谈到期中考试的压力，练习了腹式呼吸。")
    page.locator("textarea[name=next_steps]").fill("下周同一时间回访。")
    page.locator("main form [type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/cases/notes/\d+/$"))
    journey.check()
    note = SessionNote.objects.get(case=case)
    assert note.appointment_id == visit.pk
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"form[action='/cases/notes/{note.pk}/sign/'] button").click()
    expect(page.locator("[data-testid=signed]")).to_be_visible()
    journey.check()
    note.refresh_from_db()
    assert note.signed_at is not None and note.signed_by_id == counselor.pk

    journey.goto(f"/cases/{case.pk}/follow-ups/new/")
    due = timezone.localdate() + datetime.timedelta(days=7)
    page.locator("input[name=due_on]").fill(due.isoformat())
    page.locator("textarea[name=purpose]").fill("回访睡眠情况")
    page.locator("main form [type=submit]").first.click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    journey.check()
    assert FollowUp.objects.filter(case=case, due_on=due).exists()
    journey.assert_accessible()


def test_a_crisis_reaches_the_head_counselor_who_acknowledges_it(demo_school, journey):
    from counseling.cases.models import Escalation
    from counseling.cases.tests.factories import CaseFactory
    from counseling.models import Notification

    counselor, head = demo_school.users["counselor1"], demo_school.users["head"]
    (student,) = free_students(1)
    case = CaseFactory(student=student, counselor=counselor)
    page = journey.page
    journey.login("counselor1")
    journey.goto(f"/cases/{case.pk}/crisis/new/")
    page.locator("select[name=risk_level]").select_option(index=0)
    page.locator("input[name=occurred_at]").fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.locator("textarea[name=narrative]").fill("课间在走廊情绪失控，说不想活了。")
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    journey.check()
    escalation = Escalation.objects.get(case=case)
    assert escalation.acknowledged_at is None

    journey.logout()
    journey.login("head")
    # The head counselor hears of it at once: a notification naming the student, never the narrative.
    notice = Notification.objects.filter(user=head, title__contains=student.name).first()
    assert notice is not None and "不想活" not in notice.title + notice.body
    journey.goto("/notifications/")
    journey.goto(f"/cases/crises/{escalation.pk}/")
    journey.screenshot("crisis-head")
    page.locator(f"form[action='/cases/crises/{escalation.pk}/acknowledge/'] button").click()
    page.wait_for_load_state()
    journey.check()
    escalation.refresh_from_db()
    assert escalation.acknowledged_at is not None and escalation.acknowledged_by_id == head.pk
    journey.assert_accessible()
