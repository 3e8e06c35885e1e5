"""The district office's cross-school counts and its screenings (issue 19 §2 aggregates, §3)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from counseling.decorators import require_perm
from counseling.district.forms_stats import PeriodForm, ScreeningTemplateForm, default_period
from counseling.district.models import ScreeningTemplate
from counseling.district.services import stats
from counseling.models.audit import AuditAction
from counseling.services.aggregates import SMALL_CELL
from counseling.services.audit import record


@require_perm("district.view_district")
def aggregates(request: HttpRequest) -> HttpResponse:
    """Per school and for the district: coverage, sessions, crises, zero reports, for a period."""
    start, end = default_period()
    form = PeriodForm(request.GET or None, initial={"start": start, "end": end})
    context = {"form": form, "small_cell": SMALL_CELL}
    if request.GET and not form.is_valid():
        return render(request, "district/stats/aggregates.html", context, status=400)
    if request.GET:
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    rows, total = stats.overview(start, end)
    context.update(rows=rows, total=total, start=start, end=end)
    return render(request, "district/stats/aggregates.html", context)


@require_perm("district.view_district")
def screening_list(request: HttpRequest) -> HttpResponse:
    """The district's screenings; the district office publishes a new one here."""
    form = None
    if request.user.has_perm("district.publish_screenings"):
        form = ScreeningTemplateForm(request.POST or None)
        if request.method == "POST":
            if form.is_valid():
                template = form.save(commit=False)
                template.created_by = request.user
                template.save()
                record(request.user, AuditAction.CREATE, template, request=request)
                messages.success(request, _("The screening was published to the schools."))
                return redirect("district_screening", pk=template.pk)
            return render(
                request, "district/stats/screenings.html", {"form": form, "templates": ScreeningTemplate.objects.all()}, status=400
            )
    elif request.method == "POST":
        return HttpResponse(status=403)
    return render(request, "district/stats/screenings.html", {"form": form, "templates": ScreeningTemplate.objects.all()})


@require_perm("district.view_district")
def screening_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One district screening, per school: not started, or its phase, coverage and band counts."""
    template = get_object_or_404(ScreeningTemplate, pk=pk)
    bands, rows, total = stats.screening_overview(template)
    instrument = stats.instrument_of(template)
    return render(
        request,
        "district/stats/screening.html",
        {"template": template, "instrument": instrument, "bands": bands, "rows": rows, "total": total, "small_cell": SMALL_CELL},
    )
