"""Pages whose query count must not grow with the number of events, tasks, contests and entries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import Registration
from campaigns.tests.factories import (
    CampaignFactory,
    ContestFactory,
    EventFactory,
    ReportFactory,
    TaskFactory,
    at,
    make_entry,
)
from counseling.tests.factories import SchoolClassFactory, make_student

pytestmark = pytest.mark.django_db


def fill(campaign, size: int, grade, owner, judge) -> None:
    for index in range(size):
        day = campaign.start_date + datetime.timedelta(days=index % 6)
        event = EventFactory(campaign=campaign, starts_at=at(day, 8 + index % 10), registration_required=True)
        TaskFactory(campaign=campaign, owner=owner)
        contest = ContestFactory(campaign=campaign, judges=[judge])
        school_class = SchoolClassFactory(grade=grade, number=100 * campaign.pk + index)
        make_entry(contest, school_class)
        ReportFactory(campaign=campaign)
        student = make_student(f"s{campaign.pk}-{index}", school_class, student_number=f"9{campaign.pk:03d}{index:04d}")
        Registration.objects.create(event=event, student=student)


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_campaign_page_query_count_does_not_grow(counselor, grade, client_for) -> None:
    small, large = CampaignFactory(organisers=[counselor]), CampaignFactory(organisers=[counselor])
    fill(small, 1, grade, counselor, counselor)
    fill(large, 25, grade, counselor, counselor)
    client = client_for(counselor)
    client.get(reverse("campaigns:detail", args=[small.pk]))  # warm the session and caches
    few = count_queries(client, reverse("campaigns:detail", args=[small.pk]))
    many = count_queries(client, reverse("campaigns:detail", args=[large.pk]))
    assert few == many
    assert few <= 20
    page = client.get(reverse("campaigns:detail", args=[large.pk])).content.decode()
    assert page.count("/edit/") >= 50  # 25 events and 25 tasks, each with its edit link


def test_the_contest_page_query_count_does_not_grow(counselor, grade, client_for) -> None:
    small, large = ContestFactory(judges=[counselor]), ContestFactory(judges=[counselor])
    make_entry(small, SchoolClassFactory(grade=grade, number=50))
    for index in range(20):
        make_entry(large, SchoolClassFactory(grade=grade, number=60 + index))
    client = client_for(counselor)
    client.get(reverse("campaigns:contest", args=[small.pk]))
    assert count_queries(client, reverse("campaigns:contest", args=[small.pk])) == count_queries(
        client, reverse("campaigns:contest", args=[large.pk])
    )


def test_the_public_programme_query_count_does_not_grow(counselor, grade, client) -> None:
    small, large = CampaignFactory(), CampaignFactory()
    fill(small, 1, grade, counselor, counselor)
    fill(large, 15, grade, counselor, counselor)
    assert count_queries(client, reverse("campaigns:programme", args=[small.pk])) == count_queries(
        client, reverse("campaigns:programme", args=[large.pk])
    )
