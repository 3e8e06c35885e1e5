"""A student answering a screening: home panel, save and continue, every item required, bad input."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from archives.models import Invitation, InvitationStatus, Result, Submission
from archives.tests.factories import builtin, gad7_answers, phq9_answers, post_data, published

pytestmark = pytest.mark.django_db


def url(screening) -> str:
    return reverse("archives:survey", args=[screening.pk])


def test_student_sees_the_pending_survey_on_the_home_page(screening, student, client_for) -> None:
    response = client_for(student).get(reverse("home"))
    assert response.status_code == 200
    assert "初一心理普查" in response.content.decode()
    assert url(screening) in response.content.decode()


def test_the_survey_shows_every_question_in_the_students_language(screening, student, client_for) -> None:
    client = client_for(student)
    page = client.get(url(screening)).content.decode()
    assert "做事时提不起劲或没有兴趣" in page
    assert "有不如死掉或用某种方式伤害自己的念头" in page
    assert "完全不会" in page
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(url(screening), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Little interest or pleasure in doing things" in page


def test_save_and_continue_later_keeps_the_answers(screening, student, client_for) -> None:
    client = client_for(student)
    response = client.post(url(screening), post_data(screening, {"phq9": {"1": 2, "2": 1}}, action="save"))
    assert response.status_code == 302
    invitation = Invitation.objects.get(screening=screening, student=student)
    assert invitation.status == InvitationStatus.PENDING
    assert invitation.draft_answers() == {"phq9": {"1": 2, "2": 1}}
    assert Submission.objects.count() == 0
    page = client.get(url(screening)).content.decode()
    # The saved answers come back checked.
    field = f"q{screening.parts.get(instrument__code='phq9').pk}_1"
    assert f'name="{field}" value="2"' in page
    assert "checked" in page.split(f'name="{field}" value="2"')[1].split(">")[0]


def test_submitting_with_missing_items_names_them_and_stores_nothing(screening, student, client_for) -> None:
    answers = {"phq9": {k: v for k, v in phq9_answers(6).items() if k not in ("3", "7")}, "gad7": gad7_answers(2)}
    answers["gad7"].pop("5")
    response = client_for(student).post(url(screening), post_data(screening, answers))
    assert response.status_code == 400
    page = response.content.decode()
    assert "请先回答所有题目再提交。还有未回答的题目：PHQ-9：第 3、7 题；GAD-7：第 5 题。" in page
    # Each unanswered question is marked where it is.
    assert page.count("请回答这道题。") == 3
    assert Submission.objects.count() == 0
    assert Invitation.objects.get(student=student, screening=screening).status == InvitationStatus.PENDING


def test_an_answer_outside_the_options_is_refused(screening, student, client_for) -> None:
    answers = {"phq9": {**phq9_answers(6), "4": 7}, "gad7": gad7_answers(2)}
    response = client_for(student).post(url(screening), post_data(screening, answers))
    assert response.status_code == 400
    assert "PHQ-9：第 4 题" in response.content.decode()
    assert Submission.objects.count() == 0


def test_a_complete_submission_is_scored_at_once(screening, student, client_for) -> None:
    answers = {"phq9": phq9_answers(7), "gad7": gad7_answers(11)}
    response = client_for(student).post(url(screening), post_data(screening, answers))
    assert response.status_code == 302
    assert response.url == reverse("archives:survey_done", args=[screening.pk])
    submission = Submission.objects.get(screening=screening)
    assert submission.student == student
    assert submission.answer_data()["phq9"] == phq9_answers(7)
    scores = {r.instrument.code: (r.total, r.band) for r in Result.objects.filter(submission=submission)}
    assert scores == {"phq9": (7, "mild"), "gad7": (11, "moderate")}
    invitation = Invitation.objects.get(student=student, screening=screening)
    assert invitation.status == InvitationStatus.SUBMITTED
    assert invitation.draft == ""


def test_a_second_submission_stores_nothing_twice(screening, student, client_for) -> None:
    client = client_for(student)
    data = post_data(screening, {"phq9": phq9_answers(3), "gad7": gad7_answers(3)})
    client.post(url(screening), data)
    response = client.post(url(screening), data, follow=True)
    assert "你已经提交过这份问卷了，谢谢！" in response.content.decode()
    assert Submission.objects.filter(screening=screening).count() == 1
    assert Result.objects.filter(screening=screening).count() == 2


def test_students_see_encouragement_not_their_band_by_default(screening, student, client_for) -> None:
    client = client_for(student)
    client.post(url(screening), post_data(screening, {"phq9": phq9_answers(22), "gad7": gad7_answers(16)}))
    page = client.get(reverse("archives:survey_done", args=[screening.pk])).content.decode()
    assert 'data-testid="encouragement"' in page
    assert "重度抑郁" not in page and "Severe depression" not in page


def test_students_see_their_band_when_the_screening_allows_it(phq9, school_class, student, client_for) -> None:
    screening = published([phq9], [school_class], show_bands=True)
    client = client_for(student)
    client.post(url(screening), post_data(screening, {"phq9": phq9_answers(6)}))
    page = client.get(reverse("archives:survey_done", args=[screening.pk])).content.decode()
    assert "轻度抑郁" in page
    assert 'data-testid="encouragement"' not in page


def test_a_screening_not_meant_for_the_student_is_a_clear_404(
    phq9, other_class, student, other_student, client_for
) -> None:
    screening = published([phq9], [other_class])
    response = client_for(student).get(url(screening))
    assert response.status_code == 404
    assert "这份问卷不是发给你的，或者它不存在。" in response.content.decode()
    response = client_for(student).post(url(screening), post_data(screening, {"phq9": phq9_answers(1)}))
    assert response.status_code == 404
    assert Submission.objects.count() == 0
    # The student it is meant for may answer it.
    assert client_for(other_student).get(url(screening)).status_code == 200


def test_a_closed_window_refuses_answers(phq9, school_class, student, client_for) -> None:
    screening = published([phq9], [school_class])
    screening.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    screening.opens_at = timezone.now() - datetime.timedelta(days=3)
    screening.save()
    client = client_for(student)
    response = client.post(url(screening), post_data(screening, {"phq9": phq9_answers(1)}))
    assert response.status_code == 400
    assert Submission.objects.count() == 0
    page = client.get(url(screening))
    assert page.status_code == 200
    assert "结束，不能再作答" in page.content.decode()


def test_a_survey_not_yet_open_says_when_it_opens(phq9, school_class, student, client_for) -> None:
    screening = published(
        [phq9],
        [school_class],
        opens_at=timezone.now() + datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=8),
    )
    response = client_for(student).get(url(screening))
    assert response.status_code == 200
    assert 'data-testid="survey-message"' in response.content.decode()
    assert "这份问卷将于" in response.content.decode()
    assert client_for(student).post(url(screening), post_data(screening, {"phq9": phq9_answers(1)})).status_code == 400
    assert url(screening) not in client_for(student).get(reverse("home")).content.decode()


def test_anonymous_screening_keeps_no_name_and_raises_no_warning(phq9, school_class, student, client_for) -> None:
    screening = published([phq9], [school_class], is_anonymous=True)
    client_for(student).post(url(screening), post_data(screening, {"phq9": phq9_answers(27)}))
    submission = Submission.objects.get(screening=screening)
    assert submission.student is None
    assert submission.school_class == school_class
    assert not screening.warnings.exists()
    assert Invitation.objects.get(screening=screening, student=student).status == InvitationStatus.SUBMITTED


def test_other_roles_cannot_answer(screening, class_teacher, counselor, client_for) -> None:
    assert client_for(class_teacher).get(url(screening)).status_code == 403
    assert client_for(counselor).get(url(screening)).status_code == 403


def test_my_surveys_lists_open_and_answered(screening, student, client_for) -> None:
    client = client_for(student)
    page = client.get(reverse("archives:my_surveys")).content.decode()
    assert "初一心理普查" in page
    client.post(url(screening), post_data(screening, {"phq9": phq9_answers(1), "gad7": gad7_answers(1)}))
    assert client.get(reverse("home")).content.decode().count(url(screening)) == 0


def test_builtin_helper_is_idempotent(db) -> None:
    first = builtin("phq9")
    assert builtin("phq9").pk == first.pk


def test_the_survey_says_when_the_office_must_tell_someone(screening, student, client_for) -> None:
    page = client_for(student).get(url(screening), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "如果你的回答让我们知道你可能不安全，心理老师会马上得知。" in page
    assert f'href="{reverse("privacy")}" data-testid="privacy-link"' in page
