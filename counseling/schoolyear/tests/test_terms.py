"""Terms: the administrator creates the next one and switches semesters within a school year."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from counseling.models import AuditEntry, Term
from counseling.schoolyear.models import YearRollover


@pytest.mark.django_db
def test_the_form_proposes_the_semester_after_the_latest(client_for, administrator, term) -> None:
    page = client_for(administrator).get(reverse("schoolyear:term_create")).content.decode()
    year = term.school_year
    assert f"{year}-{year + 1}学年第二学期" in page
    assert f'value="{year + 1}-02-20"' in page
    assert f'value="{year + 1}-07-10"' in page


@pytest.mark.django_db
def test_creating_the_next_term_keeps_the_current_one(client_for, administrator, term) -> None:
    year = term.school_year
    response = client_for(administrator).post(
        reverse("schoolyear:term_create"),
        {"name": f"{year}-{year + 1}学年第二学期", "start": f"{year + 1}-02-20", "end": f"{year + 1}-07-10"},
    )
    assert response.status_code == 302
    created = Term.objects.get(school_year=year, semester=2)
    assert created.start == datetime.date(year + 1, 2, 20)
    assert not created.is_current
    assert Term.objects.current() == term
    assert AuditEntry.objects.for_object(created).get().actor == administrator


@pytest.mark.django_db
def test_a_term_that_overlaps_the_latest_is_refused(client_for, administrator, term) -> None:
    response = client_for(administrator).post(
        reverse("schoolyear:term_create"),
        {
            "name": "overlapping",
            "start": term.end.isoformat(),
            "end": (term.end + datetime.timedelta(days=90)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "新学期必须在" in response.content.decode()
    assert Term.objects.count() == 1


@pytest.mark.django_db
def test_a_term_ending_before_it_starts_is_refused(client_for, administrator, term) -> None:
    response = client_for(administrator).post(
        reverse("schoolyear:term_create"), {"name": "backwards", "start": "2030-03-01", "end": "2030-02-01"}
    )
    assert response.status_code == 400
    assert "学期的结束日期必须晚于开始日期" in response.content.decode()
    assert Term.objects.count() == 1


@pytest.mark.django_db
def test_switching_to_the_second_semester(client_for, administrator, term) -> None:
    second = Term.objects.create(
        name="second",
        school_year=term.school_year,
        semester=2,
        start=term.end + datetime.timedelta(days=20),
        end=term.end + datetime.timedelta(days=160),
    )
    response = client_for(administrator).post(reverse("schoolyear:term_make_current", args=[second.pk]))
    assert response.status_code == 302
    assert Term.objects.current() == second


@pytest.mark.django_db
def test_a_new_school_year_starts_only_through_the_wizard(client_for, administrator, term) -> None:
    next_year = Term.objects.create(
        name="next year",
        school_year=term.school_year + 1,
        semester=1,
        start=datetime.date(term.school_year + 1, 9, 1),
        end=datetime.date(term.school_year + 2, 1, 20),
    )
    client = client_for(administrator)
    response = client.post(reverse("schoolyear:term_make_current", args=[next_year.pk]), follow=True)
    assert "新学年须通过新学年向导开始" in response.content.decode()
    assert Term.objects.current() == term
    YearRollover.objects.create(school_year=next_year.school_year, term=next_year)
    client.post(reverse("schoolyear:term_make_current", args=[next_year.pk]))
    assert Term.objects.current() == next_year
    # And never back to an earlier year.
    response = client.post(reverse("schoolyear:term_make_current", args=[term.pk]), follow=True)
    assert "之前学年的学期不能再设为当前学期" in response.content.decode()
    assert Term.objects.current() == next_year


@pytest.mark.django_db
def test_only_administrators_manage_terms(client_for, head, counselor, term) -> None:
    for user in (head, counselor):
        assert client_for(user).post(reverse("schoolyear:term_create"), {}).status_code == 403
        assert client_for(user).post(reverse("schoolyear:term_make_current", args=[term.pk])).status_code == 403
