"""A student answers a screening on a phone; a class teacher hands in a contest entry."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_student_answers_a_screening_on_a_phone(demo_school, phone_journey):
    from archives.models import Invitation

    student = demo_school.users["student1"]
    invitation = (
        Invitation.objects.filter(student=student, submitted_at__isnull=True).select_related("screening").first()
    )
    assert invitation is not None, "the demo school leaves student1 one open survey"
    walk, page = phone_journey, phone_journey.page
    walk.login("student1")
    walk.goto("/archives/surveys/")
    page.locator(f"a[href='/archives/surveys/{invitation.screening_id}/']").first.click()
    expect(page).to_have_url(re.compile(rf"/archives/surveys/{invitation.screening_id}/$"))
    walk.check()
    walk.screenshot("student-survey")
    # One answer per question: the first choice of every radio group.
    names = page.evaluate("[...new Set([...document.querySelectorAll('main input[type=radio]')].map(i => i.name))]")
    assert names, "the survey shows its questions"
    for name in names:
        page.locator(f"main input[type=radio][name='{name}']").first.check()
    page.locator("button[name=action][value=submit]").click()
    expect(page).to_have_url(re.compile(rf"/archives/surveys/{invitation.screening_id}/thanks/$"))
    walk.check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    invitation.refresh_from_db()
    assert invitation.submitted_at is not None
    walk.assert_accessible()


def test_class_teacher_hands_in_a_contest_entry(demo_school, journey, tmp_path):
    from campaigns.models import Entry
    from campaigns.tests.factories import pdf_bytes, png_bytes

    teacher = demo_school.users["teacher1"]
    page = journey.page
    journey.login("teacher1")
    journey.screenshot("home-teacher")
    journey.goto("/campaigns/class/")
    journey.screenshot("teacher-class-work")
    submit_links = page.locator("a[href^='/campaigns/contests/'][href$='/submit/']")
    assert submit_links.count() > 0, "the demo school has an open contest for teacher1's class"
    href = submit_links.first.get_attribute("href")
    contest_id = int(re.search(r"/contests/(\d+)/", href).group(1))
    before = Entry.objects.filter(contest_id=contest_id, school_class__class_teacher=teacher).count()
    submit_links.first.click()
    expect(page).to_have_url(re.compile(r"/submit/$"))
    journey.check()

    help_text = page.locator("main form").inner_text()
    upload = tmp_path / ("poster.png" if "PNG" in help_text else "entry.pdf")
    upload.write_bytes(png_bytes() if upload.suffix == ".png" else pdf_bytes())
    page.locator("input[name=title]").fill("我们班的心理健康手抄报")
    page.locator("input[type=file][name=file]").set_input_files(str(upload))
    page.locator("main form [type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/campaigns/class/$"))
    journey.check()
    entries = Entry.objects.filter(contest_id=contest_id, school_class__class_teacher=teacher)
    assert entries.count() == before + 1
    assert entries.filter(title="我们班的心理健康手抄报").exists()
    journey.assert_accessible()
