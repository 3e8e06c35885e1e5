"""The school directory's settings for the administrator: class teachers, committee members, concern categories."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from counseling.decorators import require_perm
from counseling.enums import Role
from counseling.forms import ClassTeacherForm, CommitteeMemberForm, ConcernCategoryForm
from counseling.models import ConcernCategory, SchoolClass, StudentProfile, User
from counseling.services import staff

PERM = "counseling.manage_directory"


@require_perm(PERM)
def class_teachers(request: HttpRequest) -> HttpResponse:
    """Every current class with its class teacher; a POST names (or clears) one class's teacher."""
    if request.method == "POST":
        form = ClassTeacherForm(request.POST)
        if form.is_valid():
            staff.assign_class_teacher(
                form.cleaned_data["school_class"], form.cleaned_data["teacher"], by=request.user, request=request
            )
            messages.success(request, _("The class teacher was saved."))
            return redirect("directory_classes")
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    classes = SchoolClass.objects.active().select_related("grade", "class_teacher")
    teachers = User.objects.filter(role=Role.CLASS_TEACHER, is_active=True).order_by("name", "username")
    return render(
        request,
        "counseling/staff/classes.html",
        {"classes": classes, "teachers": teachers},
        status=400 if request.method == "POST" else 200,
    )


@require_perm(PERM)
def committee(request: HttpRequest) -> HttpResponse:
    """A class's students, to mark its psychology committee member(s). ?class= chooses the class."""
    classes = list(SchoolClass.objects.active().select_related("grade"))
    chosen = None
    if request.GET.get("class", "").isdigit():
        chosen = next((c for c in classes if c.pk == int(request.GET["class"])), None)
    chosen = chosen or (classes[0] if classes else None)
    students = StudentProfile.objects.active().filter(school_class=chosen).select_related("user") if chosen else []
    return render(
        request, "counseling/staff/committee.html", {"classes": classes, "chosen": chosen, "students": students}
    )


@require_perm(PERM)
@require_POST
def committee_set(request: HttpRequest) -> HttpResponse:
    form = CommitteeMemberForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a current student."))
        return redirect("directory_committee")
    profile = form.cleaned_data["student"]
    staff.set_committee_member(profile, form.cleaned_data["member"], by=request.user, request=request)
    messages.success(request, _("Saved for %(name)s.") % {"name": profile.user})
    return redirect(f"{reverse('directory_committee')}?class={profile.school_class_id}")


@require_perm(PERM)
def categories(request: HttpRequest) -> HttpResponse:
    return render(request, "counseling/staff/categories.html", {"categories": ConcernCategory.objects.all()})


@require_perm(PERM)
def category_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create (no pk) or edit a concern category. Categories are retired (inactive), never deleted."""
    category = get_object_or_404(ConcernCategory, pk=pk) if pk else ConcernCategory()
    form = ConcernCategoryForm(request.POST or None, instance=category)
    if request.method == "POST":
        if form.is_valid():
            staff.save_category(form.save(commit=False), by=request.user, request=request)
            messages.success(request, _("The concern category was saved."))
            return redirect("directory_categories")
        return render(request, "counseling/staff/category_form.html", {"form": form, "category": category}, status=400)
    return render(request, "counseling/staff/category_form.html", {"form": form, "category": category})
