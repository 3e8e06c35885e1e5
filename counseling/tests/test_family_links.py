"""Whose guardian is whom: the one door every family page asks (counseling.services.family)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from counseling.models import GuardianLink
from counseling.services.family import children_of, guardians_of, guardians_of_class, is_guardian_of

pytestmark = pytest.mark.django_db


def test_a_guardian_reaches_their_own_child_only(guardian, other_guardian, student, other_student) -> None:
    assert list(children_of(guardian)) == [student]
    assert list(children_of(other_guardian)) == [other_student]
    assert is_guardian_of(guardian, student)
    assert not is_guardian_of(guardian, other_student)


def test_a_revoked_link_or_a_graduated_child_is_out(guardian, student) -> None:
    student.student_profile.is_archived = True
    student.student_profile.save(update_fields=["is_archived"])
    assert list(children_of(guardian)) == []
    student.student_profile.is_archived = False
    student.student_profile.save(update_fields=["is_archived"])
    GuardianLink.objects.filter(guardian=guardian).update(revoked_at=timezone.now())
    assert list(children_of(guardian)) == []
    assert list(guardians_of([student])) == []


def test_nobody_but_a_guardian_has_children(student, class_teacher, counselor, guardian) -> None:
    # A staff account that somehow holds a link still reaches no child through the door.
    GuardianLink.objects.create(guardian=counselor, student=student)
    assert list(children_of(counselor)) == []
    assert list(children_of(student)) == []


def test_guardians_of_a_class(guardian, other_guardian, school_class, other_class) -> None:
    assert list(guardians_of_class(school_class)) == [guardian]
    assert list(guardians_of_class(other_class)) == [other_guardian]


def test_a_staff_account_with_a_stray_link_is_no_guardian(student, counselor, guardian) -> None:
    GuardianLink.objects.create(guardian=counselor, student=student)
    assert list(guardians_of([student])) == [guardian]
