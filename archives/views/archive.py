"""The student archive (心理档案) for counselors and the head counselor: search, page, printable page."""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import dateformat, formats, timezone

from archives import access
from archives.models import FocusEntry, ScreeningWarning
from archives.services import archive
from counseling.decorators import require_perm
from counseling.models import SchoolClass, User
from counseling.services.audit import record_list
from counseling.validators import without_nul


@require_perm("archives.view_archive")
def archive_list(request: HttpRequest) -> HttpResponse:
    """Find a student by name, number or class. Flags show who is on the focus list or has an open
    warning the reader may open (both read through their doors)."""
    query = without_nul(request.GET.get("q"))[:50]
    class_id = request.GET.get("class", "")
    students = (
        access.students_for(request.user)
        .select_related("student_profile__school_class__grade")
        .annotate(
            on_focus=Exists(FocusEntry.objects.visible_to(request.user).active().filter(student=OuterRef("pk"))),
            open_warning=Exists(
                ScreeningWarning.objects.visible_to(request.user).open().filter(student=OuterRef("pk"))
            ),
        )
        .order_by(
            "student_profile__school_class__grade__level",
            "student_profile__school_class__number",
            "student_profile__student_number",
        )
    )
    if query:
        students = students.filter(Q(name__icontains=query) | Q(student_profile__student_number__icontains=query))
    if class_id.isdecimal():
        students = students.filter(student_profile__school_class_id=int(class_id))
    page = Paginator(students, 50).get_page(request.GET.get("page"))
    # The rows flag who is on the focus list or has an open warning: one entry naming them.
    record_list(request.user, User, [student.pk for student in page], request=request, detail="archive search")
    classes = SchoolClass.objects.active().select_related("grade")
    return render(
        request,
        "archives/archive_list.html",
        {"page": page, "query": query, "classes": classes, "class_id": class_id},
    )


@require_perm("archives.view_archive")
def archive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    student = access.get_student_for(request.user, pk)
    context = archive.open_archive(student, viewer=request.user, request=request)
    return render(request, "archives/archive_detail.html", _with_rows(context))


@require_perm("archives.view_archive")
def archive_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable archive (browser print; the layout hides navigation). Audited as a print."""
    student = access.get_student_for(request.user, pk)
    context = archive.open_archive(student, viewer=request.user, request=request, printing=True)
    return render(request, "archives/archive_print.html", _with_rows(context))


def _with_rows(context: dict) -> dict:
    """``context`` with the archive's result and warning rows and its contact days ready to print.

    Done here rather than with a ``{% url %}`` and ``date`` filter per row in the template: the
    addresses are reversed once and filled in per row, each day is formatted once.
    """
    pattern = formats.get_format("SHORT_DATE_FORMAT")
    days: dict[datetime.date, str] = {}

    def day(value: datetime.date) -> str:
        if value not in days:
            days[value] = dateformat.format(value, pattern)
        return days[value]

    answers = _address("archives:submission_detail")
    for history in context["histories"]:
        history.rows = [
            {
                "date": day(timezone.localtime(result.submitted_at).date()),
                "screening": result.screening.title,
                "total": "—" if result.total is None else result.total,
                "band": result.band_label or "—",
                "is_critical": result.is_critical,
                "url": answers(result.submission_id),
            }
            for result in history.results
        ]
    warning_page = _address("archives:warning_detail")
    context["warning_rows"] = [
        {
            "date": day(timezone.localtime(warning.created_at).date()),
            "screening": warning.screening.title,
            "status": warning.get_status_display(),
            "is_critical": warning.is_critical,
            "counselor": warning.counselor.get_full_name() if warning.counselor else "",
            "url": warning_page(warning.pk),
        }
        for warning in context["warnings"]
    ]
    context["contact_days"] = ", ".join(day(held_on) for held_on in context["facts"]["contact_dates"])
    return context


# A number no row reaches, reversed in place of a row's own and replaced per row.
_PK_MARK = 2_147_483_647


def _address(name: str):
    """The address of ``name`` for any primary key, from one ``reverse()``."""
    prefix, suffix = reverse(name, args=[_PK_MARK]).rsplit(str(_PK_MARK), 1)
    return lambda pk: f"{prefix}{pk}{suffix}"
