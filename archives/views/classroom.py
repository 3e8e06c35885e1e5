"""Class teachers: the flagged pupils of their own class with what is asked of them (never scores
or notes), their own log for those pupils, and their class's survey completion (never answers)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from archives.forms import ClassLogForm
from archives.models import ClassLogEntry, FocusEntry, Invitation, InvitationStatus, Screening, ScreeningStatus
from archives.services import focus as service
from archives.services.screenings import opted_out_filter
from counseling.decorators import require_perm
from counseling.services.audit import record_list


def _entries(user):
    """The flagged pupils of the teacher's classes: the only choices of the log form."""
    return FocusEntry.objects.visible_to(user).select_related("student__student_profile__school_class__grade")


def _logs(user) -> list[ClassLogEntry]:
    return list(ClassLogEntry.objects.visible_to(user).select_related("student").order_by("-date", "-id")[:100])


def _audit_class_page(request: HttpRequest, entries: list[FocusEntry], logs: list[ClassLogEntry]) -> None:
    """The page shows the flagged pupils and the teacher's log about them: one entry naming them all."""
    students = [e.student_id for e in entries] + [log.student_id for log in logs]
    record_list(request.user, ClassLogEntry, students, request=request, detail="class log")


@require_perm("archives.view_class_focus")
def class_focus(request: HttpRequest) -> HttpResponse:
    entries = list(_entries(request.user).order_by("student__name"))
    logs = _logs(request.user)
    _audit_class_page(request, entries, logs)
    form = ClassLogForm(_entries(request.user)) if entries else None
    return render(request, "archives/class_focus.html", {"entries": entries, "logs": logs, "form": form})


@require_perm("archives.view_class_focus")
@require_POST
def class_log_add(request: HttpRequest) -> HttpResponse:
    """Add a log entry about a flagged pupil of one's own class (any other pupil is not a choice)."""
    form = ClassLogForm(_entries(request.user), request.POST)
    if form.is_valid():
        try:
            service.add_log_entry(
                teacher=request.user,
                entry=form.cleaned_data["entry"],
                date=form.cleaned_data["date"],
                channel=form.cleaned_data["channel"],
                text=form.cleaned_data["text"],
                is_concern=form.cleaned_data["is_concern"],
                request=request,
            )
        except service.FocusError as exc:
            messages.error(request, str(exc))
        else:
            if form.cleaned_data["is_concern"]:
                messages.success(request, _("Added to your log. The counseling office has been told."))
            else:
                messages.success(request, _("Added to your log."))
            return redirect("archives:class_focus")
    entries = list(_entries(request.user).order_by("student__name"))
    logs = _logs(request.user)
    _audit_class_page(request, entries, logs)
    return render(request, "archives/class_focus.html", {"entries": entries, "logs": logs, "form": form}, status=400)


@require_perm("archives.view_class_completion")
def class_completion(request: HttpRequest) -> HttpResponse:
    """Per recent screening: how many of my class answered; for named screenings, who has not yet.
    Pupils whose guardian opted out are counted apart and not listed as missing."""
    classes = list(request.user.taught_classes.filter(is_archived=False).select_related("grade"))
    counts = list(
        Invitation.objects.filter(school_class__in=classes, screening__status=ScreeningStatus.PUBLISHED)
        .values("screening_id", "school_class_id")
        .annotate(
            invited=Count("id"),
            answered=Count("id", filter=Q(status=InvitationStatus.SUBMITTED)),
            opted_out=Count("id", filter=opted_out_filter()),
        )
        .order_by()
    )
    screening_ids = sorted({row["screening_id"] for row in counts}, reverse=True)[:10]
    pending = list(
        Invitation.objects.filter(
            school_class__in=classes,
            screening_id__in=screening_ids,
            screening__is_anonymous=False,
            status=InvitationStatus.PENDING,
        )
        .exclude(opted_out_filter())
        .select_related("student")
        .order_by("student__name")
    )
    screenings = {s.pk: s for s in Screening.objects.filter(pk__in=screening_ids)}
    class_by_id = {c.pk: c for c in classes}
    blocks = []
    for screening_id in sorted(screening_ids, key=lambda i: screenings[i].opens_at, reverse=True):
        screening = screenings[screening_id]
        rows = [
            {
                "school_class": class_by_id[row["school_class_id"]],
                "invited": row["invited"],
                "answered": row["answered"],
                "opted_out": row["opted_out"],
                "pending": [
                    i.student
                    for i in pending
                    if i.screening_id == screening_id and i.school_class_id == row["school_class_id"]
                ],
            }
            for row in counts
            if row["screening_id"] == screening_id
        ]
        blocks.append({"screening": screening, "rows": rows})
    return render(request, "archives/class_completion.html", {"blocks": blocks, "classes": classes})
