"""The screening results page reads a fixed, pinned number of queries, whoever reads it.

Pinned as the tests see it: the test settings cache the signed-in part (session, user, unread
count) in memory (SIGNED_IN_CACHE), so after a first request the page reads only its own 6
queries: the screening, and for the figures the invitations grouped by class, the results grouped
by instrument, class and band, the classes' numbers and grades, the scored instruments, and the
critical answers and warnings counted in one row.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from archives.models import Invitation
from archives.services import screenings
from archives.tests.factories import gad7_answers, phq9_answers, published
from counseling.tests.factories import make_student

pytestmark = pytest.mark.django_db

PAGE = 6


@pytest.fixture
def answered(phq9, gad7, school_class, other_class, student, other_student, counselor):
    for n in range(8):
        make_student(f"r{n}", school_class, student_number=f"2041{n:04d}")
    screening = published([phq9, gad7], [school_class, other_class], by=counselor, title="期末普查")
    for n, invitation in enumerate(Invitation.objects.filter(screening=screening).order_by("id")):
        screenings.submit(invitation, {"phq9": phq9_answers(n * 3 % 27), "gad7": gad7_answers(n % 21)})
    return screening


def queries_of(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries]


@pytest.mark.parametrize("reader", ["counselor", "leader"])
def test_the_results_page_reads_a_pinned_number_of_queries(reader, answered, request, client_for) -> None:
    client = client_for(request.getfixturevalue(reader))
    url = reverse("archives:screening_results", args=[answered.pk])
    client.get(url)  # warm: the signed-in cache
    assert len(queries_of(client, url)) == PAGE


def test_the_counselor_page_shows_exact_counts_with_the_pinned_queries(answered, counselor, client_for) -> None:
    client = client_for(counselor)
    url = reverse("archives:screening_results", args=[answered.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert len(queries) == PAGE
    invited = Invitation.objects.filter(screening=answered).count()
    assert f'data-testid="invited">{invited}</div>' in page
    assert 'data-testid="bands-classes"' in page
    assert 'data-testid="suppression-note"' not in page
