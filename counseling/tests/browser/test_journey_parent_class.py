"""A guardian signs up for a parent class on a 375 px phone, then downloads its handout and answers
the feedback form after it."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "parent-pass-2026"


def test_a_guardian_signs_up_on_a_phone_and_answers_the_feedback(guardian, student, counselor, phone_journey):
    from campaigns.models import FamilyRegistration
    from campaigns.services import families as family_service
    from campaigns.tests.factories import CampaignFactory, at, feedback_instrument, parent_class, pdf_bytes, upload

    guardian.set_password(PASSWORD)
    guardian.save(update_fields=["password"])
    campaign = CampaignFactory(organisers=[counselor], start_date=timezone.localdate() - datetime.timedelta(days=3))
    coming = parent_class(campaign, title="家长课堂：如何倾听孩子", capacity=30)
    held = parent_class(
        campaign, title="心理专题家长会", starts_at=at(timezone.localdate() - datetime.timedelta(days=1), 19)
    )
    family_service.choose_feedback(held, by=counselor, code=feedback_instrument().code)
    FamilyRegistration.objects.create(event=held, student=student, guardian=guardian, attended_at=timezone.now())
    family_service.add_material(held, by=counselor, upload=upload("讲义.pdf", pdf_bytes()), title="讲义")

    walk, page = phone_journey, phone_journey.page
    walk.login(guardian.username, PASSWORD)
    expect(page.get_by_text("1 场家长课堂正在报名。")).to_be_visible()  # the home panel
    walk.goto("/campaigns/families/")
    walk.screenshot("guardian-parent-classes")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("button", name="报名").first.click()
    page.wait_for_load_state()
    walk.check()
    expect(page.get_by_text("您的家庭已报名“家长课堂：如何倾听孩子”。")).to_be_visible()
    assert FamilyRegistration.objects.filter(event=coming, student=student, guardian=guardian).exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    with page.expect_download() as download:
        page.get_by_role("link", name="讲义").click()
    assert download.value.suggested_filename.endswith(".pdf")

    page.get_by_role("link", name="填写简短的反馈问卷").click()
    expect(page).to_have_url(re.compile(r"/feedback/$"))
    walk.check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_label("满意").first.check()
    page.get_by_label("一般").nth(1).check()
    page.locator("main form [type=submit]").last.click()
    page.wait_for_load_state()
    walk.check()
    expect(page.get_by_text("谢谢：您的回答已匿名计入。")).to_be_visible()
