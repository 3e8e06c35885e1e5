"""The focus list for counselors: the list with its termly review, adding and changing entries."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from archives import access
from archives.forms import FocusEntryForm, FocusReviewForm
from archives.models import FocusEntry, FocusLevel, ScreeningWarning
from archives.services import focus as service
from counseling.decorators import require_perm
from counseling.models import Term
from counseling.models.audit import AuditAction
from counseling.services.audit import record, record_list


@require_perm("archives.manage_focus_list")
def focus_list(request: HttpRequest) -> HttpResponse:
    """Active entries; ``?due=1`` shows only those not yet reviewed this term."""
    term = Term.objects.current()
    visible = FocusEntry.objects.visible_to(request.user)
    entries = visible.active().select_related(
        "student__student_profile__school_class__grade", "category", "reviewed_term"
    )
    due_only = request.GET.get("due") == "1"
    due_ids = set(service.due_for_review(visible, term).values_list("id", flat=True))
    if due_only:
        entries = entries.filter(id__in=due_ids)
    level = request.GET.get("level", "")
    if level in FocusLevel.values:
        entries = entries.filter(level=level)
    entries = entries.order_by(
        "student__student_profile__school_class__grade__level", "student__student_profile__school_class__number"
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    record_list(request.user, FocusEntry, [e.student_id for e in page], request=request, detail="focus list")
    context = {
        "page": page,
        "term": term,
        "due_ids": due_ids,
        "due_count": len(due_ids),
        "due_only": due_only,
        "levels": FocusLevel.choices,
        "level": level,
    }
    return render(request, "archives/focus_list.html", context)


@require_perm("archives.manage_focus_list")
def focus_add(request: HttpRequest, student_pk: int) -> HttpResponse:
    student = access.get_student_for(request.user, student_pk)
    warning = None
    if request.GET.get("warning", "").isdecimal():
        warning = (
            ScreeningWarning.objects.visible_to(request.user)
            .filter(pk=int(request.GET["warning"]), student=student)
            .first()
        )
    form = FocusEntryForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                service.add(student, by=request.user, warning=warning, request=request, **form.cleaned_data)
            except service.FocusError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("%(student)s is on the focus list.") % {"student": student.get_full_name()})
            return redirect("archives:archive_detail", pk=student.pk)
        return render(request, "archives/focus_form.html", {"form": form, "student": student}, status=400)
    return render(request, "archives/focus_form.html", {"form": form, "student": student})


@require_perm("archives.manage_focus_list")
def focus_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = access.get_focus_entry_for(request.user, pk)
    if not entry.is_active:
        raise Http404  # an ended entry is history: nothing left to edit
    # The service compares the entry's old values with the posted ones: the form gets its own copy.
    form = FocusEntryForm(request.POST or None, instance=access.fresh_copy(entry))
    if request.method == "POST":
        if form.is_valid():
            service.update(entry, by=request.user, request=request, **form.cleaned_data)
            messages.success(request, _("Focus-list entry saved."))
            return redirect("archives:archive_detail", pk=entry.student_id)
        return render(
            request, "archives/focus_form.html", {"form": form, "student": entry.student, "entry": entry}, status=400
        )
    record(request.user, AuditAction.VIEW, entry, request=request, student_id=entry.student_id, detail="edit form")
    return render(request, "archives/focus_form.html", {"form": form, "student": entry.student, "entry": entry})


@require_perm("archives.manage_focus_list")
def focus_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The termly review of one entry: keep (at a level) or remove from the list."""
    entry = access.get_focus_entry_for(request.user, pk)
    if not entry.is_active:
        raise Http404  # an ended entry is history: nothing left to review
    form = FocusReviewForm(request.POST or None, initial={"decision": entry.level})
    if request.method == "POST":
        if form.is_valid():
            service.review(entry, by=request.user, level=form.level, note=form.cleaned_data["note"], request=request)
            messages.success(request, _("Review recorded."))
            return redirect("archives:focus_list")
        return render(request, "archives/focus_review.html", {"form": form, "entry": entry}, status=400)
    return render(request, "archives/focus_review.html", {"form": form, "entry": entry})
