"""Families, for the school: guardian invitations and links, consent asked online, notices to families."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_POST

from counseling.decorators import require_perm
from counseling.forms import ConsentRequestForm, FamilyNoticeForm, InviteGuardianForm
from counseling.services import consent_requests, invitations
from counseling.services import family_notices as notices
from counseling.services.consent import ConsentError, consent_classes_for
from counseling.services.invitations import InvitationError


@require_perm("counseling.invite_guardians")
def family_classes(request: HttpRequest) -> HttpResponse:
    """The user's classes, with how many pupils have a linked guardian."""
    return render(
        request, "counseling/family/classes.html", {"classes": invitations.classes_with_link_counts(request.user)}
    )


@never_cache
@require_perm("counseling.invite_guardians")
@sensitive_variables("issued")
def family_class(request: HttpRequest, pk: int) -> HttpResponse:
    """One class: each pupil's linked guardians and open invitation; a POST issues a one-time link, shown once."""
    school_class = get_object_or_404(invitations.invitation_classes_for(request.user), pk=pk)
    pupils = invitations.pupils_with_guardians(school_class)
    form = InviteGuardianForm(request.POST or None, pupils=pupils)
    issued = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                issued = invitations.invite_guardian(**form.cleaned_data, by=request.user, request=request)
            except InvitationError as exc:
                form.add_error(None, str(exc))
                status = 400
            else:
                pupils = invitations.pupils_with_guardians(school_class)
                form = InviteGuardianForm(pupils=pupils)
        else:
            status = 400
    context = {
        "school_class": school_class,
        "pupils": pupils,
        "form": form,
        "issued": issued,
        "link": request.build_absolute_uri(reverse("family_join_link", args=[issued.secret])) if issued else "",
        "texted": bool(issued and issued.texted),
    }
    return render(request, "counseling/family/class.html", context, status=status)


@never_cache
@require_perm("counseling.invite_guardians")
@require_POST
@sensitive_variables("issued")
def family_slips(request: HttpRequest, pk: int) -> HttpResponse:
    """Fresh printed slips for the whole class (earlier slips stop working), shown once."""
    school_class = get_object_or_404(invitations.invitation_classes_for(request.user), pk=pk)
    issued = invitations.issue_slips(school_class=school_class, by=request.user, request=request)
    if not issued:
        messages.info(request, _("%(class)s has no active students.") % {"class": school_class})
        return redirect("family_class", pk=school_class.pk)
    return render(
        request,
        "counseling/family/slips_print.html",
        {
            "school_class": school_class,
            "issued": issued,
            "join_url": request.build_absolute_uri(reverse("family_join")),
            "valid_days": invitations.VALID_FOR.days,
        },
    )


@require_perm("counseling.invite_guardians")
@require_POST
def family_link_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(invitations.links_for(request.user), pk=pk)
    invitations.revoke_link(link=link, by=request.user, request=request)
    messages.success(
        request,
        _("%(guardian)s no longer sees anything about %(pupil)s.")
        % {"guardian": link.guardian.get_full_name(), "pupil": link.student.get_full_name()},
    )
    return redirect("family_class", pk=link.student.student_profile.school_class_id)


@require_perm("counseling.record_consent")
def family_consent_requests(request: HttpRequest) -> HttpResponse:
    """Consent asked online: send a request to a class's families, and the requests sent before."""
    form = ConsentRequestForm(request.POST or None, classes=consent_classes_for(request.user).select_related("grade"))
    if request.method == "POST" and form.is_valid():
        try:
            sent = consent_requests.send_consent_request(**form.cleaned_data, by=request.user, request=request)
        except ConsentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("The consent request was sent to the families of %(class)s.") % {"class": sent.school_class}
            )
            return redirect("family_consent_requests")
    context = {"form": form, "sent": consent_requests.requests_sent_by(request.user)[:50]}
    return render(
        request,
        "counseling/family/consent_requests.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@require_perm("counseling.send_family_notices")
def family_notices(request: HttpRequest) -> HttpResponse:
    """Notices to families: write one (with the roster-name warning), and those sent before."""
    any_family = request.user.has_perm("counseling.notify_any_family")
    form = FamilyNoticeForm(
        request.POST or None, classes=notices.notice_classes_for(request.user), any_family=any_family
    )
    if request.method == "POST" and form.is_valid():
        data = {key: value for key, value in form.cleaned_data.items() if key != "confirm_names"}
        try:
            notice = notices.send_notice(**data, by=request.user, request=request)
        except notices.NoticeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The notice was sent to %(count)d families.") % {"count": notice.recipients})
            return redirect("family_notices")
    context = {"form": form, "sent": notices.notices_sent_for(request.user)[:50]}
    return render(request, "counseling/family/notices.html", context, status=400 if request.method == "POST" else 200)
