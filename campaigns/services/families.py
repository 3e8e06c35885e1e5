"""Parent classes and meetings: guardians sign up for a child's family, the office marks who came,
shares the materials and reads the (anonymous) feedback.

A guardian reaches a child only through ``counseling.services.family.children_of``; every
function that takes a guardian and a child checks it again, whatever the view did.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from archives import contract as archives_contract
from archives.contract import localized
from campaigns.enums import PARENT_KINDS, CampaignStatus
from campaigns.models import Campaign, Event, EventMaterial, FamilyRegistration, FeedbackCount, FeedbackMarker
from campaigns.services import files
from counseling.models import User
from counseling.models.audit import AuditAction
from counseling.services import audit, notify
from counseling.services.aggregates import HIDDEN, Sheet
from counseling.services.family import children_of
from counseling.services.messages import Msg

# What a text message or e-mail says of a reminder: the kind of thing, never the child or the topic.
# The materials of a parent class: slides as PDF, handouts as PDF or Word, photos of a whiteboard.
MATERIAL_TYPES = files.DOCUMENTS


def reminder_key(registration_id: int) -> str:
    return f"campaigns:family:{registration_id}:reminder"


def _grade_rule(grade_ids: Iterable[int]) -> Q:
    """Events open to any of ``grade_ids``: the event's grades, else the campaign's, else every grade."""
    grade_ids = list(grade_ids)
    through_event = Event.grades.through.objects
    through_campaign = Campaign.grades.through.objects
    event_any = Exists(through_event.filter(event_id=OuterRef("pk")))
    event_match = Exists(through_event.filter(event_id=OuterRef("pk"), grade_id__in=grade_ids))
    campaign_any = Exists(through_campaign.filter(campaign_id=OuterRef("campaign_id")))
    campaign_match = Exists(through_campaign.filter(campaign_id=OuterRef("campaign_id"), grade_id__in=grade_ids))
    return event_match | (~event_any & (~campaign_any | campaign_match))


def target_grade_ids(event: Event) -> set[int] | None:
    """The grades an event is for (its own, else its campaign's); None for every grade."""
    grades = {grade.pk for grade in event.grades.all()} or {grade.pk for grade in event.campaign.grades.all()}
    return grades or None


def family_events() -> QuerySet[Event]:
    """Published events for families in campaigns that are not drafts."""
    return Event.objects.public().filter(kind__in=PARENT_KINDS)


def _children(guardian) -> list[User]:
    return list(children_of(guardian).select_related("student_profile__school_class__grade"))


def _grade_of(child: User) -> int | None:
    profile = getattr(child, "student_profile", None)
    return profile.school_class.grade_id if profile and profile.school_class_id else None


@dataclass
class ChildChoice:
    child: User
    registration: FamilyRegistration | None = None


@dataclass
class FamilyEvent:
    """One event on a guardian's page: each of their children it is open to, and the family's registration."""

    event: Event
    children: list[ChildChoice] = field(default_factory=list)
    materials: list[EventMaterial] = field(default_factory=list)
    # "open" or "answered" once the family came and the event has a questionnaire, else "".
    feedback: str = ""

    @property
    def is_full(self) -> bool:
        return bool(self.event.capacity and self.event.taken >= self.event.capacity)


def events_for_guardian(guardian, now: datetime.datetime | None = None) -> tuple[list[FamilyEvent], list[FamilyEvent]]:
    """(upcoming, past) events for the guardian's children's grades, with their families' registrations.

    A fixed number of queries whatever the number of events or children: children, events (with
    places taken), the events' and campaigns' grades, the families' registrations, the materials
    and the guardian's "has answered" markers. Past events are those their families registered
    for (to download the materials and answer the feedback).
    """
    now = now or timezone.now()
    children = _children(guardian)
    if not children:
        return [], []
    child_ids = [child.pk for child in children]
    grade_ids = {_grade_of(child) for child in children} - {None}
    registrations = {
        (row.event_id, row.student_id): row
        for row in FamilyRegistration.objects.filter(student_id__in=child_ids, event__kind__in=PARENT_KINDS)
    }
    registered_events = {event_id for event_id, _child in registrations}
    events = (
        family_events()
        .filter((Q(ends_at__gte=now) & _grade_rule(grade_ids)) | Q(pk__in=registered_events))
        .exclude(Q(campaign__status=CampaignStatus.SUMMARISED) & ~Q(pk__in=registered_events))
        .select_related("campaign", "venue")
        .prefetch_related("grades", "campaign__grades")
        .annotate(taken=Count("family_registrations"))
        .order_by("starts_at", "pk")
    )
    upcoming, past = [], []
    for event in events:
        targets = target_grade_ids(event)
        row = FamilyEvent(event)
        for child in children:
            registration = registrations.get((event.pk, child.pk))
            if registration or targets is None or _grade_of(child) in targets:
                row.children.append(ChildChoice(child, registration))
        if event.ends_at >= now:
            upcoming.append(row)
        elif any(choice.registration for choice in row.children):
            past.append(row)
    past.sort(key=lambda row: row.event.starts_at, reverse=True)
    past = past[:10]
    rows = {row.event.pk: row for row in upcoming + past}
    # Queried over every listed event (not only the registered ones) so the page reads the same
    # number of queries whatever it shows; only a registered family's events list their materials.
    for material in EventMaterial.objects.filter(event_id__in=list(rows)).order_by("pk"):
        if material.event_id in registered_events:
            rows[material.event_id].materials.append(material)
    answered = set(FeedbackMarker.objects.filter(guardian=guardian).values_list("event_id", flat=True))
    for row in past:
        came = any(choice.registration and choice.registration.attended_at for choice in row.children)
        if row.event.feedback_items and came:
            row.feedback = "answered" if row.event.pk in answered else "open"
    return upcoming, past


def home_numbers(guardian, now: datetime.datetime | None = None) -> tuple[list[FamilyRegistration], int]:
    """The family's next registrations (up to five) and how many parent classes are open to sign up for.

    Three small queries (the children's grades, the registrations, the count), for the home page.
    """
    now = now or timezone.now()
    children = children_of(guardian)
    grade_ids = set(children.values_list("student_profile__school_class__grade_id", flat=True)) - {None}
    if not grade_ids:
        return [], 0
    registrations = list(
        FamilyRegistration.objects.filter(
            student__in=children.values("pk"), event__in=family_events(), event__ends_at__gte=now
        )
        .select_related("event__venue", "student")
        .order_by("event__starts_at", "pk")[:5]
    )
    open_count = (
        family_events()
        .filter(registration_required=True, starts_at__gt=now)
        .exclude(campaign__status=CampaignStatus.SUMMARISED)
        .filter(_grade_rule(grade_ids))
        .count()
    )
    return registrations, open_count


def _own_child(guardian, student_id: int) -> User:
    child = children_of(guardian).select_related("student_profile__school_class").filter(pk=student_id).first()
    if child is None:
        raise ValidationError(_("You can only register for your own children."), code="not_your_child")
    return child


@transaction.atomic
def register(event_id: int, *, guardian, student_id: int) -> FamilyRegistration:
    """Sign up a guardian's family (``student_id``: one of their own children) for a parent class.

    Side effects, in order: locks the event row (so two families never take the last place
    together; on SQLite the write transaction serialises), checks the child is the guardian's,
    the event is open to the child's grade and has not started, that the family is not signed up
    already (by this or another guardian of the child) and the places left; then creates the row.
    """
    event = Event.objects.select_for_update().get(pk=event_id)
    child = _own_child(guardian, student_id)
    now = timezone.now()
    is_open = (
        family_events()
        .filter(pk=event.pk, registration_required=True, starts_at__gt=now)
        .exclude(campaign__status=CampaignStatus.SUMMARISED)
        .filter(_grade_rule([_grade_of(child)]))
        .exists()
    )
    if not is_open:
        raise ValidationError(_("Registration for this event is not open to your family."), code="closed")
    if FamilyRegistration.objects.filter(event=event, student=child).exists():
        raise ValidationError(_("Your family is already registered for this event."), code="registered")
    if event.capacity is not None and event.family_registrations.count() >= event.capacity:
        raise ValidationError(_("This event is full."), code="full")
    return FamilyRegistration.objects.create(event=event, student=child, guardian=guardian)


@transaction.atomic
def cancel(event_id: int, *, guardian, student_id: int) -> None:
    """Withdraw a family's registration before the event starts.

    Side effects: deletes the row (any guardian of the child may), withdraws its unsent reminder.
    """
    child = _own_child(guardian, student_id)
    registration = FamilyRegistration.objects.select_related("event").filter(event_id=event_id, student=child).first()
    if registration is None:
        raise ValidationError(_("Your family is not registered for this event."), code="not_registered")
    if registration.event.starts_at <= timezone.now():
        raise ValidationError(_("The event has started; the registration can no longer be withdrawn."))
    notify.cancel(reminder_key(registration.pk))
    registration.delete()


def scan_reminders(now: datetime.datetime | None = None) -> int:
    """Remind the guardians who signed up for a parent class the day before it.

    Side effects: outbox messages by text message and e-mail (a quiet kind and a link; the in-app
    title names the event and its time), keyed by registration so an hourly scan never repeats
    one, and dropped if still unsent when the event starts. Returns how many were new.
    """
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    zone = timezone.get_current_timezone()
    first = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min), zone)
    last = first + datetime.timedelta(days=1)
    registrations = (
        FamilyRegistration.objects.filter(
            guardian__isnull=False,
            guardian__is_active=True,
            event__in=family_events().exclude(campaign__status=CampaignStatus.SUMMARISED),
            event__starts_at__gte=max(first, now),
            event__starts_at__lt=last,
        )
        .select_related("event", "guardian")
        .order_by("pk")
    )
    sent = 0
    url = reverse("campaigns:family_events")
    for registration in registrations:
        event = registration.event
        sent += notify.notify(
            registration.guardian,
            key=reminder_key(registration.pk),
            title=Msg(gettext_noop("Reminder: “%(event)s” is on %(when)s"), event=event.title, when=event.starts_at),
            url=url,
            kind=notify.Kind.PARENT_EVENT,
            sms=True,
        )
    return sent


