"""Sign-in sheets for a class, and the password change that ends a sheet password's life."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables

from counseling.decorators import require_perm
from counseling.forms import OwnPasswordChangeForm, SignInSheetForm
from counseling.services import signin


@never_cache
@require_perm("counseling.issue_passwords")
@sensitive_variables("issued")
def signin_sheets(request: HttpRequest) -> HttpResponse:
    """Choose a class; the POST issues new passwords and shows them once, as printable cards."""
    form = SignInSheetForm(request.POST or None)
    context = {"form": form, "classes": signin.classes_with_password_counts()}
    if request.method != "POST":
        return render(request, "counseling/signin_sheets.html", context)
    if not form.is_valid():
        return render(request, "counseling/signin_sheets.html", context, status=400)
    school_class = form.cleaned_data["school_class"]
    reissue = form.cleaned_data["reissue"]
    students = list(signin.students_for_sheet(school_class, reissue=reissue))
    if not students:
        if reissue:
            messages.info(request, _("%(class)s has no active students.") % {"class": school_class})
        else:
            messages.info(
                request,
                _("Every student of %(class)s already has a password. Nothing was issued.") % {"class": school_class},
            )
        return render(request, "counseling/signin_sheets.html", context)
    issued = signin.issue_passwords(students, by=request.user, request=request)
    return render(
        request,
        "counseling/signin_sheets_print.html",
        {"school_class": school_class, "issued": issued, "login_url": request.build_absolute_uri(reverse("login"))},
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; choosing one's own password ends the sign-in sheet's password."""

    form_class = OwnPasswordChangeForm

    def form_valid(self, form: OwnPasswordChangeForm) -> HttpResponse:
        # Cleared before the form saves the user, so the new password and the flag are one write.
        form.user.must_change_password = False
        return super().form_valid(form)
