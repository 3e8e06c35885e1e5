"""List pages and home panels cost the same number of queries with one row and with many."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archives.models import FocusEntry, Invitation
from archives.services import screenings
from archives.tests.factories import FocusEntryFactory, gad7_answers, phq9_answers, published
from counseling.tests.factories import make_student

pytestmark = pytest.mark.django_db


def count(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.fixture
def pupils(school_class):
    return [make_student(f"p{n}", school_class, student_number=f"2031{n:04d}") for n in range(12)]


def test_lists_do_not_grow_with_rows(
    phq9, gad7, school_class, student, counselor, head, grade_counselor, pupils, client_for
) -> None:
    client = client_for(head)
    first = published([phq9, gad7], [school_class], by=counselor)
    invitations = list(Invitation.objects.filter(screening=first).select_related("screening").order_by("id"))
    screenings.submit(invitations[0], {"phq9": phq9_answers(18), "gad7": gad7_answers(3)})
    FocusEntryFactory(student=invitations[0].student, started_by=counselor)
    urls = [
        reverse("archives:warning_list"),
        reverse("archives:focus_list"),
        reverse("archives:archive_list"),
        reverse("archives:screening_list"),
        reverse("archives:results_index"),
        reverse("home"),
    ]
    before = {url: count(client, url) for url in urls}
    for invitation in invitations[1:]:
        screenings.submit(invitation, {"phq9": phq9_answers(19), "gad7": gad7_answers(3)})
        if not FocusEntry.objects.filter(student=invitation.student).exists():
            FocusEntryFactory(student=invitation.student, started_by=counselor)
    published([phq9], [school_class], by=counselor, title="second")
    after = {url: count(client, url) for url in urls}
    assert after == before


def test_student_home_panel_is_one_query_whatever_the_surveys(phq9, school_class, student, client_for) -> None:
    client = client_for(student)
    published([phq9], [school_class], title="一")
    one = count(client, reverse("home"))
    for n in range(4):
        published([phq9], [school_class], title=f"多{n}")
    assert count(client, reverse("home")) == one
