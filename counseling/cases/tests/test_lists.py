"""List pages keep the same number of queries with 1 and with 100 rows."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from counseling.cases.tests.factories import (
    CaseFactory,
    ComplaintFactory,
    ConcernFactory,
    EscalationFactory,
    FollowUpFactory,
    NoteFactory,
)
from counseling.tests.factories import make_student

pytestmark = pytest.mark.django_db


def _home_rows(student, head) -> None:
    """What fills the head counselor's home panels: a crisis, an old draft, a follow-up due, a concern."""
    case = CaseFactory(student=student, counselor=head)
    EscalationFactory(case=case)
    NoteFactory(case=case, created_at=timezone.now() - datetime.timedelta(days=3))
    FollowUpFactory(case=case, due_on=timezone.localdate())
    ConcernFactory(student=student, referred_by=head)


def _count(client, url: str) -> int:
    client.get(url)  # warm: the signed-in user and unread count are cached from the second request on
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _students(school_class, start: int, count: int):
    return [
        make_student(f"p{number}", school_class, student_number=f"5{number:07d}")
        for number in range(start, start + count)
    ]


@pytest.mark.parametrize(
    ("who", "url_name", "make"),
    [
        (
            "leader",
            "cases:crisis_list",
            lambda student, cast: EscalationFactory(case=CaseFactory(student=student, counselor=cast["counselor"])),
        ),
        (
            "counselor",
            "cases:concern_inbox",
            lambda student, cast: ConcernFactory(student=student, referred_by=cast["class_teacher"]),
        ),
        (
            "class_teacher",
            "cases:concern_mine",
            lambda student, cast: ConcernFactory(
                student=student,
                referred_by=cast["class_teacher"],
                case=CaseFactory(student=student, counselor=cast["counselor"]),
            ),
        ),
        ("head", "cases:complaint_list", lambda student, cast: ComplaintFactory(filed_by=student)),
        ("student", "cases:complaint_mine", lambda student, cast: ComplaintFactory(filed_by=cast["student"])),
        ("head", "home", lambda student, cast: _home_rows(student, cast["head"])),
    ],
)
def test_list_queries_do_not_grow_with_rows(request, client_for, school_class, who, url_name, make) -> None:
    cast = {name: request.getfixturevalue(name) for name in ("counselor", "class_teacher", "head", "student", "leader")}
    client = client_for(cast[who])
    url = reverse(url_name)
    for student in _students(school_class, 0, 1):
        make(student, cast)
    one = _count(client, url)
    for student in _students(school_class, 1, 99):
        make(student, cast)
    assert _count(client, url) == one