# The office: attendance and walk-ins


def _check_day(event: Event) -> None:
    if timezone.localdate(event.starts_at) > timezone.localdate():
        raise ValidationError(_("Attendance can be marked from the day of the event."), code="too_early")


def registrations_of(event: Event) -> QuerySet[FamilyRegistration]:
    """The families of an event, by class and student number, with what the attendance list prints."""
    return event.family_registrations.select_related(
        "student__student_profile__school_class__grade", "guardian"
    ).order_by(
        "student__student_profile__school_class__grade__level",
        "student__student_profile__school_class__number",
        "student__student_profile__student_number",
        "pk",
    )


@transaction.atomic
def mark_attendance(event: Event, *, by, attended: Iterable[int], request=None) -> int:
    """Set who came: the ticked registrations attended, the others did not. Idempotent.

    ``attended``: ids of this event's registrations (anything else is refused and nothing changes).
    Side effects, in order: checks the day and the ids, stamps the newly ticked (an already
    ticked one keeps its time), clears the unticked, audit entry. Returns how many attended.
    """
    _check_day(event)
    wanted = set(attended)
    known = set(event.family_registrations.values_list("pk", flat=True))
    if not wanted <= known:
        raise ValidationError(_("The list changed while you were marking it; reload the page and try again."))
    now = timezone.now()
    rows = event.family_registrations
    rows.filter(pk__in=wanted, attended_at__isnull=True).update(attended_at=now, marked_by=by)
    rows.exclude(pk__in=wanted).exclude(attended_at__isnull=True).update(attended_at=None, marked_by=by)
    audit.record(by, AuditAction.CHANGE, event, request=request, detail=f"attendance: {len(wanted)}")
    return len(wanted)


