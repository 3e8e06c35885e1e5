"""The new-year wizard (学年升级): preview the moves, then apply them in one transaction.

Every current class moves up one grade; the classes of a graduating grade and their students
are archived (kept, read-only, out of current lists, their accounts closed); the administrator
chooses each moving class's teacher; the new year's first term becomes current. New first-year
classes come afterwards from the roster import.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from counseling.hooks import OpenAtGraduation, app_hooks
from counseling.models import Grade, SchoolClass, StudentProfile, Term, User
from counseling.models.audit import AuditAction
from counseling.schoolyear.models import RolloverClass, YearRollover
from counseling.schoolyear.services.terms import year_label
from counseling.services import audit, signedin


class RolloverRefusedError(Exception):
    """Nothing was changed; ``problems`` say why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class ClassMove:
    school_class: SchoolClass
    from_grade: Grade
    to_grade: Grade | None  # None: the class graduates
    students: int
    old_teacher: User | None
    new_teacher: User | None = None

    @property
    def graduates(self) -> bool:
        return self.to_grade is None

    @property
    def new_label(self) -> str:
        """The class's name in its new grade, written as the directory writes class names."""
        if self.to_grade is None:
            return ""
        return _("%(grade)s %(class)s") % {"grade": self.to_grade.name, "class": self.school_class.name}


@dataclass
class GradeCount:
    grade: Grade
    classes_before: int = 0
    students_before: int = 0
    classes_after: int = 0
    students_after: int = 0


@dataclass
class RolloverPlan:
    current_term: Term | None
    to_year: int | None
    term: Term | None
    moves: list[ClassMove] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    grades: list[Grade] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def year_label(self) -> str:
        return year_label(self.to_year) if self.to_year else ""

    @property
    def moving(self) -> list[ClassMove]:
        return [move for move in self.moves if not move.graduates]

    @property
    def graduating(self) -> list[ClassMove]:
        return [move for move in self.moves if move.graduates]

    @property
    def students_graduating(self) -> int:
        return sum(move.students for move in self.graduating)

    def grade_counts(self) -> list[GradeCount]:
        """Classes and students per grade, before and after; the graduates count nowhere after."""
        counts = {grade.pk: GradeCount(grade) for grade in self.grades}
        for move in self.moves:
            before = counts[move.from_grade.pk]
            before.classes_before += 1
            before.students_before += move.students
            if move.to_grade is not None:
                after = counts[move.to_grade.pk]
                after.classes_after += 1
                after.students_after += move.students
        return list(counts.values())

    def empty_grades(self) -> list[Grade]:
        """Grades left without a class: filled by the roster import of the new intake."""
        return [count.grade for count in self.grade_counts() if count.classes_after == 0]

    def open_at_graduation(self) -> list[OpenAtGraduation]:
        """Work the apps still hold open for the graduating students (``graduation`` hook), per holder."""
        graduates = User.objects.filter(
            student_profile__school_class__in=[move.school_class for move in self.graduating],
            student_profile__is_archived=False,
        )
        return [item for _app, module in app_hooks("graduation") for item in module.open_at_graduation(graduates)]


def plan_rollover() -> RolloverPlan:
    """What the wizard would do now, and every reason it cannot (no change is made)."""
    current = Term.objects.current()
    if current is None:
        return RolloverPlan(
            None, None, None, problems=[_("There is no current term. Set one before starting a new school year.")]
        )
    to_year = current.school_year + 1
    plan = RolloverPlan(current, to_year, Term.objects.filter(school_year=to_year, semester=1).first())
    plan.grades = list(Grade.objects.order_by("level"))

    done = YearRollover.objects.filter(school_year__gte=to_year).select_related("applied_by").first()
    if done is not None:
        plan.problems.append(
            _("The school year %(year)s was already started on %(date)s by %(who)s.")
            % {
                "year": year_label(done.school_year),
                "date": done.applied_at.date(),
                "who": done.applied_by or _("the system"),
            }
        )
    if plan.term is None:
        plan.problems.append(_("Create the first term of %(year)s before starting it.") % {"year": year_label(to_year)})

    by_level = {grade.level: grade for grade in plan.grades}
    classes = (
        SchoolClass.objects.active()
        .select_related("grade", "class_teacher")
        .annotate(student_count=Count("students", filter=Q(students__is_archived=False)))
        .order_by("grade__level", "number")
    )
    for school_class in classes:
        grade = school_class.grade
        to_grade = None if grade.is_graduating else by_level.get(grade.level + 1)
        if to_grade is None and not grade.is_graduating:
            plan.problems.append(
                _(
                    "%(class)s cannot move up: there is no grade above %(grade)s, and %(grade)s is not marked as graduating."
                )
                % {"class": school_class, "grade": grade.name}
            )
        plan.moves.append(
            ClassMove(
                school_class=school_class,
                from_grade=grade,
                to_grade=to_grade,
                students=school_class.student_count,
                old_teacher=school_class.class_teacher,
                new_teacher=school_class.class_teacher if to_grade is not None else None,
            )
        )
    if not plan.moves:
        plan.problems.append(_("There are no current classes to move up."))
    places = Counter((move.to_grade.pk, move.school_class.number) for move in plan.moving)
    for move in plan.moving:
        if places[(move.to_grade.pk, move.school_class.number)] > 1:
            plan.problems.append(
                _("%(class)s would collide with another class as %(grade)s class %(number)d.")
                % {"class": move.school_class, "grade": move.to_grade.name, "number": move.school_class.number}
            )
    return plan


