"""The term planner shows campaigns and events month by month; drafts only to the office."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from campaigns.enums import CampaignStatus
from campaigns.services.calendar import months_of
from campaigns.tests.factories import CampaignFactory, EventFactory, at
from counseling.tests.factories import TermFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def autumn():
    return TermFactory(
        school_year=2030, semester=1, start=datetime.date(2030, 9, 1), end=datetime.date(2031, 1, 22), is_current=False
    )


def test_a_first_term_runs_september_to_january(autumn) -> None:
    assert [month.month for month in months_of(autumn)] == [9, 10, 11, 12, 1]


def test_the_planner_shows_campaigns_and_events_in_their_months(autumn, class_teacher, counselor, client_for) -> None:
    week = CampaignFactory(
        title="十月心理健康活动周", start_date=datetime.date(2030, 10, 8), end_date=datetime.date(2030, 10, 14)
    )
    EventFactory(campaign=week, title="心理健康知识讲座", starts_at=at(datetime.date(2030, 10, 10), 14))
    CampaignFactory(
        title="十二月草稿",
        status=CampaignStatus.DRAFT,
        start_date=datetime.date(2030, 12, 1),
        end_date=datetime.date(2030, 12, 7),
    )
    url = reverse("campaigns:planner") + f"?term={autumn.pk}"
    page = client_for(class_teacher).get(url).content.decode()
    october = page[page.index('aria-label="October 2030"') : page.index('aria-label="November 2030"')]
    assert "十月心理健康活动周" in october and "心理健康知识讲座" in october
    assert "十二月草稿" not in page
    assert "十二月草稿" in client_for(counselor).get(url).content.decode()


def test_a_bad_term_parameter_is_a_404(counselor, client_for) -> None:
    assert client_for(counselor).get(reverse("campaigns:planner") + "?term=abc").status_code == 404
