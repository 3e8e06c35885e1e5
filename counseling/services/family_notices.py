"""Notices to families (家长通知): short messages from the class teacher or the office to guardians.

A notice goes to the guardians of a class (its class teacher, or the office), of a grade or of the
whole school (the office). Each guardian gets it in their notifications and by SMS; the SMS says
only that the school wrote. A notice must never name a pupil next to something sensitive: the form
warns when the text contains a name from the roster it goes to (``roster_names_in``).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from counseling.enums import NoticeAudience
from counseling.models import FamilyNotice, Grade, SchoolClass, StudentProfile, User
from counseling.models.audit import AuditAction
from counseling.services import audit
from counseling.services.family import children_of, guardians_of
from counseling.services.messages import Msg
from counseling.services.notify import Kind, notify

# A name of one character is too common a word to warn about (as in the report narrative's check).
SHORTEST_NAME = 2


class NoticeError(Exception):
    """The notice cannot be sent as asked; the message says why."""


def notice_classes_for(user: User) -> QuerySet[SchoolClass]:
    """The current classes ``user`` may write to: every class for the office, a class teacher their own."""
    if not user.is_authenticated or not user.has_perm("counseling.send_family_notices"):
        return SchoolClass.objects.none()
    classes = SchoolClass.objects.active().select_related("grade")
    if user.has_perm("counseling.notify_any_family"):
        return classes
    return classes.filter(class_teacher=user)


def _pupils(*, audience: str, school_class: SchoolClass | None, grade: Grade | None) -> QuerySet[StudentProfile]:
    pupils = StudentProfile.objects.active().filter(user__is_active=True)
    if audience == NoticeAudience.CLASS:
        return pupils.filter(school_class=school_class)
    if audience == NoticeAudience.GRADE:
        return pupils.filter(school_class__grade=grade, school_class__is_archived=False)
    return pupils.filter(school_class__is_archived=False)


def roster_names_in(text: str, *, audience: str, school_class: SchoolClass | None, grade: Grade | None) -> list[str]:
    """Names of the addressed pupils that occur in ``text`` (shown to the writer only, never logged)."""
    if not text.strip():
        return []
    names = _pupils(audience=audience, school_class=school_class, grade=grade).exclude(user__name="")
    return sorted(
        {name for name in names.values_list("user__name", flat=True) if len(name) >= SHORTEST_NAME and name in text}
    )


def send_notice(
    *,
    audience: str,
    title: str,
    text: str,
    by: User,
    school_class: SchoolClass | None = None,
    grade: Grade | None = None,
    request: HttpRequest | None = None,
) -> FamilyNotice:
    """Send a notice to the guardians of a class, a grade or the whole school.

    A class teacher may write to their own classes only; a grade or the whole school is the
    office's (``counseling.notify_any_family``). Side effects, in order, in one transaction: stores
    the notice with the number of guardians it reaches; writes an audit entry (CREATE, by ``by``);
    puts one message per guardian in the outbox (in the app with the notice's title, and by SMS with
    only a quiet phrase and a link). Returns the notice.
    """
    if audience == NoticeAudience.CLASS:
        if school_class is None or not notice_classes_for(by).filter(pk=school_class.pk).exists():
            raise NoticeError(_("You cannot write to the families of this class."))
        grade = None
    elif audience in (NoticeAudience.GRADE, NoticeAudience.SCHOOL):
        if not by.has_perm("counseling.notify_any_family"):
            raise NoticeError(_("Only the counseling office writes to a whole grade or the whole school."))
        if audience == NoticeAudience.GRADE and grade is None:
            raise NoticeError(_("Choose a grade."))
        school_class = None
        if audience == NoticeAudience.SCHOOL:
            grade = None
    else:
        raise NoticeError(_("Choose who the notice is for."))
    pupils = _pupils(audience=audience, school_class=school_class, grade=grade).values("user_id")
    guardians = list(guardians_of(pupils))
    with transaction.atomic():
        notice = FamilyNotice.objects.create(
            audience=audience,
            school_class=school_class,
            grade=grade,
            title=title.strip(),
            text=text.strip(),
            created_by=by,
            recipients=len(guardians),
        )
        audit.record(by, AuditAction.CREATE, notice, request=request, detail=f"family notice to {audience}")
        url = reverse("family_notice", args=[notice.pk])
        for guardian in guardians:
            notify(
                guardian,
                key=f"family:notice:{notice.pk}:{guardian.pk}",
                title=Msg(gettext_noop("Notice from the school: %(title)s"), title=notice.title),
                url=url,
                kind=Kind.FAMILY_NOTICE,
                sms=True,
            )
    return notice


def notices_for(guardian: User) -> QuerySet[FamilyNotice]:
    """The notices addressed to ``guardian``: to a child's class, a child's grade, or the whole school."""
    children = children_of(guardian)
    if not children.exists():
        return FamilyNotice.objects.none()
    classes = SchoolClass.objects.filter(students__user__in=children)
    return FamilyNotice.objects.filter(
        Q(audience=NoticeAudience.SCHOOL)
        | Q(audience=NoticeAudience.CLASS, school_class__in=classes)
        | Q(audience=NoticeAudience.GRADE, grade__classes__in=classes)
    ).distinct()


def get_notice_for(guardian: User, pk: int) -> FamilyNotice:
    """The notice ``pk`` if it was addressed to ``guardian``; else 404."""
    notice = notices_for(guardian).filter(pk=pk).first()
    if notice is None:
        raise Http404
    return notice


def notices_sent_for(user: User) -> QuerySet[FamilyNotice]:
    """The notices the staff member sees on their page: all for the office, their classes' for a class teacher."""
    notices = FamilyNotice.objects.select_related("school_class__grade", "grade", "created_by")
    if user.has_perm("counseling.notify_any_family"):
        return notices
    return notices.filter(Q(school_class__in=notice_classes_for(user)) | Q(created_by=user))
