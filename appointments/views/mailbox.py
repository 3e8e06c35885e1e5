"""The mailbox: students, class teachers and guardians write; the duty counselor schedules, replies or closes."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appointments.enums import MailboxStatus
from appointments.forms import CloseForm, LetterForm, ReplyForm, ScheduleFromMailboxForm
from appointments.models import MailboxItem
from appointments.services import mailbox
from appointments.services.errors import BookingError, SlotTakenError
from appointments.services.timing import UnusualTimeError
from counseling.decorators import require_any_perm, require_perm
from counseling.models import User
from counseling.services.audit import record_list

WORK = "appointments.work_mailbox"
SEND = "appointments.send_letter"


def _about_choices(user):
    """Whom a sender may write about: a class teacher their classes' students, a committee member
    classmates. A guardian writes about themselves or their family in their own words: no child is
    chosen from a list (their child's own letters and appointments stay the child's)."""
    if user.is_guardian:
        return User.objects.none()
    if user.is_student:
        profile = getattr(user, "student_profile", None)
        if profile is None or not profile.is_committee_member:
            return User.objects.none()
        return (
            User.objects.filter(student_profile__school_class=profile.school_class, student_profile__is_archived=False)
            .exclude(pk=user.pk)
            .order_by("name")
        )
    return User.objects.filter(
        student_profile__school_class__class_teacher=user,
        student_profile__school_class__is_archived=False,
        student_profile__is_archived=False,
    ).order_by("name")


@require_perm(SEND)
def letter_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    # Everyone may write about themselves; only students may write anonymously (a teacher or a
    # guardian asking for help is answered by name, and a letter about a pupil must say who wrote).
    form = LetterForm(
        request.POST or None,
        about_choices=_about_choices(user),
        can_write_for_self=True,
        can_be_anonymous=user.is_student,
        for_family=user.is_guardian,
        about_pupils=not (user.is_student or user.is_guardian),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                mailbox.send(
                    sender=user,
                    kind=data["kind"],
                    body=data["body"],
                    is_anonymous=data.get("is_anonymous", False),
                    about_student=data.get("about_student"),
                    preferred_channel=data["preferred_channel"],
                )
            except BookingError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("Your message is in the counseling office's mailbox. You will be told when it is answered."),
                )
                return redirect("appointments:my_letters")
    return render(request, "appointments/mailbox/write.html", {"form": form}, status=status)


@require_perm(SEND)
def my_letters(request: HttpRequest) -> HttpResponse:
    """What the sender wrote; the help block while a letter of theirs with risk words waits."""
    own = MailboxItem.objects.visible_to(request.user).filter(sender=request.user)
    items = own.select_related("about_student", "appointment")
    page = Paginator(items, 20).get_page(request.GET.get("page"))
    show_help = own.filter(risk_flagged=True, status=MailboxStatus.NEW).exists()
    return render(request, "appointments/mailbox/mine.html", {"page": page, "show_help": show_help})


@require_perm(WORK)
def inbox(request: HttpRequest) -> HttpResponse:
    """The office's inbox: new items first (letters with risk words on top, then oldest first,
    overdue flagged), then the handled ones."""
    items = MailboxItem.objects.visible_to(request.user).select_related(
        "sender", "about_student", "handled_by", "appointment__counselor"
    )
    show = request.GET.get("show", "new")
    if show == "new":
        items = items.filter(status=MailboxStatus.NEW).order_by("-risk_flagged", "created_at", "id")
    else:
        show = "handled"
        items = items.exclude(status=MailboxStatus.NEW).order_by("-handled_at", "-id")
    page = Paginator(items, 25).get_page(request.GET.get("page"))
    # One entry naming whom the listed letters are about or from (never an anonymous sender).
    named = [i.about_student_id for i in page] + [i.sender_id for i in page if not i.is_anonymous]
    record_list(request.user, MailboxItem, named, request=request, detail="mailbox inbox")
    context = {
        "page": page,
        "show": show,
        "overdue_before": timezone.now() - mailbox.OVERDUE_AFTER,
        "duty": mailbox.duty_counselor(timezone.localdate()),
        "counts": MailboxItem.objects.visible_to(request.user).aggregate(
            new=_count(Q(status=MailboxStatus.NEW)),
            overdue=_count(Q(status=MailboxStatus.NEW, created_at__lt=timezone.now() - mailbox.OVERDUE_AFTER)),
        ),
    }
    return render(request, "appointments/mailbox/inbox.html", context)


def _count(condition: Q) -> Count:
    return Count("id", filter=condition)


def _item_for(request: HttpRequest, pk: int) -> MailboxItem:
    return get_object_or_404(
        MailboxItem.objects.visible_to(request.user).select_related(
            "sender", "about_student", "handled_by", "appointment__counselor"
        ),
        pk=pk,
    )


@require_any_perm(WORK, SEND)
def item(request: HttpRequest, pk: int) -> HttpResponse:
    found = _item_for(request, pk)
    worker = request.user.has_perm(WORK)
    if worker:
        mailbox.read(found, by=request.user, request=request)
    context = {
        "item": found,
        "worker": worker,
        # A committee member's letter about a classmate: what the office did next is not theirs to know.
        "peer_letter": not worker
        and found.about_student_id is not None
        and not request.user.has_perm("counseling.see_referral_outcome"),
        "reply_form": ReplyForm(),
        "close_form": CloseForm(),
        "overdue": found.status == MailboxStatus.NEW and found.created_at < timezone.now() - mailbox.OVERDUE_AFTER,
    }
    return render(request, "appointments/mailbox/item.html", context)


@require_perm(WORK)
def schedule(request: HttpRequest, pk: int) -> HttpResponse:
    found = _item_for(request, pk)
    form = ScheduleFromMailboxForm(
        request.POST or None, user=request.user, initial={"channel": found.preferred_channel or None}
    )
    status = 200
    if found.status != MailboxStatus.NEW or found.client is None:
        messages.error(request, _("No appointment can be booked from this item."))
        return redirect("appointments:mailbox_item", pk=found.pk)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                appointment = mailbox.schedule(
                    found,
                    by=request.user,
                    counselor=form.chosen_counselor(),
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    channel=data["channel"],
                    room=data["room"],
                    confirmed_unusual=data["confirm_unusual"],
                    request=request,
                )
            except UnusualTimeError as exc:
                form.ask_to_confirm(exc.message)
            except BookingError as exc:
                form.add_error(None, exc.message)
                status = 409 if isinstance(exc, SlotTakenError) else 400
            else:
                if found.is_about_self:
                    messages.success(request, _("The appointment is booked and the sender is told."))
                else:
                    messages.success(request, _("The appointment is booked and the student is told."))
                return redirect("appointments:detail", pk=appointment.pk)
    return render(request, "appointments/mailbox/schedule.html", {"item": found, "form": form}, status=status)


@require_perm(WORK)
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    found = _item_for(request, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a reply of at most 5000 characters."))
        return redirect("appointments:mailbox_item", pk=found.pk)
    try:
        mailbox.reply(found, by=request.user, text=form.cleaned_data["text"], request=request)
    except BookingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your reply is sent."))
    return redirect("appointments:mailbox_item", pk=found.pk)


@require_perm(WORK)
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    found = _item_for(request, pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a reason."))
        return redirect("appointments:mailbox_item", pk=found.pk)
    try:
        mailbox.close(found, by=request.user, reason=form.cleaned_data["reason"], request=request)
    except BookingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The item is closed."))
    return redirect("appointments:mailbox")
