"""Campaigns: created from a template or blank, dates checked, edited by organisers only, published."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from campaigns.blueprints import BLUEPRINTS, get_blueprint
from campaigns.enums import CampaignStatus, ContestKind, EventKind
from campaigns.models import Campaign, Event
from campaigns.services import campaigns as campaign_service
from campaigns.tests.factories import CampaignFactory, EventFactory, at
from counseling.models import AuditEntry, Notification

pytestmark = pytest.mark.django_db


def test_at_least_two_templates_with_names_in_both_languages() -> None:
    codes = {blueprint.code for blueprint in BLUEPRINTS}
    assert {"525-week", "district-week"} <= codes
    week = get_blueprint("525-week")
    with translation.override("zh-hans"):
        assert str(week.name) == "“5·25”心理健康活动周"
    with translation.override("en"):
        assert str(week.name) == "5·25 mental health week"


def test_the_525_week_template_makes_a_draft_with_its_programme(head) -> None:
    start = datetime.date(2027, 5, 25)
    with translation.override("zh-hans"):
        campaign = campaign_service.create_from_blueprint(get_blueprint("525-week"), by=head, start_date=start)
    assert campaign.status == CampaignStatus.DRAFT
    assert (campaign.start_date, campaign.end_date) == (start, datetime.date(2027, 5, 31))
    assert campaign.title == "2027 “5·25”心理健康活动周"
    assert list(campaign.organisers.all()) == [head]
    launch = campaign.events.get(kind=EventKind.LAUNCH)
    assert launch.venue.name == "校园广场"
    assert timezone.localtime(launch.starts_at).strftime("%m-%d %H:%M") == "05-25 10:00"
    poster = campaign.contests.get(kind=ContestKind.POSTER)
    assert poster.entries_per_class == 2
    assert (poster.points_first, poster.points_second, poster.points_third, poster.points_participation) == (8, 6, 4, 2)
    assert [c.max_points for c in poster.criteria.all()] == [30, 30, 20, 20]
    assert campaign.reports.get().title == "主题班会活动记录"
    assert campaign.tasks.filter(owner=head).count() == 5


def test_the_district_week_template_has_launch_lectures_film_booths_exhibition_and_closing(head) -> None:
    with translation.override("en"):
        campaign = campaign_service.create_from_blueprint(
            get_blueprint("district-week"), by=head, start_date=datetime.date(2027, 6, 1), title="District week"
        )
    kinds = list(campaign.events.values_list("kind", flat=True))
    for kind in (
        EventKind.LAUNCH,
        EventKind.LECTURE,
        EventKind.FILM,
        EventKind.BOOTH,
        EventKind.EXHIBITION,
        EventKind.CLOSING,
    ):
        assert kind in kinds
    assert kinds.count(EventKind.LECTURE) == 3
    assert kinds.count(EventKind.BOOTH) == 3
    assert campaign.events.get(kind=EventKind.LAUNCH).title == "Launch ceremony"
    assert campaign.contests.get().kind == ContestKind.ESSAY


def test_a_template_whose_event_clashes_with_a_booked_venue_creates_nothing(head, counselor) -> None:
    other = CampaignFactory(start_date=datetime.date(2027, 5, 20), end_date=datetime.date(2027, 5, 31))
    EventFactory(
        campaign=other,
        venue__name="校园广场",
        starts_at=at(datetime.date(2027, 5, 25), 9),
        ends_at=at(datetime.date(2027, 5, 25), 11),
    )
    before = Campaign.objects.count()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        campaign_service.create_from_blueprint(
            get_blueprint("525-week"), by=head, start_date=datetime.date(2027, 5, 25)
        )
    assert "校园广场" in str(error.value)
    assert Campaign.objects.count() == before


def test_head_creates_a_campaign_from_a_template_in_the_browser(head, client_for) -> None:
    client = client_for(head)
    response = client.post(
        reverse("campaigns:create"),
        {"blueprint": "525-week", "start_date": "2027-05-25", "title": "心理健康活动周 2027"},
    )
    campaign = Campaign.objects.get(title="心理健康活动周 2027")
    assert response.status_code == 302
    assert response["Location"] == reverse("campaigns:detail", args=[campaign.pk])
    page = client.get(response["Location"])
    assert "心理健康活动周 2027" in page.content.decode()
    assert AuditEntry.objects.for_object(campaign).count() == 1


def blank_form(**overrides) -> dict:
    data = {
        "title": "5·25 心理健康日",
        "theme": "关爱心灵",
        "kind": "day",
        "start_date": "2027-05-25",
        "end_date": "2027-05-25",
        "hosts": "心理咨询中心",
        "for_students": "on",
        "goals": "",
        "summary_due_days": "7",
    }
    data.update(overrides)
    return data


def test_a_blank_campaign_gets_its_author_as_organiser(counselor, client_for) -> None:
    response = client_for(counselor).post(reverse("campaigns:create_blank"), blank_form())
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert list(campaign.organisers.all()) == [counselor]
    assert campaign.status == CampaignStatus.DRAFT


def test_end_before_start_is_refused_and_nothing_is_created(counselor, client_for) -> None:
    response = client_for(counselor).post(
        reverse("campaigns:create_blank"), blank_form(kind="week", start_date="2027-05-25", end_date="2027-05-20")
    )
    assert response.status_code == 200
    assert "The last day is before the first day." in response.content.decode()
    assert not Campaign.objects.exists()


def test_a_one_day_campaign_must_end_on_its_first_day(counselor, client_for) -> None:
    response = client_for(counselor).post(reverse("campaigns:create_blank"), blank_form(end_date="2027-05-26"))
    assert "A one-day campaign starts and ends on the same day." in response.content.decode()
    assert not Campaign.objects.exists()


def test_only_organisers_edit_a_campaign(counselor, other_counselor, head, client_for) -> None:
    campaign = CampaignFactory(organisers=[counselor], title="原标题")
    data = blank_form(
        title="新标题", kind="week", start_date=campaign.start_date.isoformat(), end_date=campaign.end_date.isoformat()
    ) | {"organisers": [counselor.pk]}
    url = reverse("campaigns:edit", args=[campaign.pk])
    assert client_for(other_counselor).post(url, data).status_code == 403
    campaign.refresh_from_db()
    assert campaign.title == "原标题"
    assert client_for(counselor).post(url, data).status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == "新标题"
    # The head counselor edits any campaign.
    assert client_for(head).post(url, data | {"title": "主任改"}).status_code == 302


def test_new_dates_that_leave_an_event_outside_are_refused(counselor, client_for) -> None:
    campaign = CampaignFactory(organisers=[counselor])
    event = EventFactory(
        campaign=campaign, title="闭幕式", starts_at=at(campaign.end_date, 15), ends_at=at(campaign.end_date, 16)
    )
    data = blank_form(
        title=campaign.title,
        kind="week",
        start_date=campaign.start_date.isoformat(),
        end_date=(campaign.end_date - datetime.timedelta(days=1)).isoformat(),
    ) | {"organisers": [counselor.pk]}
    response = client_for(counselor).post(reverse("campaigns:edit", args=[campaign.pk]), data)
    assert response.status_code == 200
    assert "“闭幕式”" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.end_date == timezone.localdate(event.ends_at)


def test_publishing_opens_the_programme_and_tells_task_owners(
    head, class_teacher, client_for, django_capture_on_commit_callbacks
) -> None:
    with translation.override("zh-hans"):
        campaign = campaign_service.create_from_blueprint(
            get_blueprint("525-week"), by=head, start_date=timezone.localdate() + datetime.timedelta(days=10)
        )
    campaign.tasks.filter(pk=campaign.tasks.first().pk).update(owner=class_teacher)
    programme = reverse("campaigns:programme", args=[campaign.pk])
    assert client_for(None).get(programme).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(head).post(reverse("campaigns:publish", args=[campaign.pk]))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PUBLISHED
    assert client_for(None).get(programme).status_code == 200
    assert Notification.objects.filter(user=class_teacher, title__contains=campaign.title).count() == 1
    # A second click changes nothing and says why.
    response = client_for(head).post(reverse("campaigns:publish", args=[campaign.pk]), follow=True)
    assert "This campaign is already published." in response.content.decode()


def test_statuses_follow_the_calendar(counselor) -> None:
    today = timezone.localdate()
    upcoming = CampaignFactory(
        status=CampaignStatus.PUBLISHED, start_date=today, end_date=today + datetime.timedelta(days=3)
    )
    over = CampaignFactory(
        status=CampaignStatus.RUNNING,
        start_date=today - datetime.timedelta(days=9),
        end_date=today - datetime.timedelta(days=2),
    )
    draft = CampaignFactory(
        status=CampaignStatus.DRAFT,
        start_date=today - datetime.timedelta(days=9),
        end_date=today - datetime.timedelta(days=2),
    )
    assert campaign_service.advance_statuses(today) == 2
    assert campaign_service.advance_statuses(today) == 0
    statuses = dict(Campaign.objects.values_list("pk", "status"))
    assert statuses == {
        upcoming.pk: CampaignStatus.RUNNING,
        over.pk: CampaignStatus.FINISHED,
        draft.pk: CampaignStatus.DRAFT,
    }


def test_an_event_type_list_covers_the_plans() -> None:
    assert set(EventKind.values) == {
        "launch",
        "lecture",
        "film",
        "booth",
        "exhibition",
        "psychodrama",
        "class_meeting",
        "sports",
        "parent_session",
        "parent_class",
        "parent_meeting",
        "parent_lecture",
        "closing",
    }
    assert Event._meta.get_field("kind").choices
