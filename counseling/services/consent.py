"""Guardian consent: recording it, reading it, and the rule screenings follow.

The archives app asks ``screening_permitted`` before it shows a survey or stores answers, and
counts ``opted_out_students()`` apart in its completion numbers.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from counseling import prepared
from counseling.enums import OPTED_OUT, ConsentMethod, ConsentPurpose, ConsentState
from counseling.models import SchoolClass, StudentProfile, User
from counseling.models.audit import AuditAction
from counseling.models.consent import ConsentRecord
from counseling.services import audit


class ConsentError(Exception):
    """The answer cannot be recorded as given (a date in the future, an unknown student)."""


def consent_state(student: User, purpose: str, *, on: datetime.date | None = None) -> ConsentState:
    """The guardian's answer for ``purpose``: the latest record dated on or before ``on`` (default today).

    Nothing on record is ``UNKNOWN``.
    """
    if on is None:
        records = ConsentRecord.objects.filter(student=student, purpose=purpose)
        state = records.current().values_list("state", flat=True).first()
    else:
        # Asked on every student's home page with a survey open (archives' participation rule).
        found = prepared.rows(
            "consent.state_on",
            lambda student, purpose, on: ConsentRecord.objects.filter(student=student, purpose=purpose, dated__lte=on)
            .order_by("-dated", "-recorded_at", "-id")
            .values_list("state", flat=True)[:1],
            student=student,
            purpose=str(purpose),
            on=on,
        )
        state = found[0] if found else None
    return ConsentState(state) if state else ConsentState.UNKNOWN


def _age_on(student: User, day: datetime.date) -> int | None:
    try:
        return student.student_profile.age_on(day)
    except ObjectDoesNotExist:
        return None


def screening_permitted(student: User, *, named: bool, on: datetime.date) -> bool:
    """May ``student`` take part in a screening on ``on``, and may a named one keep their answers?

    - A guardian who refused (or withdrew consent) opts the student out of every screening,
      anonymous ones included: the student sees no survey.
    - With ``CONSENT_REQUIRED_UNDER_AGE`` set (14 by default, 0 = off), a named screening keeps no
      answers of a younger student unless the guardian's consent is "given". A student whose age
      is not known counts as younger.
    - Everybody else may take part.
    """
    state = consent_state(student, ConsentPurpose.SCREENING, on=on)
    if state in OPTED_OUT:
        return False
    limit = settings.CONSENT_REQUIRED_UNDER_AGE
    if not named or not limit:
        return True
    age = _age_on(student, on)
    if age is not None and age >= limit:
        return True
    return state == ConsentState.GIVEN


def opted_out_students(purpose: str = ConsentPurpose.SCREENING) -> QuerySet:
    """Ids of students whose guardian refused or withdrew consent, as a subquery for ``__in`` filters."""
    return ConsentRecord.objects.current().filter(purpose=purpose, state__in=OPTED_OUT).values("student_id")


# --- who may record consent for whom -------------------------------------------------------------


def consent_classes_for(user: User) -> QuerySet:
    """The one door to consent pages: counselors, the head counselor and administrators reach every
    current class, a class teacher only the classes they teach. Archived (graduated) classes are out."""
    if not user.is_authenticated or not user.has_perm("counseling.record_consent"):
        return SchoolClass.objects.none()
    classes = SchoolClass.objects.active()
    if user.has_perm("schoolyear.record_consent_any_class"):
        return classes
    return classes.filter(class_teacher=user)


def consent_students_for(user: User) -> QuerySet:
    """Current students whose consent ``user`` may record (student profiles)."""
    return StudentProfile.objects.active().filter(school_class__in=consent_classes_for(user))


def classes_with_counts(user: User, purpose: str) -> QuerySet:
    """The user's classes with how many students' guardians gave, refused or withdrew, or did not answer."""
    current = Q(
        students__is_archived=False,
        students__user__consent_records__is_current=True,
        students__user__consent_records__purpose=purpose,
    )
    return (
        consent_classes_for(user)
        .select_related("grade", "class_teacher")
        .annotate(
            total=Count("students", filter=Q(students__is_archived=False), distinct=True),
            given=Count(
                "students", filter=current & Q(students__user__consent_records__state=ConsentState.GIVEN), distinct=True
            ),
            opted_out=Count(
                "students", filter=current & Q(students__user__consent_records__state__in=OPTED_OUT), distinct=True
            ),
        )
        .order_by("grade__level", "number")
    )


# --- recording ------------------------------------------------------------------------------------


def _refresh_current(student_id: int, purpose: str) -> None:
    latest = (
        ConsentRecord.objects.filter(student_id=student_id, purpose=purpose)
        .order_by("-dated", "-recorded_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
    ConsentRecord.objects.filter(student_id=student_id, purpose=purpose, is_current=True).exclude(pk=latest).update(
        is_current=False
    )
    ConsentRecord.objects.filter(pk=latest).update(is_current=True)


def record_consent(
    *,
    student: User,
    purpose: str,
    state: str,
    dated: datetime.date,
    method: str,
    reference: str = "",
    by: User,
    request: HttpRequest | None = None,
) -> ConsentRecord:
    """Add one answer to the student's history for ``purpose``.

    Side effects, in one transaction: locks the student's row (two people entering the same
    student at once get a consistent current record), inserts the record, marks the latest record
    by date current, writes an audit entry (state only, no remark).
    """
    if dated > timezone.localdate():
        raise ConsentError(_("The date cannot be in the future."))
    if purpose not in ConsentPurpose.values or state not in ConsentState.values or method not in ConsentMethod.values:
        raise ConsentError(_("Unknown purpose, state or method."))
    with transaction.atomic():
        list(User.objects.select_for_update().filter(pk=student.pk).values_list("pk", flat=True))
        record = ConsentRecord.objects.create(
            student=student,
            purpose=purpose,
            state=state,
            dated=dated,
            method=method,
            reference=reference.strip()[:60],
            recorded_by=by,
        )
        _refresh_current(student.pk, purpose)
        audit.record(
            by, AuditAction.CREATE, record, request=request, student_id=student.pk, detail=f"consent {purpose}: {state}"
        )
    record.refresh_from_db()
    return record


@dataclass
class BulkRow:
    student: User
    state: str
    reference: str = ""


def record_class_consent(
    *,
    rows: list[BulkRow],
    purpose: str,
    dated: datetime.date,
    method: str,
    by: User,
    request: HttpRequest | None = None,
) -> int:
    """Enter the returned paper forms of a class at once; returns how many records were added.

    All rows or none (one transaction). A row that repeats the student's current record exactly
    (same state, date, method and reference) adds nothing, so submitting the page twice is harmless.
    """
    current = {
        record.student_id: record
        for record in ConsentRecord.objects.current().filter(purpose=purpose, student__in=[row.student for row in rows])
    }
    added = 0
    with transaction.atomic():
        for row in rows:
            same = current.get(row.student.pk)
            if same and (same.state, same.dated, same.method, same.reference) == (
                row.state,
                dated,
                method,
                row.reference.strip()[:60],
            ):
                continue
            record_consent(
                student=row.student,
                purpose=purpose,
                state=row.state,
                dated=dated,
                method=method,
                reference=row.reference,
                by=by,
                request=request,
            )
            added += 1
    return added


def age_limit() -> int:
    """The configured age under which a named screening needs consent given (0: the rule is off)."""
    return settings.CONSENT_REQUIRED_UNDER_AGE
