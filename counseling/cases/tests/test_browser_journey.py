"""In a real browser: a counselor opens a case, writes and signs a note, raises a crisis; a leader
acknowledges it and sees only the facts; the head reads the audit history; a class teacher passes
on a concern; a student complains from a phone. Every page is checked with axe-core.

Run alone with ``.venv/bin/python -m pytest -m browser counseling/cases``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from counseling.cases.models import Case, Complaint, Concern, Escalation, SessionNote
from counseling.models import StudentProfile
from counseling.tests.browser.conftest import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed"),
]

NOTE = "谈到新学期的适应，说宿舍很吵睡不好"


def test_case_records_in_the_browser(demo_school, journey, phone_journey) -> None:
    """One test, so the demo school is built once (a transactional test empties the database after it)."""
    counselor_opens_a_case_and_raises_a_crisis_the_leader_acknowledges(journey)
    journey.logout()
    class_teacher_passes_on_a_concern_and_sees_only_its_status(journey)
    student_complains_from_a_phone(phone_journey)


def counselor_opens_a_case_and_raises_a_crisis_the_leader_acknowledges(journey) -> None:
    page = journey.page
    profile = StudentProfile.objects.filter(user__cases__isnull=True).order_by("student_number")[40]
    student = profile.user

    journey.login("counselor1")
    journey.goto("/cases/new/")
    page.get_by_label("按姓名或学号查找学生").fill(profile.student_number)
    page.get_by_role("button", name="查找", exact=True).click()
    journey.check()
    page.get_by_role("link", name="开立个案").click()
    journey.check()
    page.get_by_label("情绪").check()
    page.get_by_role("button", name="开立个案").click()
    expect(page.get_by_text("个案已开立")).to_be_visible()
    journey.check()
    case = Case.objects.get(student=student)
    assert case.counselor.username == "counselor1"

    page.get_by_role("link", name="写辅导记录").click()
    page.get_by_label("内容").fill(NOTE)
    page.get_by_label("积极倾听").check()
    journey.check()
    page.get_by_role("button", name="保存记录").click()
    expect(page.get_by_test_id("note-content")).to_have_text(NOTE)
    journey.check()
    journey.screenshot("case-note")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="签署并锁定").click()
    expect(page.get_by_test_id("signed")).to_be_visible()
    journey.check()
    assert SessionNote.objects.get(case=case).signed_at is not None

    journey.goto(f"/cases/{case.pk}/crisis/new/")
    page.get_by_label("事件经过").fill("在走廊哭泣，说不想活了")
    page.get_by_label("已联系监护人").check()
    page.get_by_role("button", name="记录并立即上报").click()
    expect(page.get_by_test_id("crisis-actions")).to_contain_text("已联系监护人")
    journey.check()
    escalation = Escalation.objects.get(case=case)

    journey.logout()
    journey.login("leader")
    page.get_by_role("link", name=student.get_full_name()).first.click()
    journey.check()
    expect(page.get_by_test_id("crisis-facts")).to_contain_text(student.get_full_name())
    assert NOTE not in page.content() and "不想活了" not in page.content()
    journey.screenshot("crisis-leader")
    page.get_by_role("button", name="确认").click()
    expect(page.get_by_text("你已确认这次上报")).to_be_visible()
    journey.check()
    escalation.refresh_from_db()
    assert escalation.acknowledged_by.username == "leader"

    journey.logout()
    journey.login("head")
    journey.goto(f"/cases/{case.pk}/audit/")
    expect(page.get_by_test_id("audit-table")).to_contain_text("张晓雯")
    expect(page.get_by_test_id("audit-table")).to_contain_text("刘建国")


def class_teacher_passes_on_a_concern_and_sees_only_its_status(journey) -> None:
    page = journey.page
    journey.login("teacher1")
    journey.goto("/cases/refer/")
    page.get_by_label("学生").select_option(index=10)
    page.get_by_label("你注意到的情况").fill("这周上课一直趴在桌上")
    page.get_by_role("button", name="转给心理辅导室").click()
    expect(page.get_by_test_id("concern-state")).to_contain_text("已收到")
    journey.check()
    assert Concern.objects.filter(referred_by__username="teacher1").count() == 3


def student_complains_from_a_phone(phone_journey) -> None:
    page = phone_journey.page
    phone_journey.login("student1")
    phone_journey.goto("/cases/complaints/new/")
    page.get_by_label("事件经过").fill("等候时别的同学能听到谈话")
    page.get_by_role("button", name="提交投诉").click()
    expect(page.get_by_test_id("complaint-status").first).to_have_text("已收到")
    phone_journey.check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert Complaint.objects.filter(filed_by__username="student1").exists()