def walk_in_candidates(event: Event) -> QuerySet[User]:
    """Current pupils of the event's target classes (its grades, else the campaign's, else all)."""
    students = User.objects.filter(
        is_active=True, student_profile__isnull=False, student_profile__is_archived=False
    ).select_related("student_profile__school_class__grade")
    targets = target_grade_ids(event)
    if targets is not None:
        students = students.filter(student_profile__school_class__grade_id__in=targets)
    return students.order_by(
        "student_profile__school_class__grade__level",
        "student_profile__school_class__number",
        "student_profile__student_number",
        "pk",
    )


@transaction.atomic
def add_walk_in(event: Event, *, by, student_id: int, request=None) -> FamilyRegistration:
    """Record that a pupil's family came without signing up (or mark a registered one as come). Idempotent.

    Side effects, in order: checks the day and that the pupil is in a target class, creates the
    registration (a walk-in: no guardian named) or finds it, stamps it attended, audit entry.
    Places are not checked: the family is in the room already.
    """
    _check_day(event)
    if not walk_in_candidates(event).filter(pk=student_id).exists():
        raise ValidationError(_("Choose a pupil of the classes this event is for."), code="not_target")
    registration, created = FamilyRegistration.objects.get_or_create(
        event=event, student_id=student_id, defaults={"walk_in": True, "marked_by": by}
    )
    if registration.attended_at is None:
        registration.attended_at = timezone.now()
        registration.marked_by = by
        registration.save(update_fields=["attended_at", "marked_by"])
    if created:
        audit.record(by, AuditAction.CHANGE, event, request=request, detail="walk-in")
    return registration


# Materials


@transaction.atomic
def add_material(event: Event, *, by, upload: UploadedFile, title: str = "", request=None) -> EventMaterial:
    """Attach a file (PDF, Word, JPEG or PNG, checked by content) to the event.

    Side effects: file stored, row created, audit entry.
    """
    mime = files.check_upload(upload, MATERIAL_TYPES)
    material = EventMaterial(event=event, title=title.strip()[:150], uploaded_by=by)
    files.attach(material, upload, mime)
    material.save()
    audit.record(by, AuditAction.CREATE, material, request=request)
    return material


