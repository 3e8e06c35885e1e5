"""Home-page panels of the archives app (see counseling.hooks). Each costs a fixed number of queries."""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from archives.access import visit_classes_for
from archives.models import (
    FocusEntry,
    Invitation,
    InvitationStatus,
    ReportingWindow,
    ScreeningStatus,
    ScreeningWarning,
    WarningStatus,
    ZeroReport,
)
from archives.models.warnings import OVERDUE_AFTER
from archives.services import visits
from archives.services.screenings import pending_for
from counseling.hooks import Panel
from counseling.rows import Address


def _pending_surveys(user) -> list[dict]:
    """The student's first five surveys to answer, each with its address and closing time written
    out here (the panel is on every student's home page)."""
    rows = []
    survey_url = Address("archives:survey")  # one reverse() for the rows
    for survey in pending_for(user)[:5]:
        until = date_format(timezone.localtime(survey.closes_at), "SHORT_DATETIME_FORMAT")
        rows.append(
            {
                "url": survey_url(survey.screening_id),
                "title": survey.title,
                "draft": survey.draft_saved_at is not None,
                "until": _("until %(time)s") % {"time": until},
            }
        )
    return rows


def panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    out: list[Panel] = []
    if user.has_perm("archives.answer_survey"):
        surveys = _pending_surveys(user)
        if surveys:
            out.append(Panel("archives/panels/pending_surveys.html", {"surveys": surveys}, order=20))
    if user.has_perm("archives.handle_warnings"):
        now = timezone.now()
        counts = ScreeningWarning.objects.visible_to(user).aggregate(
            open=Count("id", filter=Q(status=WarningStatus.OPEN)),
            overdue=Count("id", filter=Q(status=WarningStatus.OPEN, created_at__lt=now - OVERDUE_AFTER)),
            critical=Count("id", filter=Q(status=WarningStatus.OPEN, is_critical=True)),
        )
        if counts["open"]:
            latest = list(
                ScreeningWarning.objects.visible_to(user)
                .open()
                .select_related("student__student_profile__school_class__grade")
                .order_by("-is_critical", "created_at")[:5]
            )
            out.append(Panel("archives/panels/open_warnings.html", {**counts, "warnings": latest}, order=15))
    if user.has_perm("archives.view_class_focus"):
        flagged = FocusEntry.objects.for_class_teacher(user).count()
        today = timezone.localdate()
        classes = list(user.taught_classes.filter(is_archived=False).values_list("id", flat=True))
        windows = list(ReportingWindow.objects.open_on(today).order_by("closes_on")[:5])
        filed = set(
            ZeroReport.objects.filter(window__in=windows, school_class_id__in=classes).values_list(
                "window_id", "school_class_id"
            )
        )
        unfiled = [w for w in windows if any((w.pk, c) not in filed for c in classes)]
        completion = list(
            Invitation.objects.filter(
                school_class_id__in=classes,
                screening__status=ScreeningStatus.PUBLISHED,
                screening__opens_at__lte=timezone.now(),
                screening__closes_at__gt=timezone.now(),
            )
            .values("screening__title")
            .annotate(invited=Count("id"), answered=Count("id", filter=Q(status=InvitationStatus.SUBMITTED)))
            .order_by("screening__title")
        )
        # Home visits this school year: per class, how many pupils are still to visit (no names).
        year = visits.school_year_of(today)
        unvisited = [
            {"school_class": row["school_class"], "missing": row["pupils"] - row["visited"], "pupils": row["pupils"]}
            for row in visits.coverage(visit_classes_for(user), year=year)
            if row["pupils"] > row["visited"]
        ]
        if flagged or unfiled or completion or unvisited:
            out.append(
                Panel(
                    "archives/panels/class_teacher.html",
                    {"flagged": flagged, "unfiled": unfiled, "completion": completion, "unvisited": unvisited},
                    order=20,
                )
            )
    return out
