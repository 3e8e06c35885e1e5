"""The intake, the goals of the plan, and follow-ups that remind the counselor."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from counseling.cases.enums import FollowUpStatus, GoalStatus
from counseling.cases.models import FollowUp, Goal, Intake
from counseling.cases.tests.factories import FollowUpFactory, GoalFactory, IntakeFactory
from counseling.models import AuditEntry, OutboxMessage

pytestmark = pytest.mark.django_db

INTAKE = {
    "method": "interview",
    "study": "moderate",
    "relationships": "mild",
    "family": "not_affected",
    "sleep_and_health": "severe",
    "asked_about_self_harm": "on",
    "risk_level": "low",
    "narrative": "入睡困难两周，成绩下滑",
}


def test_counselor_records_the_intake_and_reading_it_is_audited(client_for, case, counselor) -> None:
    client = client_for(counselor)
    data = {**INTAKE, "assessed_on": timezone.localdate().isoformat()}
    assert client.post(reverse("cases:intake_edit", args=[case.pk]), data).status_code == 302
    intake = Intake.objects.get(case=case)
    assert (intake.study, intake.sleep_and_health, intake.asked_about_self_harm, intake.narrative, intake.author) == (
        "moderate",
        "severe",
        True,
        "入睡困难两周，成绩下滑",
        counselor,
    )
    page = client.get(reverse("cases:intake", args=[case.pk])).content.decode()
    assert "入睡困难两周，成绩下滑" in page
    assert list(AuditEntry.objects.for_object(intake).values_list("action", flat=True)) == ["create", "view"]


def test_changing_the_intake_names_the_fields_in_the_audit(client_for, case, counselor) -> None:
    intake = IntakeFactory(case=case)
    data = {**INTAKE, "assessed_on": intake.assessed_on.isoformat(), "narrative": "补充了家庭情况"}
    client_for(counselor).post(reverse("cases:intake_edit", args=[case.pk]), data)
    intake.refresh_from_db()
    assert intake.narrative == "补充了家庭情况"
    change = AuditEntry.objects.for_object(intake).get(action="change")
    assert "narrative" in change.detail and "家庭" not in change.detail


def test_intake_in_the_future_or_with_garbage_is_refused(client_for, case, counselor) -> None:
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    for data in ({**INTAKE, "assessed_on": tomorrow}, {**INTAKE, "study": "x"}, {"narrative": "y" * 30_000}):
        assert client_for(counselor).post(reverse("cases:intake_edit", args=[case.pk]), data).status_code == 200
    assert not Intake.objects.exists()


def test_goals_are_added_and_their_status_changes(client_for, case, counselor) -> None:
    client = client_for(counselor)
    client.post(
        reverse("cases:goal_add", args=[case.pk]),
        {"description": "按时入睡", "approach": "睡眠日记", "status": "planned"},
    )
    goal = Goal.objects.get()
    client.post(
        reverse("cases:goal_edit", args=[case.pk, goal.pk]),
        {"description": "按时入睡", "approach": "睡眠日记", "status": "achieved"},
    )
    goal.refresh_from_db()
    assert goal.status == GoalStatus.ACHIEVED
    assert list(AuditEntry.objects.for_object(goal).values_list("action", "detail")) == [
        ("create", ""),
        ("change", "fields: status"),
    ]
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "按时入睡" in page


def test_a_goal_of_another_case_is_404(client_for, case, counselor, other_student, other_counselor) -> None:
    from counseling.cases.tests.factories import CaseFactory

    foreign = GoalFactory(case=CaseFactory(student=other_student, counselor=other_counselor))
    assert client_for(counselor).get(reverse("cases:goal_edit", args=[case.pk, foreign.pk])).status_code == 404


def test_a_follow_up_schedules_a_reminder_for_the_due_day(client_for, case, counselor) -> None:
    due = timezone.localdate() + datetime.timedelta(days=3)
    client_for(counselor).post(
        reverse("cases:followup_add", args=[case.pk]), {"due_on": due.isoformat(), "purpose": "回访睡眠"}
    )
    follow_up = FollowUp.objects.get()
    reminder = OutboxMessage.objects.get(dedupe_key__startswith=f"cases:followup:{follow_up.pk}:")
    assert reminder.recipient == counselor
    assert timezone.localtime(reminder.send_after).date() == due
    assert timezone.localtime(reminder.send_after).time() == datetime.time(7, 30)
    assert case.student.get_full_name() in reminder.title and "回访睡眠" not in reminder.title + reminder.body


def test_a_follow_up_in_the_past_is_refused(client_for, case, counselor) -> None:
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client_for(counselor).post(reverse("cases:followup_add", args=[case.pk]), {"due_on": past})
    assert response.status_code == 200
    assert not FollowUp.objects.exists()


def test_finishing_a_follow_up_withdraws_its_reminder(client_for, case, counselor) -> None:
    from counseling.cases.services.plan import schedule_reminder

    follow_up = FollowUpFactory(case=case)
    schedule_reminder(follow_up)
    client_for(counselor).post(reverse("cases:followup_done", args=[case.pk, follow_up.pk]))
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.DONE and follow_up.done_at is not None
    assert not OutboxMessage.objects.exists()
    cancelled = FollowUpFactory(case=case)
    client_for(counselor).post(reverse("cases:followup_done", args=[case.pk, cancelled.pk]), {"status": "cancelled"})
    cancelled.refresh_from_db()
    assert cancelled.status == FollowUpStatus.CANCELLED


def test_follow_ups_due_are_on_the_home_page(client_for, case, counselor) -> None:
    FollowUpFactory(case=case, due_on=timezone.localdate())
    FollowUpFactory(case=case, due_on=timezone.localdate() + datetime.timedelta(days=5))
    page = client_for(counselor).get(reverse("home")).content.decode()
    listed = page.split('data-testid="due-follow-ups"')[1].split("</ul>")[0]
    assert listed.count("<li>") == 1


def _screening_result(student, counselor, total: int):
    """A scored PHQ-9 result of ``student`` (rows written directly, as the archives app stores them)."""
    from archives.models import Instrument, Result, Screening, Submission
    from archives.services import library

    library.install_builtin()
    instrument = Instrument.objects.get(code="phq9")
    screening = Screening.objects.create(
        title="初一普查",
        opens_at=timezone.now(),
        closes_at=timezone.now() + datetime.timedelta(days=7),
        created_by=counselor,
    )
    school_class = student.student_profile.school_class
    submission = Submission.objects.create(
        screening=screening, student=student, school_class=school_class, answers="{}"
    )
    return Result.objects.create(
        submission=submission,
        screening=screening,
        instrument=instrument,
        school_class=school_class,
        student=student,
        submitted_at=timezone.now(),
        total=total,
    )


def test_the_intake_links_the_students_own_screening_results(client_for, case, counselor, other_student) -> None:
    own = _screening_result(case.student, counselor, 12)
    foreign = _screening_result(other_student, counselor, 20)
    client = client_for(counselor)
    form = client.get(reverse("cases:intake_edit", args=[case.pk])).content.decode()
    assert f'value="{own.pk}"' in form and f'value="{foreign.pk}"' not in form
    data = {**INTAKE, "assessed_on": timezone.localdate().isoformat(), "screening_results": [foreign.pk]}
    assert client.post(reverse("cases:intake_edit", args=[case.pk]), data).status_code == 200
    assert not Intake.objects.exists()
    data["screening_results"] = [own.pk]
    client.post(reverse("cases:intake_edit", args=[case.pk]), data)
    assert list(Intake.objects.get().screening_results.all()) == [own]
    page = client.get(reverse("cases:intake", args=[case.pk])).content.decode()
    assert page.count('data-testid="linked-result"') == 1
