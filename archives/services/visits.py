"""Home visits (家访): a class teacher plans and records a visit for each pupil of their class,
at least one each school year (班主任每学年对每位学生进行一次以上的家访); the class list, the
home–school contact card (家校联系卡) and coverage by class.

Who reaches which visit is decided by ``HomeVisit.objects.visible_to`` and the getters of
``archives.access``; the functions here take objects that have already come through that door.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from archives.models import GradeCounselor, HomeVisit
from counseling.enums import GuardianRelation
from counseling.models import GuardianLink, SchoolClass, Term, User
from counseling.models.audit import AuditAction
from counseling.roles import head_counselor
from counseling.services.audit import record, record_list
from counseling.services.family import guardians_of

# A recorded visit may be corrected by whoever recorded it for this long; after that it stands.
EDIT_WINDOW = datetime.timedelta(days=7)
NOTE_MAX_LENGTH = 1000


class VisitError(Exception):
    """The change is refused; the message says why (translated)."""


@dataclass(frozen=True)
class SchoolYear:
    year: int
    start: datetime.date
    end: datetime.date

    def __contains__(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


def school_year_of(day: datetime.date) -> SchoolYear:
    """The school year ``day`` falls in: the year of the term that holds it, else (in the holidays
    or with no terms on record) the year that starts in August. It runs from 1 August (or its first
    term's start, if earlier) to 31 July (or its last term's end, if later), so each day belongs to
    exactly one school year and a visit in the summer holidays counts for the year that ends."""
    term = Term.objects.filter(start__lte=day, end__gte=day).order_by("-start").first()
    year = term.school_year if term else (day.year if day.month >= 8 else day.year - 1)
    bounds = Term.objects.filter(school_year=year).aggregate(first=Min("start"), last=Max("end"))
    start = min(filter(None, [bounds["first"], datetime.date(year, 8, 1)]))
    end = max(filter(None, [bounds["last"], datetime.date(year + 1, 7, 31)]))
    return SchoolYear(year, start, end)


def reminders_from(year: SchoolYear) -> datetime.date:
    """From this day on, class teachers are reminded of pupils not yet visited: the start of the
    school year's last term (the second semester), or 1 February without one on record. Half the
    year is left, which is enough to visit everyone; before that, a daily line would be noise."""
    last_term = Term.objects.filter(school_year=year.year).order_by("-start").values_list("start", "semester").first()
    if last_term and last_term[1] == 2:
        return last_term[0]
    return datetime.date(year.year + 1, 2, 1)


def _visited_in(year: SchoolYear, until: datetime.date | None = None) -> Q:
    last = min(year.end, until) if until else year.end
    return Q(home_visits__visited_on__gte=year.start, home_visits__visited_on__lte=last)


def class_pupils(school_class: SchoolClass, *, year: SchoolYear) -> QuerySet[User]:
    """The current pupils of ``school_class`` by name, each with ``last_visit`` (their latest visit
    this school year, None if none), ``visits`` (how many), ``next_planned`` (their earliest
    planned visit not yet recorded) and ``planned_id`` (that visit): one query, however many pupils."""
    return (
        User.objects.filter(student_profile__school_class=school_class, student_profile__is_archived=False)
        .annotate(
            last_visit=Max("home_visits__visited_on", filter=_visited_in(year)),
            visits=Count("home_visits", filter=_visited_in(year)),
            next_planned=Min("home_visits__planned_for", filter=Q(home_visits__visited_on__isnull=True)),
            planned_id=Subquery(
                HomeVisit.objects.filter(student=OuterRef("pk"), visited_on__isnull=True)
                .order_by("planned_for", "pk")
                .values("pk")[:1]
            ),
        )
        .order_by("student_profile__student_number", "name", "pk")
    )


def coverage(classes, *, year: SchoolYear, until: datetime.date | None = None) -> list[dict]:
    """Per class of ``classes`` (in their order): ``pupils`` (current pupils) and ``visited`` (of
    them, those with at least one visit recorded this school year, up to ``until``). Two queries,
    counts only: no pupil is named."""
    classes = list(classes)
    pupils = dict(
        User.objects.filter(student_profile__school_class__in=classes, student_profile__is_archived=False)
        .values_list("student_profile__school_class")
        .annotate(n=Count("pk"))
        .order_by()
    )
    visited = dict(
        User.objects.filter(student_profile__school_class__in=classes, student_profile__is_archived=False)
        .filter(_visited_in(year, until))
        .values_list("student_profile__school_class")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    return [{"school_class": c, "pupils": pupils.get(c.pk, 0), "visited": visited.get(c.pk, 0)} for c in classes]


def audit_class_page(viewer, pupils: list[User], *, request: HttpRequest | None = None) -> None:
    """One audit entry naming every pupil the class page listed with their visit dates."""
    record_list(viewer, HomeVisit, [p.pk for p in pupils], request=request, detail="home visits of a class")


def _class_of(student: User) -> SchoolClass:
    return student.student_profile.school_class


def _check_teacher(student: User, by: User) -> None:
    """Only the class teacher of the pupil's current class plans and records their visits."""
    if not by.has_perm("archives.record_home_visits") or _class_of(student).class_teacher_id != by.pk:
        raise VisitError(_("Only the pupil's class teacher plans and records home visits."))


def plan(
    student: User, *, planned_for: datetime.date, channel: str, by: User, request: HttpRequest | None = None
) -> HomeVisit:
    """Plan a visit to ``student``'s family on ``planned_for``.

    Side effects, in order, in one transaction: the visit (planned, in the pupil's current class);
    an audit entry. Raises VisitError for anyone but the pupil's class teacher.
    """
    _check_teacher(student, by)
    with transaction.atomic():
        visit = HomeVisit.objects.create(
            student=student,
            school_class=_class_of(student),
            planned_for=planned_for,
            channel=channel,
            created_by=by,
        )
        record(by, AuditAction.CREATE, visit, request=request, student_id=student.pk, detail="planned")
    return visit


