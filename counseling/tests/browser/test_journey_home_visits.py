"""A class teacher plans and records a home visit on a 375 px phone, and opens the contact card."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_class_teacher_plans_records_and_prints_on_a_phone(demo_school, phone_journey):
    from archives.models import HomeVisit

    teacher = demo_school.users["teacher1"]
    school_class = teacher.taught_classes.filter(is_archived=False).order_by("pk").first()
    walk, page = phone_journey, phone_journey.page
    walk.login(teacher.username)

    walk.goto("/archives/home-visits/")
    walk.check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.locator(f"a[href='/archives/home-visits/class/{school_class.pk}/']").click()
    expect(page.get_by_test_id("visit-pupils")).to_be_visible()
    walk.check()
    page.get_by_test_id("filter-not-visited").click()
    expect(page).to_have_url(re.compile(r"not_visited=1"))
    walk.check()
    walk.screenshot("teacher-home-visits")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    first = page.locator("[data-testid=visit-pupils] [data-pupil]").first
    pupil_pk = int(first.get_attribute("data-pupil"))

    # Plan a visit, then record it from the class page.
    walk.goto(f"/archives/home-visits/pupil/{pupil_pk}/plan/")
    walk.check()
    page.locator("input[name=planned_for]").fill((timezone.localdate() + datetime.timedelta(days=7)).isoformat())
    page.locator("main form [type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/archives/home-visits/class/{school_class.pk}/$"))
    visit = HomeVisit.objects.get(student_id=pupil_pk, visited_on__isnull=True)
    page.locator(f"a[href='/archives/home-visits/{visit.pk}/']").click()
    walk.check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.locator("input[name=topics][value=study]").check()
    page.locator("textarea[name=note]").fill("与母亲面谈，孩子作息规律。")
    page.locator("main form [type=submit]").first.click()
    expect(page).to_have_url(re.compile(rf"/archives/home-visits/class/{school_class.pk}/$"))
    visit.refresh_from_db()
    assert visit.visited_on is not None and visit.note == "与母亲面谈，孩子作息规律。"

    walk.goto(f"/archives/home-visits/pupil/{pupil_pk}/card/")
    walk.check()
    expect(page.get_by_test_id("card-visits")).to_contain_text("与母亲面谈")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    walk.screenshot("teacher-contact-card")
    walk.assert_accessible()
