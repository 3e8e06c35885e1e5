"""Organisers add, change and delete events, and see who registered."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.forms import EventForm
from campaigns.models import Event, Venue
from campaigns.services import access
from campaigns.services import events as event_service
from campaigns.views.common import add_errors
from counseling.decorators import require_perm


def _save(request: HttpRequest, form: EventForm) -> bool:
    """Save the form's event through the service; on a refusal nothing (not even a new venue) is kept."""
    try:
        with transaction.atomic():
            event = form.save(commit=False)
            new_venue = form.cleaned_data.get("new_venue", "").strip()
            if new_venue:
                event.venue = Venue.objects.get_or_create(name=new_venue)[0]
            event_service.save_event(event, by=request.user, grades=form.cleaned_data["grades"], request=request)
    except ValidationError as error:
        add_errors(form, error)
        return False
    return True


@require_perm("campaigns.manage_campaigns")
def event_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = access.get_editable_campaign(request.user, pk)
    form = EventForm(request.POST or None, instance=Event(campaign=campaign))
    if request.method == "POST" and form.is_valid() and _save(request, form):
        messages.success(request, _("Event added."))
        return redirect("campaigns:detail", campaign.pk)
    return render(request, "campaigns/event_form.html", {"form": form, "campaign": campaign, "event": None})


@require_perm("campaigns.manage_campaigns")
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = access.get_editable_event(request.user, pk)
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        if _save(request, form):
            messages.success(request, _("Event saved."))
            return redirect("campaigns:detail", event.campaign_id)
        event.refresh_from_db()
    return render(request, "campaigns/event_form.html", {"form": form, "campaign": event.campaign, "event": event})


@require_perm("campaigns.manage_campaigns")
@require_POST
def event_delete(request: HttpRequest, pk: int) -> HttpResponse:
    event = access.get_editable_event(request.user, pk)
    campaign_id = event.campaign_id
    event_service.delete_event(event, by=request.user, request=request)
    messages.success(request, _("Event deleted."))
    return redirect("campaigns:detail", campaign_id)


@require_perm("campaigns.manage_campaigns")
def event_registrations(request: HttpRequest, pk: int) -> HttpResponse:
    """Who signed up (names and classes), for the organisers' attendance list."""
    event = access.get_editable_event(request.user, pk)
    if not event.registration_required:
        raise PermissionDenied
    registrations = event.registrations.select_related("student__student_profile__school_class__grade").order_by(
        "student__student_profile__school_class__grade__level",
        "student__student_profile__school_class__number",
        "student__student_profile__student_number",
    )
    return render(request, "campaigns/event_registrations.html", {"event": event, "registrations": list(registrations)})
