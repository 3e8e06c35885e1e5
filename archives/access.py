"""Who may reach which archive object: one door per confidential object of the archives.

The scopes are the models' ``visible_to(user)`` querysets, one per model; every view, service,
form and template context that lists archive objects starts from them:

- ``ScreeningWarning.objects.visible_to(user)``: the head counselor all, a counselor those assigned
  to them.
- ``Submission.objects.visible_to(user)``: named answers, for archive readers.
- ``Result.objects.visible_to(user)``: named scores for archive readers, a student's own for them.
- ``FocusEntry.objects.visible_to(user)``: every entry for the counseling staff, the active entries
  of their own classes for a class teacher.
- ``ClassLogEntry.objects.visible_to(user)``: every entry for archive readers, their own for a
  class teacher.
- ``students_for(user)`` (below): the students whose archive ``user`` may open.
- ``HomeVisit.objects.visible_to(user)``: every visit for the counseling staff, those of the pupils
  now in their classes for a class teacher; ``visit_classes_for`` and ``visit_students_for``
  (below) are the classes and pupils whose visits ``user`` may see.

The getters below fetch one object through its scope. Outside the scope the answer is 404, never
403, so nobody learns that a record exists. Views, services and forms never call ``.get(pk=...)``
on these models: the only two re-reads by primary key are ``fresh_copy`` and ``locked`` here, for
an object that has already come through its door.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from archives.models import FocusEntry, HomeVisit, Result, Screening, ScreeningWarning, Submission
from counseling import prepared
from counseling.enums import Role
from counseling.models import Grade, SchoolClass, StudentProfile, User

M = TypeVar("M", bound=Model)


def student_scope(user) -> str:
    """Which branch of ``students_for`` ``user`` takes: "all" (archive readers) or "none"."""
    if user is None or not user.is_authenticated or not user.has_perm("archives.view_archive"):
        return "none"
    return "all"


def students_for(user) -> QuerySet[User]:
    """The students whose archive ``user`` may open: every student, for archive readers."""
    return _students(student_scope(user))


def _students(scope: str) -> QuerySet[User]:
    """``students_for``'s queryset on the branch ``scope`` (see ``student_scope``)."""
    if scope == "none":
        return User.objects.none()
    return User.objects.filter(role=Role.STUDENT, student_profile__isnull=False)


# The student and what the archive shows with them: (path from the user, model) in select order.
_STUDENT_PARTS = (
    ("", User),
    ("student_profile__", StudentProfile),
    ("student_profile__school_class__", SchoolClass),
    ("student_profile__school_class__grade__", Grade),
    ("student_profile__school_class__class_teacher__", User),
)


def get_student_for(user, pk: int) -> User:
    """One student for an archive reader, or 404.

    What ``get_object_or_404(students_for(user).select_related("student_profile__school_class__grade",
    "student_profile__school_class__class_teacher"), pk=pk)`` gave: the row is read through
    counseling.prepared (``students_for``'s branch for the reader as its shape, the pk a value)
    and made into the same instances, related to each other as ``select_related`` relates them.
    """
    scope = student_scope(user)
    names = [[field.attname for field in model._meta.concrete_fields] for _path, model in _STUDENT_PARTS]
    found = (
        prepared.rows(
            "archives.access.student",
            lambda pk: (
                _students(scope)
                .filter(pk=pk)
                .order_by()
                .values_list(
                    *(path + name for (path, _model), part in zip(_STUDENT_PARTS, names, strict=True) for name in part)
                )
            ),
            shape=(scope,),
            pk=pk,
        )
        if scope != "none"
        else []
    )
    if not found:
        raise Http404("No User matches the given query.")
    row, db, made = found[0], User.objects.db, []
    start = 0
    for (_path, model), part in zip(_STUDENT_PARTS, names, strict=True):
        values = row[start : start + len(part)]
        start += len(part)
        made.append(None if values[0] is None else model.from_db(db, part, values))
    student, profile, school_class, grade, teacher = made
    profile_field = StudentProfile._meta.get_field("user")
    profile_field.remote_field.set_cached_value(student, profile)
    profile_field.set_cached_value(profile, student)
    StudentProfile._meta.get_field("school_class").set_cached_value(profile, school_class)
    SchoolClass._meta.get_field("grade").set_cached_value(school_class, grade)
    SchoolClass._meta.get_field("class_teacher").set_cached_value(school_class, teacher)
    return student


