from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from counseling.hooks import home_panels
from counseling.services import signedin


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's landing page: who you are, the current term, your links and your panels."""
    user = request.user
    profile = getattr(user, "student_profile", None) if user.is_student else None
    # A class's teacher is chosen among class teachers (SchoolClass.class_teacher) and a staff
    # account never becomes a student's: a student teaches no class, so the query is skipped.
    taught = None if user.is_student else user.taught_classes.select_related("grade").filter(is_archived=False)
    context = {
        "current_term": signedin.current_term(user),
        "profile": profile,
        "taught_classes": taught,
        "panels": home_panels(request),
    }
    return render(request, "counseling/home.html", context)
