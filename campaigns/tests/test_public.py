"""The public programme needs no sign-in and shows nothing that is not published."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from campaigns.enums import Award, CampaignStatus
from campaigns.models import ContestAward
from campaigns.tests.factories import CampaignFactory, ContestFactory, EventFactory, ReportFactory, TaskFactory, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(counselor):
    campaign = CampaignFactory(title="心理健康活动周", theme="携手成长,共筑心灵家园", organisers=[counselor])
    EventFactory(campaign=campaign, title="启动仪式暨签名活动", venue__name="校园广场")
    EventFactory(campaign=campaign, title="内部筹备会", is_published=False)
    TaskFactory(campaign=campaign, title="秘密任务:布置签名墙", owner=counselor)
    ReportFactory(campaign=campaign, title="主题班会活动记录(内部)")
    return campaign


def test_the_programme_renders_without_sign_in_and_shows_only_published_content(published, client) -> None:
    response = client.get(reverse("campaigns:programme", args=[published.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "心理健康活动周" in text and "携手成长,共筑心灵家园" in text
    assert "启动仪式暨签名活动" in text and "校园广场" in text
    assert "内部筹备会" not in text
    assert "秘密任务" not in text
    assert "主题班会活动记录(内部)" not in text


def test_a_draft_campaign_has_no_public_page(counselor, client) -> None:
    draft = CampaignFactory(status=CampaignStatus.DRAFT, title="草稿活动月")
    EventFactory(campaign=draft, title="草稿里的讲座")
    assert client.get(reverse("campaigns:programme", args=[draft.pk])).status_code == 404
    assert client.get(reverse("campaigns:programme_ics", args=[draft.pk])).status_code == 404
    index = client.get(reverse("campaigns:programme_index")).content.decode()
    assert "草稿活动月" not in index
    feed = client.get(reverse("campaigns:calendar_feed")).content.decode()
    assert "草稿里的讲座" not in feed


def test_contest_results_appear_once_published(published, school_class, client) -> None:
    contest = ContestFactory(campaign=published, title="宣传画比赛", deadline=at(published.start_date, 8))
    ContestAward.objects.create(
        contest=contest, school_class=school_class, rank=1, award=Award.FIRST, points=8, score=90
    )
    url = reverse("campaigns:programme", args=[published.pk])
    assert 'data-testid="public-awards"' not in client.get(url).content.decode()
    contest.results_published_at = timezone.now()
    contest.save()
    text = client.get(url).content.decode()
    assert 'data-testid="public-awards"' in text and str(school_class) in text


def test_the_calendar_feed_holds_published_events_only(published, client) -> None:
    response = client.get(reverse("campaigns:calendar_feed"))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert [str(event["summary"]) for event in events] == ["启动仪式暨签名活动"]
    assert str(events[0]["location"]) == "校园广场"
    feed = client.get(reverse("campaigns:programme_ics", args=[published.pk])).content.decode()
    assert "启动仪式暨签名活动" in feed and "内部筹备会" not in feed


def test_the_programme_index_lists_current_and_past_campaigns(published, client) -> None:
    today = timezone.localdate()
    CampaignFactory(
        title="去年的活动周",
        status=CampaignStatus.SUMMARISED,
        start_date=today - datetime.timedelta(days=300),
        end_date=today - datetime.timedelta(days=294),
    )
    text = client.get(reverse("campaigns:programme_index")).content.decode()
    assert "心理健康活动周" in text and "去年的活动周" in text
