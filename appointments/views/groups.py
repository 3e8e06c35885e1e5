"""Group sessions: students see and join them; counselors offer, follow and cancel them."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appointments.forms import GroupSessionForm
from appointments.models import GroupParticipant, GroupSession
from appointments.services import groups
from appointments.services.errors import BookingError
from counseling.decorators import require_any_perm, require_perm

GROUP_PERMS = ("appointments.join_group", "appointments.view_agenda")


def _sessions_for(user):
    return GroupSession.objects.visible_to(user).annotate(
        joined=Exists(GroupParticipant.objects.filter(session=OuterRef("pk"), student=user))
    )


@require_any_perm(*GROUP_PERMS)
def group_list(request: HttpRequest) -> HttpResponse:
    sessions = _sessions_for(request.user).filter(ends_at__gt=timezone.now()).select_related("counselor")
    return render(request, "appointments/groups/list.html", {"sessions": sessions})


@require_any_perm(*GROUP_PERMS)
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(_sessions_for(request.user).select_related("counselor"), pk=pk)
    staff = request.user.has_perm("appointments.view_agenda")
    participants = (
        list(session.participants.select_related("student__student_profile__school_class__grade")) if staff else []
    )
    return render(
        request,
        "appointments/groups/detail.html",
        {"session": session, "participants": participants, "staff": staff},
    )


@require_perm("appointments.view_agenda")
def group_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = GroupSessionForm(
        request.POST or None, user=user, choose_counselor=user.has_perm("appointments.view_all_agendas")
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                session = groups.create_session(
                    counselor=form.chosen_counselor(),
                    title=data["title"],
                    description=data["description"],
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    room=data["room"],
                    capacity=data["capacity"],
                    by=user,
                )
            except BookingError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("The group session is open for students to join."))
                return redirect("appointments:group_detail", pk=session.pk)
    return render(request, "appointments/groups/form.html", {"form": form}, status=status)


@require_perm("appointments.join_group")
@require_POST
def group_join(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(GroupSession.objects.visible_to(request.user), pk=pk)
    try:
        groups.join(session, request.user)
    except BookingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("You have a seat in this group session."))
    return redirect("appointments:group_detail", pk=session.pk)


@require_perm("appointments.join_group")
@require_POST
def group_leave(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(GroupSession.objects.visible_to(request.user), pk=pk)
    try:
        groups.leave(session, request.user)
    except BookingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("You gave your seat back."))
    return redirect("appointments:group_detail", pk=session.pk)


@require_perm("appointments.view_agenda")
@require_POST
def group_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    sessions = GroupSession.objects.visible_to(request.user)
    if not request.user.has_perm("appointments.view_all_agendas"):
        sessions = sessions.filter(counselor=request.user)
    session = get_object_or_404(sessions, pk=pk)
    try:
        groups.cancel_session(session, by=request.user)
    except BookingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The group session is cancelled and its participants are told."))
    return redirect("appointments:group_detail", pk=session.pk)