def get_warning_for(user, pk: int) -> ScreeningWarning:
    """One screening warning within ``ScreeningWarning.objects.visible_to(user)``, or 404."""
    return get_object_or_404(
        ScreeningWarning.objects.visible_to(user).select_related(
            "student__student_profile__school_class__grade", "screening", "counselor", "handled_by", "submission"
        ),
        pk=pk,
    )


def get_submission_for(user, pk: int) -> Submission:
    """One named submission (the answers) within ``Submission.objects.visible_to(user)``, or 404."""
    return get_object_or_404(
        Submission.objects.visible_to(user).select_related(
            "screening", "student__student_profile__school_class__grade", "entered_by"
        ),
        pk=pk,
    )


def get_result_for(user, pk: int) -> Result:
    """One result (a score) within ``Result.objects.visible_to(user)``, or 404."""
    return get_object_or_404(
        Result.objects.visible_to(user).select_related("instrument", "screening", "submission", "student"), pk=pk
    )


def get_focus_entry_for(user, pk: int) -> FocusEntry:
    """One focus-list entry, active or ended, within ``FocusEntry.objects.visible_to(user)``, or 404."""
    return get_object_or_404(
        FocusEntry.objects.visible_to(user).select_related(
            "student__student_profile__school_class__grade", "category", "reviewed_term"
        ),
        pk=pk,
    )


def visit_classes_for(user) -> QuerySet[SchoolClass]:
    """The active classes whose home visits ``user`` may see: all for the counseling staff, the
    classes they teach now for a class teacher, none for anybody else."""
    if user is None or not user.is_authenticated or not user.is_active:
        return SchoolClass.objects.none()
    classes = SchoolClass.objects.active().select_related("grade", "class_teacher")
    if user.has_perm("archives.view_home_visits"):
        return classes
    if user.has_perm("archives.record_home_visits"):
        return classes.filter(class_teacher=user)
    return SchoolClass.objects.none()


def visit_students_for(user) -> QuerySet[User]:
    """The current pupils of ``visit_classes_for(user)``: whose visits ``user`` sees (and, for
    their class teacher, plans and records)."""
    return User.objects.filter(
        role=Role.STUDENT,
        student_profile__is_archived=False,
        student_profile__school_class__in=visit_classes_for(user),
    )


def get_visit_class_for(user, pk: int) -> SchoolClass:
    """One class within ``visit_classes_for(user)``, or 404."""
    return get_object_or_404(visit_classes_for(user), pk=pk)


def get_visit_student_for(user, pk: int) -> User:
    """One pupil within ``visit_students_for(user)``, or 404."""
    return get_object_or_404(
        visit_students_for(user).select_related(
            "student_profile__school_class__grade", "student_profile__school_class__class_teacher"
        ),
        pk=pk,
    )


def get_home_visit_for(user, pk: int) -> HomeVisit:
    """One home visit within ``HomeVisit.objects.visible_to(user)``, or 404."""
    return get_object_or_404(
        HomeVisit.objects.visible_to(user).select_related(
            "student__student_profile__school_class__grade", "school_class__grade", "visited_by"
        ),
        pk=pk,
    )


def own_results_for(user, screening: Screening, *, last_submission_id: int | None) -> QuerySet[Result]:
    """A student's own results of ``screening``, for the thank-you page.

    Named results through ``Result.objects.visible_to(user)``. Anonymous results carry no name: the
    only proof that one is the student's own is the submission id their browser's session kept when
    they submitted (``last_submission_id``); without it they see nothing.
    """
    if not screening.is_anonymous:
        return Result.objects.visible_to(user).filter(student=user, screening=screening)
    if last_submission_id is None or not user.has_perm("archives.answer_survey"):
        return Result.objects.none()
    return Result.objects.filter(screening=screening, student__isnull=True, submission_id=last_submission_id)


def fresh_copy(obj: M) -> M:
    """A second copy of ``obj`` from the database, for a ModelForm to write into.

    A ModelForm copies the posted values onto its instance while it validates (``is_valid``), before
    anything is saved. The services compare the object's old values with the new ones -- to save
    and audit only the fields that changed -- so the view keeps the object it fetched through its
    door untouched and gives the form this copy instead. Only for an object the caller has already
    reached through its door: the copy is read by primary key and opens no door of its own.
    """
    return type(obj)._default_manager.get(pk=obj.pk)


def locked(obj: M) -> M:
    """``obj`` again from the database, its row locked until the transaction ends.

    For a service that must decide on the current state of an object (has someone handled this
    warning meanwhile?) before it changes it, so two people clicking at once do the work once. Call
    inside ``transaction.atomic()``. Like ``fresh_copy``, only for an object the caller has already
    reached through its door: it opens no door of its own.
    """
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)
