"""Class contests: a class teacher hands in for their own class only, within the limits and the deadline."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from campaigns.enums import CampaignStatus
from campaigns.models import Contest, Entry
from campaigns.services import contests as contest_service
from campaigns.tests.factories import CampaignFactory, ContestFactory, at, make_entry, png_bytes, upload

pytestmark = pytest.mark.django_db


def entry_form(school_class, title: str = "我们的宣传画") -> dict:
    return {"school_class": school_class.pk, "title": title, "file": upload("poster.png", png_bytes())}


def test_a_class_teacher_hands_in_for_their_class(class_teacher, school_class, client_for) -> None:
    contest = ContestFactory(title="心理健康知识宣传画比赛")
    client = client_for(class_teacher)
    response = client.post(reverse("campaigns:entry_submit", args=[contest.pk]), entry_form(school_class))
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert (entry.school_class, entry.submitted_by, entry.content_type) == (school_class, class_teacher, "image/png")
    page = client.get(reverse("campaigns:class_work")).content.decode()
    assert "心理健康知识宣传画比赛" in page and "我们的宣传画" in page


def test_a_class_teacher_cannot_hand_in_for_another_class(class_teacher, school_class, other_class, client_for) -> None:
    contest = ContestFactory()
    response = client_for(class_teacher).post(
        reverse("campaigns:entry_submit", args=[contest.pk]), entry_form(other_class)
    )
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    assert not Entry.objects.exists()


def test_the_service_refuses_another_teachers_class(class_teacher, other_class) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        contest_service.submit_entry(
            ContestFactory(), school_class=other_class, by=class_teacher, title="x", upload=upload("a.png", png_bytes())
        )
    assert not Entry.objects.exists()


def test_an_entry_beyond_the_limit_is_refused(class_teacher, school_class, client_for) -> None:
    contest = ContestFactory(entries_per_class=1)
    client = client_for(class_teacher)
    client.post(reverse("campaigns:entry_submit", args=[contest.pk]), entry_form(school_class, "第一幅"))
    response = client.post(reverse("campaigns:entry_submit", args=[contest.pk]), entry_form(school_class, "第二幅"))
    assert response.status_code == 400
    assert "This contest takes 1 entry per class and your class has handed it in." in response.content.decode()
    assert list(Entry.objects.values_list("title", flat=True)) == ["第一幅"]


def test_two_entries_where_two_are_allowed(class_teacher, school_class) -> None:
    contest = ContestFactory(entries_per_class=2)
    for title in ("一", "二"):
        contest_service.submit_entry(
            contest, school_class=school_class, by=class_teacher, title=title, upload=upload("a.png", png_bytes())
        )
    with pytest.raises(ValidationError):
        contest_service.submit_entry(
            contest, school_class=school_class, by=class_teacher, title="三", upload=upload("a.png", png_bytes())
        )
    assert contest.entries.count() == 2


def test_after_the_deadline_no_entry_is_taken(class_teacher, school_class, client_for) -> None:
    campaign = CampaignFactory(start_date=timezone.localdate() - datetime.timedelta(days=3))
    contest = ContestFactory(campaign=campaign, deadline=timezone.now() - datetime.timedelta(minutes=1))
    response = client_for(class_teacher).post(
        reverse("campaigns:entry_submit", args=[contest.pk]), entry_form(school_class)
    )
    assert "has passed" in response.content.decode()
    assert not Entry.objects.exists()


def test_a_draft_campaign_takes_no_entries(class_teacher, school_class, client_for) -> None:
    contest = ContestFactory(campaign=CampaignFactory(status=CampaignStatus.DRAFT))
    # Class teachers do not see drafts at all.
    response = client_for(class_teacher).post(
        reverse("campaigns:entry_submit", args=[contest.pk]), entry_form(school_class)
    )
    assert response.status_code == 404
    assert not Entry.objects.exists()


def test_a_class_outside_the_campaign_grades_cannot_hand_in(class_teacher, school_class) -> None:
    from counseling.tests.factories import GradeFactory

    contest = ContestFactory()
    contest.campaign.grades.set([GradeFactory(level=6, name="高三")])
    with pytest.raises(ValidationError):
        contest_service.submit_entry(
            contest, school_class=school_class, by=class_teacher, title="x", upload=upload("a.png", png_bytes())
        )


def test_a_teacher_withdraws_an_entry_before_the_deadline(
    class_teacher, other_teacher, school_class, client_for
) -> None:
    entry = make_entry(ContestFactory(), school_class, class_teacher)
    assert client_for(other_teacher).post(reverse("campaigns:entry_withdraw", args=[entry.pk])).status_code == 404
    response = client_for(class_teacher).post(reverse("campaigns:entry_withdraw", args=[entry.pk]))
    assert response.status_code == 302
    assert not Entry.objects.exists()


def contest_form(campaign, **overrides) -> dict:
    data = {
        "kind": "poster",
        "title": "宣传画比赛",
        "requirements": "每班两幅",
        "deadline": f"{campaign.end_date}T12:00",
        "entries_per_class": "2",
        "criteria": "主题鲜明 = 30\n创意新颖：30\n画面美观, 40",
        "first_places": "1",
        "second_places": "2",
        "third_places": "3",
        "points_first": "8",
        "points_second": "6",
        "points_third": "4",
        "points_participation": "2",
    }
    data.update(overrides)
    return data


def test_an_organiser_sets_up_a_contest_with_judges_and_criteria(counselor, leader, client_for) -> None:
    campaign = CampaignFactory(organisers=[counselor])
    response = client_for(counselor).post(
        reverse("campaigns:contest_add", args=[campaign.pk]), contest_form(campaign, judges=[counselor.pk, leader.pk])
    )
    assert response.status_code == 302
    contest = Contest.objects.get()
    assert list(contest.criteria.values_list("name", "max_points")) == [
        ("主题鲜明", 30),
        ("创意新颖", 30),
        ("画面美观", 40),
    ]
    assert set(contest.judges.all()) == {counselor, leader}


def test_a_deadline_after_the_campaign_end_is_refused(counselor, client_for) -> None:
    campaign = CampaignFactory(organisers=[counselor])
    late = campaign.end_date + datetime.timedelta(days=1)
    response = client_for(counselor).post(
        reverse("campaigns:contest_add", args=[campaign.pk]), contest_form(campaign, deadline=f"{late}T09:00")
    )
    assert "The deadline is after the campaign&#x27;s last day" in response.content.decode()
    assert not Contest.objects.exists()


def test_badly_written_criteria_are_refused(counselor, client_for) -> None:
    campaign = CampaignFactory(organisers=[counselor])
    response = client_for(counselor).post(
        reverse("campaigns:contest_add", args=[campaign.pk]), contest_form(campaign, criteria="主题鲜明\n创意 = 30")
    )
    assert "Line 1: write a criterion as “name = maximum points”." in response.content.decode()
    assert not Contest.objects.exists()


def test_criteria_cannot_change_once_judges_have_scored(counselor, school_class) -> None:
    campaign = CampaignFactory(start_date=timezone.localdate() - datetime.timedelta(days=3))
    contest = ContestFactory(campaign=campaign, deadline=at(campaign.start_date, 8), judges=[counselor])
    entry = make_entry(contest, school_class)
    contest_service.save_scores(entry, judge=counselor, points={c.pk: 10 for c in contest.criteria.all()})
    with pytest.raises(ValidationError) as error:
        contest_service.save_contest(contest, by=counselor, judges=[counselor], criteria=[("全新", 100)])
    assert "criteria can no longer change" in str(error.value)
    assert list(contest.criteria.values_list("name", flat=True)) == ["主题", "创意"]