def record_visit(
    student: User,
    *,
    visit: HomeVisit | None = None,
    visited_on: datetime.date,
    channel: str,
    met: str,
    met_other: str,
    topics: list[str],
    note: str,
    by: User,
    request: HttpRequest | None = None,
) -> HomeVisit:
    """Record a visit that took place: the planned ``visit`` (planned → done) or, without one, a new
    visit (planned for the day it happened).

    Side effects, in order, in one transaction: the visit, now done, by ``by``, recorded now; an
    audit entry. Raises VisitError for anyone but the pupil's class teacher, and for a visit
    already recorded (that one is corrected with ``correct``).
    """
    _check_teacher(student, by)
    if visit is not None and visit.is_done:
        raise VisitError(_("This visit has already been recorded."))
    fields = {
        "visited_on": visited_on,
        "channel": channel,
        "met": met,
        "met_other": met_other if met_other else "",
        "topics": list(topics),
        "note": note,
        "visited_by": by,
        "recorded_at": timezone.now(),
    }
    with transaction.atomic():
        if visit is None:
            visit = HomeVisit.objects.create(
                student=student, school_class=_class_of(student), planned_for=visited_on, created_by=by, **fields
            )
            action = AuditAction.CREATE
        else:
            # Claimed with a conditional update: two clicks on "record" keep the first.
            if not HomeVisit.objects.filter(pk=visit.pk, visited_on__isnull=True).update(**fields):
                raise VisitError(_("This visit has already been recorded."))
            for name, value in fields.items():
                setattr(visit, name, value)
            action = AuditAction.CHANGE
        record(by, action, visit, request=request, student_id=student.pk, detail="recorded")
    return visit


def can_correct(visit: HomeVisit, user: User, now: datetime.datetime | None = None) -> bool:
    """Whether ``user`` may still correct the recorded ``visit``: its recorder, within EDIT_WINDOW."""
    now = now or timezone.now()
    return bool(
        visit.is_done
        and visit.visited_by_id == user.pk
        and user.has_perm("archives.record_home_visits")
        and visit.recorded_at
        and now - visit.recorded_at <= EDIT_WINDOW
    )


def correct(visit: HomeVisit, *, by: User, request: HttpRequest | None = None, **fields) -> list[str]:
    """Correct a recorded visit (its date, channel, who was met, topics, note) within EDIT_WINDOW.

    Side effects, in order, in one transaction: the changed fields saved; an audit entry naming
    them (never their values). Returns the changed fields; raises VisitError outside the window or
    for anyone but the recorder.
    """
    if not can_correct(visit, by):
        raise VisitError(_("A recorded visit can be corrected only by who recorded it, within 7 days."))
    changed = [name for name, value in fields.items() if getattr(visit, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(visit, name, fields[name])
    with transaction.atomic():
        visit.save(update_fields=[*changed, "updated_at"])
        record(
            by,
            AuditAction.CHANGE,
            visit,
            request=request,
            student_id=visit.student_id,
            detail="fields: " + ", ".join(changed),
        )
    return changed


def cancel(visit: HomeVisit, *, by: User, request: HttpRequest | None = None) -> None:
    """Cancel a planned visit that has not taken place.

    Side effects, in order, in one transaction: the planned visit deleted; an audit entry.
    Raises VisitError for a recorded visit or anyone but the pupil's class teacher.
    """
    _check_teacher(visit.student, by)
    with transaction.atomic():
        if not HomeVisit.objects.filter(pk=visit.pk, visited_on__isnull=True).delete()[0]:
            raise VisitError(_("A recorded visit cannot be cancelled."))
        record(by, AuditAction.DELETE, HomeVisit, request=request, student_id=visit.student_id, detail="planned visit")


@dataclass
class ContactCard:
    student: User
    school_class: SchoolClass
    guardian_name: str
    guardian_phone: str
    guardians: list[tuple[User, str]]
    office_contact: User | None
    visits: list[HomeVisit]


def contact_card(student: User, *, viewer: User, request: HttpRequest | None = None) -> ContactCard:
    """The home–school contact card of ``student`` (reached through ``get_visit_student_for``).

    The office's contact is the grade's counselor (else the head counselor), never "whoever holds
    the pupil's case": the card must not tell a class teacher that a case exists.
    Side effects: one audit entry (a print of the pupil's visits, notes included).
    """
    profile = student.student_profile
    school_class = profile.school_class
    guardians = list(guardians_of([student]))
    relation = dict(
        GuardianLink.objects.filter(student=student, guardian__in=guardians, revoked_at__isnull=True).values_list(
            "guardian_id", "relation"
        )
    )
    labels = dict(GuardianRelation.choices)
    assignment = GradeCounselor.objects.filter(grade_id=school_class.grade_id).select_related("counselor").first()
    office = assignment.counselor if assignment and assignment.counselor.is_active else head_counselor()
    visits = list(
        HomeVisit.objects.visible_to(viewer).filter(student=student).select_related("visited_by", "school_class__grade")
    )
    record(
        viewer,
        AuditAction.PRINT,
        HomeVisit,
        request=request,
        student_id=student.pk,
        student_ids=[student.pk],
        detail="home-school contact card",
    )
    return ContactCard(
        student=student,
        school_class=school_class,
        guardian_name=profile.guardian_name,
        guardian_phone=profile.guardian_phone,
        guardians=[(g, str(labels.get(relation.get(g.pk), ""))) for g in guardians],
        office_contact=office,
        visits=visits,
    )
