"""Events: the venue rule, the campaign's dates, and students' registrations."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from campaigns.enums import PARENT_KINDS, CampaignStatus
from campaigns.models import Campaign, Event, Registration
from campaigns.services import files
from counseling.models.audit import AuditAction
from counseling.services import audit

# The name of the PostgreSQL exclusion constraint added by migration 0002.
VENUE_CONSTRAINT = "campaigns_event_no_venue_overlap"


def _when(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def clashing_events(event: Event) -> QuerySet[Event]:
    """Other events in the same venue whose times overlap this one's (touching ends do not overlap)."""
    if event.venue_id is None:
        return Event.objects.none()
    return (
        Event.objects.filter(venue_id=event.venue_id, starts_at__lt=event.ends_at, ends_at__gt=event.starts_at)
        .exclude(pk=event.pk)
        .select_related("campaign", "venue")
    )


def _clash_error(other: Event) -> ValidationError:
    return ValidationError(
        _(
            "%(venue)s is already booked from %(start)s to %(end)s for “%(title)s” (%(campaign)s). "
            "Choose another venue or time."
        )
        % {
            "venue": other.venue.name,
            "title": other.title,
            "campaign": other.campaign.title,
            "start": _when(other.starts_at),
            "end": _when(other.ends_at),
        },
        code="venue_clash",
    )


def check_venue_free(event: Event) -> None:
    other = clashing_events(event).first()
    if other is not None:
        raise _clash_error(other)


def check_event(event: Event, campaign: Campaign) -> None:
    """Raise ValidationError unless the event's times are sane, inside the campaign and its venue free."""
    if event.ends_at <= event.starts_at:
        raise ValidationError({"ends_at": _("The event ends before it starts.")})
    first, last = timezone.localdate(event.starts_at), timezone.localdate(event.ends_at)
    if first < campaign.start_date or last > campaign.end_date:
        raise ValidationError(
            _("The event must take place within the campaign's dates (%(start)s – %(end)s).")
            % {
                "start": formats.date_format(campaign.start_date, "SHORT_DATE_FORMAT"),
                "end": formats.date_format(campaign.end_date, "SHORT_DATE_FORMAT"),
            },
            code="outside_campaign",
        )
    if event.registration_required is False:
        event.capacity = None
    check_venue_free(event)


def save_event(event: Event, *, by, grades=(), request=None) -> Event:
    """Create or change an event of ``event.campaign``.

    Side effects, in order: checks dates, campaign bounds and the venue (the service check gives
    the message; on PostgreSQL the exclusion constraint also refuses a concurrent double booking),
    saves, sets grades, audit entry. A refused event changes nothing.
    """
    check_event(event, event.campaign)
    if event.pk and event.registration_required and event.capacity:
        taken = (event.family_registrations if event.for_families else event.registrations).count()
        if taken > event.capacity:
            message = (
                _("%(count)d families have already registered; keep at least that many places.")
                if event.for_families
                else _("%(count)d students have already registered; keep at least that many places.")
            )
            raise ValidationError({"capacity": message % {"count": taken}})
    is_new = event.pk is None
    try:
        with transaction.atomic():
            event.save()
            event.grades.set(grades)
            audit.record(by, AuditAction.CREATE if is_new else AuditAction.CHANGE, event, request=request)
    except IntegrityError as exc:
        if VENUE_CONSTRAINT not in str(exc):
            raise
        if is_new:
            event.pk = None
        other = clashing_events(event).first()
        raise _clash_error(other) if other else ValidationError(_("The venue is already booked at that time.")) from exc
    return event


@transaction.atomic
def delete_event(event: Event, *, by, request=None) -> None:
    """Delete an event, its registrations and its materials.

    Side effects: audit entry, the deletion, then (after commit) the materials' stored files.
    """
    audit.record(by, AuditAction.DELETE, event, request=request, detail=event.title[:100])
    for material in event.materials.all():
        files.delete_after_commit(material)
    event.delete()


def eligible_for(student) -> Q:
    """Events a student may register for, by grade (event grades, else the campaign's, else all)."""
    profile = getattr(student, "student_profile", None)
    grade_id = profile.school_class.grade_id if profile else None
    through_event = Event.grades.through.objects
    through_campaign = Campaign.grades.through.objects
    event_any = Exists(through_event.filter(event_id=OuterRef("pk")))
    event_match = Exists(through_event.filter(event_id=OuterRef("pk"), grade_id=grade_id))
    campaign_any = Exists(through_campaign.filter(campaign_id=OuterRef("campaign_id")))
    campaign_match = Exists(through_campaign.filter(campaign_id=OuterRef("campaign_id"), grade_id=grade_id))
    return Q(campaign__for_students=True) & (event_match | (~event_any & (~campaign_any | campaign_match)))


def open_events_for(student, now: datetime.datetime | None = None) -> QuerySet[Event]:
    """Published events with registration that have not started and that this student may join."""
    now = now or timezone.now()
    return (
        Event.objects.public()
        .filter(registration_required=True, starts_at__gt=now)
        .exclude(campaign__status=CampaignStatus.SUMMARISED)
        .exclude(kind__in=PARENT_KINDS)  # families sign up for these (campaigns.services.families)
        .filter(eligible_for(student))
        .select_related("campaign", "venue")
        .annotate(
            taken=Count("registrations", distinct=True),
            is_registered=Exists(Registration.objects.filter(event_id=OuterRef("pk"), student=student)),
        )
        .order_by("starts_at", "id")
    )


@transaction.atomic
def register(event_id: int, student) -> Registration:
    """Sign a student up for an event.

    Side effects: locks the event row (so two students never take the last place together; on
    SQLite the write transaction serialises), checks that registration is open, the student's
    grade and the places left, then creates the registration.
    """
    event = Event.objects.select_for_update().select_related("campaign").get(pk=event_id)
    if not open_events_for(student).filter(pk=event.pk).exists():
        raise ValidationError(_("Registration for this event is not open to you."))
    if Registration.objects.filter(event=event, student=student).exists():
        raise ValidationError(_("You are already registered for this event."))
    if event.capacity is not None and event.registrations.count() >= event.capacity:
        raise ValidationError(_("This event is full."))
    return Registration.objects.create(event=event, student=student)


@transaction.atomic
def unregister(event_id: int, student) -> None:
    """Withdraw a student's registration before the event starts. Side effect: deletes the row."""
    registration = Registration.objects.select_related("event").filter(event_id=event_id, student=student).first()
    if registration is None:
        raise ValidationError(_("You are not registered for this event."))
    if registration.event.starts_at <= timezone.now():
        raise ValidationError(_("The event has started; the registration can no longer be withdrawn."))
    registration.delete()