def assign_teachers(plan: RolloverPlan, teachers: dict[int, User | None]) -> list[str]:
    """Put the chosen teacher on each moving class; return the problems (a teacher chosen twice)."""
    for move in plan.moving:
        if move.school_class.pk in teachers:
            move.new_teacher = teachers[move.school_class.pk]
    classes_of: dict[int, list[ClassMove]] = defaultdict(list)
    for move in plan.moving:
        if move.new_teacher is not None:
            classes_of[move.new_teacher.pk].append(move)
    problems = []
    for moves in classes_of.values():
        if len(moves) > 1:
            problems.append(
                _("%(teacher)s is chosen for more than one class: %(classes)s.")
                % {
                    "teacher": moves[0].new_teacher,
                    "classes": ", ".join(move.new_label for move in moves),
                }
            )
    return problems


def apply_rollover(
    *, to_year: int, class_ids: set[int], teachers: dict[int, User | None], by: User, request: HttpRequest | None = None
) -> YearRollover:
    """Start the school year ``to_year``: everything or nothing.

    ``class_ids`` are the classes the administrator previewed; if the classes changed since, the
    wizard is refused so nobody applies a plan they did not see.

    Side effects, in one transaction, highest grade first so every class's new place is free
    when it moves: inserts the YearRollover (unique per year: a second or concurrent apply fails);
    archives each graduating class (teacher released) and its students (profile archived,
    account deactivated; nothing is deleted, so archives and past numbers stay); moves every other
    class up one grade; sets the chosen class teachers; records each class's move; makes the new
    year's first term current; writes an audit entry. Raises RolloverRefusedError with the reasons.
    """
    try:
        with transaction.atomic():
            # Serialise concurrent wizards on the classes themselves before planning.
            list(SchoolClass.objects.select_for_update().filter(is_archived=False).values_list("pk", flat=True))
            plan = plan_rollover()
            done = YearRollover.objects.filter(school_year=to_year).select_related("applied_by").first()
            if done is not None:
                raise RolloverRefusedError(
                    [
                        _("The school year %(year)s was already started on %(date)s by %(who)s.")
                        % {
                            "year": year_label(to_year),
                            "date": done.applied_at.date(),
                            "who": done.applied_by or _("the system"),
                        }
                    ]
                )
            if plan.to_year is not None and to_year != plan.to_year:
                raise RolloverRefusedError(
                    [
                        _(
                            "This wizard starts %(wanted)s, but the school is in %(current)s: only %(next)s can be started now."
                        )
                        % {
                            "wanted": year_label(to_year),
                            "current": year_label(plan.current_term.school_year),
                            "next": year_label(plan.to_year),
                        }
                    ]
                )
            problems = plan.problems + assign_teachers(plan, teachers)
            if plan.ok and {move.school_class.pk for move in plan.moves} != class_ids:
                problems.append(_("The classes changed since the preview. Look at the preview again."))
            if problems:
                raise RolloverRefusedError(problems)
            rollover = YearRollover.objects.create(school_year=to_year, term=plan.term, applied_by=by)
            students_archived = 0
            for move in sorted(plan.moves, key=lambda m: -m.from_grade.level):
                school_class = move.school_class
                if move.graduates:
                    school_class.is_archived = True
                    school_class.class_teacher = None
                    school_class.save(update_fields=["is_archived", "class_teacher"])
                    profiles = StudentProfile.objects.filter(school_class=school_class, is_archived=False)
                    User.objects.filter(student_profile__in=profiles).update(is_active=False)
                    students_archived += profiles.update(is_archived=True)
                    # Bulk updates send no signal: every signed-in user is read afresh (the graduates
                    # are signed out on their next request).
                    signedin.forget_everyone()
                else:
                    school_class.grade = move.to_grade
                    school_class.save(update_fields=["grade"])
            for move in plan.moving:
                if move.school_class.class_teacher_id != getattr(move.new_teacher, "pk", None):
                    move.school_class.class_teacher = move.new_teacher
                    move.school_class.save(update_fields=["class_teacher"])
            RolloverClass.objects.bulk_create(
                RolloverClass(
                    rollover=rollover,
                    school_class=move.school_class,
                    from_grade=move.from_grade,
                    to_grade=move.to_grade,
                    old_teacher=move.old_teacher,
                    new_teacher=move.new_teacher,
                    students=move.students,
                )
                for move in plan.moves
            )
            rollover.classes_moved = len(plan.moving)
            rollover.classes_archived = len(plan.graduating)
            rollover.students_archived = students_archived
            rollover.save(update_fields=["classes_moved", "classes_archived", "students_archived"])
            Term.objects.filter(is_current=True).update(is_current=False)
            Term.objects.filter(pk=plan.term.pk).update(is_current=True)
            signedin.forget_current_term()
            audit.record(
                by,
                AuditAction.CHANGE,
                rollover,
                request=request,
                detail=f"new year {to_year}: {rollover.classes_moved} moved, {rollover.classes_archived} graduated, "
                f"{students_archived} students archived",
            )
    except IntegrityError as exc:
        # The unique school year: somebody applied the same year a moment earlier.
        raise RolloverRefusedError(
            [_("The school year %(year)s was already started.") % {"year": year_label(to_year)}]
        ) from exc
    return rollover


def graduated_students(before: datetime.datetime) -> QuerySet:
    """Ids of students who graduated (their class archived by a new-year rollover) before ``before``.

    The "student graduated" event of retention periods.
    """
    classes = RolloverClass.objects.filter(to_grade__isnull=True, rollover__applied_at__lt=before).values(
        "school_class_id"
    )
    return StudentProfile.objects.filter(is_archived=True, school_class__in=classes).values("user_id")
