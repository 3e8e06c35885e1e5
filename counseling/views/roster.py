from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from counseling.decorators import require_perm
from counseling.forms import RosterUploadForm
from counseling.models import Term
from counseling.services import roster


@require_perm("counseling.import_roster")
def roster_import(request: HttpRequest) -> HttpResponse:
    """Upload a roster: every row is checked first; nothing changes unless all rows are good."""
    term = Term.objects.current()
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form, "term": term}
    if request.method == "POST" and form.is_valid():
        if term is None:
            messages.error(request, _("Create a current term before importing a roster."))
            return render(request, "counseling/roster_import.html", context)
        upload = form.cleaned_data["file"]
        try:
            rows, errors = roster.parse(roster.read_table(upload.name, upload.read()))
        except roster.RosterError as exc:
            form.add_error("file", str(exc))
            return render(request, "counseling/roster_import.html", context, status=400)
        if errors:
            context["errors"] = errors
            return render(request, "counseling/roster_import.html", context, status=400)
        result = roster.apply(rows, term)
        context["result"] = result
        messages.success(
            request,
            _("Roster imported: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.")
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        )
        context["form"] = RosterUploadForm()
    return render(request, "counseling/roster_import.html", context)
