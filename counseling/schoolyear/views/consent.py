"""Guardian consent: the classes, one class's returned paper forms, one student's history."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from counseling.decorators import require_perm
from counseling.enums import ConsentPurpose
from counseling.models.consent import ConsentRecord
from counseling.schoolyear.forms import ClassConsentForm, ConsentForm, PurposeForm
from counseling.services import consent


@require_perm("counseling.record_consent")
def consent_classes(request: HttpRequest) -> HttpResponse:
    purpose_form = PurposeForm(request.GET or None)
    purpose = purpose_form.chosen()
    classes = list(consent.classes_with_counts(request.user, purpose))
    for school_class in classes:
        school_class.unknown = school_class.total - school_class.given - school_class.opted_out
    return render(
        request,
        "schoolyear/consent_classes.html",
        {
            "classes": classes,
            "purpose_form": purpose_form,
            "purpose": purpose,
            "purpose_label": ConsentPurpose(purpose).label,
        },
    )


def _students_with_current(school_class, purpose: str) -> list:
    """The class's current students, each with ``current`` (their current record for ``purpose`` or None)."""
    profiles = (
        school_class.students.active()
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "user__consent_records",
                # recorded_by: an answer signed online names the guardian who gave it.
                queryset=ConsentRecord.objects.current().filter(purpose=purpose).select_related("recorded_by"),
                to_attr="current_records",
            )
        )
        .order_by("student_number")
    )
    students = []
    for profile in profiles:
        user = profile.user
        user.profile = profile
        user.current = user.current_records[0] if user.current_records else None
        students.append(user)
    return students


@require_perm("counseling.record_consent")
def consent_class(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter a class's returned paper forms at once: one date and method, an answer per student."""
    school_class = get_object_or_404(consent.consent_classes_for(request.user).select_related("grade"), pk=pk)
    purpose = PurposeForm(request.GET or None).chosen() if request.method == "GET" else request.POST.get("purpose")
    if purpose not in ConsentPurpose.values:
        purpose = ConsentPurpose.SCREENING
    students = _students_with_current(school_class, purpose)
    form = ClassConsentForm(request.POST or None, students=students, initial={"purpose": purpose})
    if request.method == "POST" and form.is_valid():
        rows = [consent.BulkRow(student, state, reference) for student, state, reference in form.answers()]
        added = consent.record_class_consent(
            rows=rows,
            purpose=purpose,
            dated=form.cleaned_data["dated"],
            method=form.cleaned_data["method"],
            by=request.user,
            request=request,
        )
        messages.success(
            request, _("%(count)d answers recorded for %(class)s.") % {"count": added, "class": school_class}
        )
        return redirect(f"{reverse('schoolyear:consent_class', args=[school_class.pk])}?purpose={purpose}")
    context = {
        "school_class": school_class,
        "form": form,
        "purpose": purpose,
        "purpose_label": ConsentPurpose(purpose).label,
        # The entry form below carries the purpose too (hidden): this one's ids must differ.
        "purpose_form": PurposeForm(initial={"purpose": purpose}, auto_id="id_show_%s"),
        "age_limit": consent.age_limit(),
    }
    return render(request, "schoolyear/consent_class.html", context, status=400 if request.method == "POST" else 200)


@require_perm("counseling.record_consent")
def consent_student(request: HttpRequest, pk: int) -> HttpResponse:
    """One student's consent history for both purposes, and a form for a new answer."""
    profile = get_object_or_404(
        consent.consent_students_for(request.user).select_related("user", "school_class__grade"), user_id=pk
    )
    student = profile.user
    form = ConsentForm(request.POST or None, initial={"purpose": request.GET.get("purpose", ConsentPurpose.SCREENING)})
    if request.method == "POST" and form.is_valid():
        try:
            consent.record_consent(student=student, **form.cleaned_data, by=request.user, request=request)
        except consent.ConsentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The answer is recorded."))
            return redirect("schoolyear:consent_student", pk=student.pk)
    history = ConsentRecord.objects.filter(student=student).select_related("recorded_by")
    states = {purpose: consent.consent_state(student, purpose) for purpose in ConsentPurpose.values}
    context = {
        "student": student,
        "profile": profile,
        "form": form,
        "history": history,
        "states": [(ConsentPurpose(purpose).label, state) for purpose, state in states.items()],
    }
    return render(request, "schoolyear/consent_student.html", context, status=400 if request.method == "POST" else 200)
