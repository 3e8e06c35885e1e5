"""The case list's query count, pinned (issue 17): a change that adds a query to the page fails here.

The tests run with the signed-in cache in the process's memory (counseling/settings_test.py), so
after the first request the session, the user and the unread count cost no query, as on a server
with CACHE_URL. What the list itself reads: the page of cases with their total (one query,
``COUNT(*) OVER ()``), the cases' concern categories (one), and the audit entry naming the students
shown. The head counselor's list also reads the counselors for its filter.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from counseling.cases.tests.factories import CaseFactory, FollowUpFactory, NoteFactory
from counseling.models import AuditEntry, ConcernCategory
from counseling.tests.factories import make_student

pytestmark = pytest.mark.django_db

# The page of cases with their total, and their categories.
LIST = 2
# The audit entry: the last hash (on PostgreSQL with the chain's lock, in the same round trip) and
# the insert; no savepoint, though the test runs in a transaction (counseling.services.audit.record).
AUDIT = 2


def _cases(counselor, school_class, count: int, start: int = 0) -> list:
    categories = list(ConcernCategory.objects.order_by("order", "id")[:2])
    cases = []
    for number in range(start, start + count):
        case = CaseFactory(
            student=make_student(f"q{number}", school_class, student_number=f"4{number:07d}"), counselor=counselor
        )
        case.categories.set(categories)
        NoteFactory(case=case, held_on=datetime.date(2026, 9, 1) + datetime.timedelta(days=number % 20))
        FollowUpFactory(case=case, due_on=datetime.date(2026, 10, 1))
        cases.append(case)
    return cases


def _queries(client, url: str, data=None) -> tuple[int, str]:
    client.get(url, data)  # warm: templates, menu
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_counselors_case_list_costs_a_fixed_number_of_queries(client_for, counselor, school_class) -> None:
    cases = _cases(counselor, school_class, 3)
    client = client_for(counselor)
    count, page = _queries(client, reverse("cases:case_list"))
    assert count == LIST + AUDIT
    for case in cases:
        assert f'<a href="{reverse("cases:detail", args=[case.pk])}">{case.number}</a>' in page
    assert AuditEntry.objects.filter(detail="case list", actor=counselor).count() == 2


def test_a_full_page_and_the_next_cost_the_same(client_for, counselor, school_class) -> None:
    """Thirty-five cases: the first page and the second carry their total with their rows."""
    _cases(counselor, school_class, 35)
    client = client_for(counselor)
    first, page = _queries(client, reverse("cases:case_list"))
    assert first == LIST + AUDIT
    assert page.count('data-testid="risk"') == 30
    assert "第 1 页，共 2 页" in page
    second, page = _queries(client, reverse("cases:case_list"), {"page": 2})
    assert second == first
    assert page.count('data-testid="risk"') == 5


def test_a_page_past_the_end_counts_then_shows_the_last(client_for, counselor, school_class) -> None:
    """No row comes back to carry the total: the page then counts and reads the last page the
    usual way (two queries more, only for an address nobody is sent to)."""
    cases = _cases(counselor, school_class, 2)
    count, page = _queries(client_for(counselor), reverse("cases:case_list"), {"page": 9})
    assert count == LIST + AUDIT + 2
    assert all(case.number in page for case in cases)


def test_the_heads_case_list_also_reads_the_counselors(client_for, head, counselor, school_class) -> None:
    _cases(counselor, school_class, 3)
    count, page = _queries(client_for(head), reverse("cases:case_list"))
    assert count == LIST + AUDIT + 1
    assert counselor.get_full_name() in page


@pytest.mark.parametrize(("asked", "shown"), [("x", 1), ("2.0", 1), ("-1", 2), ("", 1), ("2", 2)])
def test_odd_page_numbers_are_read_as_before(client_for, counselor, school_class, asked, shown) -> None:
    """What ``Paginator.get_page`` makes of them: not a whole number is the first page, below one
    the last page."""
    _cases(counselor, school_class, 35)
    response = client_for(counselor).get(reverse("cases:case_list"), {"page": asked})
    assert response.context["page"].number == shown
    assert len(response.context["rows"]) == (30 if shown == 1 else 5)
