"""The campaign page reads a pinned number of queries, for the office and for other staff.

Pinned as the tests see it: the test settings cache the signed-in part (session, user, unread
count) in memory (SIGNED_IN_CACHE), so after a first request the page reads only its own queries:
the campaign with its organisers' and grades' names and whether its summary is written (one
query, a row per organiser and grade), the events (with registrations counted), the tasks (with
their owners' names), the contests (entries and classes counted, a row per judge), the required
reports (hand-ins counted); for the office, the number of classes that owe each report; and the
class points once a contest has published results (no award exists before).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.enums import Award
from campaigns.models import ContestAward, Registration
from campaigns.tests.factories import (
    CampaignFactory,
    ContestFactory,
    EventFactory,
    ReportFactory,
    TaskFactory,
    make_entry,
)
from counseling.tests.factories import SchoolClassFactory, make_student

pytestmark = pytest.mark.django_db

# campaign (with organisers, grades and summary), events, tasks, contests (with judges), reports
EVERY_READER = 5
# the classes that owe each report
OFFICE = EVERY_READER + 1


@pytest.fixture
def campaign(counselor, other_counselor, class_teacher, grade):
    campaign = CampaignFactory(organisers=[counselor, other_counselor])
    campaign.grades.set([grade])
    school_class = SchoolClassFactory(grade=grade, number=31)
    for index in range(3):
        event = EventFactory(campaign=campaign, registration_required=True)
        student = make_student(f"c{index}", school_class, student_number=f"3031{index:04d}")
        Registration.objects.create(event=event, student=student)
        TaskFactory(campaign=campaign, owner=class_teacher if index == 0 else counselor)
        contest = ContestFactory(campaign=campaign, judges=[counselor, class_teacher])
        make_entry(contest, SchoolClassFactory(grade=grade, number=40 + index))
        ReportFactory(campaign=campaign)
    return campaign


def page_queries(client, campaign) -> tuple[int, str]:
    url = reverse("campaigns:detail", args=[campaign.pk])
    client.get(url)  # warm: the signed-in cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_office_reads_a_pinned_number_of_queries(campaign, counselor, client_for) -> None:
    count, page = page_queries(client_for(counselor), campaign)
    assert count == OFFICE
    assert "张老师、赵老师" in page  # the organisers, by name
    assert page.count('data-testid="leaderboard"') == 0


def test_other_staff_read_fewer_queries(campaign, class_teacher, client_for) -> None:
    count, page = page_queries(client_for(class_teacher), campaign)
    assert count == EVERY_READER
    assert page.count('href="/campaigns/contests/') == 3  # a judge opens each contest


def test_published_results_add_the_class_points(campaign, counselor, client_for) -> None:
    contest = campaign.contests.order_by("pk").first()
    entry = contest.entries.select_related("school_class").get()
    ContestAward.objects.create(
        contest=contest, school_class=entry.school_class, rank=1, award=Award.FIRST, points=8, score=90
    )
    contest.results_published_at = timezone.now()
    contest.save(update_fields=["results_published_at"])
    count, page = page_queries(client_for(counselor), campaign)
    assert count == OFFICE + 1
    assert 'data-testid="leaderboard"' in page
