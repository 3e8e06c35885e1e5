"""Aggregates for the term report, and the weekly note's numbers."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from campaigns import digest, reporting
from campaigns.enums import Award, CampaignStatus
from campaigns.models import ContestAward, Registration
from campaigns.tests.factories import CampaignFactory, ContestFactory, EventFactory, at, make_entry

pytestmark = pytest.mark.django_db


def test_summary_counts_campaigns_events_registrations_entries_and_class_points(
    student, other_student, school_class, other_class
) -> None:
    today = timezone.localdate()
    campaign = CampaignFactory()
    CampaignFactory(status=CampaignStatus.DRAFT)  # drafts do not count
    lecture = EventFactory(campaign=campaign, registration_required=True)
    EventFactory(campaign=campaign, kind="film", starts_at=at(campaign.start_date + datetime.timedelta(days=3), 15))
    EventFactory(campaign=campaign, is_published=False)
    Registration.objects.create(event=lecture, student=student)
    Registration.objects.create(event=lecture, student=other_student)
    contest = ContestFactory(campaign=campaign, deadline=at(campaign.start_date, 8))
    make_entry(contest, school_class)
    make_entry(contest, school_class)
    make_entry(contest, other_class)
    ContestAward.objects.create(
        contest=contest, school_class=school_class, rank=1, award=Award.FIRST, points=8, score=90
    )
    ContestAward.objects.create(
        contest=contest, school_class=other_class, rank=2, award=Award.SECOND, points=6, score=80
    )

    with CaptureQueriesContext(connection) as queries:
        numbers = reporting.summary(today - datetime.timedelta(days=30), today + datetime.timedelta(days=30))
    assert len(queries) <= 10
    assert numbers["campaigns"] == {"total": 1, "summarised": 0}
    assert numbers["events"] == {"total": 2, "with_registration": 1}
    assert numbers["events_by_kind"] == {"film": 1, "lecture": 1}
    assert numbers["registrations"] == {"total": 2, "students": 2}
    assert numbers["entries"] == {"total": 3, "classes": 2}
    assert numbers["class_points"] == [
        {"grade": school_class.grade.name, "class_number": 1, "points": 8, "awards": 1},
        {"grade": other_class.grade.name, "class_number": 2, "points": 6, "awards": 1},
    ]


def test_the_weekly_note_counts_events_held(student) -> None:
    campaign = CampaignFactory()
    event = EventFactory(campaign=campaign, starts_at=at(campaign.start_date, 10))
    Registration.objects.create(event=event, student=student)
    numbers = digest.week_numbers(campaign.start_date, campaign.start_date)
    assert list(numbers.values()) == [1, 1]


def test_prizes_in_the_report_leave_out_participation_awards(school_class, other_class) -> None:
    """Issue 16, item 4: the report's 获奖 column counted a class's participation award as a prize."""
    today = timezone.localdate()
    campaign = CampaignFactory()
    first = ContestFactory(campaign=campaign, deadline=at(campaign.start_date, 8))
    second = ContestFactory(campaign=campaign, deadline=at(campaign.start_date, 9))
    ContestAward.objects.create(contest=first, school_class=school_class, rank=1, award=Award.FIRST, points=8, score=90)
    ContestAward.objects.create(
        contest=second, school_class=school_class, rank=2, award=Award.PARTICIPATION, points=2, score=60
    )
    ContestAward.objects.create(
        contest=first, school_class=other_class, rank=2, award=Award.PARTICIPATION, points=2, score=70
    )
    numbers = reporting.summary(today - datetime.timedelta(days=30), today + datetime.timedelta(days=30))
    assert [(row["class_number"], row["points"], row["awards"]) for row in numbers["class_points"]] == [
        (1, 10, 1),
        (2, 2, 0),
    ]
    with translation.override("zh-hans"):
        table = reporting.section(numbers, None).tables[-1]
    assert table.columns == ["班级", "积分", "获奖（不含参与奖）"]
    assert [row[1:] for row in table.rows] == [[10, 1], [2, 0]]
