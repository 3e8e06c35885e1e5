"""The focus list: adding a student (the class teacher is told), the termly review, history."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from archives.models import FocusEntry, FocusLevel
from archives.services import focus
from archives.tests.factories import FocusEntryFactory
from counseling.models import ConcernCategory, Notification, Term

pytestmark = pytest.mark.django_db


def category(code: str = "family") -> ConcernCategory:
    return ConcernCategory.objects.get_or_create(code=code, defaults={"name_zh": "家庭", "name_en": "Family"})[0]


def test_counselor_adds_a_student_and_the_class_teacher_is_told(
    student, counselor, class_teacher, delivered, client_for
) -> None:
    with delivered():
        response = client_for(counselor).post(
            reverse("archives:focus_add", args=[student.pk]),
            {"level": FocusLevel.KEY, "category": category().pk, "teacher_request": "每周谈心一次", "note": "父母离异"},
        )
    assert response.status_code == 302
    entry = FocusEntry.objects.get(student=student)
    assert (entry.level, entry.teacher_request, entry.note, entry.started_by) == (
        FocusLevel.KEY,
        "每周谈心一次",
        "父母离异",
        counselor,
    )
    assert entry.reviewed_term == Term.objects.current()
    note = Notification.objects.get(user=class_teacher)
    assert student.get_full_name() in note.title
    assert "父母离异" not in note.title + note.body and "家庭" not in note.title + note.body
    with connection.cursor() as cursor:
        cursor.execute("SELECT teacher_request, note FROM archives_focusentry WHERE id = %s", [entry.pk])
        stored = cursor.fetchone()
    # What the class teacher is asked to do is free text about the student: encrypted like the note.
    assert all(value.startswith("gAAAAA") for value in stored)
    assert "每周谈心一次" not in stored[0]


def test_a_student_is_on_the_list_once(student, counselor, client_for) -> None:
    FocusEntryFactory(student=student, started_by=counselor)
    client_for(counselor).post(
        reverse("archives:focus_add", args=[student.pk]),
        {"level": FocusLevel.ATTENTION, "category": category().pk, "teacher_request": "", "note": ""},
    )
    assert FocusEntry.objects.filter(student=student).count() == 1


def test_review_keeps_changes_or_removes(student, counselor, client_for) -> None:
    entry = FocusEntryFactory(student=student, started_by=counselor)
    client = client_for(counselor)
    client.post(reverse("archives:focus_review", args=[entry.pk]), {"decision": FocusLevel.ATTENTION, "note": "好转"})
    entry.refresh_from_db()
    assert entry.level == FocusLevel.ATTENTION and entry.is_active
    client.post(reverse("archives:focus_review", args=[entry.pk]), {"decision": "end", "note": "已稳定"})
    entry.refresh_from_db()
    assert not entry.is_active
    assert [(r.level_after, r.ended) for r in entry.reviews.all()] == [(FocusLevel.ATTENTION, False), ("", True)]
    # History stays on the archive.
    page = client.get(reverse("archives:archive_detail", args=[student.pk])).content.decode()
    assert "已稳定" in page and "好转" in page
    # And the student may be added again later.
    focus.add(student, level=FocusLevel.KEY, category=category(), teacher_request="", note="", by=counselor)
    assert FocusEntry.objects.filter(student=student).count() == 2


def test_entries_not_reviewed_this_term_are_due(student, other_student, counselor, client_for) -> None:
    term = Term.objects.current()
    reviewed = FocusEntryFactory(student=student, started_by=counselor, reviewed_term=term)
    due = FocusEntryFactory(student=other_student, started_by=counselor, reviewed_term=None)
    assert list(focus.due_for_review(FocusEntry.objects.all(), term)) == [due]
    page = client_for(counselor).get(reverse("archives:focus_list"), {"due": "1"}).content.decode()
    assert other_student.get_full_name() in page
    assert student.get_full_name() not in page
    assert reviewed.pk


def test_focus_list_is_for_counseling_staff(class_teacher, leader, student, client_for) -> None:
    for user in (class_teacher, leader, student):
        assert client_for(user).get(reverse("archives:focus_list")).status_code == 403
