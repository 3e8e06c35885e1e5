"""Judges score entries against criteria; nobody else does; ranks give awards and class points."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from campaigns.enums import Award
from campaigns.models import ContestAward, Score
from campaigns.services import contests as contest_service
from campaigns.tests.factories import CampaignFactory, ContestFactory, at, make_entry
from counseling.models import Notification, Term
from counseling.tests.factories import SchoolClassFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_contest(counselor, leader):
    """A contest whose deadline has passed, judged by the counselor and the leader."""
    campaign = CampaignFactory(organisers=[counselor], start_date=timezone.localdate() - datetime.timedelta(days=3))
    return ContestFactory(campaign=campaign, deadline=at(campaign.start_date, 8), judges=[counselor, leader])


def score_form(contest, *values) -> dict:
    return {f"criterion_{c.pk}": value for c, value in zip(contest.criteria.all(), values, strict=True)}


def test_a_judge_scores_an_entry(closed_contest, counselor, school_class, client_for) -> None:
    entry = make_entry(closed_contest, school_class)
    response = client_for(counselor).post(
        reverse("campaigns:entry_score", args=[entry.pk]), score_form(closed_contest, 25, 60)
    )
    assert response.status_code == 302
    assert sorted(Score.objects.filter(entry=entry, judge=counselor).values_list("points", flat=True)) == [25, 60]
    # Scoring again replaces the judge's points.
    client_for(counselor).post(reverse("campaigns:entry_score", args=[entry.pk]), score_form(closed_contest, 20, 50))
    assert sorted(Score.objects.filter(entry=entry).values_list("points", flat=True)) == [20, 50]


def test_only_the_contests_judges_score(closed_contest, head, other_counselor, school_class, client_for) -> None:
    entry = make_entry(closed_contest, school_class)
    for person in (head, other_counselor):
        response = client_for(person).post(
            reverse("campaigns:entry_score", args=[entry.pk]), score_form(closed_contest, 1, 1)
        )
        assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        contest_service.save_scores(entry, judge=head, points={c.pk: 1 for c in closed_contest.criteria.all()})
    assert not Score.objects.exists()


def test_points_above_a_criterions_maximum_are_refused(closed_contest, counselor, school_class, client_for) -> None:
    entry = make_entry(closed_contest, school_class)
    response = client_for(counselor).post(
        reverse("campaigns:entry_score", args=[entry.pk]), score_form(closed_contest, 31, 10)
    )
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 30." in response.content.decode()
    assert not Score.objects.exists()
    with pytest.raises(ValidationError):
        contest_service.save_scores(entry, judge=counselor, points={c.pk: 99 for c in closed_contest.criteria.all()})


def test_judging_opens_after_the_deadline(counselor, school_class, client_for) -> None:
    contest = ContestFactory(judges=[counselor])
    entry = make_entry(contest, school_class)
    response = client_for(counselor).post(
        reverse("campaigns:entry_score", args=[entry.pk]), score_form(contest, 10, 10)
    )
    assert "Judging opens after the submission deadline." in response.content.decode()
    assert not Score.objects.exists()


def contest_config(**overrides) -> SimpleNamespace:
    values = {
        "first_places": 1,
        "second_places": 2,
        "third_places": 3,
        "points_first": 8,
        "points_second": 6,
        "points_third": 4,
        "points_participation": 2,
    }
    values.update(overrides)
    contest = SimpleNamespace(**values)
    contest.points_for = lambda award: {
        Award.FIRST: contest.points_first,
        Award.SECOND: contest.points_second,
        Award.THIRD: contest.points_third,
        Award.PARTICIPATION: contest.points_participation,
    }[award]
    return contest


def test_the_points_table_default_is_8_6_4_2() -> None:
    scores = {class_id: Decimal(100 - class_id) for class_id in range(1, 9)}
    placings = contest_service.assign_awards(scores, contest_config())
    table = [(p.class_id, p.rank, p.award, p.points) for p in placings]
    assert table == [
        (1, 1, Award.FIRST, 8),
        (2, 2, Award.SECOND, 6),
        (3, 3, Award.SECOND, 6),
        (4, 4, Award.THIRD, 4),
        (5, 5, Award.THIRD, 4),
        (6, 6, Award.THIRD, 4),
        (7, 7, Award.PARTICIPATION, 2),
        (8, 8, Award.PARTICIPATION, 2),
    ]


def test_the_points_and_prize_counts_are_configurable() -> None:
    scores = {1: Decimal(90), 2: Decimal(80), 3: Decimal(70), 4: Decimal(60)}
    config = contest_config(
        first_places=1,
        second_places=1,
        third_places=1,
        points_first=10,
        points_second=5,
        points_third=3,
        points_participation=1,
    )
    assert [(p.award, p.points) for p in contest_service.assign_awards(scores, config)] == [
        (Award.FIRST, 10),
        (Award.SECOND, 5),
        (Award.THIRD, 3),
        (Award.PARTICIPATION, 1),
    ]


def test_equal_scores_share_a_rank_and_the_better_award() -> None:
    scores = {1: Decimal(90), 2: Decimal(90), 3: Decimal(80)}
    config = contest_config(first_places=1, second_places=1, third_places=0)
    placings = contest_service.assign_awards(scores, config)
    assert [(p.class_id, p.rank, p.award) for p in placings] == [
        (1, 1, Award.FIRST),
        (2, 1, Award.FIRST),
        (3, 3, Award.PARTICIPATION),
    ]


def test_publishing_results_gives_class_points_and_fills_the_leaderboards(
    closed_contest,
    counselor,
    leader,
    class_teacher,
    school_class,
    other_class,
    client_for,
    django_capture_on_commit_callbacks,
) -> None:
    third_class = SchoolClassFactory(grade=school_class.grade, number=3)
    ours = make_entry(closed_contest, school_class)
    theirs = make_entry(closed_contest, other_class)
    third = make_entry(closed_contest, third_class)
    criteria = list(closed_contest.criteria.all())
    for entry, (a, b) in ((ours, (28, 60)), (theirs, (20, 50)), (third, (10, 20))):
        contest_service.save_scores(entry, judge=counselor, points={criteria[0].pk: a, criteria[1].pk: b})
    # The leader scores one entry lower: the entry's score is the mean of its judges' totals.
    contest_service.save_scores(ours, judge=leader, points={criteria[0].pk: 26, criteria[1].pk: 60})
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(counselor).post(reverse("campaigns:contest_finalise", args=[closed_contest.pk]))
    assert response.status_code == 302
    awards = {a.school_class_id: (a.rank, a.award, a.points, a.score) for a in ContestAward.objects.all()}
    assert awards == {
        school_class.pk: (1, Award.FIRST, 8, Decimal("87.00")),
        other_class.pk: (2, Award.SECOND, 6, Decimal("70.00")),
        third_class.pk: (3, Award.SECOND, 6, Decimal("30.00")),
    }
    board = contest_service.campaign_leaderboard(closed_contest.campaign)
    assert [(row["school_class_id"], row["points"]) for row in board] == [
        (school_class.pk, 8),
        (other_class.pk, 6),
        (third_class.pk, 6),
    ]
    assert Notification.objects.filter(user=class_teacher, title__contains=closed_contest.title).exists()
    term = Term.objects.current()
    page = client_for(counselor).get(reverse("campaigns:leaderboard") + f"?term={term.pk}").content.decode()
    assert 'data-testid="leaderboard"' in page
    # Publishing twice is refused; scores are frozen.
    with pytest.raises(ValidationError):
        contest_service.finalise(closed_contest, by=counselor)
    with pytest.raises(ValidationError):
        contest_service.save_scores(ours, judge=counselor, points={c.pk: 1 for c in criteria})


def test_results_wait_until_every_entry_is_scored(
    closed_contest, counselor, school_class, other_class, client_for
) -> None:
    scored = make_entry(closed_contest, school_class)
    make_entry(closed_contest, other_class)
    contest_service.save_scores(scored, judge=counselor, points={c.pk: 5 for c in closed_contest.criteria.all()})
    response = client_for(counselor).post(reverse("campaigns:contest_finalise", args=[closed_contest.pk]), follow=True)
    assert "1 entry has no score yet." in response.content.decode()
    assert not ContestAward.objects.exists()


def test_the_term_leaderboard_adds_up_campaigns_of_the_term(counselor, school_class) -> None:
    term = Term.objects.current()
    for offset in (3, 20):
        campaign = CampaignFactory(start_date=max(term.start, timezone.localdate() - datetime.timedelta(days=offset)))
        contest = ContestFactory(campaign=campaign, deadline=at(campaign.start_date, 8))
        ContestAward.objects.create(
            contest=contest, school_class=school_class, rank=1, award=Award.FIRST, points=8, score=90
        )
    rows = contest_service.term_leaderboard(term)
    assert [(row["school_class_id"], row["points"], row["firsts"]) for row in rows] == [(school_class.pk, 16, 2)]


def test_a_judge_sees_contests_waiting_for_their_score_on_the_home_page(
    closed_contest, leader, school_class, client_for
) -> None:
    make_entry(closed_contest, school_class)
    page = client_for(leader).get(reverse("home")).content.decode()
    assert 'data-testid="campaign-judging-panel"' in page
    assert closed_contest.title in page and "0 of 1 scored" in page


def test_a_class_score_is_rounded_once_from_the_judges_points(
    counselor, leader, head, school_class, other_class, client_for, django_capture_on_commit_callbacks
) -> None:
    """Issue 16, item 4: two entries scored 236 and 237 by three judges are 78.67 and 79.00 when
    rounded; their class's mean is 78.8333..., shown as 78.83, not 78.84 (the mean of the rounded)."""
    campaign = CampaignFactory(organisers=[counselor], start_date=timezone.localdate() - datetime.timedelta(days=3))
    contest = ContestFactory(campaign=campaign, deadline=at(campaign.start_date, 8), judges=[counselor, leader, head])
    first, second = make_entry(contest, school_class), make_entry(contest, school_class)
    criteria = list(contest.criteria.all())
    for judge, points in ((counselor, (30, 49)), (leader, (30, 49)), (head, (28, 50))):
        contest_service.save_scores(first, judge=judge, points={criteria[0].pk: points[0], criteria[1].pk: points[1]})
    for judge in (counselor, leader, head):
        contest_service.save_scores(second, judge=judge, points={criteria[0].pk: 30, criteria[1].pk: 49})
    make_entry(contest, other_class)
    contest_service.save_scores(
        contest.entries.get(school_class=other_class), judge=counselor, points={criteria[0].pk: 10, criteria[1].pk: 10}
    )
    with django_capture_on_commit_callbacks(execute=True):
        client_for(counselor).post(reverse("campaigns:contest_finalise", args=[contest.pk]))
    assert ContestAward.objects.get(contest=contest, school_class=school_class).score == Decimal("78.83")
