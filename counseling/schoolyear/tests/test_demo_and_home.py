"""The demo data of the school year and the home-page panels."""

from __future__ import annotations

import datetime
import random
from types import SimpleNamespace

import pytest
from django.urls import reverse

from counseling.models import SchoolClass, StudentProfile, Term
from counseling.models.consent import ConsentRecord
from counseling.schoolyear import demo
from counseling.schoolyear.models import YearRollover
from counseling.schoolyear.services import retention


def counts() -> tuple:
    return (
        ConsentRecord.objects.count(),
        YearRollover.objects.count(),
        SchoolClass.objects.filter(is_archived=True).count(),
        StudentProfile.objects.filter(is_archived=True).count(),
    )


@pytest.mark.django_db
def test_the_demo_is_idempotent_and_has_what_the_issue_asks(demo_school) -> None:
    first = counts()
    ctx = SimpleNamespace(**vars(demo_school))
    ctx.rng = random.Random(2026)
    demo.seed(ctx)
    assert counts() == first
    # A class that graduated last year, archived with its students.
    last_year = YearRollover.objects.get(school_year=demo_school.term.school_year)
    graduated = last_year.classes.get(to_grade__isnull=True).school_class
    assert graduated.is_archived and graduated.students.filter(is_archived=False).count() == 0
    # teacher1's class: one refusal among the returned forms, some not returned.
    states = list(
        ConsentRecord.objects.current()
        .filter(purpose="screening", student__student_profile__school_class=demo_school.teacher1_class)
        .values_list("state", flat=True)
    )
    assert states.count("refused") == 1 and states.count("given") == 21
    # apply_retention --dry-run has something to show.
    due = {item.key: item.count for item in retention.status()}
    assert (due["schoolyear.consent"], due["cases.session_note"], due["cases.case"]) == (6, 2, 1)
    assert due["appointments.mailbox_letter"] == 1


@pytest.mark.django_db
def test_a_class_teacher_sees_the_forms_still_missing(demo_school, client_for) -> None:
    page = client_for(demo_school.users["teacher1"]).get(reverse("home")).content.decode()
    assert "尚未交回的普查知情同意回执" in page
    assert "3 名学生" in page


@pytest.mark.django_db
def test_the_administrator_is_reminded_of_the_new_year_in_the_second_semester(client_for, administrator, term) -> None:
    client = client_for(administrator)
    assert "新学年向导" not in client.get(reverse("home")).content.decode()
    Term.objects.filter(pk=term.pk).update(is_current=False)
    Term.objects.create(
        name="spring",
        school_year=term.school_year,
        semester=2,
        start=term.end + datetime.timedelta(days=10),
        end=term.end + datetime.timedelta(days=150),
        is_current=True,
    )
    assert "新学年向导" in client.get(reverse("home")).content.decode()
