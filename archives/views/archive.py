"""The student archive (心理档案) for counselors and the head counselor: search, page, printable page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

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
    return render(request, "archives/archive_detail.html", context)


@require_perm("archives.view_archive")
def archive_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable archive (browser print; the layout hides navigation). Audited as a print."""
    student = access.get_student_for(request.user, pk)
    context = archive.open_archive(student, viewer=request.user, request=request, printing=True)
    return render(request, "archives/archive_print.html", context)
