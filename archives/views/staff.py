"""The head counselor assigns a counselor to each grade (warnings of its students go to them)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from archives.forms import GradeCounselorForm
from archives.models import GradeCounselor
from counseling.decorators import require_perm
from counseling.models import Grade
from counseling.models.audit import AuditAction
from counseling.services.audit import record


@require_perm("archives.assign_grade_counselors")
def grade_counselors(request: HttpRequest) -> HttpResponse:
    grades = list(Grade.objects.all())
    current = dict(GradeCounselor.objects.values_list("grade_id", "counselor_id"))
    form = GradeCounselorForm(grades, current, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                for grade in grades:
                    counselor = form.cleaned_data.get(f"grade_{grade.pk}")
                    if counselor is None:
                        GradeCounselor.objects.filter(grade=grade).delete()
                    elif current.get(grade.pk) != counselor.pk:
                        assignment, _created = GradeCounselor.objects.update_or_create(
                            grade=grade, defaults={"counselor": counselor}
                        )
                        record(request.user, AuditAction.CHANGE, assignment, request=request)
            messages.success(request, _("Grade counselors saved."))
            return redirect("archives:grade_counselors")
        return render(request, "archives/grade_counselors.html", {"form": form}, status=400)
    return render(request, "archives/grade_counselors.html", {"form": form})
