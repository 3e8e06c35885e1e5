"""The district office's pages, on the district's own site (the shared schema)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from counseling.decorators import require_perm
from counseling.district.forms import SchoolForm
from counseling.district.services import schools as school_service


@require_perm("district.view_district")
def home(request: HttpRequest) -> HttpResponse:
    """The district office's start page: its schools and their addresses."""
    return render(request, "district/home.html", {"schools": school_service.schools()})


@require_perm("district.manage_schools")
def school_add(request: HttpRequest) -> HttpResponse:
    """Add a school: its schema is made and migrated, its first administrator gets a one-time link."""
    form = SchoolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        new = school_service.add_school(**form.cleaned_data, by=request.user, request=request)
        messages.success(request, _("The school %(name)s was added.") % {"name": new.school.name})
        link = f"{request.scheme}://{new.domain}{new.set_password_path}"
        return render(request, "district/school_added.html", {"new": new, "link": link})
    return render(request, "district/school_form.html", {"form": form})
