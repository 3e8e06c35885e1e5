"""Issue 18's journey on a 375 px phone: a guardian signs in from the class teacher's invitation,
gives the screening consent the school asked for online, signs the family up for a parent class;
then the child, held back until now, answers the screening."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "13700001234"
PASSWORD = "Qiu-zhi-2026-jia"


def held_back_pupil(demo_school):
    """A pupil of teacher1's class invited to the open named screening who may not answer it yet: no
    guardian account and no consent on record (the demo's "forms missing"). The demo invited such
    pupils to last autumn's screening; the open one is given to one of them here."""
    from archives.models import Invitation, Screening
    from counseling.enums import ConsentPurpose, ConsentState
    from counseling.models import GuardianLink, User
    from counseling.services.consent import consent_state

    teacher_class = demo_school.users["student1"].student_profile.school_class
    screening = (
        Screening.objects.open_now()
        .filter(is_anonymous=False, invitations__school_class=teacher_class)
        .distinct()
        .order_by("closes_at")
        .first()
    )
    assert screening is not None, "the demo school has an open named screening for teacher1's class"
    pupils = (
        User.objects.filter(student_profile__school_class=teacher_class, student_profile__is_archived=False)
        .exclude(pk__in=GuardianLink.objects.values("student"))
        .order_by("pk")
    )
    pupil = next(p for p in pupils if consent_state(p, ConsentPurpose.SCREENING) == ConsentState.UNKNOWN)
    invitation, _created = Invitation.objects.get_or_create(
        screening=screening, student=pupil, defaults={"school_class": teacher_class}
    )
    return invitation


def test_guardian_signs_in_from_an_invitation_consents_and_signs_up_then_the_child_answers(
    demo_school, phone_journey
):
    from archives.services.participation import may_take_part
    from campaigns.enums import PARENT_KINDS
    from campaigns.models import Event, FamilyRegistration
    from counseling.enums import ConsentMethod, ConsentPurpose, ConsentState, Role
    from counseling.models import ConsentRecord, User
    from counseling.models.family import ConsentRequest
    from counseling.services.invitations import invite_guardian

    invitation = held_back_pupil(demo_school)
    child, screening = invitation.student, invitation.screening
    teacher = demo_school.users["teacher1"]
    issued = invite_guardian(student=child, phone=PHONE, name="王妈妈", relation="mother", by=teacher)
    assert ConsentRequest.objects.filter(
        school_class=child.student_profile.school_class, purpose=ConsentPurpose.SCREENING
    ).exists(), "the demo's teacher1 asked the class's families online for the screening consent"
    assert not may_take_part(child, screening), "12 years old, no consent on record: held back"

    walk, page = phone_journey, phone_journey.page
    # The link the class teacher sent: the guardian chooses a password and is signed in.
    walk.goto(f"/family/join/{issued.secret}/")
    walk.screenshot("guardian-join")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("main form [type=submit]").last.click()
    page.wait_for_load_state()
    walk.check()
    guardian = User.objects.get(username=PHONE)
    assert guardian.role == Role.GUARDIAN
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    walk.screenshot("guardian-home")

    # The consent the school asked for, answered for this child.
    walk.goto("/family/consent/")
    row = page.locator("[data-testid=consent-requests] li").filter(has_text=child.name)
    row.first.locator("a").click()
    expect(page).to_have_url(re.compile(rf"/family/consent/\d+/{child.pk}/$"))
    walk.check()
    walk.screenshot("guardian-consent")
    page.locator("input[name=state][value=given]").check()
    page.locator("main form [type=submit]").last.click()
    page.wait_for_load_state()
    walk.check()
    record = ConsentRecord.objects.current().get(student=child, purpose=ConsentPurpose.SCREENING)
    assert (record.state, record.method, record.recorded_by) == (ConsentState.GIVEN, ConsentMethod.ONLINE, guardian)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # A parent class for the child's grade, signed up for the child's family.
    walk.goto("/campaigns/families/")
    walk.screenshot("guardian-parent-classes")
    upcoming = page.locator("[data-testid=family-events] form[action$='/register/']").first
    action = upcoming.get_attribute("action")
    event = Event.objects.get(pk=int(re.search(r"/(\d+)/", action).group(1)))
    assert event.kind in PARENT_KINDS
    upcoming.locator("button").click()
    page.wait_for_load_state()
    walk.check()
    assert FamilyRegistration.objects.filter(event=event, student=child, guardian=guardian).exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # Nothing of the child's counseling records is a guardian's to open.
    for path in ("/archives/surveys/", f"/archives/surveys/{screening.pk}/"):
        response = page.goto(walk.url(path))
        assert response.status in (403, 404), f"{path} answered {response.status} to a guardian"

    # The child may now take part, and does.
    assert may_take_part(child, screening)
    walk.logout()
    walk.login(child.username)
    walk.goto(f"/archives/surveys/{screening.pk}/")
    names = page.evaluate("[...new Set([...document.querySelectorAll('main input[type=radio]')].map(i => i.name))]")
    assert names, "the survey shows its questions once the guardian has consented"
    for name in names:
        page.locator(f"main input[type=radio][name='{name}']").first.check()
    page.locator("button[name=action][value=submit]").click()
    expect(page).to_have_url(re.compile(rf"/archives/surveys/{screening.pk}/thanks/$"))
    walk.check()
    invitation.refresh_from_db()
    assert invitation.submitted_at is not None
