"""Events: one venue holds one event at a time, events stay within the campaign's dates."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse

from campaigns.models import Event, Venue
from campaigns.services import events as event_service
from campaigns.tests.factories import CampaignFactory, EventFactory, VenueFactory, at

pytestmark = pytest.mark.django_db


def event_form(campaign, **overrides) -> dict:
    day = campaign.start_date + datetime.timedelta(days=2)
    data = {
        "kind": "lecture",
        "title": "讲座《如何调节考试压力》",
        "starts_at": f"{day.isoformat()}T14:00",
        "ends_at": f"{day.isoformat()}T15:30",
        "venue": "",
        "new_venue": "",
        "speaker": "王丰",
        "audience": "初三学生",
        "description": "",
        "capacity": "",
        "is_published": "on",
    }
    data.update(overrides)
    return data


def test_organiser_adds_an_event_with_a_new_venue(counselor, client_for) -> None:
    campaign = CampaignFactory(organisers=[counselor])
    response = client_for(counselor).post(
        reverse("campaigns:event_add", args=[campaign.pk]), event_form(campaign, new_venue="学校报告厅")
    )
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.venue.name == "学校报告厅"
    assert event.campaign == campaign


def test_two_events_in_one_venue_at_overlapping_times_are_refused(counselor, client_for) -> None:
    campaign = CampaignFactory(organisers=[counselor])
    hall = VenueFactory(name="学校报告厅")
    day = campaign.start_date + datetime.timedelta(days=2)
    EventFactory(campaign=campaign, title="心理剧展演", venue=hall, starts_at=at(day, 13, 30), ends_at=at(day, 15))
    response = client_for(counselor).post(
        reverse("campaigns:event_add", args=[campaign.pk]), event_form(campaign, venue=hall.pk)
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "学校报告厅 is already booked from" in text
    assert "for “心理剧展演”" in text
    assert "Choose another venue or time." in text
    assert Event.objects.count() == 1


def test_the_clash_is_checked_across_campaigns_and_a_new_venue_name_is_not_kept(counselor, client_for) -> None:
    campaign = CampaignFactory(organisers=[counselor])
    other = CampaignFactory(title="家长学校")
    day = campaign.start_date + datetime.timedelta(days=2)
    EventFactory(campaign=other, venue__name="礼堂", starts_at=at(day, 15), ends_at=at(day, 16))
    response = client_for(counselor).post(
        reverse("campaigns:event_add", args=[campaign.pk]), event_form(campaign, new_venue="礼堂")
    )
    assert "(家长学校)" in response.content.decode()
    assert Event.objects.count() == 1
    response = client_for(counselor).post(
        reverse("campaigns:event_add", args=[campaign.pk]), event_form(campaign, new_venue="新会议室")
    )
    assert response.status_code == 302
    assert Venue.objects.filter(name="新会议室").exists()


def test_back_to_back_events_and_other_venues_are_fine() -> None:
    campaign = CampaignFactory()
    day = campaign.start_date + datetime.timedelta(days=2)
    hall = VenueFactory(name="报告厅")
    EventFactory(campaign=campaign, venue=hall, starts_at=at(day, 14), ends_at=at(day, 15))
    after = Event(campaign=campaign, kind="film", title="电影", venue=hall, starts_at=at(day, 15), ends_at=at(day, 17))
    event_service.check_event(after, campaign)
    elsewhere = Event(
        campaign=campaign,
        kind="film",
        title="电影",
        venue=VenueFactory(name="礼堂"),
        starts_at=at(day, 14),
        ends_at=at(day, 15),
    )
    event_service.check_event(elsewhere, campaign)
    no_venue = Event(
        campaign=campaign, kind="class_meeting", title="主题班会", starts_at=at(day, 14), ends_at=at(day, 15)
    )
    event_service.check_event(no_venue, campaign)


def test_moving_an_event_onto_a_booked_slot_is_refused_and_nothing_changes(counselor, client_for) -> None:
    campaign = CampaignFactory(organisers=[counselor])
    hall = VenueFactory(name="报告厅")
    day = campaign.start_date + datetime.timedelta(days=2)
    EventFactory(campaign=campaign, title="A", venue=hall, starts_at=at(day, 9), ends_at=at(day, 10))
    event = EventFactory(campaign=campaign, title="B", venue=hall, starts_at=at(day, 14), ends_at=at(day, 15))
    response = client_for(counselor).post(
        reverse("campaigns:event_edit", args=[event.pk]),
        event_form(campaign, title="B", venue=hall.pk, starts_at=f"{day}T09:30", ends_at=f"{day}T10:30"),
    )
    assert "for “A”" in response.content.decode()
    event.refresh_from_db()
    assert event.starts_at == at(day, 14)


def test_an_event_outside_the_campaign_dates_is_refused(counselor, client_for) -> None:
    campaign = CampaignFactory(organisers=[counselor])
    after = campaign.end_date + datetime.timedelta(days=1)
    response = client_for(counselor).post(
        reverse("campaigns:event_add", args=[campaign.pk]),
        event_form(campaign, starts_at=f"{after}T10:00", ends_at=f"{after}T11:00"),
    )
    assert response.status_code == 200
    assert "The event must take place within the campaign&#x27;s dates" in response.content.decode()
    assert not Event.objects.exists()


def test_an_event_that_ends_before_it_starts_is_refused(counselor, client_for) -> None:
    campaign = CampaignFactory(organisers=[counselor])
    day = campaign.start_date + datetime.timedelta(days=2)
    response = client_for(counselor).post(
        reverse("campaigns:event_add", args=[campaign.pk]),
        event_form(campaign, starts_at=f"{day}T15:00", ends_at=f"{day}T14:00"),
    )
    assert "The event ends before it starts." in response.content.decode()
    assert not Event.objects.exists()


def test_a_colleague_who_is_not_an_organiser_cannot_add_events(counselor, other_counselor, client_for) -> None:
    campaign = CampaignFactory(organisers=[counselor])
    response = client_for(other_counselor).post(
        reverse("campaigns:event_add", args=[campaign.pk]), event_form(campaign)
    )
    assert response.status_code == 403
    assert not Event.objects.exists()


def test_the_organiser_deletes_an_event(counselor, client_for) -> None:
    event = EventFactory(campaign=CampaignFactory(organisers=[counselor]))
    response = client_for(counselor).post(reverse("campaigns:event_delete", args=[event.pk]))
    assert response.status_code == 302
    assert not Event.objects.exists()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraints exist on PostgreSQL only")
def test_postgresql_itself_refuses_an_overlapping_booking() -> None:
    """Even when the service check is bypassed (two organisers saving at once), the database says no."""
    campaign = CampaignFactory()
    day = campaign.start_date + datetime.timedelta(days=2)
    hall = VenueFactory(name="报告厅")
    EventFactory(campaign=campaign, venue=hall, starts_at=at(day, 14), ends_at=at(day, 15))
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.create(
            campaign=campaign, kind="film", title="电影", venue=hall, starts_at=at(day, 14, 30), ends_at=at(day, 16)
        )
    Event.objects.create(
        campaign=campaign, kind="film", title="电影", venue=hall, starts_at=at(day, 15), ends_at=at(day, 16)
    )


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraints exist on PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_two_organisers_booking_at_once_get_one_event_and_one_clear_message() -> None:
    """One organiser's booking is not yet committed when the other's check runs: the constraint refuses."""
    campaign = CampaignFactory()
    day = campaign.start_date + datetime.timedelta(days=2)
    hall = VenueFactory(name="报告厅")
    inserted, release = threading.Event(), threading.Event()
    outcome: dict = {}

    def first_organiser() -> None:
        with transaction.atomic():
            Event.objects.create(
                campaign=campaign,
                kind="lecture",
                title="先订的讲座",
                venue=hall,
                starts_at=at(day, 14),
                ends_at=at(day, 15),
            )
            inserted.set()
            release.wait(5)
        connections.close_all()

    def second_organiser() -> None:
        event = Event(
            campaign=campaign, kind="film", title="电影", venue=hall, starts_at=at(day, 14, 30), ends_at=at(day, 16)
        )
        try:
            event_service.save_event(event, by=None)
        except ValidationError as error:
            outcome["error"] = error
        connections.close_all()

    first = threading.Thread(target=first_organiser)
    first.start()
    inserted.wait(5)
    second = threading.Thread(target=second_organiser)
    second.start()
    time.sleep(0.5)  # the second booking passes its check and waits on the constraint
    release.set()
    first.join(10)
    second.join(10)
    assert "先订的讲座" in str(outcome["error"])
    assert list(Event.objects.values_list("title", flat=True)) == ["先订的讲座"]
