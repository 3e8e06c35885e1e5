"""Students sign up for events with places, on their phones, and see their registrations."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.enums import CampaignStatus
from campaigns.models import Registration
from campaigns.tests.factories import CampaignFactory, EventFactory, at
from counseling.tests.factories import GradeFactory, SchoolClassFactory, make_student

pytestmark = pytest.mark.django_db


def test_a_student_signs_up_and_sees_the_registration(student, client_for) -> None:
    event = EventFactory(title="心理剧展演《成长的烦恼》", registration_required=True, capacity=120)
    client = client_for(student)
    page = client.get(reverse("campaigns:my_events")).content.decode()
    assert "心理剧展演《成长的烦恼》" in page and "Sign up" in page
    response = client.post(reverse("campaigns:register", args=[event.pk]), follow=True)
    assert Registration.objects.filter(event=event, student=student).exists()
    text = response.content.decode()
    assert "You are registered for “心理剧展演《成长的烦恼》”." in text
    assert 'data-testid="my-registrations"' in text


def test_a_full_event_refuses_the_next_student(student, other_student, client_for) -> None:
    event = EventFactory(registration_required=True, capacity=1)
    client_for(other_student).post(reverse("campaigns:register", args=[event.pk]))
    response = client_for(student).post(reverse("campaigns:register", args=[event.pk]), follow=True)
    assert "This event is full." in response.content.decode()
    assert list(event.registrations.values_list("student", flat=True)) == [other_student.pk]


def test_signing_up_twice_is_refused(student, client_for) -> None:
    event = EventFactory(registration_required=True, capacity=10)
    client = client_for(student)
    client.post(reverse("campaigns:register", args=[event.pk]))
    response = client.post(reverse("campaigns:register", args=[event.pk]), follow=True)
    assert "You are already registered for this event." in response.content.decode()
    assert event.registrations.count() == 1


def test_grades_limit_who_may_sign_up(student, client_for) -> None:
    senior = GradeFactory(level=4, name="高一")
    event = EventFactory(registration_required=True)
    event.grades.set([senior])
    page = client_for(student).get(reverse("campaigns:my_events")).content.decode()
    assert event.title not in page
    response = client_for(student).post(reverse("campaigns:register", args=[event.pk]), follow=True)
    assert "Registration for this event is not open to you." in response.content.decode()
    senior_student = make_student("senior", SchoolClassFactory(grade=senior, number=1), student_number="20240099")
    assert client_for(senior_student).post(reverse("campaigns:register", args=[event.pk])).status_code == 302
    assert event.registrations.get().student == senior_student


def test_the_campaign_grades_apply_when_the_event_has_none(student, client_for) -> None:
    campaign = CampaignFactory()
    campaign.grades.set([GradeFactory(level=5, name="高二")])
    event = EventFactory(campaign=campaign, registration_required=True)
    client_for(student).post(reverse("campaigns:register", args=[event.pk]))
    assert not event.registrations.exists()


def test_unpublished_events_and_draft_campaigns_take_no_registrations(student, client_for) -> None:
    hidden = EventFactory(registration_required=True, is_published=False)
    draft = EventFactory(campaign=CampaignFactory(status=CampaignStatus.DRAFT), registration_required=True)
    client = client_for(student)
    assert client.post(reverse("campaigns:register", args=[hidden.pk])).status_code == 404
    assert client.post(reverse("campaigns:register", args=[draft.pk])).status_code == 404
    assert not Registration.objects.exists()


def test_an_event_that_has_started_takes_no_registrations(student, client_for) -> None:
    campaign = CampaignFactory()
    now = timezone.now()
    event = EventFactory(
        campaign=campaign,
        registration_required=True,
        starts_at=now - datetime.timedelta(minutes=5),
        ends_at=now + datetime.timedelta(hours=1),
    )
    response = client_for(student).post(reverse("campaigns:register", args=[event.pk]), follow=True)
    assert "Registration for this event is not open to you." in response.content.decode()
    assert not Registration.objects.exists()


def test_a_student_withdraws_before_the_event(student, client_for) -> None:
    event = EventFactory(registration_required=True)
    Registration.objects.create(event=event, student=student)
    response = client_for(student).post(reverse("campaigns:unregister", args=[event.pk]), follow=True)
    assert "is withdrawn" in response.content.decode()
    assert not Registration.objects.exists()


def test_staff_see_who_registered(counselor, student, client_for) -> None:
    campaign = CampaignFactory(organisers=[counselor])
    event = EventFactory(campaign=campaign, registration_required=True, capacity=30)
    Registration.objects.create(event=event, student=student)
    page = client_for(counselor).get(reverse("campaigns:event_registrations", args=[event.pk])).content.decode()
    assert student.get_full_name() in page
    detail = client_for(counselor).get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "1 / 30" in detail


def test_the_student_page_is_built_for_a_phone(student, client_for) -> None:
    """No wide tables on the student page: cards and list groups only."""
    EventFactory(registration_required=True, starts_at=at(timezone.localdate() + datetime.timedelta(days=1), 9))
    page = client_for(student).get(reverse("campaigns:my_events")).content.decode()
    assert "<table" not in page
    assert 'class="card"' in page
