"""A student says they are not safe; the grade's counselor sees it, acknowledges it, and the case agrees.

On a phone a student answers a PHQ-9 with item 9 above 0 and is shown where to get help now (and
no "minimal" band); the signal waits in the responsible counselor's triage list; acknowledging it
raises the case's risk to what the signal says and stops the re-sends.
"""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_student_in_danger_reaches_a_counselor(demo_school, phone_journey, journey):
    from django.utils import timezone

    from archives.models import Invitation
    from counseling.cases.enums import RiskLevel, SignalSource, SignalStatus
    from counseling.cases.models import RiskSignal
    from counseling.cases.services.signals import resend_unacknowledged
    from counseling.models import OutboxMessage

    student = demo_school.users["student1"]
    invitation = (
        Invitation.objects.filter(student=student, submitted_at__isnull=True, screening__is_anonymous=False)
        .select_related("screening")
        .first()
    )
    assert invitation is not None, "the demo school leaves student1 one open named survey"
    parts = list(invitation.screening.parts.select_related("instrument").order_by("order", "pk"))
    phq9 = next(part for part in parts if part.instrument.code == "phq9")

    # The student answers on a phone: the lowest answer everywhere, except item 9.
    walk, page = phone_journey, phone_journey.page
    walk.login("student1")
    walk.goto(f"/archives/surveys/{invitation.screening_id}/")
    names = page.evaluate("[...new Set([...document.querySelectorAll('main input[type=radio]')].map(i => i.name))]")
    for name in names:
        page.locator(f"main input[type=radio][name='{name}']").first.check()
    page.locator(f"main input[type=radio][name='q{phq9.pk}_9'][value='2']").check()
    page.locator("button[name=action][value=submit]").click()
    expect(page).to_have_url(re.compile(rf"/archives/surveys/{invitation.screening_id}/thanks/$"))
    walk.check()
    help_block = page.locator("[data-testid=help-block]").first
    expect(help_block).to_be_visible()
    expect(help_block).to_contain_text("12356")
    expect(page.locator("main")).not_to_contain_text("无或极轻微")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    walk.assert_accessible()

    signal = RiskSignal.objects.get(student=student, source=SignalSource.SCREENING_ITEM)
    assert signal.counselor is not None
    walk.screenshot("student-help-after-screening")

    # The responsible counselor finds it in the triage list and acknowledges it.
    journey.login(signal.counselor.username)
    journey.goto("/cases/signals/")
    row = journey.page.locator(f"a[href='/cases/signals/{signal.pk}/']").first
    expect(row).to_be_visible()
    expect(journey.page.locator("main")).to_contain_text(student.get_full_name())
    journey.screenshot("counselor-triage")
    row.click()
    expect(journey.page).to_have_url(re.compile(rf"/cases/signals/{signal.pk}/$"))
    journey.check()
    journey.page.locator(f"form[action='/cases/signals/{signal.pk}/acknowledge/'] button").click()
    journey.check()
    journey.assert_accessible()

    signal.refresh_from_db()
    assert signal.status == SignalStatus.ACKNOWLEDGED
    assert signal.case is not None
    assert RiskLevel.rank(signal.case.risk_level) >= RiskLevel.rank(RiskLevel.HIGH)
    # No more rounds for it, however long nobody else looks.
    resend_unacknowledged(timezone.now() + datetime.timedelta(hours=2))
    assert not OutboxMessage.objects.filter(dedupe_key__startswith=f"cases:signal:{signal.pk}:round:2:").exists()