@transaction.atomic
def delete_material(material: EventMaterial, *, by, request=None) -> None:
    """Remove a material. Side effects: audit entry, row deleted, file removed after commit."""
    audit.record(by, AuditAction.DELETE, material, request=request, detail=material.original_name[:100])
    files.delete_after_commit(material)
    material.delete()


# Feedback


@transaction.atomic
def choose_feedback(event: Event, *, by, code: str, request=None) -> Event:
    """Pick the instrument attending families answer after the event ("" for none).

    Side effects, in order: refuses a change once a family has answered, copies the instrument's
    choice items (archives.contract), replaces the counting rows with one zero row per option
    (answers then only add one to existing rows), saves, audit entry.
    """
    # Lock the row: an answer being counted waits, or sees the new counting rows.
    Event.objects.select_for_update().filter(pk=event.pk).first()
    if event.feedback_markers.exists():
        raise ValidationError(_("Families have answered already; the questionnaire can no longer be changed."))
    if code:
        found = archives_contract.feedback_items(code)
        if found is None:
            raise ValidationError(_("Choose a questionnaire from the list."), code="bad_instrument")
        title, items = found
    else:
        title, items = "", []
    event.feedback_code, event.feedback_title, event.feedback_items = code, title, items
    event.save(update_fields=["feedback_code", "feedback_title", "feedback_items"])
    FeedbackCount.objects.filter(event=event).delete()
    FeedbackCount.objects.bulk_create(
        FeedbackCount(event=event, item=item["id"], value=option["value"])
        for item in items
        for option in item["options"]
    )
    audit.record(by, AuditAction.CHANGE, event, request=request, detail=f"feedback: {code or '-'}")
    return event


def attended_children(event: Event, guardian) -> QuerySet[FamilyRegistration]:
    return FamilyRegistration.objects.filter(
        event=event, attended_at__isnull=False, student__in=children_of(guardian).values("pk")
    )


def feedback_state(event: Event, guardian, now: datetime.datetime | None = None) -> str:
    """ "open", "answered", or "closed" (no form, not over yet, or the family did not come)."""
    now = now or timezone.now()
    if not event.feedback_items or event.ends_at > now or not attended_children(event, guardian).exists():
        return "closed"
    if FeedbackMarker.objects.filter(event=event, guardian=guardian).exists():
        return "answered"
    return "open"


@transaction.atomic
def answer_feedback(event_id: int, *, guardian, answers: dict[str, int]) -> None:
    """Count one guardian's answers, once, without keeping who gave them.

    ``answers``: item id → option value, one for every item. Side effects, in order: checks the
    event is over, the guardian's family attended and every answer is one of the item's options,
    records that the guardian has answered (a second answer is refused), adds one to each chosen
    option's count. No row links the guardian to an answer.
    """
    event = Event.objects.select_for_update().get(pk=event_id)
    state = feedback_state(event, guardian)
    if state == "answered":
        raise ValidationError(_("You have answered this questionnaire already. Thank you."), code="answered")
    if state != "open":
        raise ValidationError(_("This questionnaire is not open to you."), code="closed")
    chosen = []
    for item in event.feedback_items:
        value = answers.get(item["id"])
        if value not in {option["value"] for option in item["options"]}:
            raise ValidationError(_("Answer every question."), code="incomplete")
        chosen.append((item["id"], value))
    try:
        with transaction.atomic():
            FeedbackMarker.objects.create(event=event, guardian=guardian)
    except IntegrityError as error:
        raise ValidationError(_("You have answered this questionnaire already. Thank you."), code="answered") from error
    for item_id, value in chosen:
        FeedbackCount.objects.filter(event=event, item=item_id, value=value).update(count=F("count") + 1)


@dataclass
class ItemResult:
    text: str
    rows: list[tuple[str, object]]


def feedback_results(event: Event) -> tuple[object, list[ItemResult]]:
    """How many answered, and each item's counts per option, under the disclosure rule.

    Every count under 5 is hidden, and enough others that no hidden count can be worked out from
    an item's total (counseling.services.aggregates): with few respondents the office would
    otherwise read one family's answers. The office sees the same figures as anyone (no exact view).
    """
    counts = {(row.item, row.value): row.count for row in FeedbackCount.objects.filter(event=event)}
    sheet = Sheet()
    answered = sheet.count("answered", event.feedback_markers.count())
    items = []
    for item in event.feedback_items:
        keys, rows = [], []
        for option in item["options"]:
            key = f"{item['id']}:{option['value']}"
            keys.append(key)
            rows.append((localized(option["label"]), sheet.count(key, counts.get((item["id"], option["value"]), 0))))
        sheet.total("answered", keys)
        items.append(ItemResult(localized(item["text"]), rows))
    shown = sheet.protect()
    for result in items:
        result.rows = [(label, shown.get(ref.key, HIDDEN)) for label, ref in result.rows]
    return shown[answered.key], items
