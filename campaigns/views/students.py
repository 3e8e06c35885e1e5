"""Students: events open for registration and their own registrations (built for a 375 px phone)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.models import Campaign, Event
from campaigns.services import events as event_service
from campaigns.views.common import message_errors
from counseling.decorators import require_perm


@require_perm("campaigns.register_event")
def my_events(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    student = request.user
    registrations = list(
        student.event_registrations.select_related("event__campaign", "event__venue").order_by("event__starts_at")
    )
    context = {
        "open_events": list(event_service.open_events_for(student, now)),
        "upcoming": [item for item in registrations if item.event.ends_at >= now],
        "past": [item for item in registrations if item.event.ends_at < now][-10:],
        "campaigns": list(Campaign.objects.public().filter(end_date__gte=timezone.localdate()).order_by("start_date")),
        "now": now,
    }
    return render(request, "campaigns/my_events.html", context)


@require_perm("campaigns.register_event")
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event.objects.public(), pk=pk)
    try:
        event_service.register(event.pk, request.user)
    except ValidationError as error:
        message_errors(request, error)
    else:
        messages.success(request, _("You are registered for “%(event)s”.") % {"event": event.title})
    return redirect("campaigns:my_events")


@require_perm("campaigns.register_event")
@require_POST
def unregister(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event.objects.public(), pk=pk)
    try:
        event_service.unregister(event.pk, request.user)
    except ValidationError as error:
        message_errors(request, error)
    else:
        messages.success(request, _("Your registration for “%(event)s” is withdrawn.") % {"event": event.title})
    return redirect("campaigns:my_events")
