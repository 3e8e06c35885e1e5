"""Retention periods (head counselor): what is kept how long, what is due now, what went."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from counseling.decorators import require_perm
from counseling.schoolyear.forms import RetentionForm
from counseling.schoolyear.models import RetentionRun
from counseling.schoolyear.services import retention

PREVIEW_LINES = 50


@require_perm("schoolyear.manage_retention")
def retention_settings(request: HttpRequest) -> HttpResponse:
    statuses = retention.status()
    form = RetentionForm(request.POST or None, statuses=statuses)
    if request.method == "POST" and form.is_valid():
        changed = retention.save_periods(
            {item.key: form.cleaned_data[item.key] for item in statuses}, by=request.user, request=request
        )
        if changed:
            messages.success(request, _("The retention periods are saved."))
        else:
            messages.info(request, _("Nothing changed."))
        return redirect("schoolyear:retention")
    runs = RetentionRun.objects.select_related("started_by")[:10]
    labels = {item.key: item.kind.label for item in statuses}
    for run in runs:
        run.lines = [(labels.get(key, key), per_kind) for key, per_kind in run.counts.items()]
    return render(
        request,
        "schoolyear/retention.html",
        {"form": form, "runs": runs},
        status=400 if request.method == "POST" else 200,
    )


@require_perm("schoolyear.manage_retention")
def retention_preview(request: HttpRequest) -> HttpResponse:
    """The dry run in the browser: what the next run would remove, kind by kind (ids and dates only)."""
    statuses = retention.status(lines=PREVIEW_LINES)
    return render(request, "schoolyear/retention_preview.html", {"statuses": statuses, "limit": PREVIEW_LINES})
