"""The district office's pages, on the district's own site (the shared schema)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from counseling.decorators import require_perm
from counseling.district.forms import AdministratorForm, SchoolForm
from counseling.district.models import School
from counseling.district.services import schools as school_service
from counseling.services.staff_requests import RequestError


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


def _school(pk: int) -> School:
    return get_object_or_404(School.objects.exclude(schema_name="public"), pk=pk)


def _link(request: HttpRequest, school: School, path: str) -> str:
    domain = school.get_primary_domain()
    return f"{request.scheme}://{domain.domain}{path}" if domain else path


@require_perm("district.manage_schools")
def school_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A school: its addresses and its administrators; add one (the school's first left, or lost
    their password with nobody else to reset it). Only administrators: no other account of a
    school is listed here."""
    school = _school(pk)
    form = AdministratorForm(request.POST or None)
    link = ""
    if request.method == "POST" and form.is_valid():
        try:
            path = school_service.add_administrator(school, **form.cleaned_data, by=request.user, request=request)
        except RequestError as error:
            form.add_error("username", str(error))
        else:
            messages.success(request, _("%(username)s is an administrator of %(school)s.") % {"username": form.cleaned_data["username"], "school": school.name})
            link, form = _link(request, school, path), AdministratorForm()
    return render(
        request,
        "district/school_detail.html",
        {"school": school, "administrators": school_service.administrators(school), "form": form, "link": link},
    )


@require_perm("district.manage_schools")
@require_POST
def administrator_link(request: HttpRequest, pk: int, user: int) -> HttpResponse:
    """A new one-time set-password link for one of the school's administrators, shown once."""
    school = _school(pk)
    username, path = school_service.administrator_link(school, user, by=request.user, request=request)
    return render(
        request,
        "district/school_detail.html",
        {
            "school": school,
            "administrators": school_service.administrators(school),
            "form": AdministratorForm(),
            "link": _link(request, school, path),
            "link_for": username,
        },
    )
