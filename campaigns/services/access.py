"""Who may reach which campaign object: the one door for every view, export and task.

Pages are opened by permissions from counseling.roles; these helpers decide which *objects* a
permitted user reaches. Outside a user's scope the object does not exist for them (404); inside
it but without the right to act (e.g. a colleague who is not an organiser) they get 403.
"""

from __future__ import annotations

from collections.abc import Collection

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from campaigns.enums import PARENT_KINDS
from campaigns.models import (
    Campaign,
    Contest,
    Entry,
    Event,
    EventMaterial,
    FamilyRegistration,
    ReportSubmission,
    RequiredReport,
    SummaryPhoto,
    Task,
)
from counseling.models import SchoolClass
from counseling.services.family import children_of


def is_organiser(user, campaign: Campaign, organiser_ids: Collection[int] | None = None) -> bool:
    """Organisers (and the head counselor) edit a campaign; nobody else does.

    ``organiser_ids``: the campaign's organisers, when the caller has read them already.
    """
    if not (user.is_authenticated and user.has_perm("campaigns.manage_campaigns")):
        return False
    if user.has_perm("campaigns.manage_all_campaigns"):
        return True
    if organiser_ids is not None:
        return user.pk in organiser_ids
    # Use the prefetched organisers when the caller loaded them, else ask the database.
    cache = getattr(campaign, "_prefetched_objects_cache", {})
    if "organisers" in cache:
        return any(organiser.pk == user.pk for organiser in cache["organisers"])
    return campaign.organisers.filter(pk=user.pk).exists()


def get_campaign_for(user, pk: int, queryset: QuerySet | None = None) -> Campaign:
    return get_object_or_404((queryset if queryset is not None else Campaign.objects).visible_to(user), pk=pk)


def get_editable_campaign(user, pk: int) -> Campaign:
    """A campaign the user may edit: 404 when out of sight, 403 when seen but not organised by them."""
    campaign = get_campaign_for(user, pk, Campaign.objects.prefetch_related("organisers"))
    if not is_organiser(user, campaign):
        raise PermissionDenied
    return campaign


def _in_visible_campaign(user, prefix: str) -> Q:
    return Q(**{f"{prefix}__in": Campaign.objects.visible_to(user).values("pk")})


def get_editable_event(user, pk: int) -> Event:
    event = get_object_or_404(
        Event.objects.select_related("campaign").filter(_in_visible_campaign(user, "campaign")), pk=pk
    )
    if not is_organiser(user, event.campaign):
        raise PermissionDenied
    return event


def get_task_for(user, pk: int) -> Task:
    """A task the user may update: its owner, or an organiser of its campaign (others: 403 or 404)."""
    task = get_object_or_404(
        Task.objects.select_related("campaign", "owner").filter(Q(owner=user) | _in_visible_campaign(user, "campaign")),
        pk=pk,
    )
    if task.owner_id != user.pk and not is_organiser(user, task.campaign):
        raise PermissionDenied
    return task


def get_contest_for(user, pk: int) -> Contest:
    return get_object_or_404(
        Contest.objects.select_related("campaign").filter(_in_visible_campaign(user, "campaign")), pk=pk
    )


def get_editable_contest(user, pk: int) -> Contest:
    contest = get_contest_for(user, pk)
    if not is_organiser(user, contest.campaign):
        raise PermissionDenied
    return contest


def get_report_for(user, pk: int) -> RequiredReport:
    return get_object_or_404(
        RequiredReport.objects.select_related("campaign").filter(_in_visible_campaign(user, "campaign")), pk=pk
    )


def get_editable_report(user, pk: int) -> RequiredReport:
    report = get_report_for(user, pk)
    if not is_organiser(user, report.campaign):
        raise PermissionDenied
    return report


def entries_visible_to(user) -> QuerySet[Entry]:
    """The counseling office sees every entry; a judge the entries of their contests; a class
    teacher their own classes' entries. Nobody else sees any."""
    if not user.is_authenticated:
        return Entry.objects.none()
    if user.has_perm("campaigns.manage_campaigns"):
        return Entry.objects.all()
    scope = Q(pk__in=[])
    if user.has_perm("campaigns.judge"):
        scope |= Q(contest__judges=user)
    if user.has_perm("campaigns.submit_entry"):
        scope |= Q(school_class__class_teacher=user)
    return Entry.objects.filter(scope).distinct()


def report_submissions_visible_to(user) -> QuerySet[ReportSubmission]:
    """The counseling office sees every class's report; a class teacher their own classes' reports."""
    if not user.is_authenticated:
        return ReportSubmission.objects.none()
    if user.has_perm("campaigns.manage_campaigns"):
        return ReportSubmission.objects.all()
    if user.has_perm("campaigns.submit_entry"):
        return ReportSubmission.objects.filter(school_class__class_teacher=user)
    return ReportSubmission.objects.none()


def photos_visible_to(user) -> QuerySet[SummaryPhoto]:
    """Summary photos show pupils: the counseling office only."""
    if user.is_authenticated and user.has_perm("campaigns.manage_campaigns"):
        return SummaryPhoto.objects.all()
    return SummaryPhoto.objects.none()


def own_classes(user) -> QuerySet:
    """The active classes this user is class teacher of (the only ones they may submit for)."""
    if not user.is_authenticated:
        return SchoolClass.objects.none()
    return SchoolClass.objects.active().filter(class_teacher=user).select_related("grade")


def get_editable_family_event(user, pk: int) -> Event:
    """A parent class or meeting the user organises (404 for any other kind of event)."""
    event = get_editable_event(user, pk)
    if event.kind not in PARENT_KINDS:
        raise Http404
    return event


def family_registrations_of(guardian) -> QuerySet[FamilyRegistration]:
    """Registrations of the guardian's own children's families (none for anyone else)."""
    return FamilyRegistration.objects.filter(student__in=children_of(guardian).values("pk"))


def get_family_event_for(guardian, pk: int) -> Event:
    """A published parent class that the guardian's family registered for (else 404)."""
    return get_object_or_404(
        Event.objects.public()
        .filter(kind__in=PARENT_KINDS, family_registrations__in=family_registrations_of(guardian))
        .distinct(),
        pk=pk,
    )


def materials_visible_to(user) -> QuerySet[EventMaterial]:
    """The counseling office sees every event's materials; a guardian those of the published
    parent classes their family registered for (or came to). Nobody else sees any."""
    if not user.is_authenticated:
        return EventMaterial.objects.none()
    if user.has_perm("campaigns.manage_campaigns"):
        return EventMaterial.objects.all()
    if user.has_perm("campaigns.attend_parent_class"):
        events = Event.objects.public().filter(
            kind__in=PARENT_KINDS, family_registrations__in=family_registrations_of(user)
        )
        return EventMaterial.objects.filter(event__in=events.values("pk"))
    return EventMaterial.objects.none()
